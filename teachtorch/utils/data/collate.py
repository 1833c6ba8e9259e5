"""Collate: turn a list of samples into one batch.

``default_collate([(x0, y0), (x1, y1), ...])`` gives ``[stack(x), tensor(y)]``: it
looks at the first sample and, recursively, stacks tensors and NumPy arrays along a
new first dimension, turns Python ints into an int64 tensor and floats into a
float64 tensor, keeps strings as a list, and collates dicts key by key and tuples /
lists position by position. Pass ``collate_fn=`` to a DataLoader to do it your way
(e.g. padding sequences of different lengths).
Chapter 08 (Dataset and DataLoader) opens this file.
"""

import collections.abc
import re

import numpy as np

from teachtorch import _backend, _errors
from teachtorch.tensor import Tensor

_STRING_DTYPE = re.compile(r"[SaUO]")

_ERR = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or "
    "lists; found {}"
)


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


def _stack_tensors(batch):
    """Stack equal-shaped tensors along a new dim 0 into a contiguous batch.

    Samples that need grad are stacked by torch.stack (StackBackward0, as in torch)."""
    first = batch[0]
    shape = first._data.shape
    for i, t in enumerate(batch):
        if t._data.shape != shape:
            raise RuntimeError(
                _errors.hint("stack expects each tensor to be equal size, but got "
                f"{list(first.shape)}"
                f" at entry 0 and {list(t.shape)} at entry {i}", "samples in a "
                "batch must have one shape. Pad them in a collate_fn (see "
                "nn.utils.rnn.pad_sequence), or use batch_size=1.")
            )
    if any(t._requires_grad for t in batch):
        from teachtorch import ops

        return ops.stack(batch)
    xp = _backend.get_array_module(first._data)
    out = xp.empty((len(batch),) + shape, first._data.dtype)  # C order, like torch
    return Tensor._make(xp.stack([t._data for t in batch], out=out))


def default_collate(batch):
    """Merge a list of samples into a batch, following the first sample's structure.

    Mirrors: torch.utils.data.default_collate
    """
    elem = batch[0]
    if isinstance(elem, Tensor):
        return _stack_tensors(batch)
    if isinstance(elem, np.ndarray):  # arrays (also memmap, 0-d) -> stacked tensor
        if _STRING_DTYPE.search(elem.dtype.str) is not None:
            raise TypeError(_ERR.format(elem.dtype))
        return _stack_tensors([Tensor._make(np.asarray(b)) for b in batch])
    if isinstance(elem, np.generic) and not isinstance(elem, (np.str_, np.bytes_)):
        return Tensor._make(np.asarray(batch))  # NumPy scalars keep their dtype
    if isinstance(elem, int):  # bools too: torch.tensor(batch) ([1, 2.5] is float)
        if all(type(x) is int for x in batch):  # the common case: class labels
            return Tensor._make(np.array(batch, dtype=np.int64))
        from teachtorch.creation import tensor

        return tensor(batch)
    if isinstance(elem, float):
        for item in batch:
            if not isinstance(item, (int, float, np.number)):
                raise TypeError(_errors.hint(
                    f"must be real number, not {type(item).__name__}",
                    "every sample's value must be a number to make a batch tensor."))
        return Tensor._make(np.array(batch, dtype=np.float64))
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        collated = {key: default_collate([d[key] for d in batch]) for key in elem}
        return _rebuild(elem, collated)
    if _is_namedtuple(elem):
        return type(elem)(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError(
                _errors.hint("each element in list of batch should be of equal size", "samples "
                "here are lists/tuples of different lengths; return the same number "
                "of fields from every __getitem__, or write a collate_fn.")
            )
        transposed = [default_collate(s) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return transposed  # PyTorch returns a list for tuples too
        return _rebuild(elem, transposed)
    raise TypeError(_ERR.format(type(elem)))


def default_convert(data):
    """Turn NumPy arrays (and numbers inside containers) into tensors, no batching.

    Used when ``batch_size=None``.
    Mirrors: torch.utils.data.default_convert
    """
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (np.ndarray, np.generic)):
        if _STRING_DTYPE.search(np.asarray(data).dtype.str) is not None:
            return data
        return Tensor._make(np.asarray(data))
    if isinstance(data, collections.abc.Mapping):
        return _rebuild(data, {k: default_convert(v) for k, v in data.items()})
    if _is_namedtuple(data):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(
        data, (str, bytes)
    ):
        return _rebuild(data, [default_convert(d) for d in data])
    return data


def _rebuild(original, items):
    """A container of original's type holding items (a plain one if that fails)."""
    try:
        return type(original)(items)
    except TypeError:
        return items
