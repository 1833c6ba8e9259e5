"""Arithmetic with broadcasting: add, sub, mul, div, neg, pow.

Each backward returns the gradient in the *output's* shape; the engine sums it back
to each input's shape (undoing broadcasting once, centrally).
Chapter 03 (broadcasting) and chapter 05 (backprop by hand) open this file.
"""
import numpy as np

from teachtorch.autograd.function import Function
from teachtorch.ops._util import binary_dtype, check_broadcast, is_tensor, write_out


def _cast(a, b, dtype):
    """Bring both operands to PyTorch's result dtype (NumPy's rules differ)."""
    a = a.astype(dtype, copy=False) if hasattr(a, "astype") else np.asarray(a, dtype)
    b = b.astype(dtype, copy=False) if hasattr(b, "astype") else np.asarray(b, dtype)
    return a, b


def _prep(a, b):
    dtype = binary_dtype(a, b)
    if is_tensor(b) and is_tensor(a) and a._data.shape != b._data.shape:
        check_broadcast(a._data.shape, b._data.shape)
    return dtype


class Add(Function):
    """a + alpha * b.

    Math: y = a + alpha*b;  dy/da = 1, dy/db = alpha
    Mirrors: torch.add
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1, dtype=None):
        a, b = _cast(a, b, dtype) if dtype is not None else (a, b)
        ctx.alpha = alpha
        return a + b if alpha == 1 else a + alpha * b

    @staticmethod
    def backward(ctx, grad_output):
        if ctx.alpha == 1:
            return grad_output, grad_output
        return grad_output, grad_output * ctx.alpha


class Sub(Function):
    """a - alpha * b.

    Math: y = a - alpha*b;  dy/da = 1, dy/db = -alpha
    Mirrors: torch.sub
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "SubBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1, dtype=None):
        a, b = _cast(a, b, dtype) if dtype is not None else (a, b)
        ctx.alpha = alpha
        return a - b if alpha == 1 else a - alpha * b

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output, -grad_output if ctx.alpha == 1 else grad_output * -ctx.alpha


class RSub(Sub):
    """other - a, for ``2 - x`` (PyTorch names this node RsubBackward1)."""
    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, b, alpha=1, dtype=None):
        a, b = _cast(a, b, dtype) if dtype is not None else (a, b)
        ctx.alpha = alpha
        return b - a

    @staticmethod
    def backward(ctx, grad_output):
        return -grad_output, grad_output


class Mul(Function):
    """a * b, element-wise.

    Math: y = a*b;  dy/da = b, dy/db = a
    Mirrors: torch.mul
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "MulBackward0"

    @staticmethod
    def forward(ctx, a, b, dtype=None):
        a, b = _cast(a, b, dtype) if dtype is not None else (a, b)
        if hasattr(b, "shape"):
            ctx.save_for_backward(a, b)
            ctx.b_scalar = None
        else:
            ctx.b_scalar = b
        return a * b

    @staticmethod
    def backward(ctx, grad_output):
        if ctx.b_scalar is not None:
            return grad_output * ctx.b_scalar, None
        a, b = ctx.saved_tensors
        return grad_output * b, grad_output * a


class Div(Function):
    """a / b, true division (integers give float).

    Math: y = a/b;  dy/da = 1/b, dy/db = -a/b**2
    Mirrors: torch.div
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "DivBackward0"

    @staticmethod
    def forward(ctx, a, b, dtype=None):
        a, b = _cast(a, b, dtype) if dtype is not None else (a, b)
        if hasattr(b, "shape"):
            ctx.save_for_backward(a, b)
            ctx.b_scalar = None
        else:
            ctx.b_scalar = b
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        if ctx.b_scalar is not None:
            return grad_output / ctx.b_scalar, None
        a, b = ctx.saved_tensors
        return grad_output / b, -grad_output * a / (b * b)


class Neg(Function):
    """-x.

    Math: y = -x;  dy/dx = -1
    Mirrors: torch.neg
    """
    _raw = True
    node_name = "NegBackward0"

    @staticmethod
    def forward(ctx, x):
        return np.negative(x)

    @staticmethod
    def backward(ctx, grad_output):
        return -grad_output


class Pow(Function):
    """x ** exponent with a number exponent.

    Math: y = x**p;  dy/dx = p * x**(p-1)
    Mirrors: torch.pow
    """
    _raw = True
    node_name = "PowBackward0"

    @staticmethod
    def forward(ctx, x, exponent):
        ctx.save_for_backward(x)
        ctx.exponent = exponent
        if exponent == 2:
            return x * x
        out = np.power(x, exponent)
        if out.dtype != x.dtype and x.dtype.kind == "f":
            out = out.astype(x.dtype)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        p = ctx.exponent
        if p == 0:
            return grad_output * 0
        if p == 2:
            return grad_output * (x * 2)
        return grad_output * (x ** (p - 1) * p)


class PowTensor(Function):
    """base ** exponent with both tensors.

    Math: y = a**b;  dy/da = b * a**(b-1), dy/db = y * log(a)
    Mirrors: torch.pow
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b, dtype=None):
        a, b = _cast(a, b, dtype) if dtype is not None else (a, b)
        y = np.power(a, b)
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        a, b, y = ctx.saved_tensors
        ga = grad_output * b * a ** (b - 1)
        gb = grad_output * y * a.log()
        return ga, gb


def add(input, other, *, alpha=1, out=None):
    """input + alpha * other, broadcasting. Mirrors: torch.add"""
    if not is_tensor(input):
        input, other = other, input
    r = Add.apply(input, other, alpha, dtype=_prep(input, other))
    return write_out(out, r) if out is not None else r


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other. Mirrors: torch.sub"""
    if not is_tensor(input):
        return rsub(other, input)
    r = Sub.apply(input, other, alpha, dtype=_prep(input, other))
    return write_out(out, r) if out is not None else r


def rsub(input, other, alpha=1):
    """other - input (what ``2 - x`` runs). Mirrors: torch.rsub"""
    return RSub.apply(input, other, alpha, dtype=_prep(input, other))


def mul(input, other, *, out=None):
    """input * other, element-wise. Mirrors: torch.mul"""
    if not is_tensor(input):
        input, other = other, input
    r = Mul.apply(input, other, dtype=_prep(input, other))
    return write_out(out, r) if out is not None else r


def div(input, other, *, rounding_mode=None, out=None):
    """input / other; rounding_mode 'floor' or 'trunc' for integer-style division."""
    if rounding_mode is not None:
        from teachtorch.ops import pointwise

        q = pointwise.floor_divide(input, other) if rounding_mode == "floor" else \
            pointwise.trunc(div(input, other))
        return write_out(out, q) if out is not None else q
    if not is_tensor(input):
        from teachtorch.ops._util import as_tensor

        input = as_tensor(input, like=other)
    dtype = _prep(input, other)
    if dtype is None and input._data.dtype.kind in "biu" and (
            not is_tensor(other) or other._data.dtype.kind in "biu"):
        from teachtorch import dtypes

        dtype = dtypes.get_default_dtype().np
    elif dtype is not None and np.dtype(dtype).kind in "biu":
        from teachtorch import dtypes

        dtype = dtypes.get_default_dtype().np
    r = Div.apply(input, other, dtype=dtype)
    return write_out(out, r) if out is not None else r


true_divide = div


def neg(input):
    return Neg.apply(input)


negative = neg


def pow(input, exponent, *, out=None):  # noqa: A001 - PyTorch's name
    """input ** exponent. Mirrors: torch.pow"""
    if is_tensor(exponent):
        if not is_tensor(input):
            from teachtorch.ops._util import as_tensor

            input = as_tensor(input, like=exponent)
        r = PowTensor.apply(input, exponent, dtype=_prep(input, exponent))
    else:
        if input._data.dtype.kind in "biu" and isinstance(exponent, float):
            input = input.float()
        r = Pow.apply(input, exponent)
    return write_out(out, r) if out is not None else r
