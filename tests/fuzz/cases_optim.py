# ruff: noqa: ISC004  (cases are multi-line snippets joined by implicit concatenation)
"""Optimizer and scheduler mistakes: bad hyper-parameters, wrong params, zero_grad."""

CASES = []
P = "w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))\n"

for opt in ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]:
    for kw in ["lr=-1.0", "lr=0.1, weight_decay=-1", "lr=0.1, eps=-1e-8",
               "lr=0.1, momentum=-0.5", "lr=0.1, betas=(1.0, 0.999)",
               "lr=0.1, betas=(0.9, -0.1)", "lr='0.1'", "lr=0.1, foo=1",
               "lr=0.1, alpha=-1", "lr=0.1, nesterov=True", "lr=torch.tensor(0.1)",
               "lr=0.1, amsgrad=True", "lr=0.1, lr_decay=-1", "lr=0.1, maximize=True"]:
        CASES.append((f"optim: {opt}({kw})", P + f"opt = optim.{opt}([w], {kw})\n"
                      "(w ** 2).sum().backward()\nopt.step()\nout = w"))
    for code in [
        f"opt = optim.{opt}(w, lr=0.1)",
        f"opt = optim.{opt}([], lr=0.1)",
        f"opt = optim.{opt}([w, w], lr=0.1)",
        f"opt = optim.{opt}([w * 2], lr=0.1)",
        f"opt = optim.{opt}([torch.ones(2)], lr=0.1)\nopt.step()\nout = 1",
        f"opt = optim.{opt}([{{'params': [w]}}, {{'params': [w]}}], lr=0.1)",
        f"opt = optim.{opt}([{{'params': [w], 'lr': 0.5}}], lr=0.1)\n"
        "(w ** 2).sum().backward()\nopt.step()\nout = w",
        f"opt = optim.{opt}([w], lr=0.1)\nopt.step()\nout = w",
        f"opt = optim.{opt}([w], lr=0.1)\nfor _ in range(3):\n    (w ** 2).sum().backward()\n"
        "    opt.step()\nout = (w, w.grad)",
        f"opt = optim.{opt}([w], lr=0.1)\nfor _ in range(3):\n    opt.zero_grad()\n"
        "    (w ** 2).sum().backward()\n    opt.step()\nout = (w, w.grad)",
        f"opt = optim.{opt}([w], lr=0.1)\n(w ** 2).sum().backward()\nopt.step()\n"
        "opt.zero_grad()\nout = w.grad",
        f"opt = optim.{opt}([w], lr=0.1)\n(w ** 2).sum().backward()\nopt.step()\n"
        "out = sorted(opt.state_dict()['state'][0].keys())",
        f"opt = optim.{opt}([w], lr=0.1)\nout = opt.param_groups[0]['lr']",
        f"opt = optim.{opt}([w], lr=0.1)\nopt.load_state_dict({{'state': {{}}}})",
        f"opt = optim.{opt}([w], lr=0.1)\nopt.add_param_group({{'params': w}})\n"
        "out = len(opt.param_groups)",
        f"opt = optim.{opt}([w], lr=0.1)\nopt.add_param_group({{'params': [w]}})",
    ]:
        CASES.append((f"optim: {opt} {code.splitlines()[0]} {len(CASES)}", P + code))

S = P + "opt = optim.SGD([w], lr=1.0)\n"
for code in [
    "s = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)\nfor _ in range(5):\n"
    "    opt.step()\n    s.step()\nout = (opt.param_groups[0]['lr'], s.get_last_lr())",
    "s = optim.lr_scheduler.StepLR(opt, step_size=0)",
    "s = optim.lr_scheduler.StepLR(opt)",
    "s = optim.lr_scheduler.StepLR(w, step_size=2)",
    "s = optim.lr_scheduler.MultiStepLR(opt, milestones=[3, 1])",
    "s = optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 3])\nfor _ in range(4):\n"
    "    opt.step()\n    s.step()\nout = s.get_last_lr()",
    "s = optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)\nfor _ in range(3):\n"
    "    opt.step()\n    s.step()\nout = s.get_last_lr()",
    "s = optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)\nfor _ in range(6):\n"
    "    opt.step()\n    s.step()\nout = s.get_last_lr()",
    "s = optim.lr_scheduler.LambdaLR(opt, lambda e: 0.5 ** e)\nfor _ in range(3):\n"
    "    opt.step()\n    s.step()\nout = s.get_last_lr()",
    "s = optim.lr_scheduler.ReduceLROnPlateau(opt, patience=0)\nfor v in [1.0, 2.0, 3.0]:\n"
    "    s.step(v)\nout = opt.param_groups[0]['lr']",
    "s = optim.lr_scheduler.ReduceLROnPlateau(opt, mode='bad')",
    "s = optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1.5)",
    "s = optim.lr_scheduler.StepLR(opt, step_size=2)\nout = s.state_dict()['step_size']",
    "s = optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=3)\nfor _ in range(3):\n"
    "    opt.step()\n    s.step()\nout = s.get_last_lr()",
    "s = optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=2)\nfor _ in range(3):\n"
    "    opt.step()\n    s.step()",
    "optim.SGD([w])",
    "optim.SGD([w], 0.1, 0.9)\nout = 1",
    "optim.SGD([w], lr=0.1, momentum=0.9, dampening=0.5, nesterov=True)",
    "optim.SGD(torch.nn.Linear(2, 2), lr=0.1)",
    "optim.SGD(torch.nn.Linear(2, 2).parameters(), lr=0.1).param_groups[0]['params'][0].shape",
    "p = torch.nn.Linear(2, 2).parameters()\nopt = optim.SGD(p, lr=0.1)\n"
    "opt2 = optim.SGD(p, lr=0.1)",
    "opt.zero_grad()\nout = w.grad",
    "(w ** 2).sum().backward()\nopt.zero_grad(set_to_none=False)\nout = w.grad",
    "(w ** 2).sum().backward()\nopt.zero_grad()\nout = w.grad",
    "opt.param_groups[0]['lr'] = 0.5\n(w ** 2).sum().backward()\nopt.step()\nout = w",
    "out = repr(opt)",
    "opt.step(lambda: (w ** 2).sum())\nout = w",
]:
    CASES.append((f"sched: {code.splitlines()[0]} {len(CASES)}", S + code))
