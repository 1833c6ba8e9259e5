"""The ReLU family's kernels: ELU/SELU/CELU, LeakyReLU, PReLU, Softplus, Threshold,
LogSigmoid. Each is one vectorised forward with its backward beside it.

Chapter 09 (activation functions) opens this file.
"""

from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function
from teachtorch.ops._util import make as _const  # a tensor outside the graph
from teachtorch.ops.inplace import apply_inplace


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



def _maybe_inplace(fn, input, inplace, *args, inplace_fn=None):
    """fn(input, *args), written back into input when inplace=True (like ReLU_)."""
    if inplace:
        return apply_inplace(input, inplace_fn or fn, *args)
    return fn(input, *args)



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

