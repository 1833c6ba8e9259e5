"""DataLoader: batches from a Dataset, shuffled if asked, loaded by worker processes.

``for x, y in DataLoader(dataset, batch_size=32, shuffle=True, num_workers=2):``
asks a sampler for indices, groups them into batches (BatchSampler), reads the
samples (``dataset[i]``) and merges them with ``collate_fn`` (default_collate).
With ``num_workers > 0`` the reading happens in that many real worker processes
(_worker.py); the batches still come out in the same order as with 0 workers.
Chapter 08 (Dataset and DataLoader) opens this file.
"""

import itertools
import multiprocessing
import os
import queue
import warnings

from teachtorch.random import rng
from teachtorch.utils.data import _worker
from teachtorch.utils.data.collate import default_collate, default_convert
from teachtorch.utils.data.dataset import IterableDataset
from teachtorch.utils.data.sampler import BatchSampler, RandomSampler, SequentialSampler

POLL_INTERVAL = 0.2  # seconds between checks that the workers are still alive


def _hint(message, text):
    return f"{message}\nhint: {text}"


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
                        _hint(
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
                _hint(
                    "sampler option is mutually exclusive with shuffle",
                    "a sampler already decides the order; drop shuffle=True (use "
                    "RandomSampler or SubsetRandomSampler to shuffle).",
                )
            )
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    _hint(
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
                f"{name} attribute should not be set after "
                f"{self.__class__.__name__} is initialized\nhint: make a "
                "new DataLoader with the setting you want."
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


class _BaseIter:
    def __init__(self, loader):
        self._dataset = loader.dataset
        self._is_iterable = isinstance(loader.dataset, IterableDataset)
        self._auto_collation = loader._auto_collation
        self._batch_size = loader.batch_size
        self._drop_last = loader.drop_last
        self._collate_fn = loader.collate_fn
        self._sampler_iter = iter(loader._index_sampler)
        self._base_seed = loader._shared_seed()
        self._loader = loader

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)


class _SingleProcessIter(_BaseIter):
    """num_workers=0: load each batch in this process when asked."""

    def __init__(self, loader):
        super().__init__(loader)
        self._dataset_iter = iter(self._dataset) if self._is_iterable else None

    def __next__(self):
        if self._is_iterable:
            return _worker.fetch_iterable(
                self._dataset_iter,
                self._batch_size,
                self._auto_collation,
                self._collate_fn,
                self._drop_last,
            )
        indices = next(self._sampler_iter)
        return _worker.fetch(
            self._dataset, indices, self._auto_collation, self._collate_fn
        )


def _context(loader):
    ctx = loader.multiprocessing_context
    if isinstance(ctx, str):
        return multiprocessing.get_context(ctx)
    if ctx is not None:
        return ctx
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")  # fast start, no pickling
    return multiprocessing.get_context()


class _MultiProcessIter(_BaseIter):
    """num_workers>0: workers load batches ahead; results are put back in order.

    Task ids count up as index lists are sent; ``_task_info[id]`` holds the worker
    that got the task, plus the batch once it arrives early (out of order).
    """

    def __init__(self, loader):
        super().__init__(loader)
        self._num_workers = loader.num_workers
        self._prefetch = loader.prefetch_factor
        self._timeout = loader.timeout
        self._persistent = loader.persistent_workers
        ctx = _context(loader)
        self._data_queue = ctx.Queue()
        self._done_event = ctx.Event()
        self._index_queues, self._workers = [], []
        self._shutdown_done = False
        for worker_id in range(self._num_workers):
            index_queue = ctx.Queue()
            index_queue.cancel_join_thread()
            w = ctx.Process(
                target=_worker.worker_loop,
                args=(
                    self._dataset,
                    self._is_iterable,
                    index_queue,
                    self._data_queue,
                    self._done_event,
                    self._auto_collation,
                    self._batch_size,
                    self._collate_fn,
                    self._drop_last,
                    self._base_seed + worker_id,
                    loader.worker_init_fn,
                    worker_id,
                    self._num_workers,
                    os.getpid(),
                ),
                daemon=True,
            )
            w.start()
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._reset(loader, first=True)

    def _reset(self, loader, first):
        self._sampler_iter = iter(loader._index_sampler)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}
        self._active = [True] * self._num_workers
        self._worker_cycle = itertools.cycle(range(self._num_workers))
        if not first:  # persistent workers: drain the old epoch, start a new one
            for q in self._index_queues:
                q.put(_worker.RESUME)
            waiting = self._num_workers
            while waiting:
                task_id, _ = self._get_data()
                if task_id == _worker.RESUME:
                    waiting -= 1
        for _ in range(self._prefetch * self._num_workers):
            self._try_put_index()

    def _try_put_index(self):
        """Send the next index list to the next worker that still has data."""
        try:
            indices = next(self._sampler_iter)
        except StopIteration:
            return
        for _ in range(self._num_workers):
            worker_id = next(self._worker_cycle)
            if self._active[worker_id]:
                break
        else:
            return
        self._index_queues[worker_id].put((self._send_idx, indices))
        self._task_info[self._send_idx] = (worker_id,)
        self._send_idx += 1

    def _get_data(self):
        """The next (task_id, batch) from any worker; notices dead workers."""
        waited = 0.0
        while True:
            try:
                return self._data_queue.get(timeout=POLL_INTERVAL)
            except queue.Empty:
                waited += POLL_INTERVAL
            dead = [w for w in self._workers if not w.is_alive()]
            if dead:
                self._shutdown()
                raise RuntimeError(_dead_worker_message(dead[0])) from None
            if self._timeout > 0 and waited >= self._timeout:
                self._shutdown()
                raise RuntimeError(
                    _hint(
                        f"DataLoader timed out after {self._timeout} seconds",
                        "a worker took longer than `timeout` for one batch; raise the "
                        "timeout or make __getitem__ faster.",
                    )
                )

    def __next__(self):
        while True:
            # skip tasks of workers whose IterableDataset has ended
            while self._rcvd_idx < self._send_idx:
                info = self._task_info.get(self._rcvd_idx)
                if info is not None and (len(info) == 2 or self._active[info[0]]):
                    break
                self._task_info.pop(self._rcvd_idx, None)
                self._rcvd_idx += 1
            else:
                if not self._persistent:
                    self._shutdown()
                raise StopIteration
            info = self._task_info[self._rcvd_idx]
            if len(info) == 2:  # it arrived earlier, out of order
                del self._task_info[self._rcvd_idx]
                self._rcvd_idx += 1
                return self._process(info[1])
            task_id, data = self._get_data()
            if task_id == _worker.RESUME:
                continue
            if isinstance(data, _worker.IterationEnd):
                self._active[data.worker_id] = False
                self._try_put_index()
                continue
            if task_id != self._rcvd_idx:
                if task_id in self._task_info:
                    self._task_info[task_id] += (data,)
                continue
            del self._task_info[task_id]
            self._rcvd_idx += 1
            return self._process(data)

    def _process(self, data):
        self._try_put_index()
        if isinstance(data, _worker.ExceptionWrapper):
            data.reraise()
        return data

    def _shutdown(self):
        """Tell every worker to stop, wait briefly, then terminate stragglers."""
        if self._shutdown_done:
            return
        self._shutdown_done = True
        self._done_event.set()
        for q in self._index_queues:
            try:
                q.put(None)
            except (OSError, ValueError):
                pass
        for w in self._workers:
            w.join(timeout=2.0)
            if w.is_alive():
                w.terminate()
                w.join(timeout=1.0)
        for q in self._index_queues + [self._data_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self):
        if getattr(self, "_workers", None) is not None:
            self._shutdown()


def _dead_worker_message(w):
    if w.exitcode is not None and w.exitcode < 0:
        import signal

        reason = f"is killed by signal: {signal.Signals(-w.exitcode).name}. "
    else:
        reason = (
            f"exited unexpectedly with exit code {w.exitcode}. Details are lost "
            "due to multiprocessing. Rerunning with num_workers=0 may give "
            "better error trace."
        )
    return _hint(
        f"DataLoader worker (pid {w.pid}) {reason}",
        "the worker process ended without raising a Python exception (a "
        "crash, os._exit, or the system killing it for memory). Run with "
        "num_workers=0 to see the failure in this process.",
    )
