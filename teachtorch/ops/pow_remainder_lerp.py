"""More arithmetic: pow, remainder, fmod, addcmul, addcdiv, lerp.

Same pattern as ``arith.py``: a Function per op, forward on arrays, backward in Tensor
ops, gradients returned in the output's shape (the engine undoes broadcasting).
Chapter 05 (backprop by hand) opens this file.
"""
import numpy as np

from teachtorch import _checks, _errors, dtypes
from teachtorch.autograd.function import Function
from teachtorch.ops._util import as_tensor, is_tensor, make
from teachtorch.ops.arith import _cast, _finish, _prep
from teachtorch.ops.reduce import array_of


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
        if x.dtype == np.bool_:  # bool ** bool stays bool
            return np.power(x, exponent).astype(np.bool_)
        if exponent == 2:
            return x * x
        with np.errstate(divide="ignore", invalid="ignore"):
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
        if p == 1:
            return grad_output
        if p == 2:
            return grad_output * (x * 2)
        return grad_output * (x ** (p - 1) * p)


class PowTensor(Function):
    """base ** exponent with both tensors.

    Math: y = a**b;  dy/da = b * a**(b-1), dy/db = y * log(a)  (0 where a == 0, b >= 0)
    Mirrors: torch.pow
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b, dtype=None):
        if dtype is not None:
            a, b = _cast(a, b, dtype)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = array_of(np.power(a, b))
        ctx.save_for_backward(a, b, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        from teachtorch.ops.select import where

        a, b, y = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = where(b == 0, 0.0, grad_output * b * a ** (b - 1))
        if ctx.needs_input_grad[1]:
            gb = where((a == 0) & (b >= 0), 0.0, grad_output * y * a.log())
        return ga, gb


class RPow(Function):
    """number ** tensor, for ``2 ** x``.

    Math: y = c**x;  dy/dx = y * log(c)
    Mirrors: torch.pow(self: Scalar, exponent: Tensor)
    """
    _raw = True
    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, x, base, np_dtype):
        ctx.log_base = float(np.log(base)) if base > 0 else (
            -np.inf if base == 0 else np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = array_of(np.power(np.dtype(np_dtype).type(base),
                                  x.astype(np_dtype, copy=False)))
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        if ctx.log_base == -np.inf:  # 0 ** x: torch defines the gradient as 0 here
            return grad_output * 0
        return grad_output * y * ctx.log_base


class Remainder(Function):
    """a mod b with the sign of b (Python's %).

    Math: y = a - floor(a/b)*b;  dy/da = 1, dy/db = -floor(a/b)
    Mirrors: torch.remainder
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "RemainderBackward1"

    @staticmethod
    def forward(ctx, a, b, dtype=None):
        if dtype is not None:
            a, b = _cast(a, b, dtype)
        ctx.save_for_backward(a, b)
        if np.result_type(a, b).kind != "f":
            return np.remainder(a, b)   # integers: Python's % (error-free)
        with np.errstate(divide="ignore", invalid="ignore"):  # PyTorch's float rule:
            m = np.fmod(a, b)                                   # fmod, then shift by b
            return np.where((m != 0) & ((b < 0) != (m < 0)), m + b, m)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        gb = None
        if ctx.needs_input_grad[1]:
            gb = -grad_output * (a / b).floor()
        return grad_output, gb


class RemainderScalar(Remainder):
    """remainder with a number divisor (PyTorch's node is RemainderBackward0)."""
    node_name = "RemainderBackward0"

    @staticmethod
    def backward(ctx, grad_output):  # dy/da = 1: PyTorch keeps nothing to free
        return grad_output, None


class Fmod(Function):
    """a mod b with the sign of a (C's fmod).

    Math: y = a - trunc(a/b)*b;  dy/da = 1, dy/db = -trunc(a/b)
    Mirrors: torch.fmod
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "FmodBackward1"

    @staticmethod
    def forward(ctx, a, b, dtype=None):
        if dtype is not None:
            a, b = _cast(a, b, dtype)
        ctx.save_for_backward(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.fmod(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        gb = None
        if ctx.needs_input_grad[1]:
            gb = -grad_output * (a / b).trunc()
        return grad_output, gb


class FmodScalar(Fmod):
    """fmod with a number divisor (PyTorch's node is FmodBackward0)."""
    node_name = "FmodBackward0"

    @staticmethod
    def backward(ctx, grad_output):  # dy/da = 1: PyTorch keeps nothing to free
        return grad_output, None


class Addcmul(Function):
    """input + value * t1 * t2 in one op (optimizers use it).

    Math: y = x + v*a*b;  dy/dx = 1, dy/da = v*b, dy/db = v*a
    Mirrors: torch.addcmul
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "AddcmulBackward0"

    @staticmethod
    def forward(ctx, x, a, b, value, dtype):
        x, a, b = (t.astype(dtype, copy=False) for t in (x, a, b))
        ctx.save_for_backward(a, b)
        ctx.value = value
        return x + value * (a * b)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        v = ctx.value
        ga = grad_output * b * v if ctx.needs_input_grad[1] else None
        gb = grad_output * a * v if ctx.needs_input_grad[2] else None
        return grad_output, ga, gb


class Addcdiv(Function):
    """input + value * t1 / t2 in one op (Adam's update uses it).

    Math: y = x + v*a/b;  dy/dx = 1, dy/da = v/b, dy/db = -v*a/b**2
    Mirrors: torch.addcdiv
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "AddcdivBackward0"

    @staticmethod
    def forward(ctx, x, a, b, value, dtype):
        x, a, b = (t.astype(dtype, copy=False) for t in (x, a, b))
        ctx.save_for_backward(a, b)
        ctx.value = value
        with np.errstate(divide="ignore", invalid="ignore"):
            return x + value * (a / b)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        v = ctx.value
        ga = grad_output * v / b if ctx.needs_input_grad[1] else None
        gb = -grad_output * v * a / (b * b) if ctx.needs_input_grad[2] else None
        return grad_output, ga, gb


class Lerp(Function):
    """Linear interpolation start + weight * (end - start), number weight.

    Math: y = s + w*(e - s);  dy/ds = 1 - w, dy/de = w
    Mirrors: torch.lerp
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "LerpBackward0"

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.weight = weight
        return (start + weight * (end - start)).astype(start.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        w = ctx.weight
        return grad_output * (1 - w), grad_output * w


class LerpTensor(Function):
    """Linear interpolation with a tensor weight.

    Math: y = s + w*(e - s);  dy/ds = 1 - w, dy/de = w, dy/dw = e - s
    Mirrors: torch.lerp
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, start, end, weight):
        ctx.save_for_backward(start, end, weight)
        return start + weight * (end - start)

    @staticmethod
    def backward(ctx, grad_output):
        s, e, w = ctx.saved_tensors
        gs = grad_output * (1 - w) if ctx.needs_input_grad[0] else None
        ge = grad_output * w if ctx.needs_input_grad[1] else None
        gw = grad_output * (e - s) if ctx.needs_input_grad[2] else None
        return gs, ge, gw


def pow(input, exponent, *, out=None):
    """input ** exponent (either may be a number). Mirrors: torch.pow"""
    if not is_tensor(input):
        d = dtypes.result_type(exponent, input)
        return _finish(RPow.apply(exponent, input, d.np), out)
    if is_tensor(exponent):
        if _checks.both_bool(input, exponent):
            _checks.not_implemented("pow", input)
        if input._data.dtype.kind in "iu" and exponent._data.dtype.kind in "iu" and \
                (exponent._data < 0).any():
            return _finish(_int_pow_negative(input, exponent), out)
        r = PowTensor.apply(input, exponent, dtype=_prep(input, exponent))
        return _finish(r, out)
    kind = input._data.dtype.kind
    if kind == "b" and type(exponent) is int:   # bool ** 2 is int64 in PyTorch
        input = input.to(dtypes.int64)
    if kind in "biu":
        if isinstance(exponent, float):
            input = input.to(dtypes.get_default_dtype())
        elif isinstance(exponent, int) and exponent < 0:
            raise RuntimeError(_errors.int_negative_pow())
    return _finish(Pow.apply(input, exponent), out)


def _int_pow_negative(base, exponent):
    """Integer ** negative integer, as PyTorch computes it: 1 ** -n is 1, (-1) ** -n
    is +-1, anything else rounds to 0 (NumPy refuses these powers)."""
    dt = dtypes.result_type(base, exponent).np
    a, b = np.broadcast_arrays(base._data.astype(dt), exponent._data.astype(dt))
    odd = (b % 2) != 0
    neg = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0)).astype(dt)
    return make(np.where(b < 0, neg, np.power(a, np.abs(b))).astype(dt))


def square(input, *, out=None):
    """input * input (PyTorch records it as pow(x, 2)). Mirrors: torch.square"""
    return pow(input, 2, out=out)


def float_power(input, exponent, *, out=None):
    """pow computed in float64. Mirrors: torch.float_power"""
    if is_tensor(exponent):
        exponent = exponent.double()
    return pow(input.double() if is_tensor(input) else input, exponent, out=out)


def remainder(input, other, *, out=None):
    """Python's % (result has the sign of other). Mirrors: torch.remainder"""
    if not is_tensor(input):
        input = as_tensor(input, like=other)
    _checks.int_divisor(input, other)
    if _checks.both_bool(input, other):
        _checks.not_implemented("remainder_cpu", input)
    cls = Remainder if is_tensor(other) else RemainderScalar
    return _finish(cls.apply(input, other, dtype=_prep(input, other)), out)


def fmod(input, other, *, out=None):
    """C's fmod (result has the sign of input). Mirrors: torch.fmod"""
    _checks.int_divisor(input, other)
    if _checks.both_bool(input, other):
        _checks.not_implemented("fmod_cpu", input)
    cls = Fmod if is_tensor(other) else FmodScalar
    return _finish(cls.apply(input, other, dtype=_prep(input, other)), out)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2. Mirrors: torch.addcmul"""
    d = dtypes.result_type(input, tensor1, tensor2)
    return _finish(Addcmul.apply(input, tensor1, tensor2, value, d.np), out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 / tensor2. Mirrors: torch.addcdiv"""
    if not tensor1.dtype.is_floating_point and not tensor2.dtype.is_floating_point:
        raise RuntimeError(
            _errors.hint("Integer division with addcdiv is no longer supported, and in a future  "
            "release addcdiv will perform a true division of tensor1 and tensor2. The "
            "historic addcdiv behavior can be implemented as (input + value * "
            "torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as "
            "(input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
            "behavior is just the latter implementation: (input + value * tensor1 / "
            "tensor2), for all dtypes.", "convert tensor1 or tensor2 to float."))
    d = dtypes.result_type(input, tensor1, tensor2)
    return _finish(Addcdiv.apply(input, tensor1, tensor2, value, d.np), out)


def lerp(input, end, weight, *, out=None):
    """input + weight * (end - input). Mirrors: torch.lerp"""
    if is_tensor(end) and end._data.dtype != input._data.dtype:
        raise RuntimeError(_errors.hint(
            f"expected dtype {input.dtype.cpp_name} for `end` but got dtype "
            f"{end.dtype.cpp_name}", "input and end need one dtype: end.to(x.dtype)."))
    if input._data.dtype.kind != "f" and not is_tensor(weight):
        _checks.not_implemented("lerp_kernel_scalar", input)
    if is_tensor(weight):
        return _finish(LerpTensor.apply(input, end, weight), out)
    return _finish(Lerp.apply(input, end, weight), out)

