"""Inverse and hyperbolic trigonometry: asin, acos, atan, atan2, sinh ... hypot, sinc.

sin, cos and tan are in ``pointwise.py``; this file holds the rest of the family
a learner reaches for. Integer inputs give float results, as in PyTorch; inputs
outside an op's domain give nan without a NumPy warning, as in PyTorch.
Chapter 04 (autograd) opens this file.
"""
import math

import numpy as np

from teachtorch import _arg_types, dtypes
from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function
from teachtorch.ops._util import as_tensor, write_out
from teachtorch.ops.pointwise import _float, _unary
from teachtorch.ops.reduce import array_of


def _quiet(fn, x):
    """fn(x) in x's float dtype, nan/inf outside the domain without NumPy warnings."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        return array_of(fn(_float(x)))


class Asin(Function):
    """Inverse sine.

    Math: y = asin(x);  dy/dx = 1 / sqrt(1 - x**2)
    Mirrors: torch.asin
    """
    _raw = True
    node_name = "AsinBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quiet(np.arcsin, x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (1 - x * x).rsqrt()


class Acos(Function):
    """Inverse cosine.

    Math: y = acos(x);  dy/dx = -1 / sqrt(1 - x**2)
    Mirrors: torch.acos
    """
    _raw = True
    node_name = "AcosBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quiet(np.arccos, x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return -grad_output * (1 - x * x).rsqrt()


class Atan(Function):
    """Inverse tangent.

    Math: y = atan(x);  dy/dx = 1 / (1 + x**2)
    Mirrors: torch.atan
    """
    _raw = True
    node_name = "AtanBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quiet(np.arctan, x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output / (1 + x * x)


class Sinh(Function):
    """Hyperbolic sine.

    Math: y = (e**x - e**-x) / 2;  dy/dx = cosh(x)
    Mirrors: torch.sinh
    """
    _raw = True
    node_name = "SinhBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quiet(np.sinh, x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x.cosh()


class Cosh(Function):
    """Hyperbolic cosine.

    Math: y = (e**x + e**-x) / 2;  dy/dx = sinh(x)
    Mirrors: torch.cosh
    """
    _raw = True
    node_name = "CoshBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quiet(np.cosh, x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x.sinh()


class Asinh(Function):
    """Inverse hyperbolic sine.

    Math: y = log(x + sqrt(x**2 + 1));  dy/dx = 1 / sqrt(x**2 + 1)
    Mirrors: torch.asinh
    """
    _raw = True
    node_name = "AsinhBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quiet(np.arcsinh, x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x * x + 1).rsqrt()


class Acosh(Function):
    """Inverse hyperbolic cosine (x >= 1).

    Math: y = log(x + sqrt(x**2 - 1));  dy/dx = 1 / sqrt(x**2 - 1)
    Mirrors: torch.acosh
    """
    _raw = True
    node_name = "AcoshBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quiet(np.arccosh, x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x * x - 1).rsqrt()


class Atanh(Function):
    """Inverse hyperbolic tangent (-1 < x < 1).

    Math: y = log((1 + x) / (1 - x)) / 2;  dy/dx = 1 / (1 - x**2)
    Mirrors: torch.atanh
    """
    _raw = True
    node_name = "AtanhBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _quiet(np.arctanh, x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output / (1 - x * x)


class Sinc(Function):
    """The normalised sinc, sin(pi x) / (pi x), with sinc(0) = 1.

    Math: y = sin(pi x) / (pi x);  dy/dx = (cos(pi x) - y) / x  (0 at x = 0)
    Mirrors: torch.sinc
    """
    _raw = True
    node_name = "SincBackward0"

    @staticmethod
    def forward(ctx, x):
        xf = _float(x)
        xp = get_array_module(xf)
        px = math.pi * xp.where(xf == 0, 1.0, xf).astype(xf.dtype)
        y = array_of(xp.where(xf == 0, 1.0, xp.sin(px) / px).astype(xf.dtype))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        zero = x == 0
        safe_x = x.masked_fill(zero, 1.0)
        slope = ((x * math.pi).cos() - y) / safe_x
        return grad_output * slope.masked_fill(zero, 0.0)


class Atan2(Function):
    """The angle of the point (other, input): atan(input / other) in the right quadrant.

    Math: z = atan2(y, x);  dz/dy = x / (x**2 + y**2),  dz/dx = -y / (x**2 + y**2)
    Mirrors: torch.atan2
    """
    _raw = True
    node_name = "Atan2Backward0"

    @staticmethod
    def forward(ctx, y, x):
        ctx.save_for_backward(y, x)
        dt = _binary_float(y, x)
        return array_of(np.arctan2(y.astype(dt), x.astype(dt)))

    @staticmethod
    def backward(ctx, grad_output):
        y, x = ctx.saved_tensors
        r2 = x * x + y * y
        return grad_output * x / r2, grad_output * -y / r2


class Hypot(Function):
    """The hypotenuse sqrt(input**2 + other**2), without overflow for big inputs.

    Math: h = sqrt(a**2 + b**2);  dh/da = a / h,  dh/db = b / h
    Mirrors: torch.hypot
    """
    _raw = True
    node_name = "HypotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        dt = _float_only(a, b, "hypot")
        h = array_of(np.hypot(a.astype(dt), b.astype(dt)))
        ctx.save_for_backward(a, b, h)
        return h

    @staticmethod
    def backward(ctx, grad_output):
        a, b, h = ctx.saved_tensors
        return grad_output * a / h, grad_output * b / h


def _float_only(a, b, name):
    """hypot / logaddexp refuse integer tensors, as PyTorch's kernels do."""
    dt = dtypes.promote_types(dtypes._FROM_NP[a.dtype], dtypes._FROM_NP[b.dtype])
    if not dt.is_floating_point:
        from teachtorch._errors import hint

        raise NotImplementedError(hint(
            f"\"{name}_cpu\" not implemented for '{dt.legacy_name[:-6]}'",
            f"{name} works on float tensors; convert first with .float()."))
    return dt.np


def _binary_float(a, b):
    """PyTorch's result dtype of a two-tensor float op (ints become the default float)."""
    dt = dtypes.promote_types(dtypes._FROM_NP[a.dtype], dtypes._FROM_NP[b.dtype])
    return dt.np if dt.is_floating_point else dtypes.get_default_dtype().np


def _binary(cls, name, numbers=False):
    """The lowercase function for a two-tensor op: ``name(input, other, *, out=None)``.

    Only copysign (``numbers=True``) takes a Python number as ``other`` in PyTorch.
    """
    def op(input, other, *, out=None):
        if not numbers:
            _arg_types.tensor_arg(name, "input", 1, input)
            _arg_types.tensor_arg(name, "other", 2, other)
        r = cls.apply(input, as_tensor(other, like=input))
        return write_out(out, r) if out is not None else r
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"{cls.__doc__.splitlines()[0]} Mirrors: torch.{name}"
    return op


asin = arcsin = _unary(Asin, "asin")
acos = arccos = _unary(Acos, "acos")
atan = arctan = _unary(Atan, "atan")
sinh = _unary(Sinh, "sinh")
cosh = _unary(Cosh, "cosh")
asinh = arcsinh = _unary(Asinh, "asinh")
acosh = arccosh = _unary(Acosh, "acosh")
atanh = arctanh = _unary(Atanh, "atanh")
sinc = _unary(Sinc, "sinc")
atan2 = arctan2 = _binary(Atan2, "atan2")
hypot = _binary(Hypot, "hypot")


def deg2rad(input, *, out=None):
    """Degrees to radians. Math: y = x * pi / 180. Mirrors: torch.deg2rad"""
    r = (input if input.dtype.is_floating_point else input.float()) * (math.pi / 180.0)
    return write_out(out, r) if out is not None else r


def rad2deg(input, *, out=None):
    """Radians to degrees. Math: y = x * 180 / pi. Mirrors: torch.rad2deg"""
    r = (input if input.dtype.is_floating_point else input.float()) * (180.0 / math.pi)
    return write_out(out, r) if out is not None else r
