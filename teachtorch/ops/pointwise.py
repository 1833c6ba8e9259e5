"""Element-wise math: exp and log families, sqrt, trigonometry, erf, abs.

Each op is a Function with forward and backward side by side; the lowercase
function below it is what ``torch.exp(x)`` and ``x.exp()`` call. Integer inputs give
float results (as in PyTorch). Activations (sigmoid, tanh, relu) are in
``activations/``; rounding in ``rounding.py``; clamp/where/maximum in ``select.py``.
Chapter 04 (autograd) opens this file.
"""
import math

import numpy as np

from teachtorch import _errors, dtypes
from teachtorch.autograd.function import Function
from teachtorch.ops._util import write_out
from teachtorch.ops.reduce import array_of


def _float_tensor(x):
    """An integer or bool tensor as the default float dtype (exp(int) is float)."""
    if hasattr(x, "_data") and x._data.dtype.kind in "biu":
        return x.to(dtypes.get_default_dtype())
    return x


def _float(x):
    """Integer and bool inputs give float results for these ops (like torch)."""
    if x.dtype.kind in "biu":
        return x.astype(dtypes.get_default_dtype().np)
    return x


class Exp(Function):
    """e**x, element-wise.

    Math: y = exp(x);  dy/dx = y
    Mirrors: torch.exp
    """
    _raw = True
    node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, x):              # x: an array (_raw); NumPy reads a Tensor too
        with np.errstate(over="ignore"):
            y = np.exp(x)
        ctx.save_for_backward(y)      # saved as a Tensor, so create_graph works
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y


class Exp2(Function):
    """2**x.

    Math: y = 2**x;  dy/dx = y * log(2)
    Mirrors: torch.exp2
    """
    _raw = True
    node_name = "Exp2Backward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(over="ignore"):
            y = array_of(np.exp2(_float(x)))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y * math.log(2.0)


class Expm1(Function):
    """e**x - 1, accurate for small x.

    Math: y = exp(x) - 1;  dy/dx = y + 1
    Mirrors: torch.expm1
    """
    _raw = True
    node_name = "Expm1Backward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(over="ignore"):
            y = array_of(np.expm1(_float(x)))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * (y + 1)


class Log(Function):
    """Natural logarithm.

    Math: y = log(x);  dy/dx = 1/x
    Mirrors: torch.log
    """
    _raw = True
    node_name = "LogBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(_float(x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output / x


class Log2(Function):
    """Base-2 logarithm.

    Math: y = log2(x);  dy/dx = 1 / (x * log(2))
    Mirrors: torch.log2
    """
    _raw = True
    node_name = "Log2Backward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log2(_float(x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output / (x * math.log(2.0))


class Log10(Function):
    """Base-10 logarithm.

    Math: y = log10(x);  dy/dx = 1 / (x * log(10))
    Mirrors: torch.log10
    """
    _raw = True
    node_name = "Log10Backward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(_float(x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output / (x * math.log(10.0))


class Log1p(Function):
    """log(1 + x), accurate for small x.

    Math: y = log(1 + x);  dy/dx = 1 / (1 + x)
    Mirrors: torch.log1p
    """
    _raw = True
    node_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log1p(_float(x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output / (x + 1)


class Sqrt(Function):
    """Square root.

    Math: y = sqrt(x);  dy/dx = 1 / (2*y)
    Mirrors: torch.sqrt
    """
    _raw = True
    node_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(invalid="ignore"):
            y = array_of(np.sqrt(_float(x)))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output / (y * 2)


class Rsqrt(Function):
    """1 / sqrt(x).

    Math: y = x**-0.5;  dy/dx = -0.5 * y**3
    Mirrors: torch.rsqrt
    """
    _raw = True
    node_name = "RsqrtBackward0"

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = array_of(np.reciprocal(np.sqrt(x)))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * (y * y * y) * -0.5


class Sin(Function):
    """Sine (radians).

    Math: y = sin(x);  dy/dx = cos(x)
    Mirrors: torch.sin
    """
    _raw = True
    node_name = "SinBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(_float(x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x.cos()


class Cos(Function):
    """Cosine (radians).

    Math: y = cos(x);  dy/dx = -sin(x)
    Mirrors: torch.cos
    """
    _raw = True
    node_name = "CosBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(_float(x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * -x.sin()


class Tan(Function):
    """Tangent (radians).

    Math: y = tan(x);  dy/dx = 1 + y**2
    Mirrors: torch.tan
    """
    _raw = True
    node_name = "TanBackward0"

    @staticmethod
    def forward(ctx, x):
        y = array_of(np.tan(_float(x)))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * (y * y + 1)


def _erf_array(x):
    """erf in float64 without SciPy: a series near 0, a continued fraction far out.

    |x| < 3:  erf(x) = 2/sqrt(pi) x exp(-x**2) sum_n (2x**2)**n / (1*3*...*(2n+1))
    |x| >= 3: erfc(x) = exp(-x**2) / sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ..))))
    Both loops run over terms (a fixed count), never over elements.
    """
    x = x.astype(np.float64)
    a = np.abs(x)
    small = np.minimum(a, 3.0)
    term = np.ones_like(small)
    total = np.ones_like(small)
    two_x2 = 2.0 * small * small
    for n in range(1, 90):
        term = term * two_x2 / (2 * n + 1)
        total = total + term
    near = 2.0 / math.sqrt(math.pi) * small * np.exp(-small * small) * total
    big = np.maximum(a, 3.0)
    f = big.copy()
    for k in range(80, 0, -1):
        f = big + (k / 2.0) / f
    with np.errstate(under="ignore"):
        far = 1.0 - np.exp(-big * big) / (math.sqrt(math.pi) * f)
    return np.where(np.isnan(x), np.nan, np.sign(x) * np.where(a < 3.0, near, far))


class Erf(Function):
    """The error function (the Gaussian's cumulative shape; GELU uses it).

    Math: y = 2/sqrt(pi) * integral_0^x exp(-t**2) dt;  dy/dx = 2/sqrt(pi) * exp(-x**2)
    Mirrors: torch.erf
    """
    _raw = True
    node_name = "ErfBackward0"

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return _erf_array(x).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (-(x * x)).exp() * (2.0 / math.sqrt(math.pi))


class Abs(Function):
    """|x|.

    Math: y = |x|;  dy/dx = sign(x)
    Mirrors: torch.abs
    """
    _raw = True
    node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, x):
        if x.dtype == np.bool_:
            raise NotImplementedError(
                _errors.hint("\"abs_cpu\" not implemented for 'Bool'", "a mask has no sign; "
                "convert it first with x.long() if you mean numbers."))
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x.sign()


def _unary(cls, name):
    """The lowercase function for a one-input op: ``name(input, *, out=None)``."""
    def op(input, *, out=None):
        r = cls.apply(input)
        return write_out(out, r) if out is not None else r
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{cls.__doc__.splitlines()[0]} Mirrors: torch.{name}"
    return op


def exp(input, *, out=None):
    """e**input. Mirrors: torch.exp"""
    r = Exp.apply(_float_tensor(input))
    return write_out(out, r) if out is not None else r


def log(input, *, out=None):
    """Natural log. Mirrors: torch.log"""
    r = Log.apply(input)
    return write_out(out, r) if out is not None else r


def sqrt(input, *, out=None):
    """Square root. Mirrors: torch.sqrt"""
    r = Sqrt.apply(input)
    return write_out(out, r) if out is not None else r


def abs(input, *, out=None):
    """|input|. Mirrors: torch.abs"""
    r = Abs.apply(input)
    return write_out(out, r) if out is not None else r


absolute = abs
exp2 = _unary(Exp2, "exp2")
expm1 = _unary(Expm1, "expm1")
log2 = _unary(Log2, "log2")
log10 = _unary(Log10, "log10")
log1p = _unary(Log1p, "log1p")
rsqrt = _unary(Rsqrt, "rsqrt")
sin = _unary(Sin, "sin")
cos = _unary(Cos, "cos")
tan = _unary(Tan, "tan")
erf = _unary(Erf, "erf")
