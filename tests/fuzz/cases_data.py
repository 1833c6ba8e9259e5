# ruff: noqa: ISC004  (cases are multi-line snippets joined by implicit concatenation)
"""Dataset and DataLoader mistakes."""

CASES = []
D = ("x = torch.arange(10.0).reshape(5, 2)\ny = torch.arange(5)\n"
     "ds = TensorDataset(x, y)\n")

for code in [
    "TensorDataset(x, torch.arange(4))", "TensorDataset(x, [1, 2, 3, 4, 5])",
    "TensorDataset()", "len(ds)", "ds[5]", "ds[-1]", "ds[1:3]", "ds[1.0]",
    "ds[torch.tensor(1)]", "ds[torch.tensor([1, 2])]", "ds.tensors[0].shape",
    "list(DataLoader(ds, batch_size=2))",
    "list(DataLoader(ds, batch_size=2, drop_last=True))", "len(DataLoader(ds, batch_size=2))",
    "len(DataLoader(ds, batch_size=2, drop_last=True))", "DataLoader(ds, batch_size=0)",
    "DataLoader(ds, batch_size=-1)", "DataLoader(ds, batch_size=2.0)",
    "DataLoader(ds, batch_size='2')", "list(DataLoader(ds, batch_size=None))[0]",
    "DataLoader(ds, num_workers=-1)", "DataLoader(ds, shuffle=True, sampler=[0, 1])",
    "DataLoader(ds, batch_size=2, batch_sampler=[[0, 1]])",
    "list(DataLoader(ds, batch_sampler=[[0, 1], [4]]))",
    "DataLoader(ds, shuffle='yes')", "DataLoader(ds, foo=1)", "DataLoader(x, 2, True, 3)",
    "list(DataLoader(x, batch_size=2))[-1]", "list(DataLoader([1, 2, 3], batch_size=2))",
    "list(DataLoader([(1, 2.0), (3, 4.0)], batch_size=2))",
    "list(DataLoader([{'a': 1}, {'a': 2}], batch_size=2))",
    "list(DataLoader(['a', 'b'], batch_size=2))",
    "list(DataLoader([np.array([1.0]), np.array([2.0])], batch_size=2))",
    "list(DataLoader([torch.ones(2), torch.ones(3)], batch_size=2))",
    "list(DataLoader([1, 'a'], batch_size=2))", "list(DataLoader([None, None], batch_size=2))",
    "list(DataLoader([[1, 2], [3]], batch_size=2))",
    "list(DataLoader([[1, 2], [3, 4]], batch_size=2))",
    "list(DataLoader([(torch.ones(2), 1)] * 3, batch_size=2))[1]",
    "it = iter(DataLoader(ds, batch_size=5))\nnext(it)\nnext(it)",
    "next(DataLoader(ds, batch_size=2))", "DataLoader(ds)[0]",
    "list(DataLoader(ds, batch_size=2, collate_fn=lambda b: len(b)))",
    "list(DataLoader(ds, batch_size=2, collate_fn=1))",
    "torch.utils.data.random_split(ds, [3, 3])", "[len(s) for s in torch.utils.data.random_split(ds, [3, 2])]",
    "[len(s) for s in torch.utils.data.random_split(ds, [0.6, 0.4])]",
    "torch.utils.data.random_split(ds, [0.6, 0.6])", "torch.utils.data.random_split(ds, [-1, 6])",
    "torch.utils.data.Subset(ds, [0, 7])[1]", "len(torch.utils.data.Subset(ds, [0, 7]))",
    "torch.utils.data.Subset(ds, [4])[0]", "len(torch.utils.data.ConcatDataset([ds, ds]))",
    "torch.utils.data.ConcatDataset([ds, ds])[9]", "torch.utils.data.ConcatDataset([ds, ds])[10]",
    "torch.utils.data.ConcatDataset([ds, ds])[-10]", "torch.utils.data.ConcatDataset([])",
    "list(torch.utils.data.SequentialSampler(ds))", "len(torch.utils.data.RandomSampler(ds))",
    "torch.utils.data.RandomSampler(ds, num_samples=0)",
    "list(torch.utils.data.BatchSampler(range(5), 2, False))",
    "list(torch.utils.data.BatchSampler(range(5), 2, True))",
    "torch.utils.data.BatchSampler(range(5), 0, False)",
    "torch.utils.data.BatchSampler(range(5), 2, 'no')",
    "torch.utils.data.WeightedRandomSampler([0.5, 0.5], -1)",
    "torch.utils.data.WeightedRandomSampler([-0.5, 0.5], 2)",
    "len(torch.utils.data.WeightedRandomSampler([0.5, 0.5], 3))",
    "torch.utils.data.default_collate([torch.ones(2), torch.ones(2)])",
    "torch.utils.data.default_collate([1.5, 2.5])", "torch.utils.data.default_collate([True, False])",
    "torch.utils.data.default_collate([(1, 'a'), (2, 'b')])",
    "torch.utils.data.default_collate([])", "torch.utils.data.default_collate([object()])",
    "class DS(torch.utils.data.Dataset):\n    pass\nlen(DS())",
    "class DS(torch.utils.data.Dataset):\n    pass\nDS()[0]",
    "class DS(torch.utils.data.Dataset):\n    def __getitem__(self, i):\n        return i\n"
    "list(DataLoader(DS(), batch_size=2))",
    "class DS(torch.utils.data.Dataset):\n    def __len__(self):\n        return 3\n"
    "    def __getitem__(self, i):\n        return torch.tensor([i, i])\n"
    "list(DataLoader(DS(), batch_size=2))",
    "class DS(torch.utils.data.Dataset):\n    def __len__(self):\n        return 3\n"
    "    def __getitem__(self, i):\n        return 1 / 0\nlist(DataLoader(DS(), batch_size=2))",
    "class DS(torch.utils.data.Dataset):\n    def __len__(self):\n        return 3\n"
    "    def __getitem__(self, i):\n        return i\n(DS() + DS())[4]",
    "class IDS(torch.utils.data.IterableDataset):\n    def __iter__(self):\n"
    "        return iter(range(5))\nlist(DataLoader(IDS(), batch_size=2))",
    "class IDS(torch.utils.data.IterableDataset):\n    def __iter__(self):\n"
    "        return iter(range(5))\nDataLoader(IDS(), shuffle=True)",
    "class IDS(torch.utils.data.IterableDataset):\n    def __iter__(self):\n"
    "        return iter(range(5))\nlen(DataLoader(IDS(), batch_size=2))",
]:
    CASES.append((f"data: {code.splitlines()[-1]} #{len(CASES)}", D + code))
# default_collate of plain numbers: torch.tensor(batch) for ints, float64 for floats
for items in ["[1, 2.5]", "[1.5, 2]", "[1.0, None]", "[1, None]", "[True, 2]", "[1, 2]"]:
    CASES.append((f"collate numbers: {items}",
                  f"out = list(DataLoader({items}, batch_size=2))"))
CASES.append(("lstm cell: hx not a pair",
              "out = torch.nn.LSTMCell(3, 4)(torch.ones(2, 3), torch.ones(2, 4))"))
