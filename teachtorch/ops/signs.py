"""Signs and nan-aware extremes: sgn, signbit, copysign, heaviside, fmax, fmin,
and the integer gcd / lcm.

``sign``, ``maximum`` and ``minimum`` are in ``rounding.py`` and ``select.py``.
fmax / fmin differ from maximum / minimum only at nan: they pick the other value.
Chapter 03 (broadcasting) opens this file.
"""
import numpy as np

from teachtorch import _arg_types, _errors, dtypes
from teachtorch.autograd.function import Function
from teachtorch.ops._util import as_tensor, make, write_out
from teachtorch.ops.reduce import array_of
from teachtorch.ops.trig import _binary, _binary_float


def sgn(input, *, out=None):
    """The sign of each element (for real tensors, the same as sign). Mirrors: torch.sgn"""
    r = input.sign()
    return write_out(out, r) if out is not None else r


def signbit(input, *, out=None):
    """True where the sign bit is set (negative numbers and -0.0). Mirrors: torch.signbit"""
    r = make(array_of(np.signbit(input._data)))
    return write_out(out, r) if out is not None else r


class Copysign(Function):
    """|input| with the sign of other.

    Math: z = |a| sign(b);  dz/da = z / a (0 where a == 0),  dz/db = 0 (a zero gradient, not None)
    Mirrors: torch.copysign
    """
    _raw = True
    node_name = "CopysignBackward0"

    @staticmethod
    def forward(ctx, a, b):
        dt = _binary_float(a, b)
        z = array_of(np.copysign(a.astype(dt), b.astype(dt)))
        ctx.save_for_backward(a, z)
        return z

    @staticmethod
    def backward(ctx, grad_output):
        a, z = ctx.saved_tensors
        zero = a == 0
        ratio = (z / a.masked_fill(zero, 1)).masked_fill(zero, 0)
        return grad_output * ratio, grad_output * 0  # PyTorch gives other a zero grad


class Fmax(Function):
    """The larger of two values, ignoring nan (nan only where both are nan).

    Math: z = max(a, b);  the gradient goes to the value picked (a on ties)
    Mirrors: torch.fmax
    """
    _raw = True
    node_name = "FmaxBackward0"

    @staticmethod
    def forward(ctx, a, b):
        z = array_of(np.fmax(a, b).astype(_result(a, b)))
        ctx.pick_a = (a >= b) | np.isnan(b)
        return z

    @staticmethod
    def backward(ctx, grad_output):
        pick_a = make(ctx.pick_a)
        return grad_output * pick_a, grad_output * ~pick_a


class Fmin(Function):
    """The smaller of two values, ignoring nan.

    Math: z = min(a, b);  the gradient goes to the value picked (a on ties)
    Mirrors: torch.fmin
    """
    _raw = True
    node_name = "FminBackward0"

    @staticmethod
    def forward(ctx, a, b):
        z = array_of(np.fmin(a, b).astype(_result(a, b)))
        ctx.pick_a = (a <= b) | np.isnan(b)
        return z

    @staticmethod
    def backward(ctx, grad_output):
        pick_a = make(ctx.pick_a)
        return grad_output * pick_a, grad_output * ~pick_a


def _result(a, b):
    return dtypes.promote_types(dtypes._FROM_NP[a.dtype], dtypes._FROM_NP[b.dtype]).np


copysign = _binary(Copysign, "copysign", numbers=True)
fmax = _binary(Fmax, "fmax")
fmin = _binary(Fmin, "fmin")


def heaviside(input, values, *, out=None):
    """The step function: 0 below zero, 1 above, values where input == 0.

    Mirrors: torch.heaviside (no gradient, as in PyTorch)
    """
    _arg_types.tensor_arg("heaviside", "values", 2, values)
    if input.dtype is not values.dtype:
        raise RuntimeError(_errors.hint(
            "heaviside is not yet implemented for tensors with different dtypes",
            "convert values to input's dtype: values.to(input.dtype)."))
    r = make(array_of(np.heaviside(input._data, values._data).astype(input._data.dtype)))
    return write_out(out, r) if out is not None else r


def _integer_pair(name, a, b):
    _arg_types.tensor_arg(name, "other", 2, b)
    b = as_tensor(b, like=a)
    if a.dtype.category != 1 or b.dtype.category != 1:
        bad = a if a.dtype.category != 1 else b
        raise RuntimeError(_errors.hint(
            f"\"{name}_cpu\" not implemented for '{bad.dtype.legacy_name[:-6]}'",
            f"{name} is for integers; call .long() first."))
    return a._data, b._data, _result(a._data, b._data)


def gcd(input, other, *, out=None):
    """Greatest common divisor, element-wise (integers). Mirrors: torch.gcd"""
    a, b, dt = _integer_pair("gcd", input, other)
    r = make(array_of(np.gcd(a, b).astype(dt)))
    return write_out(out, r) if out is not None else r


def lcm(input, other, *, out=None):
    """Least common multiple, element-wise (integers). Mirrors: torch.lcm"""
    a, b, dt = _integer_pair("lcm", input, other)
    r = make(array_of(np.lcm(a, b).astype(dt)))
    return write_out(out, r) if out is not None else r


