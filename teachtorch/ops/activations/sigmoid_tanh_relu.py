"""Activation functions as tensor ops: sigmoid, tanh, relu, hardtanh (relu6).

``torch.sigmoid(x)``, ``x.relu()`` and nn.functional's activations all end here.
Chapter 07 (logistic regression) and chapter 09 (the MNIST MLP) open this file.
"""
import numpy as np

from teachtorch import _errors
from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function
from teachtorch.ops._util import write_out
from teachtorch.ops.pointwise import _float
from teachtorch.ops.reduce import array_of

_LOG_MAX = {np.dtype(t): float(np.log(np.finfo(t).max))
            for t in (np.float16, np.float32, np.float64)}


def _sigmoid_array(x):
    """1 / (1 + exp(-x)) in x's dtype, computed in one buffer.

    Where exp(-x) would overflow, -x is set to inf first: exp(inf) is inf and 1/inf is
    0 (PyTorch's answer too), without NumPy's overflow warning.
    """
    xp = get_array_module(x)
    t = xp.negative(x)
    if isinstance(t, np.generic):  # a 0-d input gives a NumPy scalar
        t = np.asarray(t).copy()
    xp.copyto(t, np.inf, where=t > _LOG_MAX[t.dtype])
    xp.exp(t, out=t)
    t += 1
    return xp.reciprocal(t, out=t)


class Sigmoid(Function):
    """The logistic function 1 / (1 + e**-x).

    Math: y = 1/(1+exp(-x));  dy/dx = y * (1 - y)
    Mirrors: torch.sigmoid
    """
    _raw = True
    node_name = "SigmoidBackward0"

    @staticmethod
    def forward(ctx, x):
        y = _sigmoid_array(_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return SigmoidGrad.apply(grad_output, y)   # grad_output * y * (1 - y), one op


class SigmoidGrad(Function):
    """Sigmoid's backward as one op (PyTorch: sigmoid_backward), so it costs one step.

    Math: z = g * y * (1 - y);  dz/dg = y (1 - y), dz/dy = g (1 - 2y)
    Mirrors: torch.ops.aten.sigmoid_backward
    """
    _raw = True
    node_name = "SigmoidBackwardBackward0"

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return g * (y * (1 - y))

    @staticmethod
    def backward(ctx, grad_output):
        g, y = ctx.saved_tensors
        gg = grad_output * y * (1 - y) if ctx.needs_input_grad[0] else None
        gy = grad_output * g * (1 - 2 * y) if ctx.needs_input_grad[1] else None
        return gg, gy


class Tanh(Function):
    """Hyperbolic tangent.

    Math: y = tanh(x);  dy/dx = 1 - y**2
    Mirrors: torch.tanh
    """
    _raw = True
    node_name = "TanhBackward0"

    @staticmethod
    def forward(ctx, x):
        y = array_of(get_array_module(x).tanh(_float(x)))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return TanhGrad.apply(grad_output, y)      # grad_output * (1 - y**2), one op


class TanhGrad(Function):
    """Tanh's backward as one op (PyTorch: tanh_backward).

    Math: z = g * (1 - y**2);  dz/dg = 1 - y**2, dz/dy = -2 g y
    Mirrors: torch.ops.aten.tanh_backward
    """
    _raw = True
    node_name = "TanhBackwardBackward0"

    @staticmethod
    def forward(ctx, g, y):
        ctx.save_for_backward(g, y)
        return g * (1 - y * y)

    @staticmethod
    def backward(ctx, grad_output):
        g, y = ctx.saved_tensors
        gg = grad_output * (1 - y * y) if ctx.needs_input_grad[0] else None
        gy = grad_output * g * y * -2 if ctx.needs_input_grad[1] else None
        return gg, gy


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
            raise RuntimeError(_errors.hint("Boolean inputs not supported for relu", "relu "
                               "needs numbers; convert with x.float()."))
        y = array_of(get_array_module(x).maximum(x, x.dtype.type(0)))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return ReluGrad.apply(grad_output, y)      # grad_output * (y > 0), one op


class ReluGrad(Function):
    """Relu's backward as one op (PyTorch: threshold_backward): pass g where y > 0.

    Math: z = g * [y > 0];  dz/dg = [y > 0], dz/dy = 0
    Mirrors: torch.ops.aten.threshold_backward
    """
    _raw = True
    node_name = "ThresholdBackwardBackward0"

    @staticmethod
    def forward(ctx, g, y):
        xp = get_array_module(g)
        ctx.save_for_backward(y)
        z = xp.empty(g.shape, g.dtype)
        xp.greater(y, 0, out=z)           # the mask as 1.0 / 0.0, straight into z
        z *= g                            # one new array, no separate bool mask
        return z

    @staticmethod
    def backward(ctx, grad_output):
        from teachtorch.ops._util import make

        (y,) = ctx.saved_tensors
        return grad_output * make(y._data > 0), grad_output * 0


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
        xp = get_array_module(x)
        return xp.clip(x, min_val, max_val).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return HardtanhGrad.apply(grad_output, x, ctx.lo, ctx.hi)


class HardtanhGrad(Function):
    """Hardtanh's backward as one op: pass g where lo < x < hi.

    Math: z = g * [lo < x < hi];  dz/dg = [lo < x < hi], dz/dx = 0
    Mirrors: torch.ops.aten.hardtanh_backward
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "HardtanhBackwardBackward0"

    @staticmethod
    def forward(ctx, g, x, lo, hi):
        mask = (x > lo) & (x < hi)
        ctx.mask = mask
        return g * mask

    @staticmethod
    def backward(ctx, grad_output):
        from teachtorch.ops._util import make

        return grad_output * make(ctx.mask), grad_output * 0


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
        raise ValueError(_errors.hint("min_val cannot be greater than max_val", "hardtanh(x, "
                         "min_val, max_val) needs min_val <= max_val."))
    return Hardtanh.apply(input, min_val, max_val)


def relu6(input):
    """min(max(input, 0), 6). Mirrors: torch.nn.functional.relu6"""
    return Hardtanh.apply(input, 0.0, 6.0)
