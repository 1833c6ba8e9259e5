"""DataLoader: batches from a Dataset, shuffled if asked, loaded by worker processes.

``for x, y in DataLoader(dataset, batch_size=32, shuffle=True, num_workers=2):``
asks a sampler for indices, groups them into batches (BatchSampler), reads the
samples (``dataset[i]``) and merges them with ``collate_fn`` (default_collate).
With ``num_workers > 0`` the reading happens in that many real worker processes
(_worker.py); the batches still come out in the same order as with 0 workers.
Chapter 08 (Dataset and DataLoader) opens this file.
"""

import os
import warnings

from teachtorch import _errors
from teachtorch.random import rng
from teachtorch.utils.data._iterators import _MultiProcessIter, _SingleProcessIter
from teachtorch.utils.data.collate import default_collate, default_convert
from teachtorch.utils.data.dataset import IterableDataset
from teachtorch.utils.data.sampler import BatchSampler, RandomSampler, SequentialSampler

POLL_INTERVAL = 0.2  # seconds between checks that the workers are still alive


class _InfiniteConstantSampler:
    """For an IterableDataset: yields None forever (the dataset decides when to "
    "stop)."""

    def __iter__(self):
        while True:
            yield None


class DataLoader:
    """Iterate over a dataset in batches.

    Mirrors: torch.utils.data.DataLoader
    """

    _frozen = (
        "batch_size",
        "batch_sampler",
        "sampler",
        "drop_last",
        "dataset",
        "persistent_workers",
    )

    def __init__(
        self,
        dataset,
        batch_size=1,
        shuffle=None,
        sampler=None,
        batch_sampler=None,
        num_workers=0,
        collate_fn=None,
        pin_memory=False,
        drop_last=False,
        timeout=0,
        worker_init_fn=None,
        multiprocessing_context=None,
        generator=None,
        *,
        prefetch_factor=None,
        persistent_workers=False,
        pin_memory_device="",
        in_order=True,
    ):
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use "
                "num_workers=0 to disable multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in "
                "multiprocessing.let num_workers > 0 to enable "
                "multiprocessing, otherwise set prefetch_factor to None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        if isinstance(dataset, IterableDataset):
            for name, value in (
                ("shuffle", shuffle),
                ("sampler", sampler),
                ("batch_sampler", batch_sampler),
            ):
                if value not in (None, False):
                    raise ValueError(
                        _errors.hint(
                            "DataLoader with IterableDataset: expected unspecified "
                            f"{name} "
                            f"option, but got {name}={value}",
                            "an IterableDataset decides its own order; shuffle inside "
                            "its "
                            "__iter__, or use a map-style Dataset.",
                        )
                    )
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError(
                _errors.hint(
                    "sampler option is mutually exclusive with shuffle",
                    "a sampler already decides the order; drop shuffle=True (use "
                    "RandomSampler or SubsetRandomSampler to shuffle).",
                )
            )
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    _errors.hint(
                        "batch_sampler option is mutually exclusive with batch_size, "
                        "shuffle, sampler, and drop_last",
                        "the batch_sampler yields whole batches; leave the other four "
                        "at "
                        "their defaults.",
                    )
                )
            batch_size, drop_last = None, False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is "
                "mutually exclusive with drop_last"
            )
        if sampler is None:
            if isinstance(dataset, IterableDataset):
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        if collate_fn is None:
            collate_fn = (
                default_collate if batch_sampler is not None else default_convert
            )
        if pin_memory:
            from teachtorch import cuda

            if not cuda.is_available():
                warnings.warn(
                    "'pin_memory' argument is set as true but no accelerator "
                    "is found, then device pinned memory won't be used.",
                    stacklevel=2,
                )
        _warn_too_many_workers(num_workers)
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._iterator = None
        self._initialized = True

    def __setattr__(self, name, value):
        if getattr(self, "_initialized", False) and name in self._frozen:
            raise ValueError(
                _errors.hint(f"{name} attribute should not be set after "
                f"{self.__class__.__name__} is initialized", "make a "
                "new DataLoader with the setting you want.")
            )
        super().__setattr__(name, value)

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if isinstance(self.dataset, IterableDataset):
            length = len(self.dataset)
            if self.batch_size is not None:
                length = (
                    length // self.batch_size
                    if self.drop_last
                    else -(-length // self.batch_size)
                )
            return length
        return len(self._index_sampler)

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if self.persistent_workers:
            if self._iterator is None:
                self._iterator = _MultiProcessIter(self)
            else:
                self._iterator._reset(self, first=False)
            return self._iterator
        return _MultiProcessIter(self)

    def _shared_seed(self):
        """A 63-bit seed from the loader's generator (or the global one)."""
        return int(rng(self.generator).integers(0, 2**63 - 1))


def _warn_too_many_workers(num_workers):
    cpus = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )
    if cpus and num_workers > cpus:
        warnings.warn(
            f"This DataLoader will create {num_workers} worker processes in total. Our "
            f"suggested max number of worker in current system is {cpus}, which is "
            "smaller than what this DataLoader is going to create. Please be aware "
            "that "
            "excessive worker creation might get DataLoader running slow or even "
            "freeze, lower the worker number to avoid potential slowness/freeze if "
            "necessary.",
            UserWarning,
            stacklevel=3,
        )
