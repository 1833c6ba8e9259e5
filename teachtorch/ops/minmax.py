"""Largest and smallest: max, min (values and indices), amax, amin, argmax, median.

``x.max(dim)`` returns a named tuple ``(values, indices)`` that prints like PyTorch's
``torch.return_types.max``; its gradient goes to the chosen index. ``x.max()`` and
``amax`` share the gradient evenly among tied maxima (PyTorch's rule).
Chapter 03 (reductions) and chapter 09 (accuracy with argmax) open this file.
"""
from collections import namedtuple

import numpy as np

from teachtorch import _checks, _errors
from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function
from teachtorch.ops._util import is_tensor, make, normalize_dims, wrap_dim
from teachtorch.ops.reduce import array_of, dim_or_axis, expand_back


def _return_type(name):
    """A (values, indices) named tuple that prints as torch.return_types.<name>."""
    base = namedtuple(name, ["values", "indices"])

    def __repr__(self):
        return (f"torch.return_types.{name}(\nvalues={self.values!r},\n"
                f"indices={self.indices!r})")
    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__})
    cls.__qualname__ = f"return_types.{name}"   # so pickle finds it in this module
    return cls


class return_types:
    max = _return_type("max")
    min = _return_type("min")
    median = _return_type("median")
    sort = _return_type("sort")
    topk = _return_type("topk")


def _check_nonempty(x, name, dim=None):
    if x.size == 0 and (dim is None or x.shape[dim] == 0):
        where = "" if dim is None else f" on dimension {dim}"
        if dim is not None:
            cls = IndexError
            msg = f"{name}(): Expected reduction dim {dim} to have non-zero size."
        elif name in ("argmax", "argmin"):
            cls = IndexError
            msg = (f"{name}(): Expected reduction dim to be specified for "
                   "input.numel() == 0.")
        else:
            cls = RuntimeError
            msg = (f"{name}(): Expected reduction dim to be specified for "
                   "input.numel() == 0. Specify the reduction dim with the 'dim' "
                   "argument.")
        raise cls(_errors.hint(f"{msg}", f"the tensor is empty{where}; there is nothing to take "
                  f"the {name} of."))


class Amax(Function):
    """Largest value over dims; ties share the gradient evenly.

    Math: y = max_i x_i;  dy/dx_i = 1/k for the k elements equal to y, else 0
    Mirrors: torch.amax
    """
    _raw = True
    node_name = "AmaxBackward0"
    _reduce = staticmethod(np.max)

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        y = array_of(type(ctx)._forward_cls._reduce(x, axis=dims, keepdims=keepdim))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        hit = x == expand_back(y, ctx.shape, ctx.dims, ctx.keepdim)
        count = hit.sum(ctx.dims, keepdim=True)
        g = expand_back(grad_output, ctx.shape, ctx.dims, ctx.keepdim)
        return g * hit / count


class Amin(Amax):
    """Smallest value over dims; ties share the gradient evenly.

    Math: y = min_i x_i;  dy/dx_i = 1/k for the k elements equal to y, else 0
    Mirrors: torch.amin
    """
    node_name = "AminBackward0"
    _reduce = staticmethod(np.min)


class MaxAll(Amax):
    """x.max() with no dim (PyTorch's node is MaxBackward1)."""
    node_name = "MaxBackward1"


class MinAll(Amin):
    """x.min() with no dim (PyTorch's node is MinBackward1)."""
    node_name = "MinBackward1"


class MaxDim(Function):
    """Largest value along one dim, and where it is.

    Math: y = x[argmax];  dy/dx = 1 at the returned index, else 0
    Mirrors: torch.max(input, dim)
    """
    _raw = True
    node_name = "MaxBackward0"
    _arg = staticmethod(np.argmax)

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        idx = type(ctx)._forward_cls._arg(x, axis=dim, keepdims=True)
        values = np.take_along_axis(x, idx, axis=dim)
        if not keepdim:
            values, idx = values.squeeze(dim), idx.squeeze(dim)
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        ctx.index = idx
        return values, idx.astype(np.int64)

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        return _scatter_grad(grad_values, ctx)


def _scatter_grad(grad, ctx):
    """Put grad at the chosen index along ctx.dim, zeros elsewhere (in Tensor ops)."""
    idx = ctx.index if ctx.keepdim else np.expand_dims(ctx.index, ctx.dim)
    onehot = get_array_module(idx).arange(ctx.shape[ctx.dim]).reshape(
        [-1 if d == ctx.dim else 1 for d in range(len(ctx.shape))]) == idx
    g = grad if ctx.keepdim else grad.unsqueeze(ctx.dim)
    return g * make(onehot)


class MinDim(MaxDim):
    """Smallest value along one dim, and where it is.

    Math: y = x[argmin];  dy/dx = 1 at the returned index, else 0
    Mirrors: torch.min(input, dim)
    """
    node_name = "MinBackward0"
    _arg = staticmethod(np.argmin)


class MedianAll(Function):
    """The lower median of all elements; ties share the gradient evenly.

    Math: y = sorted(x)[(n-1)//2];  dy/dx_i = 1/k for the k elements equal to y
    Mirrors: torch.median
    """
    _raw = True
    node_name = "MedianBackward0"

    @staticmethod
    def forward(ctx, x):
        flat = x.reshape(-1)
        if flat.size == 0:  # PyTorch: nan, or the dtype's lowest integer
            empty = np.nan if x.dtype.kind in "fc" else np.iinfo(x.dtype).min
            y = array_of(x.dtype.type(empty))
            ctx.save_for_backward(x, y)
            return y
        y = array_of(np.partition(flat, (flat.size - 1) // 2)[(flat.size - 1) // 2])
        if np.isnan(flat).any():
            y = array_of(x.dtype.type(np.nan))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        hit = x == y
        return grad_output * hit / hit.sum()


class MedianDim(Function):
    """The lower median along one dim, and its index.

    Math: y = sorted(x)[(n-1)//2] along dim;  dy/dx = 1 at the returned index
    Mirrors: torch.median(input, dim)
    """
    _raw = True
    node_name = "MedianBackward1"

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        k = (x.shape[dim] - 1) // 2
        idx = np.take(np.argsort(x, axis=dim, kind="stable"), [k], axis=dim)
        values = np.take_along_axis(x, idx, axis=dim)
        if not keepdim:
            values, idx = values.squeeze(dim), idx.squeeze(dim)
        ctx.shape, ctx.dim, ctx.keepdim, ctx.index = x.shape, dim, keepdim, idx
        return values, idx.astype(np.int64)

    @staticmethod
    def backward(ctx, grad_values, grad_indices):
        return _scatter_grad(grad_values, ctx)


def _values_indices(cls, kind, input, dim, keepdim):
    d = wrap_dim(dim, input.dim())
    _check_nonempty(input._data, kind, d)
    if input._data.ndim == 0:
        index = make(get_array_module(input._data).zeros((), np.int64))
        return getattr(return_types, kind)(input.clone(), index)
    values, indices = cls.apply(input, d, keepdim)
    return getattr(return_types, kind)(values, indices)


def max(input, dim=None, keepdim=False, *, out=None, axis=None):
    """max(x): the largest value; max(x, dim): (values, indices); max(x, y): maximum.

    Mirrors: torch.max
    """
    dim = dim_or_axis(dim, axis)
    if is_tensor(dim):
        from teachtorch.ops.select import maximum

        return maximum(input, dim, out=out)
    if dim is None:
        _check_nonempty(input._data, "max")
        return MaxAll.apply(input, None, False)
    return _values_indices(MaxDim, "max", input, dim, keepdim)


def min(input, dim=None, keepdim=False, *, out=None, axis=None):
    """min(x): the smallest value; min(x, dim): (values, indices); min(x, y): minimum.

    Mirrors: torch.min
    """
    dim = dim_or_axis(dim, axis)
    if is_tensor(dim):
        from teachtorch.ops.select import minimum

        return minimum(input, dim, out=out)
    if dim is None:
        _check_nonempty(input._data, "min")
        return MinAll.apply(input, None, False)
    return _values_indices(MinDim, "min", input, dim, keepdim)


def amax(input, dim=(), keepdim=False, *, axis=None):
    """Largest value over dim(s) (all dims when dim is ()). Mirrors: torch.amax"""
    dim = dim_or_axis(dim, axis)
    dims = None if dim in ((), None, []) else normalize_dims(dim, input.dim())
    if input._data.size == 0:
        for d in dims or (None,):
            _check_nonempty(input._data, "amax", d)
    return Amax.apply(input, dims, keepdim)


def amin(input, dim=(), keepdim=False, *, axis=None):
    """Smallest value over dim(s) (all dims when dim is ()). Mirrors: torch.amin"""
    dim = dim_or_axis(dim, axis)
    dims = None if dim in ((), None, []) else normalize_dims(dim, input.dim())
    if input._data.size == 0:
        for d in dims or (None,):
            _check_nonempty(input._data, "amin", d)
    return Amin.apply(input, dims, keepdim)


def _arg(fn, input, dim, keepdim):
    if input._data.dtype == np.bool_:
        raise RuntimeError(_errors.hint(f"{fn.__name__}(): does not support bool input", "use "
                           "mask.long().argmax() or torch.nonzero(mask)."))
    name = fn.__name__
    if input._data.size == 0:
        _check_nonempty(input._data, name, None if dim is None else wrap_dim(
            dim, input.dim()))
    if dim is None:
        r = array_of(fn(input._data.reshape(-1)))
        return make((r.reshape((1,) * input.dim()) if keepdim else r).astype(np.int64))
    d = wrap_dim(dim, input.dim())
    return make(array_of(fn(input._data, axis=d, keepdims=keepdim)).astype(np.int64))


def argmax(input, dim=None, keepdim=False, *, axis=None):
    """Index of the largest value (in the flattened tensor when dim is None).

    Mirrors: torch.argmax
    """
    return _arg(np.argmax, input, dim_or_axis(dim, axis), keepdim)


def argmin(input, dim=None, keepdim=False, *, axis=None):
    """Index of the smallest value. Mirrors: torch.argmin"""
    return _arg(np.argmin, input, dim_or_axis(dim, axis), keepdim)


def median(input, dim=None, keepdim=False):
    """The lower median (of all elements, or (values, indices) along dim).

    Mirrors: torch.median
    """
    if input._data.dtype.kind == "b":
        _checks.not_implemented("median_cpu", input)
    if dim is None:
        return MedianAll.apply(input)
    return _values_indices(MedianDim, "median", input, dim, keepdim)
