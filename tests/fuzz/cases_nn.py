# ruff: noqa: ISC004  (cases are multi-line snippets joined by implicit concatenation)
"""nn mistakes: bad layer arguments, wrong input shapes and dtypes, module misuse."""

CASES = []


def add(name, code):
    CASES.append((f"{name} #{len(CASES)}", code))


LAYERS = [
    ("Conv1d", "nn.Conv1d(1, 2, {k}, stride={s}, padding={p}, dilation={d})",
     "torch.ones(1, 1, 6)"),
    ("Conv2d", "nn.Conv2d(1, 2, {k}, stride={s}, padding={p}, dilation={d})",
     "torch.ones(1, 1, 6, 6)"),
    ("ConvTranspose2d", "nn.ConvTranspose2d(1, 2, {k}, stride={s}, padding={p}, "
     "dilation={d})", "torch.ones(1, 1, 4, 4)"),
    ("MaxPool1d", "nn.MaxPool1d({k}, stride={s}, padding={p}, dilation={d})",
     "torch.ones(1, 1, 6)"),
    ("MaxPool2d", "nn.MaxPool2d({k}, stride={s}, padding={p}, dilation={d})",
     "torch.ones(1, 1, 6, 6)"),
    ("AvgPool1d", "nn.AvgPool1d({k}, stride={s}, padding={p})", "torch.ones(1, 1, 6)"),
    ("AvgPool2d", "nn.AvgPool2d({k}, stride={s}, padding={p})", "torch.ones(1, 1, 6, 6)"),
]
SETTINGS = [("ok", 3, 1, 0, 1), ("stride=0", 3, 0, 0, 1), ("stride=-1", 3, -1, 0, 1),
            ("padding=-1", 3, 1, -1, 1), ("kernel=0", 0, 1, 0, 1),
            ("kernel=-2", -2, 1, 0, 1), ("dilation=0", 3, 1, 0, 0),
            ("padding>k/2", 3, 1, 2, 1), ("kernel>input", 9, 1, 0, 1),
            ("kernel=2.5", 2.5, 1, 0, 1), ("stride=2", 3, 2, 1, 1)]
for name, make, x in LAYERS:
    for sname, k, s, p, d in SETTINGS:
        layer = make.format(k=k, s=s, p=p, d=d)
        add(f"layer: {name} {sname}", f"m = {layer}\nx = {x}\nm(x).shape")
    add(f"layer: {name} int input", f"m = {make.format(k=3, s=1, p=0, d=1)}\n"
        f"x = {x}.long()\nm(x)")
    add(f"layer: {name} double input", f"m = {make.format(k=3, s=1, p=0, d=1)}\n"
        f"x = {x}.double()\nm(x).dtype")
    add(f"layer: {name} too few dims", f"m = {make.format(k=3, s=1, p=0, d=1)}\n"
        f"x = {x}[0, 0]\nm(x)")
    add(f"layer: {name} unbatched", f"m = {make.format(k=3, s=1, p=0, d=1)}\n"
        f"x = {x}[0]\nm(x).shape")
    add(f"layer: {name} 2 channels", f"m = {make.format(k=3, s=1, p=0, d=1)}\n"
        f"x = torch.cat([{x}, {x}], 1)\nm(x).shape")
    add(f"layer: {name} empty batch", f"m = {make.format(k=3, s=1, p=0, d=1)}\n"
        f"x = {x}[:0]\nm(x).shape")

for code in [
    "nn.Conv2d(1, 2, 3, groups=2)", "nn.Conv2d(2, 3, 3, groups=2)",
    "nn.Conv2d(0, 2, 3)", "nn.Conv2d(1, 2, 3, padding='same', stride=2)",
    "nn.Conv2d(1, 2, 3, padding='valid')(torch.ones(1, 1, 5, 5)).shape",
    "nn.Conv2d(1, 2, 3, padding='same')(torch.ones(1, 1, 5, 5)).shape",
    # (padding='bogus' and padding_mode='bogus' are left out: PyTorch prints a Python
    # set of strings there, whose order changes from one process to the next)
    "nn.Conv2d(1, 2, (3, 3, 3))", "nn.Conv2d(1, 2, 3, bias=0)",
    "F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), torch.ones(3))",
    "F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), torch.ones(2, 1))",
    "F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3))",
    "F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 2, 3, 3))",
    "F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), stride=0)",
    "F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), padding=-1)",
    "F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3).double())",
    "F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), stride=(1, 1, 1))",
    "F.conv1d(torch.ones(1, 1, 5), torch.ones(2, 1, 3), torch.ones(3))",
    "F.max_pool2d(torch.ones(1, 1, 4, 4), 2, stride=0)",
    "F.max_pool2d(torch.ones(1, 1, 4, 4), 0)",
    "F.max_pool2d(torch.ones(1, 1, 4, 4), 2, padding=2)",
    "F.max_pool2d(torch.ones(1, 1, 4, 4).long(), 2)",
    "F.avg_pool2d(torch.ones(1, 1, 4, 4).long(), 2)",
    "F.avg_pool2d(torch.ones(1, 1, 4, 4), 2, divisor_override=0)",
    "F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), 0)",
    "F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), -1)",
    "F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), (2, 2, 2))",
    "F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4).long(), 1)",
    "F.adaptive_max_pool2d(torch.ones(1, 1, 4, 4), 0)",
    "F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), 6).shape",
    "nn.AdaptiveAvgPool2d((None, 2))(torch.ones(1, 1, 4, 4)).shape",
    "nn.Linear(2, 3)(torch.ones(4, 3))", "nn.Linear(2, 3)(torch.ones(2)).shape",
    "nn.Linear(2, 3)(torch.ones(2, dtype=torch.int64))",
    "nn.Linear(2, 3)(torch.ones(2).double())", "nn.Linear(2, 3)(torch.ones(0, 2)).shape",
    "nn.Linear(2, 3)(torch.tensor(1.0))", "nn.Linear(2, 3)([1.0, 2.0])",
    "nn.Linear(-1, 3)", "nn.Linear(2.5, 3)", "nn.Linear(0, 3)(torch.ones(1, 0))",
    "nn.Linear(2, 3, bias=False).bias", "nn.Linear(2, 2).to(torch.int64)",
    "nn.Linear(2, 2).to(torch.float64).weight.dtype", "nn.Linear(2, 2).double().weight.dtype",
    "nn.Linear(2, 2).half().weight.dtype", "nn.Linear(2, 2).to('cuda')",
    "nn.Linear(2, 2).cuda()", "nn.Linear(2, 2).to(torch.bool)",
    "nn.Linear(2, 2).type(torch.int64)", "nn.Linear(2, 2).to(dtype=torch.int32)",
    "nn.Linear(2, 2).float().bias.dtype", "nn.Linear(2, 3).weight.shape",
    "F.linear(torch.ones(2), torch.ones(3, 2), torch.ones(2))",
    "F.linear(torch.ones(2), torch.ones(3, 3))",
    "nn.Bilinear(2, 3, 4)(torch.ones(1, 2), torch.ones(1, 2))",
    "nn.BatchNorm2d(3)(torch.ones(2, 4, 2, 2))", "nn.BatchNorm2d(3)(torch.ones(2, 3, 2))",
    "nn.BatchNorm1d(3)(torch.ones(2, 4))", "nn.BatchNorm1d(3)(torch.ones(1, 3))",
    "nn.BatchNorm1d(3)(torch.ones(2, 3, 4, 5))", "nn.BatchNorm1d(3).eval()(torch.ones(1, 3))",
    "nn.BatchNorm1d(3)(torch.ones(2, 3).long())", "nn.BatchNorm2d(3)(torch.ones(1, 3, 1, 1))",
    "nn.BatchNorm1d(3)(torch.tensor([[1.0, 2, 3], [3, 2, 1]]))",
    "nn.BatchNorm2d(0)", "nn.BatchNorm2d(3, momentum=None).momentum",
    "bn = nn.BatchNorm1d(2)\nbn(torch.tensor([[1.0, 2], [3, 5]]))\nbn.running_var",
    "nn.LayerNorm(3)(torch.ones(2, 4))", "nn.LayerNorm((2, 3))(torch.ones(3, 2))",
    "nn.LayerNorm(3)(torch.ones(2, 3).long())", "nn.LayerNorm(0)",
    "nn.GroupNorm(3, 4)", "nn.GroupNorm(2, 4)(torch.ones(2, 3, 2))",
    "nn.InstanceNorm2d(3)(torch.ones(1, 3, 2, 2)).shape",
    "nn.Embedding(10, 3)(torch.tensor([-1]))", "nn.Embedding(10, 3)(torch.tensor([10]))",
    "nn.Embedding(10, 3)(torch.tensor([9])).shape",
    "nn.Embedding(10, 3)(torch.tensor([1.0]))", "nn.Embedding(10, 3)(torch.tensor(2)).shape",
    "nn.Embedding(10, 3)(torch.tensor([1], dtype=torch.int32)).shape",
    "nn.Embedding(10, 3)([1, 2])", "nn.Embedding(10, 3)(torch.tensor([], dtype=torch.int64)).shape",
    "nn.Embedding(10, 3, padding_idx=10)", "nn.Embedding(10, 3, padding_idx=-1).padding_idx",
    "nn.Embedding(10, 3, padding_idx=-11)", "nn.Embedding(-1, 3)",
    "nn.Embedding(10, 3, max_norm=1.0)(torch.tensor([1])).norm() <= 1.0 + 1e-6",
    "F.embedding(torch.tensor([3]), torch.ones(3, 2))",
    "F.embedding(torch.tensor([-1]), torch.ones(3, 2))",
    "nn.Dropout(p=1.5)", "nn.Dropout(p=-0.1)", "nn.Dropout(p=1.0)(torch.ones(3))",
    "nn.Dropout(p=0.0)(torch.ones(3))", "F.dropout(torch.ones(3), p=2.0)",
    "nn.Dropout(p=0.5).eval()(torch.ones(3))", "nn.Dropout2d(0.5).eval()(torch.ones(1, 2, 2, 2))",
    "nn.Dropout('0.5')", "F.dropout(torch.ones(3), 0.5, training=False)",
    "nn.ReLU()(torch.tensor([-1, 2]))", "nn.ReLU(inplace=True)(torch.tensor([-1.0, 2.0]))",
    "nn.Sigmoid()(torch.tensor([1, 2]))", "nn.Tanh()(torch.tensor([1, 2]))",
    "nn.Softmax()(torch.ones(2, 3))", "nn.Softmax(dim=2)(torch.ones(2, 3))",
    "F.softmax(torch.ones(2, 3))", "F.log_softmax(torch.ones(2, 3))",
    "F.softmax(torch.ones(2, 3), dim=1, dtype=torch.float64).dtype",
    "F.softmax(torch.tensor([1, 2]), dim=0)", "torch.softmax(torch.ones(3))",
    "nn.LeakyReLU(-0.1)(torch.tensor([-1.0]))", "nn.ELU(alpha=-1)(torch.tensor([-1.0]))",
    "F.relu(torch.tensor([True]))", "F.gelu(torch.tensor([1]))", "F.silu(torch.tensor([1.0]))",
    "F.pad(torch.ones(1, 2), (1, 1))", "F.pad(torch.ones(1, 2), (1,))",
    "F.pad(torch.ones(1, 2), (1, 1, 1, 1, 1, 1))", "F.pad(torch.ones(1, 2), (-1, 0))",
    "F.pad(torch.ones(1, 1, 2), (3, 0), mode='reflect')",
    "F.pad(torch.ones(1, 1, 3), (1, 1), mode='replicate')",
    "F.pad(torch.ones(1, 1, 3), (1, 1), mode='bogus')",
    "F.interpolate(torch.ones(1, 1, 2, 2), scale_factor=2).shape",
    "F.interpolate(torch.ones(1, 1, 2, 2), size=3, mode='bilinear', align_corners=False).shape",
    "F.interpolate(torch.ones(1, 1, 2, 2))", "F.interpolate(torch.ones(1, 1, 2, 2), size=0)",
    "F.interpolate(torch.ones(1, 1, 2, 2), scale_factor=2, mode='cubic')",
    "nn.Flatten()(torch.ones(2, 3, 4)).shape", "nn.Flatten(2, 1)(torch.ones(2, 3, 4))",
    "nn.Flatten()(torch.tensor(1.0))", "nn.Unflatten(1, (2, 2))(torch.ones(2, 3))",
    "nn.Sequential(nn.Linear(2, 3), nn.Linear(2, 1))(torch.ones(1, 2))",
    "nn.Sequential(nn.Linear(2, 3))[1]", "nn.Sequential(nn.Linear(2, 3))[-2]",
    "nn.Sequential(nn.Linear(2, 3), nn.ReLU())[0:1]", "nn.Sequential(1)",
    "nn.Sequential([nn.Linear(2, 2)])", "len(nn.Sequential(nn.ReLU(), nn.ReLU()))",
    "nn.ModuleList([nn.Linear(2, 2)])[3]", "nn.ModuleList([1])",
    "nn.ModuleList([nn.Linear(2, 2)])(torch.ones(2))",
    "nn.ModuleDict({'a': nn.ReLU()})['b']", "nn.ModuleDict({'a': 1})",
    "nn.ParameterList([torch.ones(2)])[0].requires_grad",
    "nn.Parameter(torch.ones(2, dtype=torch.int64))", "nn.Parameter([1.0])",
    "nn.Parameter(torch.ones(2), requires_grad=False).requires_grad",
    "m = nn.Linear(2, 2)\nm.weight = torch.ones(2, 2)",
    "m = nn.Linear(2, 2)\nm.weight = nn.Parameter(torch.ones(3, 3))\nm(torch.ones(1, 2))",
    "m = nn.Linear(2, 2)\nm.weight = None\nm.weight",
    "m = nn.Linear(2, 2)\nm.foo", "m = nn.Linear(2, 2)\nm.register_buffer('weight', torch.ones(1))",
    "m = nn.Linear(2, 2)\nm.register_buffer('a.b', torch.ones(1))",
    "m = nn.Linear(2, 2)\nm.register_buffer('', torch.ones(1))",
    "m = nn.Linear(2, 2)\nm.register_buffer('b', [1])",
    "m = nn.Linear(2, 2)\nm.register_parameter('p', torch.ones(1))",
    "m = nn.Linear(2, 2)\nm.add_module('a.b', nn.ReLU())", "m = nn.Linear(2, 2)\nm.add_module('x', 3)",
    "m = nn.Linear(2, 2)\ntype(m._parameters).__name__", "type(nn.Sequential()._modules).__name__",
    "type(nn.BatchNorm1d(2)._buffers).__name__", "nn.Linear(2, 2)._parameters.keys()",
    "m = nn.Linear(2, 2)\n[n for n, _ in m.named_parameters()]",
    "m = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))\nlist(m.state_dict().keys())",
    "m = nn.Linear(2, 2)\nm.train(False).training", "m = nn.Linear(2, 2)\nm.train('no')",
    "m = nn.Linear(2, 2)\nm.eval() is m", "m = nn.Linear(2, 2)\nm.requires_grad_(False).weight.requires_grad",
    "m = nn.Linear(2, 2)\nm.zero_grad()\nm.weight.grad",
    "m = nn.Linear(2, 2)\nm(torch.ones(1, 2)).sum().backward()\nm.zero_grad()\nm.weight.grad",
    "m = nn.Linear(2, 2)\nm.apply(1)", "m = nn.Linear(2, 2)\nm.forward()",
    "class M(nn.Module):\n    def __init__(self):\n        self.l = nn.Linear(2, 2)\nM()",
    "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\nM()(torch.ones(2))",
    "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
    "        self.ls = [nn.Linear(2, 2)]\nlen(list(M().parameters()))",
    "nn.RNN(3, 4)(torch.ones(5, 2, 2))", "nn.RNN(3, 4)(torch.ones(2, 3))[0].shape",
    "nn.RNN(3, 4)(torch.ones(5, 2, 3), torch.ones(1, 3, 4))",
    "nn.RNN(3, 4)(torch.ones(5, 2, 3), torch.ones(2, 4))",
    "nn.RNN(3, 4, nonlinearity='sigmoid')", "nn.RNN(3, 4, num_layers=0)",
    "nn.RNN(3, 4)(torch.ones(5, 2, 3).long())", "nn.RNN(3, 4)(torch.ones(5, 2, 3).double())",
    "nn.LSTM(3, 4)(torch.ones(5, 2, 3), torch.ones(1, 2, 4))",
    "nn.LSTM(3, 4)(torch.ones(5, 2, 3), (torch.ones(1, 2, 4), torch.ones(1, 3, 4)))",
    "nn.LSTM(3, 4)(torch.ones(5, 2, 3), (torch.ones(1, 2, 5), torch.ones(1, 2, 4)))",
    "nn.LSTM(3, 4, batch_first=True)(torch.ones(2, 5, 3))[0].shape",
    "nn.GRU(3, 4)(torch.ones(5, 2, 4))", "nn.GRU(3, 4, dropout=1.5)",
    "nn.GRU(3, 4, bidirectional=True)(torch.ones(5, 2, 3), torch.ones(1, 2, 4))",
    "nn.RNNCell(3, 4)(torch.ones(2, 4))", "nn.LSTMCell(3, 4)(torch.ones(2, 3), torch.ones(2, 4))",
    "nn.GRUCell(3, 4)(torch.ones(2, 3), torch.ones(3, 4))",
    "nn.utils.rnn.pad_sequence([torch.ones(2), torch.ones(3)]).shape",
    "nn.utils.rnn.pad_sequence([])",
    "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 1), [1, 3])",
    "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 1), [3, 4])",
    "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 1), [3, 0])",
    "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 1), [3, 1]).batch_sizes",
    "nn.utils.rnn.pack_padded_sequence(torch.ones(3, 2, 1), torch.tensor([3, 1]).cuda())",
    "nn.utils.clip_grad_norm_(nn.Linear(2, 2).parameters(), -1.0)",
    "m = nn.Linear(2, 2)\nm(torch.ones(1, 2)).sum().backward()\n"
    "nn.utils.clip_grad_norm_(m.parameters(), 0.1)",
    "nn.utils.clip_grad_norm_(nn.Linear(2, 2).parameters(), 1.0)",
    "nn.init.xavier_uniform_(torch.ones(3))", "nn.init.kaiming_normal_(torch.ones(3))",
    "nn.init.normal_(torch.ones(2), std=-1.0)", "nn.init.constant_(torch.ones(2), 3).tolist()",
    "nn.init.uniform_(torch.ones(2), 1.0, 0.0)", "nn.init.zeros_(torch.ones(2, dtype=torch.int64))",
    "nn.init.calculate_gain('bogus')", "nn.init.calculate_gain('relu')",
    "nn.init.calculate_gain('leaky_relu', 0.2)", "nn.init.orthogonal_(torch.ones(2))",
    "nn.Identity(3, foo=1)(torch.ones(2))", "nn.MultiheadAttention(5, 2)",
    "nn.MultiheadAttention(4, 2)(torch.ones(3, 1, 4), torch.ones(3, 1, 4), torch.ones(3, 1, 4))[0].shape",
    "nn.Upsample(scale_factor=2)(torch.ones(1, 1, 2)).shape", "nn.ZeroPad2d(-1)(torch.ones(1, 1, 2, 2))",
    "nn.PixelShuffle(2)(torch.ones(1, 3, 2, 2))", "nn.Unfold(2)(torch.ones(1, 1, 1, 1))",
    "nn.CosineSimilarity(dim=1)(torch.ones(2, 3), torch.ones(2, 4))",
    "nn.PairwiseDistance()(torch.ones(2, 3), torch.ones(3, 3))",
]:
    add(f"nn: {code.splitlines()[-1]}", code)
# interpolate to or from a zero size
for x, size, mode in [("torch.ones(1, 1, 2)", "0", "'nearest'"),
                      ("torch.ones(1, 1, 2, 2, 2)", "(0, 1, 1)", "'nearest'"),
                      ("torch.ones(1, 1, 2, 2)", "(0, 3)", "'bilinear'"),
                      ("torch.ones(1, 1, 2)", "0", "'linear'"),
                      ("torch.ones(1, 1, 0, 2)", "(2, 2)", "'nearest'")]:
    CASES.append((f"interpolate zero: {x} {size} {mode}",
                  f"out = F.interpolate({x}, size={size}, mode={mode})"))
for layer, x in [("nn.Conv2d(1, 2, 3, padding=1)", "torch.ones(0, 1, 5, 5)"),
                 ("nn.Conv1d(1, 2, 3, stride=2)", "torch.ones(0, 1, 7)"),
                 ("nn.Unfold(2)", "torch.ones(0, 1, 4, 4)")]:
    CASES.append((f"empty batch: {layer}", f"out = {layer}({x}).shape"))
for code in ["nn.Bilinear(2, 3, 4)(torch.ones(1, 3), torch.ones(1, 2))",
             "nn.Bilinear(2, 3, 4)(torch.ones(2, 2), torch.ones(1, 3))",
             "nn.Bilinear(2, 3, 4)(torch.ones(1, 2), torch.ones(1, 3)).shape",
             "torch.log_softmax(torch.ones(3))", "torch.ones(3).softmax()",
             "torch.ones(3).softmax(dtype=torch.float64)"]:
    CASES.append((f"nn words: {code}", "out = " + code))
