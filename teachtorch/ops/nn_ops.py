"""Kernels behind nn.functional's activations: softmax, log_softmax, gelu, silu ...

Each is one fused NumPy kernel (so log_softmax never takes log of a 0 and softmax
never overflows) with its backward written in Tensor operations beside it.
Chapter 09 (softmax and the MNIST MLP) opens this file.
"""
import math

import numpy as np

from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._util import wrap_dim
from teachtorch.ops.inplace import apply_inplace
from teachtorch.tensor import Tensor


def _const(array):
    """A tensor outside the graph (masks and other piecewise constants in backward)."""
    return Tensor._make(array)


def _float_input(x, name):
    if x.dtype.kind in "biu":
        raise RuntimeError(f'"{name}" not implemented for '
                           f"'{_TORCH_NAMES.get(x.dtype.name, x.dtype.name)}'"
                           "\nhint: convert first: x.float()")
    return x


_TORCH_NAMES = {"int64": "Long", "int32": "Int", "bool": "Bool", "uint8": "Byte",
                "int16": "Short", "int8": "Char"}


class Softmax(Function):
    """exp(x) / sum(exp(x)) along dim, computed as exp(x - max) to avoid overflow.

    Math: y_i = exp(x_i) / sum_j exp(x_j);  dL/dx = y * (g - sum(g * y))
    Mirrors: torch.softmax
    """
    _raw = True
    node_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        xp = get_array_module(x)
        _float_input(x, "softmax_lastdim_kernel_impl")
        e = xp.exp(x - x.max(axis=dim, keepdims=True))
        y = e / e.sum(axis=dim, keepdims=True)
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        if not grad_mode.is_grad_enabled():  # plain backward: one NumPy expression
            g, yd = grad_output._data, y._data
            return _const(yd * (g - (g * yd).sum(axis=ctx.dim, keepdims=True)))
        return y * (grad_output - (grad_output * y).sum(ctx.dim, keepdim=True))


class LogSoftmax(Function):
    """log(softmax(x)) in one stable step: x - max - log(sum(exp(x - max))).

    Math: y = x - logsumexp(x);  dL/dx = g - exp(y) * sum(g)
    Mirrors: torch.log_softmax
    """
    _raw = True
    node_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        xp = get_array_module(x)
        _float_input(x, "log_softmax_lastdim_kernel_impl")
        shifted = x - x.max(axis=dim, keepdims=True)
        y = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        if not grad_mode.is_grad_enabled():  # plain backward: one NumPy expression
            g = grad_output._data
            xp = get_array_module(g)
            return _const(g - xp.exp(y._data) * g.sum(axis=ctx.dim, keepdims=True))
        return grad_output - y.exp() * grad_output.sum(ctx.dim, keepdim=True)


def _softmax_dim(x, dim, name):
    if dim is None:  # PyTorch's legacy implicit choice, with its warning
        import warnings

        warnings.warn(f"Implicit dimension choice for {name} has been deprecated. "
                      "Change the call to include dim=X as an argument.", stacklevel=3)
        dim = 0 if x.ndim in (0, 1, 3) else 1
    return wrap_dim(dim, x.ndim) if x.ndim else 0


def softmax(input, dim=None, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return Softmax.apply(input, _softmax_dim(input, dim, "softmax"))


def log_softmax(input, dim=None, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
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
    ans = t * xp.exp(-a * a + poly)
    return xp.where(z >= 0, ans, 2.0 - ans)


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
        return (x * 0.5 * _erfc(-x / math.sqrt(2))).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        if ctx.approximate == "tanh":
            k = math.sqrt(2 / math.pi)
            inner = k * (x + 0.044715 * x * x * x)
            th = inner.tanh()
            d_inner = k * (1 + 3 * 0.044715 * x * x)
            return grad_output * (0.5 * (1 + th) + 0.5 * x * (1 - th * th) * d_inner)
        cdf = _const((0.5 * _erfc(-x._data / math.sqrt(2))).astype(x._data.dtype))
        pdf = (x * x * -0.5).exp() * (1 / math.sqrt(2 * math.pi))
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
        t = _const(xp.tanh(xp.logaddexp(0, x._data)).astype(x._data.dtype))
        if x.requires_grad:  # keep the graph for double backward
            t = Softplus.apply(x, 1.0, 20.0).tanh()
        return grad_output * (t + x * x.sigmoid() * (1 - t * t))


class Elu(Function):
    """x for x > 0, alpha * (e**x - 1) otherwise (scaled for SELU/CELU).

    Math: y = scale*x (x>0) | scale*alpha*(exp(x*input_scale)-1);  dy/dx to match
    Mirrors: torch.nn.functional.elu
    """
    _raw = True
    node_name = "EluBackward0"

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        xp = get_array_module(x)
        ctx.params = (alpha, scale, input_scale)
        ctx.save_for_backward(x)
        neg = scale * alpha * (xp.exp(xp.minimum(x, 0) * input_scale) - 1)
        return xp.where(x > 0, scale * x, neg).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.params
        pos = _const((x._data > 0).astype(x._data.dtype))
        neg_part = (x * input_scale).exp() * (scale * alpha * input_scale)
        return grad_output * (pos * scale + (1 - pos) * neg_part)


class Celu(Elu):
    """ELU with the exponent scaled by 1/alpha: alpha * (exp(x/alpha) - 1) for x <= 0.

    Math: y = x (x>0) | alpha*(exp(x/alpha)-1);  dy/dx = 1 | exp(x/alpha)
    Mirrors: torch.nn.functional.celu
    """
    node_name = "CeluBackward0"


class LogSigmoid(Function):
    """log(sigmoid(x)) = -softplus(-x), computed without overflow.

    Math: y = -log(1 + exp(-x));  dy/dx = sigmoid(-x)
    Mirrors: torch.nn.functional.logsigmoid
    """
    _raw = True
    node_name = "LogSigmoidBackward0"

    @staticmethod
    def forward(ctx, x):
        xp = get_array_module(x)
        ctx.save_for_backward(x)
        return (-xp.logaddexp(0, -x)).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (-x).sigmoid()


class LeakyRelu(Function):
    """x for x > 0, negative_slope * x otherwise.

    Math: y = x (x>0) | a*x;  dy/dx = 1 | a
    Mirrors: torch.nn.functional.leaky_relu
    """
    _raw = True
    node_name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, x, slope):
        xp = get_array_module(x)
        ctx.slope = slope
        ctx.save_for_backward(x)
        return xp.where(x > 0, x, x * slope).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        xp = get_array_module(x._data)
        factor = xp.where(x._data > 0, 1, ctx.slope).astype(x._data.dtype)
        return grad_output * _const(factor)


class Softplus(Function):
    """A smooth ReLU: log(1 + e**(beta*x)) / beta, linear above the threshold.

    Math: y = ln(1 + exp(b*x)) / b;  dy/dx = sigmoid(b*x)
    Mirrors: torch.nn.functional.softplus
    """
    _raw = True
    node_name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, x, beta, threshold):
        xp = get_array_module(x)
        ctx.params = (beta, threshold)
        ctx.save_for_backward(x)
        bx = x * beta
        return xp.where(bx > threshold, x, xp.logaddexp(0, bx) / beta).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        beta, threshold = ctx.params
        linear = _const((x._data * beta > threshold).astype(x._data.dtype))
        return grad_output * (linear + (1 - linear) * (x * beta).sigmoid())


class Threshold(Function):
    """x where x > threshold, else value.

    Math: y = x (x>t) | v;  dy/dx = 1 | 0
    Mirrors: torch.nn.functional.threshold
    """
    _raw = True
    node_name = "ThresholdBackward0"

    @staticmethod
    def forward(ctx, x, threshold, value):
        xp = get_array_module(x)
        ctx.save_for_backward(x)
        ctx.threshold = threshold
        return xp.where(x > threshold, x, xp.asarray(value, dtype=x.dtype))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * _const((x._data > ctx.threshold).astype(x._data.dtype))


class Prelu(Function):
    """Leaky ReLU with a learned slope per channel (dim 1).

    Math: y = x (x>0) | w*x;  dy/dx = 1 | w;  dy/dw = 0 | x
    Mirrors: torch.nn.functional.prelu
    """
    _raw = True
    node_name = "PreluKernelBackward0"

    @staticmethod
    def forward(ctx, x, weight):
        xp = get_array_module(x)
        w = weight
        if weight.size > 1:
            w = weight.reshape((-1,) + (1,) * (x.ndim - 2))
        ctx.w_shape = w.shape
        ctx.save_for_backward(x, weight)
        return xp.where(x > 0, x, w * x).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        pos = _const((x._data > 0).astype(x._data.dtype))
        w = weight.reshape(ctx.w_shape) if weight.numel() > 1 else weight
        grad_x = grad_output * (pos + (1 - pos) * w) if ctx.needs_input_grad[0] else None
        grad_w = None
        if ctx.needs_input_grad[1]:
            g = grad_output * (1 - pos) * x
            if weight.numel() > 1:
                dims = [d for d in range(g.ndim) if d != 1]
                grad_w = g.sum(tuple(dims)).reshape(weight.shape)
            else:
                grad_w = g.sum().reshape(weight.shape)
        return grad_x, grad_w


# PyTorch's in-place variants (x.leaky_relu_() ...) get nodes named ...Backward1
EluInplace = type("EluInplace", (Elu,), {"node_name": "EluBackward1"})
CeluInplace = type("CeluInplace", (Celu,), {"node_name": "CeluBackward1"})
LeakyReluInplace = type("LeakyReluInplace", (LeakyRelu,),
                        {"node_name": "LeakyReluBackward1"})
ThresholdInplace = type("ThresholdInplace", (Threshold,),
                        {"node_name": "ThresholdBackward1"})


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise RuntimeError(f"approximate argument must be either none or tanh.\nhint: "
                           f"got {approximate!r}")
    return Gelu.apply(input, approximate)


def _maybe_inplace(fn, input, inplace, *args, inplace_fn=None):
    """fn(input, *args), written back into input when inplace=True (like ReLU_)."""
    if inplace:
        return apply_inplace(input, inplace_fn or fn, *args)
    return fn(input, *args)


def silu(input, inplace=False):
    return _maybe_inplace(Silu.apply, input, inplace)


def mish(input, inplace=False):
    return _maybe_inplace(Mish.apply, input, inplace)


def elu(input, alpha=1.0, inplace=False):
    return _maybe_inplace(Elu.apply, input, inplace, alpha, 1.0, 1.0,
                          inplace_fn=EluInplace.apply)


def selu(input, inplace=False):
    return _maybe_inplace(Elu.apply, input, inplace, 1.6732632423543772,
                          1.0507009873554805, 1.0, inplace_fn=EluInplace.apply)


def celu(input, alpha=1.0, inplace=False):
    return _maybe_inplace(Celu.apply, input, inplace, alpha, 1.0, 1.0 / alpha,
                          inplace_fn=CeluInplace.apply)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    return _maybe_inplace(LeakyRelu.apply, input, inplace, negative_slope,
                          inplace_fn=LeakyReluInplace.apply)


def softplus(input, beta=1.0, threshold=20.0):
    return Softplus.apply(input, beta, threshold)


def threshold(input, threshold, value, inplace=False):
    return _maybe_inplace(Threshold.apply, input, inplace, threshold, value,
                          inplace_fn=ThresholdInplace.apply)


def prelu(input, weight):
    return Prelu.apply(input, weight)
