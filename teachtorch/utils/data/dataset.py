"""Datasets: objects that hand out one sample at a time.

A map-style ``Dataset`` answers ``dataset[i]`` and ``len(dataset)``; an
``IterableDataset`` is a stream you loop over. ``DataLoader`` (dataloader.py) turns
either into batches. The notes' pattern: subclass Dataset, load the file in
``__init__``, return ``(x[i], y[i])`` from ``__getitem__``.
Chapter 08 (Dataset and DataLoader) opens this file.
"""

import bisect
import itertools
import math
import warnings

from teachtorch import _backend, _errors
from teachtorch.tensor import Tensor


class Dataset:
    """A map-style dataset: write ``__getitem__(index)`` and ``__len__()``.

    Mirrors: torch.utils.data.Dataset
    """

    def __getitem__(self, index):
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other):
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset you iterate over (a stream, a file read line by line).

    With ``num_workers > 0`` every worker process iterates its own copy; use
    ``get_worker_info()`` inside ``__iter__`` to give each worker a different part.
    Mirrors: torch.utils.data.IterableDataset
    """

    def __iter__(self):
        raise NotImplementedError(
            "Subclasses of IterableDataset should implement __iter__."
        )

    def __add__(self, other):
        return ChainDataset([self, other])


class TensorDataset(Dataset):
    """Samples are rows of the given tensors: dataset[i] = (t0[i], t1[i], ...).

    Mirrors: torch.utils.data.TensorDataset
    """

    def __init__(self, *tensors):
        if not all(tensors[0].size(0) == t.size(0) for t in tensors):
            raise AssertionError(
                _errors.hint("Size mismatch between tensors", "every tensor needs the same "
                "first dimension (one row per sample); got sizes "
                f"{[t.size(0) for t in tensors]}.")
            )
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].size(0)

    def _stacked_rows(self, indices):
        """[t0[indices], t1[indices], ...]: what default_collate would build from
        dataset[i] for i in indices, taken with one index per tensor instead of one
        Python call per sample. The DataLoader uses it only for a plain TensorDataset
        with default_collate, where the two are the same batch."""
        out = []
        for t in self.tensors:
            xp = _backend.get_array_module(t._data)
            rows = t._data[xp.asarray(indices, dtype=xp.int64)]
            out.append(Tensor._make(xp.ascontiguousarray(rows)))  # stack's layout
        return out


class StackDataset(Dataset):
    """Zip datasets of equal length: samples are tuples (or dicts with kwargs).

    Mirrors: torch.utils.data.StackDataset
    """

    def __init__(self, *args, **kwargs):
        if args and kwargs:
            raise ValueError(
                "Supported either ``tuple``- (via ``args``) or``dict``- "
                "(via ``kwargs``) like input/output, but both types are "
                "given."
            )
        self.datasets = args or kwargs
        parts = list(args) if args else list(kwargs.values())
        self._length = len(parts[0])
        if any(len(d) != self._length for d in parts):
            raise ValueError("Size mismatch between datasets")

    def __getitem__(self, index):
        if isinstance(self.datasets, dict):
            return {k: d[index] for k, d in self.datasets.items()}
        return tuple(d[index] for d in self.datasets)

    def __len__(self):
        return self._length


class ConcatDataset(Dataset):
    """Several datasets one after another; index i finds its dataset by bisection.

    Mirrors: torch.utils.data.ConcatDataset
    """

    @staticmethod
    def cumsum(sequence):
        return list(itertools.accumulate(len(d) for d in sequence))

    def __init__(self, datasets):
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError(  # noqa: TRY004
                    _errors.hint("ConcatDataset does not support IterableDataset", "chain iterable datasets with "
                    "ChainDataset instead.")
                )
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self):
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError(
                    _errors.hint("absolute value of index should not exceed dataset "
                    "length", f"this dataset has {len(self)} samples.")
                )
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Iterate several iterable datasets one after another.

    Mirrors: torch.utils.data.ChainDataset
    """

    def __init__(self, datasets):
        self.datasets = datasets

    def __iter__(self):
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                msg = "ChainDataset only supports IterableDataset"
                raise AssertionError(msg)  # noqa: TRY004
            yield from d

    def __len__(self):
        return sum(len(d) for d in self.datasets)


class Subset(Dataset):
    """The samples of `dataset` at the given indices, in that order.

    Mirrors: torch.utils.data.Subset
    """

    def __init__(self, dataset, indices):
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices):
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Split a dataset into non-overlapping random Subsets of the given lengths.

    ``lengths`` may be counts (summing to len(dataset)) or fractions summing to 1;
    fractions are floored and the remainder handed out one by one, round robin.
    Pass ``generator=torch.Generator().manual_seed(42)`` for a repeatable split.
    Mirrors: torch.utils.data.random_split
    """
    from teachtorch.random_tensors import randperm
    from teachtorch.random import default_generator

    n = len(dataset)
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        counts = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            counts.append(int(math.floor(n * frac)))  # noqa: RUF046
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in "
                    "an empty dataset.",
                    stacklevel=2,
                )
    if sum(lengths) != n:
        raise ValueError(
            _errors.hint("Sum of input lengths does not equal the length of the input dataset!", f"the dataset has {n} samples but the lengths {list(lengths)} add up "
            f"to {sum(lengths)}; or pass fractions that sum to 1, e.g. [0.8, 0.2].")
        )
    indices = randperm(sum(lengths), generator=generator or default_generator).tolist()
    return [
        Subset(dataset, indices[end - length : end])
        for end, length in zip(itertools.accumulate(lengths), lengths)
    ]
