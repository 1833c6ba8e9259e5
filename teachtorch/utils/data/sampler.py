"""Samplers: decide which indices a DataLoader reads, and in what order.

``shuffle=True`` in a DataLoader is a RandomSampler; ``shuffle=False`` a
SequentialSampler; BatchSampler groups their indices into lists of batch_size.
Random samplers draw a fresh seed from the global generator (or the one you pass)
each epoch, so ``torch.manual_seed(0)`` makes the whole run repeat.
Chapter 08 (Dataset and DataLoader) opens this file.
"""

import numpy as np

from teachtorch import _errors
from teachtorch.random import Generator, rng


class Sampler:
    """Base class: ``__iter__`` yields indices (or lists of indices).

    Mirrors: torch.utils.data.Sampler
    """

    def __init__(self, data_source=None):
        pass

    def __iter__(self):
        raise NotImplementedError


def _fresh_generator(generator):
    """The generator to use for one epoch: the given one, or a new one seeded from
    the global stream (so each epoch shuffles differently, repeatably after
    manual_seed)."""
    if generator is not None:
        return generator
    seed = int(rng(None).integers(0, 2**63 - 1))
    return Generator().manual_seed(seed)


class SequentialSampler(Sampler):
    """0, 1, 2, ..., len(data_source) - 1.

    Mirrors: torch.utils.data.SequentialSampler
    """

    def __init__(self, data_source):
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self):
        return len(self.data_source)


class RandomSampler(Sampler):
    """A random permutation each epoch (or draws with replacement).

    Mirrors: torch.utils.data.RandomSampler
    """

    def __init__(
        self, data_source, replacement=False, num_samples=None, generator=None
    ):
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.replacement, bool):
            raise TypeError(
                "replacement should be a boolean value, but got "
                f"replacement={self.replacement}"
            )
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(
                "num_samples should be a positive integer value, but got "
                f"num_samples={self.num_samples}"
            )

    @property
    def num_samples(self):
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        g = _fresh_generator(self.generator).rng
        if self.replacement:
            yield from g.integers(0, n, size=self.num_samples).tolist()
            return
        for _ in range(self.num_samples // n):
            yield from g.permutation(n).tolist()
        yield from g.permutation(n)[: self.num_samples % n].tolist()

    def __len__(self):
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order each epoch.

    Mirrors: torch.utils.data.SubsetRandomSampler
    """

    def __init__(self, indices, generator=None):
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        g = _fresh_generator(self.generator).rng
        for i in g.permutation(len(self.indices)).tolist():
            yield self.indices[i]

    def __len__(self):
        return len(self.indices)


class WeightedRandomSampler(Sampler):
    """Index i is drawn with probability weights[i] / sum(weights).

    Handy for unbalanced classes: weight each sample by 1 / (size of its class).
    Mirrors: torch.utils.data.WeightedRandomSampler
    """

    def __init__(self, weights, num_samples, replacement=True, generator=None):
        if (
            not isinstance(num_samples, int)
            or isinstance(num_samples, bool)
            or num_samples <= 0
        ):
            raise ValueError(
                "num_samples should be a positive integer value, but got "
                f"num_samples={num_samples}"
            )
        if not isinstance(replacement, bool):
            raise ValueError(  # noqa: TRY004
                "replacement should be a boolean value, but got "
                f"replacement={replacement}"
            )
        w = np.asarray(
            weights.tolist() if hasattr(weights, "tolist") else weights,
            dtype=np.float64,
        )
        if w.ndim != 1:
            raise ValueError(
                "weights should be a 1d sequence but given weights have "
                f"shape {tuple(w.shape)}"
            )
        from teachtorch.creation import tensor

        self.weights = tensor(w)
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        w = self.weights.numpy()
        if not self.replacement and self.num_samples > (w > 0).sum():
            raise RuntimeError(
                _errors.hint("cannot sample n_sample > prob_dist.size(-1) samples "
                "without replacement", "pass replacement=True or "
                "a num_samples no larger than the number of non-zero "
                "weights.")
            )
        g = rng(self.generator)
        drawn = g.choice(
            len(w), size=self.num_samples, replace=self.replacement, p=w / w.sum()
        )
        yield from drawn.tolist()

    def __len__(self):
        return self.num_samples


class BatchSampler(Sampler):
    """Group another sampler's indices into lists of batch_size.

    Mirrors: torch.utils.data.BatchSampler
    """

    def __init__(self, sampler, batch_size, drop_last):
        if (
            not isinstance(batch_size, int)
            or isinstance(batch_size, bool)
            or batch_size <= 0
        ):
            raise ValueError(
                "batch_size should be a positive integer value, but got "
                f"batch_size={batch_size}"
            )
        if not isinstance(drop_last, bool):
            raise ValueError(  # noqa: TRY004
                f"drop_last should be a boolean value, but got drop_last={drop_last}"
            )
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        batch = []
        for idx in self.sampler:
            batch.append(idx)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self):
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
