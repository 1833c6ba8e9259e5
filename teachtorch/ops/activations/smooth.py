"""Kernels behind nn.functional's smooth activations: GELU, SiLU, Mish (the ReLU
family is in relu_family.py), and F.softmax / F.log_softmax, whose kernels are
torch.softmax's own in softmax.py.

Each is one fused NumPy kernel with its backward written in Tensor operations beside it.
Chapter 09 (softmax and the MNIST MLP) opens this file.
"""
import math

import numpy as np

from teachtorch import _checks, _errors
from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels.via_reference import reference_grads
from teachtorch.ops._util import make, wrap_dim
from teachtorch.ops.activations.relu_family import _maybe_inplace, softplus
from teachtorch.ops.softmax import (
    apply_log_softmax,
    apply_softmax,
    float_input,
    log_softmax_reference,
    softmax_reference,
)
from teachtorch.reference import is_reference_mode


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
    return apply_softmax(input, _softmax_dim(input, dim, "softmax"))


def log_softmax(input, dim=None, dtype=None):
    """F.log_softmax: torch.log_softmax's kernel, with F's legacy dim=None rule."""
    input = float_input(input, dtype, "log_softmax")
    return apply_log_softmax(input, _softmax_dim(input, dim, "log_softmax"))


softmax.__reference__ = softmax_reference
log_softmax.__reference__ = log_softmax_reference

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


def gelu_reference(x, approximate="none"):
    """GELU as its formula: x * Phi(x), Phi the standard normal CDF.

    Math: y = x * 0.5 * (1 + erf(x / sqrt(2)));  (tanh: Phi(x) is replaced by
          0.5 * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x**3))))
    """
    if approximate == "tanh":
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1 + inner.tanh())
    return x * 0.5 * (1 + (x * math.sqrt(0.5)).erf())


def mish_reference(x):
    """Mish as its formula. Math: y = x * tanh(softplus(x)) = x * tanh(ln(1 + e**x))"""
    return x * softplus(x).tanh()


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
        if grad_mode.is_grad_enabled():     # create_graph: differentiate the reference
            return reference_grads(lambda x: gelu_reference(x, ctx.approximate), (x,),
                                   (grad_output,), ctx.needs_input_grad)[0]
        xd, g = x._data, grad_output._data
        xp = get_array_module(xd)
        if ctx.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            th = xp.tanh(k * (xd + 0.044715 * xd * xd * xd))
            d_inner = k * (1 + 3 * 0.044715 * xd * xd)
            return make((g * (0.5 * (1 + th) + 0.5 * xd * (1 - th * th) * d_inner))
                        .astype(xd.dtype, copy=False))
        pdf = xp.exp(xd * xd * -0.5) * (1 / math.sqrt(2 * math.pi))
        return make(g * (ctx.cdf + xd * pdf))


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
        if grad_mode.is_grad_enabled():     # create_graph: differentiate the reference
            return reference_grads(mish_reference, (x,), (grad_output,),
                                   ctx.needs_input_grad)[0]
        xd = x._data
        xp = get_array_module(xd)
        t = xp.tanh(xp.logaddexp(0, xd))
        with np.errstate(over="ignore"):
            sig = 1 / (1 + xp.exp(-xd))
        return make((grad_output._data * (t + xd * sig * (1 - t * t)))
                    .astype(xd.dtype, copy=False))


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError(_errors.hint("approximate argument must be either none or tanh.", f"got {approximate!r}"))
    if input._data.dtype.kind != "f":
        _checks.not_implemented("GeluKernelImpl", input)
    if is_reference_mode():
        return gelu_reference(input, approximate)
    return Gelu.apply(input, approximate)



def silu(input, inplace=False):
    return _maybe_inplace(Silu.apply, input, inplace)


def mish(input, inplace=False):
    if is_reference_mode():
        return _maybe_inplace(mish_reference, input, inplace)
    return _maybe_inplace(Mish.apply, input, inplace)


gelu.__reference__ = gelu_reference
mish.__reference__ = mish_reference


