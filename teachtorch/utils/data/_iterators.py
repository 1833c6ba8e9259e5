"""The iterators behind ``iter(DataLoader(...))``.

``_SingleProcessIter`` (num_workers=0) loads each batch when asked.
``_MultiProcessIter`` starts the worker processes (_worker.py), keeps
``prefetch_factor`` batches per worker in flight, puts results back in order, and
notices workers that die or time out.
Chapter 08 (Dataset and DataLoader) opens this file.
"""

import itertools
import multiprocessing
import os
import queue

from teachtorch import _errors
from teachtorch.utils.data import _worker
from teachtorch.utils.data.dataset import IterableDataset

POLL_INTERVAL = 0.2  # seconds between checks that the workers are still alive


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
                    _errors.hint(
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
    return _errors.hint(
        f"DataLoader worker (pid {w.pid}) {reason}",
        "the worker process ended without raising a Python exception (a "
        "crash, os._exit, or the system killing it for memory). Run with "
        "num_workers=0 to see the failure in this process.",
    )
