# ruff: noqa: ISC004  (cases are multi-line snippets joined by implicit concatenation)
"""Autograd mistakes: backward twice, in-place on leaves, grads of the wrong shape..."""

CASES = []
X = "x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\n"

for code in [
    "y = (x * 2).sum()\ny.backward()\ny.backward()",
    "y = (x * x).sum()\ny.backward()\ny.backward()",
    "y = (x * x).sum()\ny.backward(retain_graph=True)\ny.backward()\nout = x.grad",
    "y = (x * 2).sum()\ny.backward()\ny = (x * 2).sum()\ny.backward()\nout = x.grad",
    "y = x * 2\ny.backward()",
    "y = x * 2\ny.backward(torch.ones(2))",
    "y = x * 2\ny.backward(torch.ones(3))\nout = x.grad",
    "y = x * 2\ny.backward(torch.ones(3, dtype=torch.int64))\nout = x.grad",
    "y = x.sum()\ny.backward(torch.tensor(2.0))\nout = x.grad",
    "y = x.sum()\ny.backward(2.0)",
    "x.add_(1)",
    "x.zero_()",
    "x[0] = 5",
    "x.data[0] = 5\nout = x",
    "with torch.no_grad():\n    x.add_(1)\nout = x",
    "with torch.no_grad():\n    x -= 0.1 * torch.ones(3)\nout = (x, x.requires_grad)",
    "x = x - 1\nx.sum().backward()\nout = x.grad",
    "x.grad = torch.ones(4)",
    "x.grad = torch.ones(3, dtype=torch.float64)",
    "x.grad = torch.ones(3, dtype=torch.int64)",
    "x.grad = [1.0, 2.0, 3.0]",
    "x.grad = torch.ones(1, 3)",
    "x.grad = torch.ones(3)\nout = x.grad",
    "x.grad = None\nout = x.grad",
    "x.grad.zero_()",
    "out = x.grad",
    "(x * 2).sum().backward()\nx.grad.zero_()\nout = x.grad",
    "y = x * 2\ny.sum().backward()\nout = y.grad",
    "y = x * 2\ny.retain_grad()\ny.sum().backward()\nout = y.grad",
    "y = x.detach()\ny.sum().backward()",
    "y = x.detach()\ny[0] = 9\nout = x",
    "y = x.detach()\nout = (y.requires_grad, y.grad_fn)",
    "y = x * 2\ny.requires_grad_(False)",
    "y = x * 2\ny.requires_grad = False",
    "torch.tensor([1, 2], requires_grad=True)",
    "torch.tensor([1, 2]).requires_grad_()",
    "torch.tensor([1.0, 2.0]).requires_grad_().sum().backward()",
    "torch.ones(2).sum().backward()",
    "with torch.no_grad():\n    y = (x * 2).sum()\ny.backward()",
    "y = x.exp()\nx.data.add_(1)\ny.sum().backward()\nout = x.grad",
    "y = x.exp()\nwith torch.no_grad():\n    x.add_(1)\ny.sum().backward()",
    "y = x * 1\nz = y.exp()\ny.add_(1)\nz.sum().backward()",
    "y = x * 1\nz = y * 2\ny.add_(1)\nz.sum().backward()\nout = x.grad",
    "y = x.sigmoid()\ny.mul_(2)\ny.sum().backward()",
    "y = x.relu()\ny.add_(1)\ny.sum().backward()\nout = x.grad",
    "y = x[:2]\ny.mul_(2)",
    "x.numpy()",
    "x.detach().numpy().tolist()",
    "x.item()",
    "x[0].item()",
    "torch.autograd.grad((x * 2).sum(), x)",
    "torch.autograd.grad((x * 2).sum(), [x, torch.ones(2, requires_grad=True)])",
    "torch.autograd.grad((x * 2).sum(), [x, torch.ones(2, requires_grad=True)], allow_unused=True)",
    "torch.autograd.grad(x * 2, x)",
    "torch.autograd.grad((x ** 3).sum(), x, create_graph=True)[0].sum()",
    "g, = torch.autograd.grad((x ** 3).sum(), x, create_graph=True)\ng.sum().backward()\nout = x.grad",
    "g, = torch.autograd.grad((x ** 3).sum(), x)\ng.sum().backward()",
    "torch.autograd.grad((x * 2).sum(), torch.ones(3))",
    "torch.autograd.grad(torch.ones(2).sum(), x)",
    "y = (x * 2).sum()\ntorch.autograd.grad(y, x)\ntorch.autograd.grad(y, x)",
    "y = x.sum()\ny.backward()\nout = y.grad_fn.next_functions[0][0].variable is x",
    "type(x.sum().grad_fn).__name__",
    "(x * 2).grad_fn.name()",
    "x.grad_fn",
    "x.is_leaf",
    "(x * 2).is_leaf",
    "x.detach().is_leaf",
    "torch.ones(2).is_leaf",
    "x.sum().backward(create_graph=True)\nout = x.grad.requires_grad",
    "y = x.clone()\ny.sum().backward()\nout = x.grad",
    "x.register_hook(lambda g: g * 2)\nx.sum().backward()\nout = x.grad",
    "x.register_hook(lambda g: g[:2])\nx.sum().backward()",
    "x.register_hook(lambda g: 'bad')\nx.sum().backward()",
    "torch.ones(2).register_hook(lambda g: g)",
    "y = torch.ones(3, requires_grad=True).view(3, 1)\nout = y.is_leaf",
    "w = torch.ones(2, 2, requires_grad=True)\n(w @ w).sum().backward()\nout = w.grad",
    "a = torch.ones(2, requires_grad=True)\nb = a.int()\nout = b.requires_grad",
    "a = torch.ones(2, requires_grad=True)\nb = a.argmax()\nout = b.requires_grad",
    "a = torch.ones(2, requires_grad=True)\na.int().sum().backward()",
    "a = torch.tensor([0.0], requires_grad=True)\na.sqrt().sum().backward()\nout = a.grad",
    "a = torch.tensor([0.0], requires_grad=True)\na.abs().sum().backward()\nout = a.grad",
    "a = torch.tensor([0.0], requires_grad=True)\na.relu().sum().backward()\nout = a.grad",
    "a = torch.tensor([1.0, 1.0], requires_grad=True)\na.max().backward()\nout = a.grad",
    "a = torch.tensor([1.0, 1.0], requires_grad=True)\na.norm().backward()\nout = a.grad",
    "a = torch.tensor([0.0, 0.0], requires_grad=True)\na.norm().backward()\nout = a.grad",
    "a = torch.tensor([2.0, 2.0], requires_grad=True)\ntorch.median(a).backward()\nout = a.grad",
    "a = torch.tensor([1.0, 2.0], requires_grad=True)\na.clamp(1.0, 2.0).sum().backward()\nout = a.grad",
    "a = torch.tensor([-1.0], requires_grad=True)\na.log().sum().backward()\nout = a.grad",
    "a = torch.tensor([0.0], requires_grad=True)\n(a ** 0.5).sum().backward()\nout = a.grad",
    "a = torch.tensor([0.0], requires_grad=True)\n(a ** 2).sum().backward()\nout = a.grad",
    "a = torch.tensor([0.0], requires_grad=True)\n(0.0 ** a).sum().backward()\nout = a.grad",
    "torch.set_grad_enabled(False)\ny = x * 2\ntorch.set_grad_enabled(True)\nout = y.requires_grad",
    "with torch.enable_grad():\n    y = x * 2\nout = y.requires_grad",
    "@torch.no_grad()\ndef f(t):\n    return t * 2\nout = f(x).requires_grad",
    "with torch.inference_mode():\n    y = x * 2\nout = y.requires_grad",
    "class Sq(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, t):\n"
    "        ctx.save_for_backward(t)\n        return t * t\n    @staticmethod\n"
    "    def backward(ctx, g):\n        t, = ctx.saved_tensors\n        return 2 * t * g\n"
    "Sq.apply(x).sum().backward()\nout = x.grad",
    "class Bad(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, t):\n"
    "        return t * 2\n    @staticmethod\n    def backward(ctx, g):\n        return g, g\n"
    "Bad.apply(x).sum().backward()",
    "class Bad(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, t):\n"
    "        return t * 2\n    @staticmethod\n    def backward(ctx, g):\n        return g[:1]\n"
    "Bad.apply(x).sum().backward()",
    "class F2(torch.autograd.Function):\n    def forward(self, t):\n        return t\n"
    "F2()(x)",
    "torch.autograd.Function.apply(x)",
]:
    CASES.append((f"autograd: {code.splitlines()[0]}...{len(CASES)}", X + code))

# the gradient of each op at a few points, on both libraries
for op in ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "abs",
           "square", "reciprocal", "rsqrt", "log1p", "expm1", "atan", "sinh", "erf",
           "floor", "round", "sign", "neg", "softmax", "log_softmax", "cumsum", "cumprod",
           "prod", "mean", "std", "var", "max", "min", "norm", "logsumexp", "t", "flip"]:
    args = {"softmax": "0", "log_softmax": "0", "cumsum": "0", "cumprod": "0",
            "logsumexp": "0", "flip": "(0,)"}.get(op, "")
    CASES.append((f"grad: {op}", "x = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)\n"
                  f"y = torch.{op}(x{', ' + args if args else ''})\n"
                  "(y * torch.tensor([1.0, 2.0, 3.0]) if y.dim() else y).sum().backward()"
                  "\nout = x.grad"))

# a second backward: PyTorch frees what each node saved (a Python number too, for
# mul and div), so only ops that saved something raise
for expr in ["x * 2", "2 * x", "x / 2", "x.mul(2)", "x + 2", "x - 2", "2 - x", "x ** 2",
             "x.masked_fill(x > 1, 0)", "x.div(2, rounding_mode='floor')",
             "x.remainder(2)", "x.fmod(2)", "x.clamp(0, 1)", "x.exp()", "x.reshape(3, 1)"]:
    CASES.append((f"backward twice: {expr}", X + f"y = ({expr}).sum()\ny.backward()\n"
                  "y.backward()\nout = x.grad"))
# what backward and autograd.grad take as the starting gradient
for g in ["2", "2.0", "[2.0]", "'a'", "(torch.tensor(1.0),)", "[None]", "np.float32(2)"]:
    CASES.append((f"backward gradient: {g}", X + f"import numpy as np\ny = x.sum()\n"
                  f"y.backward({g})\nout = x.grad"))
    CASES.append((f"grad gradient: {g}", X + f"import numpy as np\ny = x.sum()\n"
                  f"out = torch.autograd.grad(y, x, {g})"))
# what a tensor hook may return: a tensor of the gradient's shape, or None
for ret in ["g[:2]", "None", "g.double()", "g.sum()", "[1.0, 2.0, 3.0]", "g * 2"]:
    CASES.append((f"hook returns: {ret}", X + f"y = x * 2\ny.register_hook(lambda g: {ret})\n"
                  "y.sum().backward()\nout = x.grad"))
