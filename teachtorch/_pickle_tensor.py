"""Plain pickle of tensors: what DataLoader workers, multiprocessing and deepcopy use.

Python's pickle calls ``Tensor.__reduce_ex__``, which calls :func:`reduce_tensor`. It
records the storage array, the offset, shape and strides, so a tensor keeps its layout,
and views pickled in one ``dumps`` call still share memory after ``loads`` (pickle's
memo sees the same storage array twice). ``teachtorch.save`` (``serialization.py``)
writes PyTorch's zip file format instead.

Chapter 08 (Dataset and DataLoader) opens this file.
"""
import numpy as np

from teachtorch import _backend
from teachtorch.storage import array_ptr


def _storage_array(t):
    """The array that owns t's memory (a view's base array, or t's own array)."""
    return t._root if t._root is not None else t._data


def _view_args(data, root):
    """(offset, shape, strides) in elements if data is a window onto root, else None."""
    if root is data:
        return None
    if root.dtype != data.dtype or not root.flags.c_contiguous:
        return None
    item = data.itemsize
    start = array_ptr(data) - array_ptr(root)
    if start < 0 or start % item or any(s < 0 or s % item for s in data.strides):
        return None
    last = start + sum((n - 1) * s for n, s in zip(data.shape, data.strides)) + item
    if data.size and last > root.nbytes:
        return None
    return (start // item, data.shape, tuple(s // item for s in data.strides))


def reduce_tensor(t):
    """What pickle stores for a Tensor: a function and the arguments that rebuild it.

    Like PyTorch, the tensor keeps its strides and storage offset. The storage array is
    pickled as itself, so (unlike ``torch``'s plain pickle, which copies each tensor's
    storage separately) views pickled in one ``dumps`` call still share memory after
    ``loads``. A small window onto a big storage (a dataset row) is copied compactly
    instead of sending the whole storage to a worker process.

    Mirrors: torch.Tensor.__reduce_ex__
    """
    data = t._data
    device = None
    if _backend.is_cupy_array(data):
        device = _backend.array_device_index(data)
        data = _backend.to_numpy(data)
        root, view = data, None
    else:
        root = _storage_array(t)
        view = _view_args(data, root) if 2 * data.size >= root.size else None
        if view is None:
            root = data
    from teachtorch.tensor import Tensor

    # the learner's own attributes (t.note = ...), not Tensor's internal ones
    state = {k: v for k, v in t.__dict__.items() if not hasattr(Tensor, k)} or None
    cls = type(t)
    return (_rebuild_tensor, (cls, root, view, bool(t._requires_grad),
                              bool(data.flags.writeable), device, state))


def _rebuild_tensor(cls, root, view, requires_grad, writeable, device, state):
    """Undo :func:`reduce_tensor`: a tensor of class cls looking into root."""
    from teachtorch.tensor import Tensor

    if view is None:
        data, owner = root, None
    else:
        offset, shape, strides = view
        item = root.itemsize
        flat = root.reshape(-1)
        data = np.lib.stride_tricks.as_strided(
            flat[offset:] if flat.size else flat, shape=shape,
            strides=tuple(s * item for s in strides), writeable=writeable)
        owner = root
    if device is not None:
        data = _backend.to_cupy(data, device)
    t = Tensor._make(data) if cls is Tensor else object.__new__(cls)
    if cls is not Tensor:
        t._init_from(data)
    if owner is not None:
        t._root = owner
    t._requires_grad = requires_grad
    if state:
        t.__dict__.update(state)
    return t
