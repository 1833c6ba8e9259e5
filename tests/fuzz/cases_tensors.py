
"""Tensor creation, shape, dtype and reduction mistakes (generated and by hand)."""

CASES = []


def add(name, code):
    CASES.append((name, code))


# creation: bad sizes, dtypes, values out of a dtype's range
for text in [
    "torch.tensor([256], dtype=torch.uint8)",
    "torch.tensor([-1], dtype=torch.uint8)",
    "torch.tensor([300, 1], dtype=torch.int8)",
    "torch.tensor([2**63])",
    "torch.tensor([1e40], dtype=torch.float32)",
    "torch.tensor([1.5], dtype=torch.int64)",
    "torch.tensor([[1, 2], [3]])",
    "torch.tensor([1, 'a'])",
    "torch.tensor([])",
    "torch.tensor([[]])",
    "torch.tensor(3, dtype=torch.bool)",
    "torch.tensor([True, 2])",
    "torch.tensor([1, 2.5])",
    "torch.tensor(None)",
    "torch.tensor([None])",
    "torch.tensor({1: 2})",
    "torch.tensor([torch.tensor(1.0), torch.tensor(2.0)])",
    "torch.tensor([torch.tensor([1.0]), torch.tensor([2.0])])",
    "torch.tensor([torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])])",
    "torch.tensor(np.array([1, 2], dtype=np.int32))",
    "torch.tensor(np.array([1.0, 2.0]))",
    "torch.zeros(-1)",
    "torch.zeros(2, -3)",
    "torch.zeros(2.5)",
    "torch.zeros((2, 'a'))",
    "torch.zeros('3')",
    "torch.zeros(torch.tensor(3))",
    "torch.zeros(2, torch.tensor(3))",
    "torch.zeros(torch.tensor([2, 3]))",
    "torch.zeros(2, torch.tensor([3]))",
    "torch.ones(0, 3)",
    "torch.ones([2, 3], dtype=torch.int32)",
    "torch.ones(2, 3, dtype='float32')",
    "torch.full((2,), 1.5, dtype=torch.int64)",
    "torch.full((2,), 7)",
    "torch.full((2,), True)",
    "torch.full(2, 1.0)",
    "torch.eye(-1)",
    "torch.eye(2, 3)",
    "torch.eye(2.0)",
    "torch.empty(-2).shape",
    "torch.arange(0, 1, 0)",
    "torch.arange(1, 0, 1)",
    "torch.arange(0, 1, 0.1)",
    "torch.arange(-1, 1, 0.3)",
    "torch.arange(0, 10, 3)",
    "torch.arange(10, 0, -3)",
    "torch.arange(5.0)",
    "torch.arange(0.1, 1.7, 0.2)",
    "torch.arange(1, 2.5, 0.5, dtype=torch.int64)",
    "torch.arange(torch.tensor(4))",
    "torch.arange(float('nan'))",
    "torch.arange(float('inf'))",
    "torch.arange('5')",
    "torch.linspace(0, 1, -1)",
    "torch.linspace(0, 1, 0)",
    "torch.linspace(0, 1, 1)",
    "torch.linspace(0, 1, 5)",
    "torch.linspace(0, 1, 2.5)",
    "torch.logspace(0, 2, 3)",
    "torch.rand(-1)",
    "torch.rand(2, dtype=torch.int64)",
    "torch.randn(2, dtype=torch.int64)",
    "torch.randint(5, 3, (2,))",
    "torch.randint(0, (3,))",
    "torch.randint(3, (2,)).dtype",
    "torch.randint(3, 2)",
    "torch.randperm(-1)",
    "torch.randperm(4).dtype",
    "torch.normal(0.0, -1.0, (2,))",
    "torch.zeros_like([1, 2])",
    "torch.ones_like(torch.ones(2), dtype=torch.int64)",
    "torch.empty(2, 3).new_zeros(2).shape",
    "torch.from_numpy([1, 2])",
    "torch.from_numpy(np.array([1, 2], dtype=np.uint16))",
    "torch.from_numpy(np.array(['a']))",
    "torch.as_tensor([1, 2], dtype=torch.float16)",
    "torch.tensor([1, 2], requires_grad=True)",
    "torch.zeros(2, dtype=torch.int64, requires_grad=True)",
    "torch.tensor(3.0).item()",
    "torch.tensor([1.0, 2.0]).item()",
    "torch.tensor([]).item()",
    "torch.tensor([[1]]).item()",
    "int(torch.tensor([1.0, 2.0]))",
    "float(torch.tensor([2.5]))",
    "bool(torch.tensor([1, 0]))",
    "bool(torch.tensor([]))",
    "len(torch.tensor(3.0))",
    "list(torch.tensor(3.0))",
    "torch.tensor([1, 2]).tolist()",
    "torch.tensor(5).tolist()",
    "torch.tensor([1.5, 2.5]).numpy().dtype.name",
    "torch.ones(2, requires_grad=True).numpy()",
    "torch.tensor([1, 2]).float().dtype",
    "torch.tensor([1, 2]).to(torch.float16).dtype",
    "torch.tensor([1.7, -1.7]).int()",
    "torch.tensor([1.7, -1.7]).long()",
    "torch.tensor([300.0, -1.0]).byte()",
    "torch.tensor([0, 2]).bool()",
    "torch.tensor([1, 2]).to('float32')",
    "torch.tensor([1, 2]).to(3)",
    "torch.tensor([1, 2]).to(torch.tensor(1.0)).dtype",
    "torch.tensor([1, 2]).to(dtype=torch.float64, copy=True).dtype",
    "torch.tensor([1, 2]).type(torch.float32)",
    "torch.tensor([1, 2]).type()",
    "torch.ones(2).cuda()",
    "torch.ones(2).to('cuda')",
    "torch.ones(2).to('gpu')",
    "torch.ones(2, device='cuda:0')",
    "torch.device('cuda:x')",
    "torch.ones(2).is_cuda",
    "torch.ones(2).device",
    "str(torch.ones(2).device)",
]:
    add(f"create: {text}", text)

# shape ops on a 2x3 tensor with bad arguments
for text in [
    "x.view(4, 2)", "x.view(-1, -1)", "x.view(3, -1)", "x.view(-1)", "x.view(6.0)",
    "x.view(2, 3, 0)", "x.view((2, 3))", "x.view([3, 2])", "x.view(torch.int32)",
    "x.t().view(-1)", "x.t().reshape(-1)", "x.t().is_contiguous()",
    "x.t().contiguous().view(-1)", "x.reshape(4, -1)", "x.reshape(-1, 4)",
    "x.reshape(0, -1)", "x.reshape(2, 3.0)", "x.reshape(torch.tensor(6))",
    "x.permute(1, 0)", "x.permute(0)", "x.permute(0, 0)", "x.permute(0, 2)",
    "x.permute(1, -1)", "x.transpose(0, 2)", "x.transpose(-3, 0)", "x.transpose(1, 0)",
    "x.T", "x.mT", "torch.ones(2, 3, 4).T.shape",
    "x.squeeze(3)", "x.squeeze(-3)", "x.squeeze(0)", "x.squeeze((0, 1))",
    "x.unsqueeze(3)", "x.unsqueeze(-4)", "x.unsqueeze(2).shape", "x.unsqueeze(-1).shape",
    "x.flatten(1, 0)", "x.flatten(0, 5)", "x.flatten(-1)", "x.unflatten(1, (3, 1))",
    "x.unflatten(1, (2, 2))", "x.expand(4, 3)", "x.expand(2, 4)", "x.expand(3)",
    "x.expand(-1, 3)", "x.expand(1, -1, -1)", "x.repeat(2)", "x.repeat(1, 2)",
    "x.repeat(-1, 1)", "x.narrow(1, 2, 2)", "x.narrow(2, 0, 1)", "x.narrow(0, -1, 1)",
    "x.select(0, 2)", "x.select(2, 0)", "x.select(1, -3)", "x.chunk(0)", "x.chunk(4)",
    "x.chunk(2, dim=1)", "x.split(0)", "x.split(2)", "x.split([1, 1])",
    "x.split([1, 2], dim=1)", "x.split(-1)", "x.size(2)", "x.size(-3)", "x.size(-1)",
    "x.shape[2]", "x.dim()", "x.numel()", "x.stride()", "x.t().stride()",
    "x.roll(1)", "x.roll(1, 2)", "x.flip(2)", "x.flip(0, 0)", "x.tril(1)",
    "x.diag()", "x.diagonal(0, 0, 0)", "x.movedim(0, 2)", "x.swapaxes(0, 1).shape",
    "torch.cat([x, x.t()])", "torch.cat([x, x], dim=2)", "torch.cat([x, x], dim=-3)",
    "torch.cat([])", "torch.cat(x)", "torch.cat([x, torch.ones(3)])",
    "torch.cat([x, torch.ones(0)]).shape", "torch.cat([x, x.int()]).dtype",
    "torch.cat((x, 1))", "torch.stack([x, x.t()])", "torch.stack([x, x], dim=3)",
    "torch.stack([])", "torch.stack([x, x], dim=-1).shape", "torch.stack(x).shape",
    "torch.hstack([x, torch.ones(3)])", "torch.vstack([x, torch.ones(4)])",
    "torch.broadcast_to(x, (3, 3))", "torch.broadcast_tensors(x, torch.ones(4))",
    "torch.meshgrid(torch.arange(2), torch.arange(3), indexing='ij')",
    "torch.meshgrid(torch.arange(2), torch.arange(3), indexing='xx')",
    "torch.where(x > 2, x, 0.0)", "torch.where(x, x, x)", "torch.where(x > 2)",
    "torch.where(x > 2, x, torch.ones(4))", "x.masked_fill(x > 2, 0.0)",
    "x.masked_fill(x, 0.0)", "x.masked_fill(x > 2, torch.ones(2))",
    "x.masked_fill(torch.ones(4) > 0, 1.0)", "x.masked_select(x > 2)",
    "x.masked_select(x)", "x[x > 2]", "x.clamp(min=4, max=2)", "x.clamp()",
    "x.clamp(min=torch.ones(3))", "x.clamp('a')", "x.clip(0, 1)",
]:
    add(f"shape: {text}", "x = torch.arange(6.0).reshape(2, 3)\n" + text)

# ops that take a dim, with dims out of range, float dims and 0-dim inputs
DIM_OPS = ["sum", "mean", "prod", "max", "min", "argmax", "argmin", "softmax",
           "log_softmax", "cumsum", "cumprod", "std", "var", "logsumexp", "amax",
           "all", "any", "median", "sort", "argsort", "norm", "count_nonzero",
           "nansum", "unbind", "flip"]
for op in DIM_OPS:
    arg = "(2,)" if op == "flip" else "2"
    add(f"dim: {op} dim=2", f"x = torch.arange(6.0).reshape(2, 3)\nx.{op}({arg})")
    add(f"dim: {op} dim=-3", f"x = torch.arange(6.0).reshape(2, 3)\nx.{op}(-3)"
        if op != "flip" else "x = torch.arange(6.0).reshape(2, 3)\nx.flip((-3,))")
    add(f"dim: {op} dim=1", f"x = torch.arange(6.0).reshape(2, 3)\nx.{op}(1)"
        if op != "flip" else "x = torch.arange(6.0).reshape(2, 3)\nx.flip((1,))")
    add(f"dim: {op} dim=1.0", f"x = torch.arange(6.0).reshape(2, 3)\nx.{op}(1.0)"
        if op != "flip" else "x = torch.arange(6.0).reshape(2, 3)\nx.flip(1.0)")
    add(f"dim: {op} 0-dim dim=0", f"x = torch.tensor(2.0)\ntorch.{op}(x, 0)"
        if op != "flip" else "x = torch.tensor(2.0)\ntorch.flip(x, (0,))")
    add(f"dim: {op} int input", f"x = torch.arange(6).reshape(2, 3)\nx.{op}(1)"
        if op != "flip" else "x = torch.arange(6).reshape(2, 3)\nx.flip((1,))")
    add(f"dim: {op} empty input", f"x = torch.ones(0, 3)\nx.{op}(0)"
        if op != "flip" else "x = torch.ones(0, 3)\nx.flip((0,))")
    add(f"dim: {op} bad kwarg", f"x = torch.arange(6.0).reshape(2, 3)\n"
        f"x.{op}(1, foo=1)" if op != "flip" else "x = torch.ones(2)\nx.flip(0, foo=1)")

# reductions without dim, on empty, int, bool and 0-dim tensors
for op in ["sum", "mean", "prod", "max", "min", "argmax", "std", "var", "median",
           "norm", "all", "any", "amax", "logsumexp", "nanmean"]:
    for name, make in [("empty", "torch.tensor([])"), ("int", "torch.tensor([1, 2])"),
                       ("bool", "torch.tensor([True, False])"),
                       ("0-dim", "torch.tensor(3.0)"),
                       ("one", "torch.tensor([2.0])")]:
        call = f"torch.{op}({make})" if op != "logsumexp" else f"torch.{op}({make}, 0)"
        add(f"reduce: {op} of {name}", call)

# argument types of the creation functions, as PyTorch's argument parser checks them
for code in ["torch.arange(0, '5')", "torch.arange(0, 5, '1')", "torch.arange(None)",
             "torch.arange([5])", "torch.arange(True)", "torch.arange(0, 5, dtype='int64')",
             "torch.linspace('0', 1, 3)", "torch.linspace(0, 1, '3')",
             "torch.linspace(0, 1, 3.0)", "torch.linspace(0, 1, None)",
             "torch.linspace(0, 1, True)", "torch.linspace(0, 1, 3, dtype='float')",
             "torch.linspace(0, 1, torch.tensor(3))", "torch.logspace(0, 1, '3')",
             "torch.logspace(0, 1, 2.5)", "torch.logspace(0, 1, 3, '2')",
             "torch.eye('2')", "torch.eye(2, 3.0)", "torch.eye(None)", "torch.eye(True)",
             "torch.eye(2, dtype='x')", "torch.eye(np.int64(2))",
             "torch.randint('5', (2,))", "torch.randint(0, '5', (2,))",
             "torch.randint(5.0, (2,))", "torch.randint(0, 5.0, (2,))",
             "torch.randperm('3')", "torch.randperm(3.0)", "torch.randperm(np.int64(3))",
             "torch.range('1', 3)", "torch.range(0, '5')"]:
    CASES.append((f"create args: {code}", "import numpy as np\nout = " + code))
for code in ["torch.ones_like(3)", "torch.empty_like([1.0])", "torch.full_like((1, 2), 0.5)",
             "torch.rand_like([1.0])", "torch.randn_like(None)", "torch.randint_like(2, 5)",
             "torch.cat([torch.ones(2), 1])", "torch.cat([1, torch.ones(2)])",
             "torch.stack([torch.ones(2), 1])", "torch.device('cuda:-1')",
             "torch.device('cpu:x')", "torch.device('cuda: 1')", "torch.device('cuda:1')",
             "torch.arange(0.5, float('inf'))", "torch.arange(float('-inf'), 2)",
             "torch.arange(1.5, float('nan'))", "torch.bincount(torch.tensor([True]))",
             "torch.bincount(torch.tensor([[1, 2]]).float())",
             "torch.bincount(torch.tensor([[1, 2]]))"]:
    CASES.append((f"parser: {code}", "out = " + code))
for code in ["torch.zeros(2, torch.tensor([-3]))", "torch.zeros((torch.tensor([3]),))",
             "torch.zeros(2, torch.tensor([[3]]))", "torch.zeros(torch.tensor([2, 3]))",
             "torch.ones(2, torch.tensor([3.0]))",
             "torch.tensor([], dtype=torch.int64).median()", "torch.zeros(0, 3).median()",
             "torch.tensor([]).nanmedian()", "torch.zeros(3, 0).median(0)"]:
    CASES.append((f"sizes and empties: {code}", "out = " + code))
# sizes: which words PyTorch uses for a float, a None or a negative size, per function
for code in ["torch.zeros((2.0,))", "torch.zeros(2, 3.0)", "torch.zeros([2, 3.0])",
             "torch.ones(2.0)", "torch.rand((2, 3.0))", "torch.empty(2, 'a')",
             "torch.full((2.0,), 1.0)", "torch.full([2, 3.0], 1.0)",
             "torch.randint(5, (2.0,))", "torch.randint(0, 5, (2, 3.0))",
             "torch.zeros(2, None)", "torch.zeros((2, -3))", "torch.ones(-1)",
             "torch.empty(-1)", "torch.rand(-1)", "torch.randn(2, -1)",
             "torch.full((-1,), 1.0)", "torch.randint(0, 5, (-1,))", "torch.zeros(-1, 2)",
             "torch.randperm(-1)", "torch.empty(2, -3)", "torch.normal(0.0, 1.0, (-1,))",
             "torch.ones(2, torch.tensor(-1))", "torch.randint(3)", "torch.randint(3, 2.0)",
             "torch.randint(3, 2)", "torch.randint(0, 3, 2)",
             "torch.randint(3, size=(2,)).shape", "torch.randint(0, 3, torch.Size([2])).shape"]:
    CASES.append((f"size words: {code}", "out = " + code))
for code in ["torch.tensor(3.0).unbind()", "torch.tensor(3.0).unbind(-1)",
             "torch.unbind(torch.tensor(3.0), 1)", "torch.ones(2).unbind(2)"]:
    CASES.append((f"unbind: {code}", "out = " + code))
