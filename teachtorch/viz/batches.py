"""Which sample lands in which batch: run a real DataLoader over a dataset whose items
are their own indices (what DataLoaderView shows).

Nothing is re-implemented: the batches come from the library's DataLoader and samplers
(teachtorch's, or torch's when ``lib=torch`` is passed), so the picture is the truth.

Chapter 08 (Dataset and DataLoader) opens this file.
"""
from teachtorch import _errors

SAMPLERS = ("default", "sequential", "random", "subset_random", "weighted_random")


class IndexDataset:
    """dataset[i] == i: a batch then shows exactly which samples it holds."""

    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i


def make_sampler(lib, kind, n, seed):
    """A sampler of the library's own kind (None for the DataLoader's default)."""
    data = lib.utils.data
    gen = lib.Generator().manual_seed(seed)
    if kind == "default":
        return None
    if kind == "sequential":
        return data.SequentialSampler(range(n))
    if kind == "random":
        return data.RandomSampler(range(n), generator=gen)
    if kind == "subset_random":  # the even samples only, in random order
        return data.SubsetRandomSampler(list(range(0, n, 2)), generator=gen)
    if kind == "weighted_random":  # later samples drawn more often, with replacement
        return data.WeightedRandomSampler([float(i + 1) for i in range(n)], n,
                                          replacement=True, generator=gen)
    raise ValueError(_errors.hint(f"unknown sampler {kind!r}", f"choose one of {SAMPLERS}"))


def batches(lib, n, batch_size, shuffle=False, drop_last=False, sampler="default",
            seed=0):
    """The list of batches (lists of sample indices) one epoch of the loader yields,
    and the indices it never yields.

    Mirrors: torch.utils.data.DataLoader(dataset, batch_size, shuffle, sampler,
    drop_last)
    """
    samp = make_sampler(lib, sampler, n, seed)
    gen = lib.Generator().manual_seed(seed)
    loader = lib.utils.data.DataLoader(IndexDataset(n), batch_size=batch_size,
                                       shuffle=shuffle, sampler=samp,
                                       drop_last=drop_last, generator=gen)
    out = [[int(i) for i in b.tolist()] for b in loader]
    seen = {i for b in out for i in b}
    return {"batches": out, "unused": [i for i in range(n) if i not in seen],
            "n_batches": len(loader)}
