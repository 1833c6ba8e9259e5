"""softmax, log_softmax and logsumexp: numerically stable, and a naive twin.

The references come first: each subtracts the row maximum before exponentiating, so
large logits do not overflow: softmax(x) = softmax(x - max(x)). By default a fused
kernel (ops/_kernels/softmax.py) computes the same in one node; in
``teachtorch.reference_mode()`` the references run. ``softmax_naive`` is the formula as
the chapter first writes it, exp(x) / sum(exp(x)), built from other ops; a test checks
the two agree where the naive one does not overflow.
Chapter 09 (softmax and the MNIST classifier) opens this file.
"""
import numpy as np

from teachtorch import _errors, dtypes
from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels.softmax import LogSoftmax, Softmax
from teachtorch.ops._util import normalize_dims, wrap_dim
from teachtorch.ops.reduce import array_of, expand_back
from teachtorch.ops.select import where
from teachtorch.reference import is_reference_mode


# ----- the reference ------------------------------------------------------------------
def _max_along(x, dim):
    """The maximum along dim as a constant (0 where it is not finite).

    softmax(x - c) = softmax(x) for any c, so subtracting the max changes nothing but
    keeps exp from overflowing; being a constant, it adds nothing to the gradient.
    """
    if x.numel() == 0:  # an empty input gives an empty output, as in PyTorch
        return x.detach().sum(dim, keepdim=True)
    m = x.detach().amax(dim, keepdim=True)
    return where(m.isfinite(), m, 0.0)


class SoftmaxReference(Function):
    """softmax with Tensor ops: exp(x - max) / sum(exp(x - max)).

    Math: y_i = exp(x_i) / sum_j exp(x_j);  dL/dx = y * (g - sum(g * y))
    Mirrors: torch.softmax
    """
    node_name = "SoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        e = (x - _max_along(x, dim)).exp()
        y = e / e.sum(dim, keepdim=True)
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return softmax_backward(y, grad_output, ctx.dim), None


def softmax_backward(y, grad_output, dim):
    """dL/dx of y = softmax(x): y * (g - sum(g * y)), in Tensor ops (any order)."""
    return y * (grad_output - (grad_output * y).sum(dim, keepdim=True))


class LogSoftmaxReference(Function):
    """log_softmax with Tensor ops: (x - max) - log(sum(exp(x - max))).

    Math: y_i = x_i - log sum_j exp(x_j);  dL/dx = g - exp(y) * sum(g)
    Mirrors: torch.log_softmax
    """
    node_name = "LogSoftmaxBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        shifted = x - _max_along(x, dim)
        y = shifted - shifted.exp().sum(dim, keepdim=True).log()
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return log_softmax_backward(y, grad_output, ctx.dim), None


def log_softmax_backward(y, grad_output, dim):
    """dL/dx of y = log_softmax(x): g - exp(y) * sum(g), in Tensor ops (any order)."""
    return grad_output - y.exp() * grad_output.sum(dim, keepdim=True)


def softmax_reference(x, dim):
    """softmax of x along dim, the reference (see SoftmaxReference)."""
    return SoftmaxReference.apply(x, dim)


def log_softmax_reference(x, dim):
    """log_softmax of x along dim, the reference (see LogSoftmaxReference)."""
    return LogSoftmaxReference.apply(x, dim)


def apply_softmax(x, dim):
    """softmax of x along a checked dim: the fast kernel, or the reference."""
    if is_reference_mode():
        return _on_1d(softmax_reference, x, dim)
    return Softmax.apply(x, dim)


def apply_log_softmax(x, dim):
    """log_softmax of x along a checked dim: the fast kernel, or the reference."""
    if is_reference_mode():
        return _on_1d(log_softmax_reference, x, dim)
    return LogSoftmax.apply(x, dim)


def _on_1d(reference, x, dim):
    """A 0-d input is treated as one element (its softmax is 1)."""
    if x.dim() == 0:
        return reference(x.reshape(1), 0).reshape(())
    return reference(x, dim)


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
        raise TypeError(_errors.hint(
            f'{name}() missing 1 required positional arguments: "dim"', "say which dim "
            "holds the classes, usually dim=1 for a batch of logits (N, C)."))
    input = float_input(input, dtype, name)
    return input, wrap_dim(dim, input.dim()) if input.dim() else None


def softmax(input, dim=None, dtype=None):
    """Turn scores into probabilities along dim (they sum to 1).

    Mirrors: torch.softmax
    """
    input, d = _prepare(input, dim, dtype, "softmax")
    return apply_softmax(input, d)


def log_softmax(input, dim=None, dtype=None):
    """log(softmax(input)) in one stable step. Mirrors: torch.log_softmax"""
    input, d = _prepare(input, dim, dtype, "log_softmax")
    return apply_log_softmax(input, d)


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


softmax.__reference__ = softmax_reference
log_softmax.__reference__ = log_softmax_reference
