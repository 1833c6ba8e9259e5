"""Fast kernels: softmax and log_softmax as one autograd node each.

The readable versions are ``softmax_reference`` / ``log_softmax_reference`` in
``teachtorch/ops/softmax.py``. These compute the same numbers on raw arrays in one
pass each way; with ``create_graph=True`` their backward is the reference's
(``softmax_backward`` / ``log_softmax_backward``, Tensor ops on the saved output).
"""
from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._util import make


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
        if grad_mode.is_grad_enabled():     # create_graph: the reference's backward
            from teachtorch.ops.softmax import softmax_backward

            return softmax_backward(y, grad_output, ctx.dim)
        g, yd = grad_output._data, y._data
        return make(yd * (g - (g * yd).sum(axis=ctx.dim, keepdims=True)))


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
        if grad_mode.is_grad_enabled():     # create_graph: the reference's backward
            from teachtorch.ops.softmax import log_softmax_backward

            return log_softmax_backward(y, grad_output, ctx.dim)
        g = grad_output._data
        xp = get_array_module(g)
        return make(g - xp.exp(y._data) * g.sum(axis=ctx.dim, keepdims=True))
