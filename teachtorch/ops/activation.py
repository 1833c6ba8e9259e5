"""Activation functions as tensor ops: sigmoid, tanh, relu, hardtanh (relu6).

``torch.sigmoid(x)``, ``x.relu()`` and nn.functional's activations all end here.
Chapter 07 (logistic regression) and chapter 09 (the MNIST MLP) open this file.
"""
import numpy as np

from teachtorch.autograd.function import Function
from teachtorch.ops._util import write_out
from teachtorch.ops.pointwise import _float


class Sigmoid(Function):
    """The logistic function 1 / (1 + e**-x).

    Math: y = 1/(1+exp(-x));  dy/dx = y * (1 - y)
    Mirrors: torch.sigmoid
    """
    _raw = True
    node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        with np.errstate(over="ignore"):
            y = 1 / (1 + np.exp(-x))
        y = y.astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y * (1 - y)


class Tanh(Function):
    """Hyperbolic tangent.

    Math: y = tanh(x);  dy/dx = 1 - y**2
    Mirrors: torch.tanh
    """
    _raw = True
    node_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, x):
        y = np.tanh(_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * (1 - y * y)


class Relu(Function):
    """max(x, 0).

    Math: y = max(x, 0);  dy/dx = 1 where x > 0, else 0
    Mirrors: torch.relu
    """
    _raw = True
    node_name = "ReluBackward0"

    @staticmethod
    def forward(ctx, x):
        if x.dtype == np.bool_:
            raise RuntimeError("Boolean inputs not supported for relu\nhint: relu needs "
                               "numbers; convert with x.float().")
        y = np.maximum(x, x.dtype.type(0))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * (y > 0)


class Hardtanh(Function):
    """x clipped to [min_val, max_val] (relu6 is hardtanh(x, 0, 6)).

    Math: y = min(max(x, lo), hi);  dy/dx = 1 where lo < x < hi, else 0
    Mirrors: torch.nn.functional.hardtanh
    """
    _raw = True
    node_name = "HardtanhBackward0"

    @staticmethod
    def forward(ctx, x, min_val, max_val):
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = min_val, max_val
        return np.clip(x, min_val, max_val).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * ((x > ctx.lo) & (x < ctx.hi))


def sigmoid(input, *, out=None):
    """1 / (1 + exp(-input)). Mirrors: torch.sigmoid"""
    r = Sigmoid.apply(input)
    return write_out(out, r) if out is not None else r


def tanh(input, *, out=None):
    """Hyperbolic tangent. Mirrors: torch.tanh"""
    r = Tanh.apply(input)
    return write_out(out, r) if out is not None else r


def relu(input):
    """max(input, 0). Mirrors: torch.relu"""
    return Relu.apply(input)


def hardtanh(input, min_val=-1.0, max_val=1.0):
    """input clipped to [min_val, max_val]. Mirrors: torch.nn.functional.hardtanh"""
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val\nhint: hardtanh(x, "
                         "min_val, max_val) needs min_val <= max_val.")
    return Hardtanh.apply(input, min_val, max_val)


def relu6(input):
    """min(max(input, 0), 6). Mirrors: torch.nn.functional.relu6"""
    return Hardtanh.apply(input, 0.0, 6.0)
