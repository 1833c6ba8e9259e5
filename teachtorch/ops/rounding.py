"""Rounding and value tests: floor, ceil, round, trunc, frac, sign, nan_to_num.

The rounding ops are flat almost everywhere, so their gradient is zero (PyTorch agrees);
frac = x - trunc(x) passes the gradient through. isnan/isinf/isfinite give bool tensors.
Chapter 03 (element-wise ops) opens this file.
"""
import numpy as np

from teachtorch import _checks, _errors
from teachtorch.autograd.function import Function
from teachtorch.ops._util import make, write_out


def _no_bool(x, kernel):
    if x.dtype == np.bool_:
        raise NotImplementedError(
            _errors.hint(f'"{kernel}" not implemented for \'Bool\'', 'rounding a mask means '
            "nothing; convert it first with x.float() or x.long()."))


class Floor(Function):
    """Round toward -inf (gradient zero).

    Math: y = floor(x);  dy/dx = 0
    Mirrors: torch.floor
    """
    _raw = True
    node_name = "FloorBackward0"

    @staticmethod
    def forward(ctx, x):
        _no_bool(x, "floor_vml_cpu")
        return np.floor(x) if x.dtype.kind == "f" else x.copy()

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 0


class Ceil(Floor):
    """Round toward +inf (gradient zero).

    Math: y = ceil(x);  dy/dx = 0
    Mirrors: torch.ceil
    """
    node_name = "CeilBackward0"

    @staticmethod
    def forward(ctx, x):
        _no_bool(x, "ceil_vml_cpu")
        return np.ceil(x) if x.dtype.kind == "f" else x.copy()


class Trunc(Floor):
    """Round toward zero (gradient zero).

    Math: y = trunc(x);  dy/dx = 0
    Mirrors: torch.trunc
    """
    node_name = "TruncBackward0"

    @staticmethod
    def forward(ctx, x):
        _no_bool(x, "trunc_vml_cpu")
        return np.trunc(x) if x.dtype.kind == "f" else x.copy()


class Round(Floor):
    """Round to nearest, ties to even (gradient zero).

    Math: y = round(x);  dy/dx = 0
    Mirrors: torch.round
    """
    node_name = "RoundBackward0"

    @staticmethod
    def forward(ctx, x):
        _no_bool(x, "round_vml_cpu")
        return np.round(x) if x.dtype.kind == "f" else x.copy()


class RoundDecimals(Floor):
    """Round to a number of decimals: nearbyint(x * 10**d) / 10**d.

    Math: y = round(x * 10**d) / 10**d;  dy/dx = 0
    Mirrors: torch.round(decimals=d)
    """
    node_name = "RoundBackward1"

    @staticmethod
    def forward(ctx, x, decimals):
        scale = x.dtype.type(10.0 ** abs(decimals))
        if decimals >= 0:
            return np.round(x * scale) / scale
        return np.round(x / scale) * scale


class Sign(Floor):
    """-1, 0 or 1 by the sign of x (gradient zero).

    Math: y = sign(x);  dy/dx = 0
    Mirrors: torch.sign
    """
    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind == "f":  # sign(nan) is 0 in PyTorch (NumPy: nan)
            return np.where(np.isnan(x), x.dtype.type(0), np.sign(x))
        return x.copy() if x.dtype == np.bool_ else np.sign(x)


class Frac(Function):
    """The fractional part x - trunc(x), keeping the sign of x.

    Math: y = x - trunc(x);  dy/dx = 1
    Mirrors: torch.frac
    """
    _raw = True
    node_name = "FracBackward0"

    @staticmethod
    def forward(ctx, x):
        return x - np.trunc(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class NanToNum(Function):
    """Replace nan, +inf, -inf by finite numbers.

    Math: y = x where finite, else the replacement;  dy/dx = 1 where x is finite, else 0
    Mirrors: torch.nan_to_num
    """
    _raw = True
    node_name = "NanToNumBackward0"

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.save_for_backward(x)
        if x.dtype.kind != "f":
            return x.copy()
        info = np.finfo(x.dtype)
        out = np.where(np.isnan(x), x.dtype.type(nan), x)
        hi = info.max if posinf is None else posinf
        lo = info.min if neginf is None else neginf
        out = np.where(out == np.inf, x.dtype.type(hi), out)
        out = np.where(out == -np.inf, x.dtype.type(lo), out)
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x.isfinite()


def _rounding_fn(cls, name):
    """The lowercase function for a one-input op: ``name(input, *, out=None)``."""
    def op(input, *, out=None):
        r = cls.apply(input)
        return write_out(out, r) if out is not None else r
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{cls.__doc__.splitlines()[0]} Mirrors: torch.{name}"
    return op


floor = _rounding_fn(Floor, "floor")
ceil = _rounding_fn(Ceil, "ceil")
trunc = _rounding_fn(Trunc, "trunc")
fix = trunc
sign = _rounding_fn(Sign, "sign")
_frac = _rounding_fn(Frac, "frac")


def frac(input, *, out=None):
    """x - trunc(x) (floating tensors only). Mirrors: torch.frac"""
    if input._data.dtype.kind != "f":
        _checks.not_implemented("frac_cpu", input)
    return _frac(input, out=out)


def round(input, *, decimals=0, out=None):
    """Round half to even (optionally to ``decimals`` places). Mirrors: torch.round"""
    r = Round.apply(input) if decimals == 0 else RoundDecimals.apply(input, decimals)
    return write_out(out, r) if out is not None else r


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """nan -> nan, inf -> posinf (or the largest finite), -inf -> neginf.

    Mirrors: torch.nan_to_num
    """
    r = NanToNum.apply(input, nan, posinf, neginf)
    return write_out(out, r) if out is not None else r


def isnan(input):
    """True where input is nan. Mirrors: torch.isnan"""
    return make(np.isnan(input._data))


def isinf(input):
    """True where input is +inf or -inf. Mirrors: torch.isinf"""
    return make(np.isinf(input._data))


def isposinf(input):
    return make(np.isposinf(input._data))


def isneginf(input):
    return make(np.isneginf(input._data))


def isfinite(input):
    """True where input is neither nan nor inf. Mirrors: torch.isfinite"""
    return make(np.isfinite(input._data))
