# ruff: noqa: ISC004  (cases are multi-line snippets joined by implicit concatenation)
"""save/load and state_dict mistakes."""

CASES = []
M = "m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))\n"

for code in [
    "torch.save(torch.arange(3), 't.pt')\ntorch.load('t.pt')",
    "torch.save(m.state_dict(), 'm.pt')\nsd = torch.load('m.pt')\nlist(sd.keys())",
    "torch.save(m.state_dict(), 'm.pt')\nm.load_state_dict(torch.load('m.pt'))",
    "torch.save(m, 'm.pt')\ntorch.load('m.pt')",
    "torch.save(m, 'm.pt')\ntype(torch.load('m.pt', weights_only=False)).__name__",
    "torch.load('missing.pt')", "torch.load(123)",
    "open('x.txt', 'w').write('hello')\ntorch.load('x.txt')",
    "import os\nos.mkdir('d')\ntorch.save(torch.ones(1), 'd')",
    "torch.save(torch.ones(1), 'nodir/x.pt')",
    "torch.save({'a': 1, 'b': [1, 2], 'c': 'x'}, 'o.pt')\ntorch.load('o.pt')",
    "torch.save({'epoch': 3, 'model': m.state_dict()}, 'c.pt')\ntorch.load('c.pt')['epoch']",
    "torch.save(object(), 'o.pt')\ntorch.load('o.pt')",
    "torch.save(lambda: 1, 'o.pt')",
    "x = torch.arange(6.0)\ntorch.save([x, x[2:]], 'v.pt')\na, b = torch.load('v.pt')\n"
    "b[0] = 100\nout = a",
    "torch.save(torch.ones(2, requires_grad=True), 'g.pt')\ntorch.load('g.pt').requires_grad",
    "torch.save(torch.ones(2, 3).t(), 't.pt')\ntorch.load('t.pt').stride()",
    "torch.save(torch.ones(2), 't.pt')\ntorch.load('t.pt', map_location='cpu')",
    "torch.save(torch.ones(2), 't.pt')\ntorch.load('t.pt', map_location=torch.device('cpu'))",
    "torch.save(torch.ones(2), 't.pt')\ntorch.load('t.pt', map_location='cuda:0')",
    "torch.save(torch.ones(2), 't.pt')\ntorch.load('t.pt', map_location=lambda s, l: s)",
    "torch.save(torch.ones(2), 't.pt')\ntorch.load('t.pt', foo=1)",
    "import io\nb = io.BytesIO()\ntorch.save(torch.ones(2), b)\nb.seek(0)\ntorch.load(b)",
    "sd = m.state_dict()\ndel sd['0.weight']\nm.load_state_dict(sd)",
    "sd = m.state_dict()\nsd['extra'] = torch.ones(1)\nm.load_state_dict(sd)",
    "sd = m.state_dict()\nsd['0.weight'] = torch.ones(4, 2)\nm.load_state_dict(sd)",
    "sd = m.state_dict()\ndel sd['0.weight']\nr = m.load_state_dict(sd, strict=False)\n"
    "out = (r.missing_keys, r.unexpected_keys)",
    "sd = m.state_dict()\nsd['extra'] = torch.ones(1)\nr = m.load_state_dict(sd, strict=False)\n"
    "out = (r.missing_keys, r.unexpected_keys)",
    "sd = m.state_dict()\nsd['0.weight'] = torch.ones(4, 2)\nm.load_state_dict(sd, strict=False)",
    "m.load_state_dict(nn.Linear(2, 3).state_dict())",
    "m.load_state_dict([1, 2])", "m.load_state_dict(m)",
    "sd = m.state_dict()\nsd['0.weight'] = [[1.0, 2.0]] * 3\nm.load_state_dict(sd)",
    "sd = m.state_dict()\nsd['0.weight'] = torch.ones(3, 2).double()\nm.load_state_dict(sd)\n"
    "m[0].weight.dtype",
    "sd = m.state_dict()\nsd['0.weight'] = torch.ones(3, 2, dtype=torch.int64)\n"
    "m.load_state_dict(sd)\nm[0].weight",
    "r = m.load_state_dict(m.state_dict())\nout = (r.missing_keys, r.unexpected_keys, str(r))",
    "sd = m.state_dict()\nsd['0.weight'][0, 0] = 42.0\nm[0].weight[0, 0]",
    "sd = m.state_dict()\nsd['0.weight'].requires_grad",
    "sd = m.state_dict(keep_vars=True)\nsd['0.weight'].requires_grad",
    "list(nn.BatchNorm1d(2).state_dict().keys())",
    "bn = nn.BatchNorm1d(2)\nsd = bn.state_dict()\ndel sd['num_batches_tracked']\nbn.load_state_dict(sd)",
    "type(m.state_dict()).__name__",
    "opt = optim.SGD(m.parameters(), lr=0.1, momentum=0.9)\n"
    "m(torch.ones(1, 2)).sum().backward()\nopt.step()\ntorch.save(opt.state_dict(), 'o.pt')\n"
    "opt2 = optim.SGD(m.parameters(), lr=0.5)\nopt2.load_state_dict(torch.load('o.pt'))\n"
    "out = opt2.param_groups[0]['lr']",
    "opt = optim.SGD(m.parameters(), lr=0.1)\nopt2 = optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1)\n"
    "opt2.load_state_dict(opt.state_dict())",
    "torch.save(torch.tensor([1, 2], dtype=torch.uint8), 'u.pt')\ntorch.load('u.pt')",
    "torch.save(torch.tensor(True), 'b.pt')\ntorch.load('b.pt')",
    "torch.save(torch.tensor([1.5], dtype=torch.float16), 'h.pt')\ntorch.load('h.pt')",
    "torch.save(torch.Size([2, 3]), 's.pt')\ntorch.load('s.pt')",
    "torch.save(torch.float32, 'd.pt')\ntorch.load('d.pt')",
    "torch.save(nn.Parameter(torch.ones(2)), 'p.pt')\ntype(torch.load('p.pt')).__name__",
    "torch.save(torch.ones(0), 'e.pt')\ntorch.load('e.pt')",
    "torch.save(torch.ones(2), 'e.pt', pickle_protocol=2)\ntorch.load('e.pt')",
    "torch.save(torch.ones(2), 'e.pt', _use_new_zipfile_serialization=False)\ntorch.load('e.pt')",
    "torch.save(torch.ones(2))", "torch.load()",
    "torch.save(torch.ones(2), 'w.pt')\ntorch.load('w.pt', weights_only=True)",
    "torch.save({'t': torch.ones(2), 'n': None, 'f': 1.5, 'tup': (1, 2)}, 'w.pt')\n"
    "torch.load('w.pt')",
    "from collections import OrderedDict\ntorch.save(OrderedDict(a=torch.ones(1)), 'w.pt')\n"
    "type(torch.load('w.pt')).__name__",
    "torch.save(np.ones(2), 'n.pt')\ntorch.load('n.pt')",
    "torch.save(np.ones(2), 'n.pt')\ntorch.load('n.pt', weights_only=False)",
    "torch.save(torch.ones(2), 'x.pt')\nimport os\nos.path.getsize('x.pt') > 0",
]:
    CASES.append((f"save: {code.splitlines()[-1]} #{len(CASES)}", M + code))
