"""softmax, log_softmax and logsumexp: fused, numerically stable, and a naive twin.

The fused versions subtract the row maximum before exponentiating, so large logits
do not overflow: softmax(x) = softmax(x - max(x)). ``softmax_naive`` is the formula as
the chapter first writes it, exp(x) / sum(exp(x)), built from other ops; a test checks
the two agree where the naive one does not overflow.
Chapter 09 (softmax and the MNIST classifier) opens this file.
"""
import numpy as np

from teachtorch import _errors, dtypes
from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._util import make, normalize_dims, wrap_dim
from teachtorch.ops.reduce import array_of, expand_back


def _shifted_exp(x, dim):
    """exp(x - max) along dim, and the max (with the dim kept)."""
    xp = get_array_module(x)
    if x.size == 0:  # an empty input gives an empty output, as in PyTorch
        return xp.exp(x), x.sum(axis=dim, keepdims=True)
    m = xp.max(x, axis=dim, keepdims=True)
    m = xp.where(xp.isfinite(m), m, 0)
    return xp.exp(x - m), m


class Softmax(Function):
    """exp(x_i) / sum_j exp(x_j) along dim.

    Math: y_i = exp(x_i) / sum_j exp(x_j);  dL/dx = y * (g - sum(g * y))
    Mirrors: torch.softmax
    """
    _raw = True
    node_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        e, _ = _shifted_exp(x, dim)
        y = e / e.sum(axis=dim, keepdims=True)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        if not grad_mode.is_grad_enabled():  # plain backward: one array expression
            g, yd = grad_output._data, y._data
            return make(yd * (g - (g * yd).sum(axis=ctx.dim, keepdims=True)))
        gy = grad_output * y
        return gy - y * gy.sum(ctx.dim, keepdim=True)


class LogSoftmax(Function):
    """log(softmax(x)) along dim, computed as x - logsumexp(x).

    Math: y_i = x_i - log sum_j exp(x_j);  dL/dx = g - exp(y) * sum(g)
    Mirrors: torch.log_softmax
    """
    _raw = True
    node_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        e, m = _shifted_exp(x, dim)
        y = x - m - get_array_module(x).log(e.sum(axis=dim, keepdims=True))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        if not grad_mode.is_grad_enabled():  # plain backward: one array expression
            g = grad_output._data
            xp = get_array_module(g)
            return make(g - xp.exp(y._data) * g.sum(axis=ctx.dim, keepdims=True))
        return grad_output - y.exp() * grad_output.sum(ctx.dim, keepdim=True)


class Logsumexp(Function):
    """log(sum(exp(x))) over dims, without overflow.

    Math: y = log sum_i exp(x_i);  dy/dx_i = exp(x_i - y) = softmax(x)_i
    Mirrors: torch.logsumexp
    """
    _raw = True
    node_name = "LogsumexpBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        xp = get_array_module(x)
        m = xp.max(x, axis=dims, keepdims=True) if x.size else xp.zeros(
            [1] * x.ndim, x.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        with np.errstate(divide="ignore"):
            y = xp.log(xp.exp(x - m).sum(axis=dims, keepdims=True)) + m
        if not keepdim:
            y = y.squeeze(axis=dims)
        y = array_of(y)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        g = expand_back(grad_output, ctx.shape, ctx.dims, ctx.keepdim)
        return g * (x - expand_back(y, ctx.shape, ctx.dims, ctx.keepdim)).exp()


def float_input(input, dtype, name):
    """input cast to dtype if one is given; integer scores get torch's error."""
    if dtype is not None:
        return input.to(dtype)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(_errors.softmax_not_float(name, input.dtype))
    return input


def _prepare(input, dim, dtype, name):
    if dim is None:
        raise TypeError(
            f"{name}() missing required argument 'dim' (pos 2)\nhint: say which dim "
            "holds the classes, usually dim=1 for a batch of logits (N, C).")
    input = float_input(input, dtype, name)
    return input, wrap_dim(dim, input.dim()) if input.dim() else None


def softmax(input, dim=None, dtype=None):
    """Turn scores into probabilities along dim (they sum to 1).

    Mirrors: torch.softmax
    """
    input, d = _prepare(input, dim, dtype, "softmax")
    return Softmax.apply(input, d)


def log_softmax(input, dim=None, dtype=None):
    """log(softmax(input)) in one stable step. Mirrors: torch.log_softmax"""
    input, d = _prepare(input, dim, dtype, "log_softmax")
    return LogSoftmax.apply(input, d)


def softmax_naive(input, dim):
    """The textbook formula exp(x) / sum(exp(x)); overflows for large x."""
    e = input.exp()
    return e / e.sum(dim, keepdim=True)


def logsumexp(input, dim, keepdim=False):
    """log(sum(exp(input))) over dim, stable for large values.

    Mirrors: torch.logsumexp
    """
    if not input.dtype.is_floating_point:
        input = input.to(dtypes.get_default_dtype())
    dims = normalize_dims(dim, input.dim()) if input.dim() else ()
    return Logsumexp.apply(input, dims, keepdim)
