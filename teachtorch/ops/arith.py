"""Arithmetic with broadcasting: add, sub, mul, div, neg, reciprocal.

Each backward returns the gradient in the *output's* shape; the engine sums it back
to each input's shape (undoing broadcasting once, centrally). Powers, remainders and
the fused add-multiply ops live in ``pow_remainder_lerp.py``.
Chapter 03 (broadcasting) and chapter 05 (backprop by hand) open this file.
"""
import numpy as np

from teachtorch import _checks, _errors, dtypes
from teachtorch.autograd.function import Function
from teachtorch.ops import _util
from teachtorch.ops._util import binary_dtype, check_broadcast, is_tensor, write_out
from teachtorch.ops.reduce import array_of


def _cast(a, b, dtype):
    """Bring both operands to PyTorch's result dtype (NumPy's rules differ)."""
    a = a.astype(dtype, copy=False) if hasattr(a, "astype") else np.dtype(dtype).type(a)
    b = b.astype(dtype, copy=False) if hasattr(b, "astype") else np.dtype(dtype).type(b)
    return a, b


def _prep(a, b):
    """PyTorch's result dtype for a op b (None: NumPy agrees), after a shape check."""
    dtype = binary_dtype(a, b)
    if is_tensor(b) and is_tensor(a) and a._data.shape != b._data.shape:
        check_broadcast(a._data.shape, b._data.shape)
    return dtype


def _plain(a, b):
    """True when NumPy gives PyTorch's answer for a op b as is: a float tensor with a
    Python number, or two tensors of one dtype and shape (the common, fast case)."""
    Tensor = _util._tm.Tensor
    if type(a) is not Tensor:
        return False
    tb = type(b)
    if tb is float or tb is int:
        return a._data.dtype.kind == "f"
    return tb is Tensor and a._data.shape == b._data.shape and \
        a._data.dtype == b._data.dtype and a._data.dtype.kind != "b"


def _float_dtype(a, b):
    """The dtype of a true division: the promoted type, or the default float."""
    d = dtypes.result_type(a, b)
    return d.np if d.is_floating_point else dtypes.get_default_dtype().np


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


class RSub(Function):
    """other - alpha * a, for ``2 - x`` (PyTorch names this node RsubBackward1).

    Math: y = b - alpha*a;  dy/da = -alpha, dy/db = 1
    Mirrors: torch.rsub
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, a, b, alpha=1, dtype=None):
        a, b = _cast(a, b, dtype) if dtype is not None else (a, b)
        ctx.alpha = alpha
        return b - a if alpha == 1 else b - alpha * a

    @staticmethod
    def backward(ctx, grad_output):
        return -grad_output if ctx.alpha == 1 else grad_output * -ctx.alpha, grad_output


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
        if dtype is not None:
            a, b = _cast(a, b, dtype)
        if hasattr(b, "shape"):
            ctx.save_for_backward(a, b)
            ctx.b_scalar = None
        else:  # PyTorch saves the number as a tensor: a second backward finds
            ctx.b_scalar = b  # it freed, so the node saves (nothing) to be freed too
            ctx.save_for_backward()
        return a * b

    @staticmethod
    def backward(ctx, grad_output):
        if ctx.b_scalar is not None:
            ctx.saved_tensors  # noqa: B018 - raises once backward has freed them
            return grad_output * ctx.b_scalar, None
        a, b = ctx.saved_tensors
        ga = grad_output * b if ctx.needs_input_grad[0] else None
        gb = grad_output * a if ctx.needs_input_grad[1] else None
        return ga, gb


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
        if dtype is not None:
            a, b = _cast(a, b, dtype)
        if hasattr(b, "shape"):
            ctx.save_for_backward(a, b)
            ctx.b_scalar = None
        else:  # a saved number, freed by backward as in Mul
            ctx.b_scalar = b
            ctx.save_for_backward()
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        if ctx.b_scalar is not None:
            ctx.saved_tensors  # noqa: B018 - raises once backward has freed them
            return grad_output / ctx.b_scalar, None
        a, b = ctx.saved_tensors
        ga = grad_output / b if ctx.needs_input_grad[0] else None
        gb = -grad_output * a / (b * b) if ctx.needs_input_grad[1] else None
        return ga, gb


class DivRounding(Function):
    """a / b rounded toward -inf ('floor') or toward zero ('trunc'); zero gradient.

    Math: y = floor(a/b) or trunc(a/b);  dy/da = dy/db = 0 (almost everywhere)
    Mirrors: torch.div(rounding_mode=...)
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, mode, dtype=None):
        if dtype is not None:
            a, b = _cast(a, b, dtype)
        ctx.save_for_backward()  # PyTorch saves b (even a number): freed by backward
        with np.errstate(divide="ignore", invalid="ignore"):
            if mode == "floor":  # Python's // (1.5 // 0.3 is 4.0, as in PyTorch)
                return np.floor_divide(a, b)
            q = np.true_divide(a, b)
            if q.dtype.kind == "f" and np.result_type(a, b).kind != "f":
                return np.fix(q).astype(np.result_type(a, b))  # integer trunc
            return np.trunc(q)

    @staticmethod
    def backward(ctx, grad_output):
        ctx.saved_tensors  # noqa: B018 - raises once backward has freed them
        return grad_output * 0, grad_output * 0


class FloorDivide(DivRounding):
    """``a // b``: PyTorch records no derivative for it (grad_fn NotImplemented)."""
    node_name = "NotImplemented"

    @staticmethod
    def backward(ctx, grad_output):
        raise RuntimeError(
            _errors.hint("the derivative for 'floor_divide' is not implemented.", "use "
            "torch.div(a, b, rounding_mode='floor') if you need a (zero) gradient."))


class Neg(Function):
    """-x.

    Math: y = -x;  dy/dx = -1
    Mirrors: torch.neg
    """
    _raw = True
    node_name = "NegBackward0"

    @staticmethod
    def forward(ctx, x):
        if x.dtype == np.bool_:
            raise RuntimeError(_errors.bool_neg())
        return np.negative(x)

    @staticmethod
    def backward(ctx, grad_output):
        return -grad_output


class Reciprocal(Function):
    """1 / x (integers give float).

    Math: y = 1/x;  dy/dx = -1/x**2 = -y**2
    Mirrors: torch.reciprocal
    """
    _raw = True
    node_name = "ReciprocalBackward0"

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind in "biu":
            x = x.astype(dtypes.get_default_dtype().np)
        with np.errstate(divide="ignore"):
            y = array_of(np.reciprocal(x))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        return grad_output * -(y * y)


def _wrap_int(input, other):
    """A Python int outside the tensor's integer range wraps around, as in PyTorch
    (uint8 tensor + -1 adds 255); NumPy would raise OverflowError instead."""
    if type(other) is int and input._data.dtype.kind in "iu":
        info = np.iinfo(input._data.dtype)
        if not info.min <= other <= info.max:
            return int(np.asarray(other).astype(input._data.dtype))
    return other


def _finish(r, out):
    return write_out(out, r) if out is not None else r


def add(input, other, *, alpha=1, out=None):
    """input + alpha * other, broadcasting. Mirrors: torch.add"""
    if out is None and _plain(input, other):
        return Add.apply(input, other, alpha)
    if not is_tensor(input):
        if alpha != 1:
            return _finish(RSub.apply(other, input, -alpha,
                                      dtype=_prep(other, input)), out)
        input, other = other, input
    other = _wrap_int(input, other)
    return _finish(Add.apply(input, other, alpha, dtype=_prep(input, other)), out)


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other. Mirrors: torch.sub"""
    if out is None and _plain(input, other):
        return Sub.apply(input, other, alpha)
    if not is_tensor(input):
        return _finish(rsub(other, input, alpha=alpha), out)
    _check_bool_sub(input, other)
    other = _wrap_int(input, other)
    return _finish(Sub.apply(input, other, alpha, dtype=_prep(input, other)), out)


subtract = sub


def _check_bool_sub(a, b):
    a_bool = a._data.dtype == np.bool_
    b_bool = b._data.dtype == np.bool_ if is_tensor(b) else type(b) is bool
    if a_bool or b_bool:
        raise RuntimeError(_errors.bool_sub(a_bool and b_bool and is_tensor(b)))


def rsub(input, other, alpha=1):
    """other - alpha * input (what ``2 - x`` runs). Mirrors: torch.rsub"""
    if _plain(input, other):
        return RSub.apply(input, other, alpha)
    _check_bool_sub(input, other)
    other = _wrap_int(input, other)
    return RSub.apply(input, other, alpha, dtype=_prep(input, other))


def mul(input, other, *, out=None):
    """input * other, element-wise. Mirrors: torch.mul"""
    if out is None and _plain(input, other):
        return Mul.apply(input, other)
    if not is_tensor(input):
        input, other = other, input
    other = _wrap_int(input, other)
    return _finish(Mul.apply(input, other, dtype=_prep(input, other)), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """input / other (true division); rounding_mode 'floor' or 'trunc' rounds.

    Mirrors: torch.div
    """
    if out is None and rounding_mode is None and _plain(input, other) and \
            input._data.dtype.kind == "f":
        return Div.apply(input, other)
    if not is_tensor(input):
        if rounding_mode is None:  # number / tensor: PyTorch records 1/tensor * number
            return _finish(reciprocal(other) * input, out)
        from teachtorch.ops._util import as_tensor

        input = as_tensor(input, like=other)
    if rounding_mode is None:
        dtype = _prep(input, other)
        if (dtype is not None and dtype.kind != "f") or (
                dtype is None and input._data.dtype.kind != "f"):
            dtype = _float_dtype(input, other)
        return _finish(Div.apply(input, other, dtype=dtype), out)
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError(_errors.rounding_mode(rounding_mode))
    _checks.int_divisor(input, other)
    if _checks.both_bool(input, other):
        _checks.not_implemented(f"div_{rounding_mode}_cpu", input)
    r = DivRounding.apply(input, other, rounding_mode, dtype=_prep(input, other))
    return _finish(r, out)


true_divide = div
divide = div


def floor_divide(input, other, *, out=None):
    """input // other, rounding toward -inf. Mirrors: torch.floor_divide"""
    if not is_tensor(input):
        from teachtorch.ops._util import as_tensor

        input = as_tensor(input, like=other)
    _checks.int_divisor(input, other)
    if _checks.both_bool(input, other):
        _checks.not_implemented("div_floor_cpu", input)
    r = FloorDivide.apply(input, other, "floor", dtype=_prep(input, other))
    return _finish(r, out)


def neg(input, *, out=None):
    """-input. Mirrors: torch.neg"""
    return _finish(Neg.apply(input), out)


negative = neg


def reciprocal(input, *, out=None):
    """1 / input. Mirrors: torch.reciprocal"""
    return _finish(Reciprocal.apply(input), out)
