"""Element-wise math: exp, log, sqrt, sigmoid, tanh, relu, clamp, abs ...

Each op is a Function with forward and backward side by side; the lowercase
function below it is what ``torch.exp(x)`` and ``x.exp()`` call.
Chapter 04 (autograd) opens this file.
"""
import numpy as np

from teachtorch.autograd.function import Function


def _float(x):
    """Integer inputs give float results for the transcendental ops (like torch)."""
    if x.dtype.kind in "biu":
        from teachtorch import dtypes

        return x.astype(dtypes.get_default_dtype().np)
    return x


class Exp(Function):
    """e**x, element-wise.

    Math: y = exp(x);  dy/dx = y
    Mirrors: torch.exp
    """
    _raw = True
    node_name = "ExpBackward0"

    @staticmethod
    def forward(ctx, x):
        y = np.exp(_float(x))
        ctx.save_for_backward(y)      # saved as a Tensor, so create_graph works
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * y


class Log(Function):
    """Natural logarithm.

    Math: y = log(x);  dy/dx = 1/x
    Mirrors: torch.log
    """
    _raw = True
    node_name = "LogBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(_float(x))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output / x


class Sqrt(Function):
    """Square root.

    Math: y = sqrt(x);  dy/dx = 1 / (2*y)
    Mirrors: torch.sqrt
    """
    _raw = True
    node_name = "SqrtBackward0"

    @staticmethod
    def forward(ctx, x):
        with np.errstate(invalid="ignore"):
            y = np.sqrt(_float(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output / (y * 2)


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
        y = np.maximum(x, 0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * (y > 0)


class Abs(Function):
    """|x|.

    Math: y = |x|;  dy/dx = sign(x)
    Mirrors: torch.abs
    """
    _raw = True
    node_name = "AbsBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * x.sign()


class Sign(Function):
    """-1, 0 or 1 by the sign of x (gradient zero).

    Math: y = sign(x);  dy/dx = 0
    Mirrors: torch.sign
    """
    _raw = True
    node_name = "SignBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.sign(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 0


class Clamp(Function):
    """Limit values to [min, max] (either may be None).

    Math: y = min(max(x, lo), hi);  dy/dx = 1 inside the range, else 0
    Mirrors: torch.clamp
    """
    _raw = True
    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, min=None, max=None):  # noqa: A002 - PyTorch's names
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = min, max
        if min is not None and max is not None:
            return np.clip(x, min, max).astype(x.dtype, copy=False)
        if min is not None:
            return np.maximum(x, min).astype(x.dtype, copy=False)
        return np.minimum(x, max).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        mask = None
        if ctx.lo is not None:
            mask = x >= ctx.lo
        if ctx.hi is not None:
            m = x <= ctx.hi
            mask = m if mask is None else mask & m
        return grad_output * mask


class ClampMin(Clamp):
    """clamp(min=...) alone (PyTorch's node is ClampMinBackward0)."""
    node_name = "ClampMinBackward0"


def exp(input):
    return Exp.apply(input)


def log(input):
    return Log.apply(input)


def sqrt(input):
    return Sqrt.apply(input)


def sigmoid(input):
    return Sigmoid.apply(input)


def tanh(input):
    return Tanh.apply(input)


def relu(input):
    return Relu.apply(input)


def abs(input):  # noqa: A001 - PyTorch's name
    return Abs.apply(input)


def sign(input):
    return Sign.apply(input)


def clamp(input, min=None, max=None):  # noqa: A002
    """Limit every element to [min, max]. Mirrors: torch.clamp"""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None"
                           "\nhint: clamp(x, min=0) or clamp(x, max=1) or both.")
    if max is None:
        return ClampMin.apply(input, min, None)
    return Clamp.apply(input, min, max)


clip = clamp


class FloorDivide(Function):
    """floor(a / b) (no gradient).

    Math: y = floor(a/b);  dy/da = 0
    Mirrors: torch.floor_divide
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "FloorDivideBackward0"

    @staticmethod
    def forward(ctx, a, b):
        return np.floor_divide(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 0, None


def floor_divide(input, other):
    from teachtorch.ops._util import as_tensor, is_tensor

    if not is_tensor(input):
        input = as_tensor(input, like=other)
    return FloorDivide.apply(input, other)


class Trunc(Function):
    """Round toward zero (gradient zero).

    Math: y = trunc(x);  dy/dx = 0
    Mirrors: torch.trunc
    """
    _raw = True
    node_name = "TruncBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.trunc(x)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 0


def trunc(input):
    return Trunc.apply(input)
