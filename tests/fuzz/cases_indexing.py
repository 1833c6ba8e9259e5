
"""Indexing mistakes: out-of-range, negative, float and mixed indices; gather/scatter."""

CASES = []
A = "a = torch.arange(24).reshape(2, 3, 4)\n"

for index in [
    "2", "-3", "-2", "1, 3", "0, -4", "..., 4", "..., -5", "0, 0, 0, 0",
    "torch.tensor([2])", "torch.tensor([-3])", "torch.tensor([-1])",
    "torch.tensor([0.0])", "torch.tensor(1)", "torch.tensor(1.0)",
    "torch.tensor([[0, 1], [1, 0]])", ":, torch.tensor([1, 0])", ":, torch.tensor([3])",
    "1, :, torch.tensor([0, 2])", "torch.tensor([1, 0]), :, torch.tensor([0, 2])",
    "1, torch.tensor([0, 2])", "1, torch.tensor([0, 2]), :",
    ":, 1, torch.tensor([0, 2])", "torch.tensor([0, 1]), 1, torch.tensor([0, 2])",
    "torch.tensor([0]), :, 1", "..., torch.tensor([0, 3])", "None, 1, :, torch.tensor([0])",
    "torch.tensor([True, False])", "torch.tensor([True])", "torch.tensor([True, False, True])",
    "a > 5", "a[0] > 5", "torch.tensor([1, 0], dtype=torch.uint8)",
    "None, ..., None", "::-1", "::0", "1:1", "5:", "-10:", ":, ::2", "[0, 1], [1, 2]",
    "[0, 2]", "[[0, 1]]", "(0, 1)", "[True, False]", "'a'", "1.0", "0, 1.5",
    "torch.tensor([], dtype=torch.int64)", "torch.tensor([])",
    "slice(None), torch.tensor([[0], [1]]), torch.tensor([0, 1, 2])",
]:
    CASES.append((f"index: a[{index}]", A + f"a[{index}]"))
    CASES.append((f"setitem: a[{index}] = -1", A + f"a[{index}] = -1\nout = a"))

for code in [
    "a[0] = torch.ones(4)", "a[0] = torch.ones(3)", "a[0] = 1.5", "a[0] = torch.ones(2, 3, 4)",
    "a[:, 0] = torch.arange(8).reshape(2, 4)", "a[a > 5] = torch.tensor([1, 2])",
    "a[torch.tensor([0, 0])] = torch.zeros(3, 4, dtype=torch.int64)",
]:
    CASES.append((f"setitem: {code}", A + code + "\nout = a"))

X = "x = torch.arange(6.0).reshape(2, 3)\n"
for code in [
    "torch.gather(x, 1, torch.tensor([[0], [3]]))",
    "torch.gather(x, 1, torch.tensor([[0], [-1]]))",
    "torch.gather(x, 1, torch.tensor([[0], [2]]))",
    "torch.gather(x, 1, torch.tensor([[0.0], [1.0]]))",
    "torch.gather(x, 1, torch.tensor([0, 1]))",
    "torch.gather(x, 2, torch.tensor([[0], [1]]))",
    "torch.gather(x, 1, torch.tensor([[0, 1, 2, 0]]))",
    "torch.gather(x, 0, torch.tensor([[0, 1, 1], [1, 0, 0], [0, 0, 0]]))",
    "torch.gather(x, 1, torch.tensor([[0], [1]], dtype=torch.int32))",
    "x.gather(1, torch.tensor([[1], [2]]))",
    "x.index_select(0, torch.tensor([2]))",
    "x.index_select(0, torch.tensor([-1]))",
    "x.index_select(0, torch.tensor([1, 0]))",
    "x.index_select(0, torch.tensor([[1]]))",
    "x.index_select(0, torch.tensor([1.0]))",
    "x.index_select(2, torch.tensor([0]))",
    "x.index_select(1, torch.tensor(1))",
    "x.index_select(0, [0])",
    "torch.zeros(2, 3).scatter(1, torch.tensor([[3]]), 1.0)",
    "torch.zeros(2, 3).scatter(1, torch.tensor([[-1]]), 1.0)",
    "torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), 1.0)",
    "torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), torch.ones(2, 1))",
    "torch.zeros(2, 3).scatter(1, torch.tensor([[2.0]]), 1.0)",
    "torch.zeros(2, 3).scatter(1, torch.tensor([2, 0]), 1.0)",
    "torch.zeros(2, 3).scatter_(1, torch.tensor([[1]]), torch.ones(1, 1, dtype=torch.int64))",
    "torch.zeros(2, 3).scatter_add(1, torch.tensor([[2], [2]]), torch.ones(2, 1))",
    "torch.zeros(2, 3).scatter_add(1, torch.tensor([[5], [2]]), torch.ones(2, 1))",
    "torch.zeros(3).index_add(0, torch.tensor([0, 3]), torch.ones(2))",
    "torch.zeros(3).index_add(0, torch.tensor([0, 2]), torch.ones(2))",
    "torch.zeros(3).index_fill(0, torch.tensor([5]), 1.0)",
    "torch.zeros(3).index_copy(0, torch.tensor([0, 1]), torch.ones(2))",
    "torch.take(x, torch.tensor([6]))", "torch.take(x, torch.tensor([-1]))",
    "torch.take(x, torch.tensor([5]))",
    "torch.ones(2, 2).put_(torch.tensor([4]), torch.tensor([1.0]))",
    "torch.nn.functional.one_hot(torch.tensor([0, 3]), 3)",
    "torch.nn.functional.one_hot(torch.tensor([0, -1]), 3)",
    "torch.nn.functional.one_hot(torch.tensor([0, 2]))",
    "torch.nn.functional.one_hot(torch.tensor([0.0, 2.0]), 3)",
    "torch.nn.functional.one_hot(torch.tensor([0, 2]), 3).dtype",
    "x.topk(4)", "x.topk(0)", "x.topk(2, dim=2)", "x.topk(-1)", "x.topk(2).values",
    "x.kthvalue(4)", "x.kthvalue(1)", "x.unbind(2)", "x.tril(-5)",
    "torch.bincount(torch.tensor([0, -1]))", "torch.bincount(torch.tensor([0, 2]))",
    "torch.bincount(torch.tensor([0.0, 2.0]))",
    "torch.multinomial(torch.tensor([0.2, 0.8]), 3)",
    "torch.multinomial(torch.tensor([-0.2, 0.8]), 1)",
    "torch.multinomial(torch.tensor([0.0, 0.0]), 1)",
    "torch.multinomial(torch.tensor([0.2, 0.8]), 0)",
    "torch.multinomial(torch.tensor([1, 2]), 1)",
    "torch.multinomial(torch.tensor([0.2, float('nan')]), 1)",
    "torch.multinomial(torch.tensor([0.5, 0.5]), 2).sort().values",
    "torch.multinomial(torch.ones(2, 2, 2), 1)",
]:
    CASES.append((f"gather: {code}", X + code))
