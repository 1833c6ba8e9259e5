"""Choosing between values: clamp, where, maximum, minimum.

Each picks, element by element, one of its inputs; the gradient goes to the input that
was picked (ties in maximum/minimum split it evenly, as PyTorch does).
Chapter 03 (broadcasting, masks) opens this file.
"""
import numpy as np

from teachtorch import _arg_types, _errors, dtypes
from teachtorch.autograd.function import Function
from teachtorch.ops._util import check_broadcast, is_tensor, make, write_out


class Clamp(Function):
    """Limit values to [min, max] given as numbers (either may be None).

    Math: y = min(max(x, lo), hi);  dy/dx = 1 where lo <= x <= hi, else 0
    Mirrors: torch.clamp
    """
    _raw = True
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, min=None, max=None, dtype=None):
        if dtype is not None:
            x = x.astype(dtype)
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = min, max
        if min is not None and max is not None:
            return np.clip(x, min, max).astype(x.dtype, copy=False)
        if min is not None:
            return np.maximum(x, min).astype(x.dtype, copy=False)
        return np.minimum(x, max).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        mask = None
        if ctx.lo is not None:
            mask = x >= ctx.lo
        if ctx.hi is not None:
            m = x <= ctx.hi
            mask = m if mask is None else mask & m
        return grad_output * mask


class ClampMin(Clamp):
    """clamp_min(x, lo) (PyTorch's node is ClampMinBackward0)."""
    node_name = "ClampMinBackward0"


class ClampTensor(Function):
    """Limit values to [min, max] given as tensors (broadcast; either may be None).

    Math: y = min(max(x, lo), hi);  dy/dx = 1 inside, dy/dlo = 1 where x < lo,
          dy/dhi = 1 where x > hi
    Mirrors: torch.clamp
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "ClampBackward0"

    @staticmethod
    def forward(ctx, x, lo, hi, dtype=None):
        if dtype is not None:
            x = x.astype(dtype)
            lo = lo.astype(dtype) if lo is not None else None
            hi = hi.astype(dtype) if hi is not None else None
        ctx.save_for_backward(x, lo, hi)
        y = x if lo is None else np.maximum(x, lo)
        return y if hi is None else np.minimum(y, hi)

    @staticmethod
    def backward(ctx, grad_output):
        x, lo, hi = ctx.saved_tensors
        inside = None
        g_lo = g_hi = None
        if lo is not None:
            inside = x >= lo
            g_lo = grad_output * (x < lo)
        if hi is not None:
            inside = (x <= hi) if inside is None else inside & (x <= hi)
            g_hi = grad_output * (x > hi)
        return grad_output * inside, g_lo, g_hi


class Where(Function):
    """condition ? a : b, element-wise with broadcasting.

    Math: y = a where c else b;  dy/da = c, dy/db = not c
    Mirrors: torch.where
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "WhereBackward0"

    @staticmethod
    def forward(ctx, cond, a, b, dtype):
        ctx.save_for_backward(cond)
        out = np.where(cond, a, b)
        return out if out.dtype == dtype else out.astype(dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (cond,) = ctx.saved_tensors
        ga = where(cond, grad_output, 0.0) if ctx.needs_input_grad[1] else None
        gb = where(cond, 0.0, grad_output) if ctx.needs_input_grad[2] else None
        return None, ga, gb


class Maximum(Function):
    """The larger of a and b, element-wise (nan wins).

    Math: y = max(a, b);  dy/da = 1 where a > b, 1/2 where a == b, else 0
    Mirrors: torch.maximum
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "MaximumBackward0"

    @staticmethod
    def forward(ctx, a, b, dtype=None):
        if dtype is not None:
            a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
        ctx.save_for_backward(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        share = (a > b) + (a == b) * 0.5
        return grad_output * share, grad_output * (1 - share)


class Minimum(Maximum):
    """The smaller of a and b, element-wise (nan wins).

    Math: y = min(a, b);  dy/da = 1 where a < b, 1/2 where a == b, else 0
    Mirrors: torch.minimum
    """
    node_name = "MinimumBackward0"

    @staticmethod
    def forward(ctx, a, b, dtype=None):
        if dtype is not None:
            a, b = a.astype(dtype, copy=False), b.astype(dtype, copy=False)
        ctx.save_for_backward(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        share = (a < b) + (a == b) * 0.5
        return grad_output * share, grad_output * (1 - share)


def clamp(input, min=None, max=None, *, out=None):
    """Limit every element to [min, max]; numbers or tensors. Mirrors: torch.clamp"""
    if min is None and max is None:
        raise RuntimeError(_errors.clamp_no_bounds())
    for bound in (min, max):
        if bound is not None and not is_tensor(bound) and not isinstance(
                bound, (int, float, bool, np.number)):
            got = type(bound).__name__
            raise TypeError(_errors.hint(
                f"clamp() received an invalid combination of arguments - got ({got}), "
                "but expected one of:", "bounds are numbers or tensors."))
    d = dtypes.result_type(input, min, max)
    np_d = None if d.np == input._data.dtype else d.np
    if is_tensor(min) or is_tensor(max):
        def bound(v):  # a number next to a tensor bound becomes a 0-d tensor
            if v is None or is_tensor(v):
                return v
            return make(np.full_like(input._data, v, d.np, shape=()))
        lo, hi = bound(min), bound(max)
        r = ClampTensor.apply(input, lo, hi, dtype=np_d)
    else:
        r = Clamp.apply(input, min, max, dtype=np_d)
    return write_out(out, r) if out is not None else r


clip = clamp


def clamp_min(input, min):
    """max(input, min). Mirrors: torch.clamp_min"""
    if is_tensor(min):
        return clamp(input, min=min)
    return ClampMin.apply(input, min, None)


def clamp_max(input, max):
    """min(input, max). Mirrors: torch.clamp_max"""
    return clamp(input, max=max)


def where(condition, input=None, other=None, *, out=None):
    """Pick input where condition is True, else other (broadcasting).

    ``where(condition)`` alone returns the indices of True elements (like nonzero).
    Mirrors: torch.where
    """
    if input is None and other is None:
        return tuple(make(i.astype(np.int64)) for i in np.nonzero(condition._data))
    if condition._data.dtype != np.bool_:
        raise RuntimeError(_errors.where_condition(condition.dtype))
    shapes = [t._data.shape for t in (condition, input, other) if is_tensor(t)]
    for s in shapes[1:]:
        check_broadcast(shapes[0], s)
    d = dtypes.result_type(input, other)
    r = Where.apply(condition, input, other, d.np)
    return write_out(out, r) if out is not None else r


def _pair(cls, input, other, out):
    check_broadcast(input._data.shape, other._data.shape)
    d = dtypes.result_type(input, other)
    same = d.np == input._data.dtype and d.np == other._data.dtype
    r = cls.apply(input, other, dtype=None if same else d.np)
    return write_out(out, r) if out is not None else r


def maximum(input, other, *, out=None):
    """Element-wise larger value. Mirrors: torch.maximum"""
    _arg_types.tensor_arg("maximum", "other", 2, other)
    return _pair(Maximum, input, other, out)


def minimum(input, other, *, out=None):
    """Element-wise smaller value. Mirrors: torch.minimum"""
    _arg_types.tensor_arg("minimum", "other", 2, other)
    return _pair(Minimum, input, other, out)
