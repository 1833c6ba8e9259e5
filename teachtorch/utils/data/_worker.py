"""What runs inside a DataLoader worker process, and how results travel back.

Each worker is a separate process (forked where the OS allows, so it starts in
milliseconds and sees the dataset without copying it). It waits on its own
``index_queue`` for ``(task_id, indices)``, loads and collates that batch, and puts
``(task_id, batch)`` on the shared ``data_queue``. The main process puts the batches
back in task order, so ``num_workers=2`` yields exactly what ``num_workers=0`` does.

An exception inside a worker cannot cross the process boundary as itself, so it is
sent as an ``ExceptionWrapper`` (type + formatted traceback text) and raised again in
the main process as "Caught ValueError in DataLoader worker process 0. Original
Traceback ...", as PyTorch does.
Chapter 08 (Dataset and DataLoader) opens this file.
"""

import os
import queue
import random
import sys
import traceback
from dataclasses import dataclass

import numpy as np

from teachtorch.utils.data.collate import default_collate
from teachtorch.utils.data.dataset import TensorDataset

_worker_info = None

RESUME = "resume"  # on an index_queue: persistent workers start a new epoch
STATUS_INTERVAL = 0.1  # seconds between a worker's checks of done_event / parent


@dataclass(frozen=True)
class IterationEnd:
    """Sent by a worker whose IterableDataset has no more samples."""

    worker_id: int


@dataclass(frozen=True)
class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker.

    Mirrors: torch.utils.data.get_worker_info() result
    """

    id: int
    num_workers: int
    seed: int
    dataset: object


def get_worker_info():
    """Inside a worker: its WorkerInfo (id, num_workers, seed, dataset); else None.

    An IterableDataset uses it to split the stream between workers.
    Mirrors: torch.utils.data.get_worker_info
    """
    return _worker_info


class KeyErrorMessage(str):
    """str(KeyError(msg)) quotes msg; this keeps the multi-line text readable."""

    def __repr__(self):
        return self


class ExceptionWrapper:
    """An exception (type and traceback text) that can be pickled to another process.

    Mirrors: torch._utils.ExceptionWrapper
    """

    def __init__(self, exc_info, where):
        self.exc_type = exc_info[0]
        self.exc_msg = "".join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f"Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}"
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except Exception:  # noqa: BLE001 - reported to the caller
            raise RuntimeError(msg) from None
        try:
            raise exception
        finally:
            del exception  # no frame -> traceback -> frame cycle keeping it alive


def _seed_everything(seed):
    """Each worker gets its own seed: base_seed + worker_id (PyTorch's rule)."""
    import teachtorch

    teachtorch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)


def _plain_tensor_dataset(dataset):
    """A TensorDataset itself (not a subclass that may change __getitem__) holding
    tensors that need no grad: its batch can be taken in one index per tensor."""
    return type(dataset) is TensorDataset and len(dataset.tensors) > 0 and not any(
        t._requires_grad for t in dataset.tensors)


def fetch(dataset, indices, auto_collation, collate_fn):
    """Load one batch from a map-style dataset and collate it."""
    if auto_collation and collate_fn is default_collate and _plain_tensor_dataset(dataset):
        return dataset._stacked_rows(indices)  # same batch, without per-sample calls
    if auto_collation:
        getitems = getattr(dataset, "__getitems__", None)
        samples = (
            getitems(indices) if callable(getitems) else [dataset[i] for i in indices]
        )
        return collate_fn(samples)
    return collate_fn(dataset[indices])


def fetch_iterable(iterator, batch_size, auto_collation, collate_fn, drop_last):
    """Take the next batch from an iterator over an IterableDataset."""
    if not auto_collation:
        return collate_fn(next(iterator))
    samples = []
    for sample in iterator:
        samples.append(sample)
        if len(samples) == batch_size:
            break
    if not samples or (drop_last and len(samples) < batch_size):
        raise StopIteration
    return collate_fn(samples)


def worker_loop(
    dataset,
    is_iterable,
    index_queue,
    data_queue,
    done_event,
    auto_collation,
    batch_size,
    collate_fn,
    drop_last,
    seed,
    init_fn,
    worker_id,
    num_workers,
    parent_pid,
):
    """The body of one worker process (runs until it gets None or done_event is set).

    done_event is the reliable stop signal: setting an Event works even where a
    queue put would not get flushed (e.g. from a finalizer during garbage collection).
    """
    global _worker_info
    _worker_info = WorkerInfo(
        id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset
    )
    where = f"in DataLoader worker process {worker_id}"
    _seed_everything(seed)
    init_error = None
    try:
        if init_fn is not None:
            init_fn(worker_id)
        iterator = iter(dataset) if is_iterable else None
    except Exception:  # noqa: BLE001 - reported to the caller
        init_error = ExceptionWrapper(sys.exc_info(), where)
    exhausted = False
    while True:
        try:
            task = index_queue.get(timeout=STATUS_INTERVAL)
        except queue.Empty:
            if done_event.is_set() or os.getppid() != parent_pid:  # told to stop,
                break  # or parent gone
            continue
        if task is None or done_event.is_set():
            break
        if task == RESUME:
            exhausted = False
            if is_iterable and init_error is None:
                iterator = iter(dataset)
            data_queue.put((RESUME, worker_id))
            continue
        task_id, indices = task
        if init_error is not None:
            data_queue.put((task_id, init_error))
            init_error = None
            exhausted = True
            continue
        if exhausted:
            data_queue.put((task_id, IterationEnd(worker_id)))
            continue
        try:
            if is_iterable:
                batch = fetch_iterable(
                    iterator, batch_size, auto_collation, collate_fn, drop_last
                )
            else:
                batch = fetch(dataset, indices, auto_collation, collate_fn)
        except StopIteration:
            exhausted = True
            batch = IterationEnd(worker_id)
        except Exception:  # noqa: BLE001 - reported to the caller
            batch = ExceptionWrapper(sys.exc_info(), where)
        data_queue.put((task_id, batch))
        del batch
    data_queue.cancel_join_thread()
    data_queue.close()
