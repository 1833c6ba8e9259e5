"""Tensor methods for math: arithmetic, element-wise functions, reductions, matmul.

One line each, delegating to ``teachtorch.ops`` (go to definition from there to see
the forward and backward). Grouped like the torch.Tensor docs. A method ending in ``_``
changes the tensor in place (``ops.apply_inplace``: leaf check, version bump).
"""
from teachtorch import _checks, ops

_inplace = ops.apply_inplace
# operands PyTorch's operators refuse: returning NotImplemented lets Python raise its own
# TypeError ("unsupported operand type(s) for +: 'Tensor' and 'list'"), as for torch
_FOREIGN = frozenset((list, tuple, str, dict, set, bytes))


class TensorMathMixin:
    __slots__ = ()

    # ----- arithmetic --------------------------------------------------------------
    def add(self, other, *, alpha=1): return ops.add(self, other, alpha=alpha)
    def add_(self, other, *, alpha=1): return _inplace(self, ops.add, other, alpha=alpha)
    def sub(self, other, *, alpha=1): return ops.sub(self, other, alpha=alpha)
    def sub_(self, other, *, alpha=1): return _inplace(self, ops.sub, other, alpha=alpha)
    def mul(self, other): return ops.mul(self, other)
    def mul_(self, other): return _inplace(self, ops.mul, other)
    def div(self, other, *, rounding_mode=None): return ops.div(self, other, rounding_mode=rounding_mode)
    def div_(self, other, *, rounding_mode=None): return _inplace(self, ops.div, other, rounding_mode=rounding_mode)
    def floor_divide(self, other): return ops.floor_divide(self, other)
    def floor_divide_(self, other): return _inplace(self, ops.floor_divide, other)
    def remainder(self, other): return ops.remainder(self, other)
    def remainder_(self, other): return _inplace(self, ops.remainder, other)
    def fmod(self, other): return ops.fmod(self, other)
    def fmod_(self, other): return _inplace(self, ops.fmod, other)
    def neg(self): return ops.neg(self)
    def neg_(self): return _inplace(self, ops.neg)
    def reciprocal(self): return ops.reciprocal(self)
    def reciprocal_(self): return _inplace(self, ops.reciprocal)
    def pow(self, exponent): return ops.pow(self, exponent)
    def pow_(self, exponent): return _inplace(self, ops.pow, exponent)
    def float_power(self, exponent): return ops.float_power(self, exponent)
    def square(self): return ops.square(self)
    def square_(self): return _inplace(self, ops.square)
    def addcmul(self, tensor1, tensor2, *, value=1): return ops.addcmul(self, tensor1, tensor2, value=value)
    def addcmul_(self, tensor1, tensor2, *, value=1): return _inplace(self, ops.addcmul, tensor1, tensor2, value=value)
    def addcdiv(self, tensor1, tensor2, *, value=1): return ops.addcdiv(self, tensor1, tensor2, value=value)
    def addcdiv_(self, tensor1, tensor2, *, value=1): return _inplace(self, ops.addcdiv, tensor1, tensor2, value=value)
    def lerp(self, end, weight): return ops.lerp(self, end, weight)
    def lerp_(self, end, weight): return _inplace(self, ops.lerp, end, weight)
    true_divide = div
    true_divide_ = div_
    multiply = mul
    multiply_ = mul_
    subtract = sub
    subtract_ = sub_
    divide = div
    divide_ = div_
    negative = neg
    negative_ = neg_

    # ----- element-wise ------------------------------------------------------------
    def exp(self): return ops.exp(self)
    def exp_(self): return _inplace(self, ops.exp)
    def exp2(self): return ops.exp2(self)
    def expm1(self): return ops.expm1(self)
    def expm1_(self): return _inplace(self, ops.expm1)
    def log(self): return ops.log(self)
    def log_(self): return _inplace(self, ops.log)
    def log2(self): return ops.log2(self)
    def log10(self): return ops.log10(self)
    def log1p(self): return ops.log1p(self)
    def log1p_(self): return _inplace(self, ops.log1p)
    def sqrt(self): return ops.sqrt(self)
    def sqrt_(self): return _inplace(self, ops.sqrt)
    def rsqrt(self): return ops.rsqrt(self)
    def rsqrt_(self): return _inplace(self, ops.rsqrt)
    def sin(self): return ops.sin(self)
    def sin_(self): return _inplace(self, ops.sin)
    def cos(self): return ops.cos(self)
    def cos_(self): return _inplace(self, ops.cos)
    def tan(self): return ops.tan(self)
    def erf(self): return ops.erf(self)
    def erf_(self): return _inplace(self, ops.erf)
    def sigmoid(self): return ops.sigmoid(self)
    def sigmoid_(self): return _inplace(self, ops.sigmoid)
    def tanh(self): return ops.tanh(self)
    def tanh_(self): return _inplace(self, ops.tanh)
    def relu(self): return ops.relu(self)
    def relu_(self): return _inplace(self, ops.relu)
    def abs(self): return ops.abs(self)
    def abs_(self): return _inplace(self, ops.abs)
    absolute = abs
    def sign(self): return ops.sign(self)
    def sign_(self): return _inplace(self, ops.sign)
    def floor(self): return ops.floor(self)
    def floor_(self): return _inplace(self, ops.floor)
    def ceil(self): return ops.ceil(self)
    def ceil_(self): return _inplace(self, ops.ceil)
    def round(self, *, decimals=0): return ops.round(self, decimals=decimals)
    def round_(self, *, decimals=0): return _inplace(self, ops.round, decimals=decimals)
    def trunc(self): return ops.trunc(self)
    def trunc_(self): return _inplace(self, ops.trunc)
    fix = trunc
    def frac(self): return ops.frac(self)
    def frac_(self): return _inplace(self, ops.frac)
    def clamp(self, min=None, max=None): return ops.clamp(self, min, max)
    def clamp_(self, min=None, max=None): return _inplace(self, ops.clamp, min, max)
    def clamp_min(self, min): return ops.clamp_min(self, min)
    def clamp_min_(self, min): return _inplace(self, ops.clamp_min, min)
    def clamp_max(self, max): return ops.clamp_max(self, max)
    def clamp_max_(self, max): return _inplace(self, ops.clamp_max, max)
    clip = clamp
    clip_ = clamp_
    def where(self, condition, other): return ops.where(condition, self, other)
    def maximum(self, other): return ops.maximum(self, other)
    def minimum(self, other): return ops.minimum(self, other)
    def nan_to_num(self, nan=0.0, posinf=None, neginf=None): return ops.nan_to_num(self, nan, posinf, neginf)
    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None): return _inplace(self, ops.nan_to_num, nan, posinf, neginf)
    def isnan(self): return ops.isnan(self)
    def isinf(self): return ops.isinf(self)
    def isfinite(self): return ops.isfinite(self)
    def softmax(self, dim=None, dtype=None, *, axis=None): return ops.softmax(self, dim if axis is None else axis, dtype)
    def log_softmax(self, dim, dtype=None): return ops.log_softmax(self, dim, dtype)

    # ----- filling -----------------------------------------------------------------
    def zero_(self): return ops.zero_(self)
    def fill_(self, value): return ops.fill_(self, value)
    def copy_(self, src, non_blocking=False): return ops.copy_(self, src, non_blocking)

    # ----- reductions --------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, *, dtype=None, axis=None): return ops.sum(self, dim, keepdim, dtype=dtype, axis=axis)
    def mean(self, dim=None, keepdim=False, *, dtype=None, axis=None): return ops.mean(self, dim, keepdim, dtype=dtype, axis=axis)
    def prod(self, dim=None, keepdim=False, *, dtype=None, axis=None): return ops.prod(self, dim, keepdim, dtype=dtype, axis=axis)
    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None): return ops.var(self, dim, unbiased, keepdim, correction=correction, axis=axis)
    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None): return ops.std(self, dim, unbiased, keepdim, correction=correction, axis=axis)
    def max(self, dim=None, keepdim=False, *, axis=None): return ops.max(self, dim, keepdim, axis=axis)
    def min(self, dim=None, keepdim=False, *, axis=None): return ops.min(self, dim, keepdim, axis=axis)
    def amax(self, dim=(), keepdim=False, *, axis=None): return ops.amax(self, dim, keepdim, axis=axis)
    def amin(self, dim=(), keepdim=False, *, axis=None): return ops.amin(self, dim, keepdim, axis=axis)
    def argmax(self, dim=None, keepdim=False, *, axis=None): return ops.argmax(self, dim, keepdim, axis=axis)
    def argmin(self, dim=None, keepdim=False, *, axis=None): return ops.argmin(self, dim, keepdim, axis=axis)
    def median(self, dim=None, keepdim=False): return ops.median(self, dim, keepdim)
    def cumsum(self, dim=None, *, dtype=None, axis=None): return ops.cumsum(self, dim, dtype=dtype, axis=axis)
    def cumprod(self, dim, *, dtype=None): return ops.cumprod(self, dim, dtype=dtype)
    def logsumexp(self, dim, keepdim=False): return ops.logsumexp(self, dim, keepdim)
    def norm(self, p="fro", dim=None, keepdim=False, dtype=None): return ops.norm(self, p, dim, keepdim, dtype)
    def all(self, dim=None, keepdim=False): return ops.all(self, dim, keepdim)
    def any(self, dim=None, keepdim=False): return ops.any(self, dim, keepdim)
    def count_nonzero(self, dim=None): return ops.count_nonzero(self, dim)

    # ----- linear algebra ----------------------------------------------------------
    def matmul(self, other): return ops.matmul(self, other)
    def mm(self, mat2): return ops.mm(self, mat2)
    def bmm(self, mat2): return ops.bmm(self, mat2)
    def mv(self, vec): return ops.mv(self, vec)
    def dot(self, other): return ops.dot(self, other)
    def inner(self, other): return ops.inner(self, other)
    def outer(self, vec2): return ops.outer(self, vec2)
    ger = outer
    def addmm(self, mat1, mat2, *, beta=1, alpha=1): return ops.addmm(self, mat1, mat2, beta=beta, alpha=alpha)
    def addmm_(self, mat1, mat2, *, beta=1, alpha=1): return _inplace(self, ops.addmm, mat1, mat2, beta=beta, alpha=alpha)

    # ----- Python operators --------------------------------------------------------
    def __add__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.add(self, other)
    def __radd__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.add(self, other)
    def __iadd__(self, other): return _inplace(self, ops.add, other)
    def __sub__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.sub(self, other)
    def __rsub__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.rsub(self, other)
    def __isub__(self, other): return _inplace(self, ops.sub, other)
    def __mul__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.mul(self, other)
    def __rmul__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.mul(self, other)
    def __imul__(self, other): return _inplace(self, ops.mul, other)
    def __truediv__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.div(self, other)
    def __rtruediv__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.div(other, self)
    def __itruediv__(self, other): return _inplace(self, ops.div, other)
    def __floordiv__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.floor_divide(self, other)
    def __rfloordiv__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.floor_divide(other, self)
    def __ifloordiv__(self, other): return _inplace(self, ops.floor_divide, other)
    def __mod__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.remainder(self, other)
    def __rmod__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.remainder(other, self)
    def __imod__(self, other): return _inplace(self, ops.remainder, other)
    def __pow__(self, exponent): return NotImplemented if type(exponent) in _FOREIGN else ops.pow(self, exponent)
    def __rpow__(self, base): return NotImplemented if type(base) in _FOREIGN else ops.pow(base, self)
    def __ipow__(self, exponent): return _inplace(self, ops.pow, exponent)
    def __matmul__(self, other): return ops.matmul(self, other) if hasattr(other, "_data") else NotImplemented
    def __rmatmul__(self, other): return ops.matmul(other, self) if hasattr(other, "_data") else NotImplemented
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
    greater = gt
    greater_equal = ge
    less = lt
    less_equal = le
    not_equal = ne
    def equal(self, other): return ops.equal(self, other)
    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False): return ops.isclose(self, other, rtol, atol, equal_nan)
    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False): return ops.allclose(self, other, rtol, atol, equal_nan)
    def logical_not(self): return ops.logical_not(self)
    def logical_and(self, other): return ops.logical_and(self, other)
    def logical_or(self, other): return ops.logical_or(self, other)
    def logical_xor(self, other): return ops.logical_xor(self, other)
    def bitwise_not(self): return ops.bitwise_not(self)
    def __eq__(self, other): return ops.eq(self, other) if other is not None and type(other) not in _FOREIGN else NotImplemented
    def __ne__(self, other): return ops.ne(self, other) if other is not None and type(other) not in _FOREIGN else NotImplemented
    def __lt__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.lt(self, other)
    def __le__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.le(self, other)
    def __gt__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.gt(self, other)
    def __ge__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.ge(self, other)
    def __and__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.bitwise_and(self, other)
    def __or__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.bitwise_or(self, other)
    def __xor__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.bitwise_xor(self, other)
    def __invert__(self): return ops.bitwise_not(self) if self._data.dtype.kind != "f" else _checks.invert_float()
    def __rand__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.bitwise_and(self, other)
    def __ror__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.bitwise_or(self, other)
    def __rxor__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.bitwise_xor(self, other)
    def __lshift__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.bitwise_left_shift(self, other)
    def __rshift__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.bitwise_right_shift(self, other)
    def __rlshift__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.function_forms._shift(self, other, True, swap=True)
    def __rrshift__(self, other): return NotImplemented if type(other) in _FOREIGN else ops.function_forms._shift(self, other, False, swap=True)
    def __ilshift__(self, other): return NotImplemented if type(other) in _FOREIGN else _inplace(self, ops.bitwise_left_shift, other)
    def __irshift__(self, other): return NotImplemented if type(other) in _FOREIGN else _inplace(self, ops.bitwise_right_shift, other)
    __hash__ = object.__hash__
