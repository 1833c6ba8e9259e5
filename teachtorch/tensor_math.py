"""Tensor methods for math: arithmetic, element-wise functions, reductions, matmul.

One line each, delegating to ``teachtorch.ops`` (go to definition from there to see
the forward and backward). Grouped like the torch.Tensor docs.
"""
from teachtorch import ops


class TensorMathMixin:
    __slots__ = ()

    # ----- arithmetic --------------------------------------------------------------
    def add(self, other, *, alpha=1): return ops.add(self, other, alpha=alpha)
    def add_(self, other, *, alpha=1): return ops.apply_inplace(self, ops.add, other, alpha=alpha)
    def sub(self, other, *, alpha=1): return ops.sub(self, other, alpha=alpha)
    def sub_(self, other, *, alpha=1): return ops.apply_inplace(self, ops.sub, other, alpha=alpha)
    def mul(self, other): return ops.mul(self, other)
    def mul_(self, other): return ops.apply_inplace(self, ops.mul, other)
    def div(self, other, *, rounding_mode=None): return ops.div(self, other, rounding_mode=rounding_mode)
    def div_(self, other, *, rounding_mode=None): return ops.apply_inplace(self, ops.div, other, rounding_mode=rounding_mode)
    def neg(self): return ops.neg(self)
    def neg_(self): return ops.apply_inplace(self, ops.neg)
    def pow(self, exponent): return ops.pow(self, exponent)
    def pow_(self, exponent): return ops.apply_inplace(self, ops.pow, exponent)
    def floor_divide(self, other): return ops.floor_divide(self, other)
    true_divide = div
    multiply = mul
    subtract = sub
    divide = div
    negative = neg

    # ----- element-wise ------------------------------------------------------------
    def exp(self): return ops.exp(self)
    def exp_(self): return ops.apply_inplace(self, ops.exp)
    def log(self): return ops.log(self)
    def log_(self): return ops.apply_inplace(self, ops.log)
    def sqrt(self): return ops.sqrt(self)
    def sqrt_(self): return ops.apply_inplace(self, ops.sqrt)
    def sigmoid(self): return ops.sigmoid(self)
    def sigmoid_(self): return ops.apply_inplace(self, ops.sigmoid)
    def tanh(self): return ops.tanh(self)
    def tanh_(self): return ops.apply_inplace(self, ops.tanh)
    def relu(self): return ops.relu(self)
    def relu_(self): return ops.apply_inplace(self, ops.relu)
    def abs(self): return ops.abs(self)
    def abs_(self): return ops.apply_inplace(self, ops.abs)
    def sign(self): return ops.sign(self)
    def trunc(self): return ops.trunc(self)
    def clamp(self, min=None, max=None): return ops.clamp(self, min, max)  # noqa: A002
    def clamp_(self, min=None, max=None): return ops.apply_inplace(self, ops.clamp, min, max)  # noqa: A002
    clip = clamp
    clip_ = clamp_

    # ----- filling -----------------------------------------------------------------
    def zero_(self): return ops.zero_(self)
    def fill_(self, value): return ops.fill_(self, value)
    def copy_(self, src, non_blocking=False): return ops.copy_(self, src, non_blocking)

    # ----- reductions --------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, *, dtype=None): return ops.sum(self, dim, keepdim, dtype=dtype)
    def mean(self, dim=None, keepdim=False, *, dtype=None): return ops.mean(self, dim, keepdim, dtype=dtype)

    # ----- linear algebra ----------------------------------------------------------
    def matmul(self, other): return ops.matmul(self, other)
    def mm(self, mat2): return ops.mm(self, mat2)

    # ----- Python operators --------------------------------------------------------
    def __add__(self, other): return ops.add(self, other)
    def __radd__(self, other): return ops.add(self, other)
    def __iadd__(self, other): return ops.apply_inplace(self, ops.add, other)
    def __sub__(self, other): return ops.sub(self, other)
    def __rsub__(self, other): return ops.rsub(self, other)
    def __isub__(self, other): return ops.apply_inplace(self, ops.sub, other)
    def __mul__(self, other): return ops.mul(self, other)
    def __rmul__(self, other): return ops.mul(self, other)
    def __imul__(self, other): return ops.apply_inplace(self, ops.mul, other)
    def __truediv__(self, other): return ops.div(self, other)
    def __rtruediv__(self, other): return ops.div(other, self)
    def __itruediv__(self, other): return ops.apply_inplace(self, ops.div, other)
    def __floordiv__(self, other): return ops.floor_divide(self, other)
    def __rfloordiv__(self, other): return ops.floor_divide(other, self)
    def __pow__(self, exponent): return ops.pow(self, exponent)
    def __rpow__(self, base): return ops.pow(base, self)
    def __matmul__(self, other): return ops.matmul(self, other)
    def __rmatmul__(self, other): return ops.matmul(other, self)
    def __neg__(self): return ops.neg(self)
    def __pos__(self): return self
    def __abs__(self): return ops.abs(self)

    # ----- comparisons (bool results, no gradient) -----------------------------------
    def eq(self, other): return ops.eq(self, other)
    def ne(self, other): return ops.ne(self, other)
    def lt(self, other): return ops.lt(self, other)
    def le(self, other): return ops.le(self, other)
    def gt(self, other): return ops.gt(self, other)
    def ge(self, other): return ops.ge(self, other)
    def equal(self, other): return ops.equal(self, other)
    def logical_not(self): return ops.logical_not(self)
    def __eq__(self, other): return ops.eq(self, other)
    def __ne__(self, other): return ops.ne(self, other)
    def __lt__(self, other): return ops.lt(self, other)
    def __le__(self, other): return ops.le(self, other)
    def __gt__(self, other): return ops.gt(self, other)
    def __ge__(self, other): return ops.ge(self, other)
    def __and__(self, other): return ops.bitwise_and(self, other)
    def __or__(self, other): return ops.bitwise_or(self, other)
    def __xor__(self, other): return ops.bitwise_xor(self, other)
    def __invert__(self): return ops.bitwise_not(self)
    def __rand__(self, other): return ops.bitwise_and(self, other)
    def __ror__(self, other): return ops.bitwise_or(self, other)
    __hash__ = object.__hash__
