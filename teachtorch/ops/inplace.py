"""In-place ops (names ending in _): compute, then write into the tensor's memory.

``x.add_(y)`` changes x itself, bumps its version counter (so autograd can notice that
a saved tensor changed), and, when a gradient is being recorded, gives x the new
grad_fn. A leaf that requires grad refuses (PyTorch's rule).
Chapter 04 (autograd, .data and in-place ops) opens this file.
"""
import numpy as np

from teachtorch import _errors, dtypes
from teachtorch.ops._util import make


def apply_inplace(x, fn, *args, **kwargs):
    """Run ``fn(x, *args)`` out of place and store the result into x."""
    x._check_inplace()
    r = fn(x, *args, **kwargs)
    if r._data.shape != x._data.shape:
        raise RuntimeError(_errors.inplace_shape(x.shape, r.shape))
    if r._data.dtype != x._data.dtype:
        rt, xt = dtypes._FROM_NP[r._data.dtype], x.dtype
        if rt.category > xt.category:
            raise RuntimeError(_errors.inplace_cast(rt, xt))
    node = r.grad_fn
    if node is not None and node._saved:
        node._saved = [(_snapshot(x) if t is x else t, v) for t, v in node._saved]
    if node is not None and x._base is not None and x._base.requires_grad:
        from teachtorch.ops.setitem import write_through_view

        write_through_view(x, r)  # record the change on the base (CopySlices)
        return x
    x._data[...] = r._data
    x._vc[0] += 1
    if node is not None:
        x.grad_fn, x._output_nr, x._requires_grad = node, r._output_nr, True
    return x


def _snapshot(x):
    """A copy of x's current value with x's current history (what backward needs)."""
    old = make(np.copy(x._data))
    old.grad_fn, old._output_nr, old._requires_grad = x.grad_fn, x._output_nr, \
        x._requires_grad
    old._acc = x._acc
    return old


def fill_(x, value):
    """Set every element to value (recorded as FillBackward0 when x needs a gradient)."""
    from teachtorch.autograd import grad_mode

    if x.requires_grad and grad_mode.is_grad_enabled():
        from teachtorch.ops.copy import fill

        return apply_inplace(x, fill, value)
    x._check_inplace()
    x._data[...] = value.item() if hasattr(value, "item") else value
    x._vc[0] += 1
    return x


def zero_(x):
    from teachtorch.autograd import grad_mode

    if x.requires_grad and grad_mode.is_grad_enabled():
        from teachtorch.ops.copy import zero

        return apply_inplace(x, zero)
    return fill_(x, 0)


def copy_(x, src, non_blocking=False):
    """Copy src's values (broadcast, cast) into x's memory."""
    from teachtorch.ops import copy as _copy

    if getattr(src, "requires_grad", False) or x.requires_grad:
        from teachtorch.autograd import grad_mode

        if grad_mode.is_grad_enabled():
            return apply_inplace(x, lambda a, s: _copy.CopyFrom.apply(a, s), src)
    x._check_inplace()
    from teachtorch import _backend

    data = src._data if hasattr(src, "_data") else np.asarray(src)
    if _backend.get_array_module(x._data) is not _backend.get_array_module(data):
        data = _backend.to_numpy(data) if not x.is_cuda else _backend.to_cupy(data)
    x._data[...] = data
    x._vc[0] += 1
    return x
