"""Kernels behind nn.functional's smooth activations: GELU, SiLU, Mish (the ReLU
family is in relu_family.py), and F.softmax / F.log_softmax, whose kernels are
torch.softmax's own in softmax.py.

Each is one fused NumPy kernel with its backward written in Tensor operations beside it.
Chapter 09 (softmax and the MNIST MLP) opens this file.
"""
import math

import numpy as np

from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._util import make, wrap_dim
from teachtorch.ops.activations.relu_family import Softplus, _maybe_inplace
from teachtorch.ops.softmax import LogSoftmax, Softmax, float_input


def _softmax_dim(x, dim, name):
    if dim is None:  # PyTorch's legacy implicit choice, with its warning
        import warnings

        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                      "Change the call to include dim=X as an argument.", stacklevel=3)
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return wrap_dim(dim, x.ndim) if x.ndim else 0


def softmax(input, dim=None, dtype=None):
    """F.softmax: torch.softmax's kernel (ops/softmax.py); dim=None still picks
    PyTorch's legacy dim, with its deprecation warning."""
    input = float_input(input, dtype, "softmax")
    return Softmax.apply(input, _softmax_dim(input, dim, "softmax"))


def log_softmax(input, dim=None, dtype=None):
    """F.log_softmax: torch.log_softmax's kernel, with F's legacy dim=None rule."""
    input = float_input(input, dtype, "log_softmax")
    return LogSoftmax.apply(input, _softmax_dim(input, dim, "log_softmax"))


_ERFC_COEFS = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806,
               0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277)


def _erfc(z):
    """erfc(z) = 1 - erf(z), relative error < 1.2e-7 (Numerical Recipes' erfcc).

    One Chebyshev-fitted polynomial in t = 1 / (1 + |z|/2); exact enough for float32
    and fast (ten array passes). Used by GELU: Phi(x) = erfc(-x / sqrt(2)) / 2.
    float64 inputs take the full-precision series from ops/pointwise.py instead.
    """
    xp = get_array_module(z)
    if z.dtype == np.float64 and xp is np:
        from teachtorch.ops.pointwise import _erf_array

        return 1.0 - _erf_array(z)
    a = xp.abs(z)
    t = 1.0 / (1.0 + 0.5 * a)
    poly = _ERFC_COEFS[-1]
    for c in reversed(_ERFC_COEFS[:-1]):
        poly = c + t * poly
    ans = t * xp.exp(-a * a + poly)       # erfc(|z|)
    return 1.0 - xp.copysign(1.0 - ans, z)  # erfc(-z) = 2 - erfc(z)


class Gelu(Function):
    """Gaussian error linear unit: x * Phi(x) (or its tanh approximation).

    Math: y = x * 0.5 * (1 + erf(x / sqrt(2)));  dy/dx = Phi(x) + x * phi(x)
    Mirrors: torch.nn.functional.gelu
    """
    _raw = True
    node_name = "GeluBackward0"

    @staticmethod
    def forward(ctx, x, approximate):
        xp = get_array_module(x)
        ctx.approximate = approximate
        ctx.save_for_backward(x)
        if approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            return (0.5 * x * (1 + xp.tanh(k * (x + 0.044715 * x ** 3)))).astype(x.dtype)
        cdf = (0.5 * _erfc(x * -math.sqrt(0.5))).astype(x.dtype, copy=False)
        ctx.cdf = cdf  # Phi(x), reused by backward
        return x * cdf

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            inner = k * (x + 0.044715 * x * x * x)
            th = inner.tanh()
            d_inner = k * (1 + 3 * 0.044715 * x * x)
            return grad_output * (0.5 * (1 + th) + 0.5 * x * (1 - th * th) * d_inner)
        c = 1 / math.sqrt(2 * math.pi)
        if not grad_mode.is_grad_enabled():  # plain backward: one NumPy expression
            xd = x._data
            xp = get_array_module(xd)
            return make(grad_output._data * (ctx.cdf + xd * (xp.exp(xd * xd * -0.5)
                                                              * c)))
        cdf = ((x * math.sqrt(0.5)).erf() + 1) * 0.5  # create_graph: Phi as Tensor ops
        pdf = (x * x * -0.5).exp() * c
        return grad_output * (cdf + x * pdf)


class Silu(Function):
    """x * sigmoid(x) (also called swish).

    Math: y = x * s(x);  dy/dx = s(x) * (1 + x * (1 - s(x)))
    Mirrors: torch.nn.functional.silu
    """
    _raw = True
    node_name = "SiluBackward0"

    @staticmethod
    def forward(ctx, x):
        xp = get_array_module(x)
        ctx.save_for_backward(x)
        with np.errstate(over="ignore"):
            return (x / (1 + xp.exp(-x))).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = x.sigmoid()
        return grad_output * s * (1 + x * (1 - s))


class Mish(Function):
    """x * tanh(softplus(x)).

    Math: y = x * tanh(ln(1 + e**x));  dy/dx = t + x * s(x) * (1 - t**2)
    Mirrors: torch.nn.functional.mish
    """
    _raw = True
    node_name = "MishBackward0"

    @staticmethod
    def forward(ctx, x):
        xp = get_array_module(x)
        ctx.save_for_backward(x)
        return (x * xp.tanh(xp.logaddexp(0, x))).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        xp = get_array_module(x._data)
        t = make(xp.tanh(xp.logaddexp(0, x._data)).astype(x._data.dtype))
        if x.requires_grad:  # keep the graph for double backward
            t = Softplus.apply(x, 1.0, 20.0).tanh()
        return grad_output * (t + x * x.sigmoid() * (1 - t * t))


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh.\nhint: "
                           f"got {approximate!r}")
    return Gelu.apply(input, approximate)



def silu(input, inplace=False):
    return _maybe_inplace(Silu.apply, input, inplace)


def mish(input, inplace=False):
    return _maybe_inplace(Mish.apply, input, inplace)


