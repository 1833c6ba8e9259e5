"""Tensor methods for special math: inverse and hyperbolic
trigonometry, special functions, signs, matrix building, counting and statistics.

One line each, delegating to ``teachtorch.ops`` as in ``tensor_math.py``; a name
ending in ``_`` changes the tensor in place.
"""
from teachtorch import ops

_inplace = ops.apply_inplace


class TensorSpecialMathMixin:
    __slots__ = ()

    # ----- trigonometry (ops/trig.py) ------------------------------------------------
    def asin(self): return ops.asin(self)
    def asin_(self): return _inplace(self, ops.asin)
    def acos(self): return ops.acos(self)
    def acos_(self): return _inplace(self, ops.acos)
    def atan(self): return ops.atan(self)
    def atan_(self): return _inplace(self, ops.atan)
    def sinh(self): return ops.sinh(self)
    def sinh_(self): return _inplace(self, ops.sinh)
    def cosh(self): return ops.cosh(self)
    def cosh_(self): return _inplace(self, ops.cosh)
    def asinh(self): return ops.asinh(self)
    def asinh_(self): return _inplace(self, ops.asinh)
    def acosh(self): return ops.acosh(self)
    def acosh_(self): return _inplace(self, ops.acosh)
    def atanh(self): return ops.atanh(self)
    def atanh_(self): return _inplace(self, ops.atanh)
    def sinc(self): return ops.sinc(self)
    def sinc_(self): return _inplace(self, ops.sinc)
    def atan2(self, other): return ops.atan2(self, other)
    def atan2_(self, other): return _inplace(self, ops.atan2, other)
    def hypot(self, other): return ops.hypot(self, other)
    def hypot_(self, other): return _inplace(self, ops.hypot, other)
    def deg2rad(self): return ops.deg2rad(self)
    def deg2rad_(self): return _inplace(self, ops.deg2rad)
    def rad2deg(self): return ops.rad2deg(self)
    def rad2deg_(self): return _inplace(self, ops.rad2deg)
    arcsin, arcsin_, arccos, arccos_ = asin, asin_, acos, acos_
    arctan, arctan_, arctan2, arctan2_ = atan, atan_, atan2, atan2_
    arcsinh, arcsinh_, arccosh, arccosh_ = asinh, asinh_, acosh, acosh_
    arctanh, arctanh_ = atanh, atanh_

    # ----- special functions (ops/special.py) ---------------------------------------
    def erfc(self): return ops.erfc(self)
    def erfc_(self): return _inplace(self, ops.erfc)
    def erfinv(self): return ops.erfinv(self)
    def erfinv_(self): return _inplace(self, ops.erfinv)
    def lgamma(self): return ops.lgamma(self)
    def lgamma_(self): return _inplace(self, ops.lgamma)
    def digamma(self): return ops.digamma(self)
    def digamma_(self): return _inplace(self, ops.digamma)
    def xlogy(self, other): return ops.xlogy(self, other)
    def xlogy_(self, other): return _inplace(self, ops.xlogy, other)
    def logaddexp(self, other): return ops.logaddexp(self, other)
    def logaddexp2(self, other): return ops.logaddexp2(self, other)
    def logit(self, eps=None): return ops.logit(self, eps)
    def logit_(self, eps=None): return _inplace(self, ops.logit, eps)

    # ----- signs (ops/signs.py) -------------------------------------------------------
    def sgn(self): return ops.sgn(self)
    def sgn_(self): return _inplace(self, ops.sgn)
    def signbit(self): return ops.signbit(self)
    def copysign(self, other): return ops.copysign(self, other)
    def copysign_(self, other): return _inplace(self, ops.copysign, other)
    def heaviside(self, values): return ops.heaviside(self, values)
    def heaviside_(self, values): return _inplace(self, ops.heaviside, values)
    def fmax(self, other): return ops.fmax(self, other)
    def fmin(self, other): return ops.fmin(self, other)
    def gcd(self, other): return ops.gcd(self, other)
    def gcd_(self, other): return _inplace(self, ops.gcd, other)
    def lcm(self, other): return ops.lcm(self, other)
    def lcm_(self, other): return _inplace(self, ops.lcm, other)
    def isposinf(self): return ops.isposinf(self)
    def isneginf(self): return ops.isneginf(self)

    # ----- building and rearranging (ops/matrix_build.py, ops/rearrange.py) ---------
    def cross(self, other, dim=None): return ops.cross(self, other, dim)
    def kron(self, other): return ops.kron(self, other)
    def diag_embed(self, offset=0, dim1=-2, dim2=-1): return ops.diag_embed(self, offset, dim1, dim2)
    def diagflat(self, offset=0): return ops.diagflat(self, offset)
    def diff(self, n=1, dim=-1, prepend=None, append=None): return ops.diff(self, n, dim, prepend, append)
    def rot90(self, k=1, dims=(0, 1)): return ops.rot90(self, k, dims)
    def hsplit(self, sections): return ops.hsplit(self, sections)
    def vsplit(self, sections): return ops.vsplit(self, sections)
    def dsplit(self, sections): return ops.dsplit(self, sections)

    # ----- counting (ops/counting.py) --------------------------------------------------
    def histc(self, bins=100, min=0, max=0): return ops.histc(self, bins, min, max)
    def bincount(self, weights=None, minlength=0): return ops.bincount(self, weights, minlength)
    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None): return ops.unique_consecutive(self, return_inverse, return_counts, dim)

    # ----- statistics (ops/stats.py) ---------------------------------------------------
    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"): return ops.quantile(self, q, dim, keepdim, interpolation=interpolation)
    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"): return ops.nanquantile(self, q, dim, keepdim, interpolation=interpolation)
    def mode(self, dim=-1, keepdim=False): return ops.mode(self, dim, keepdim)
    def nansum(self, dim=None, keepdim=False, *, dtype=None): return ops.nansum(self, dim, keepdim, dtype=dtype)
    def nanmean(self, dim=None, keepdim=False, *, dtype=None): return ops.nanmean(self, dim, keepdim, dtype=dtype)
    def nanmedian(self, dim=None, keepdim=False): return ops.nanmedian(self, dim, keepdim)
    def cummax(self, dim): return ops.cummax(self, dim)
    def cummin(self, dim): return ops.cummin(self, dim)
    def logcumsumexp(self, dim): return ops.logcumsumexp(self, dim)
    def aminmax(self, *, dim=None, keepdim=False): return ops.aminmax(self, dim=dim, keepdim=keepdim)
    def cov(self, *, correction=1, fweights=None, aweights=None): return ops.cov(self, correction=correction, fweights=fweights, aweights=aweights)
    def corrcoef(self): return ops.corrcoef(self)

    # ----- linear algebra (ops/matrix_functions.py) -----------------------------------------
    def inverse(self): return ops.inverse(self)
    def det(self): return ops.det(self)
    def logdet(self): return ops.logdet(self)
    def slogdet(self): return ops.slogdet(self)
    def matrix_power(self, n): return ops.matrix_power(self, n)
    def addmv(self, mat, vec, *, beta=1, alpha=1): return ops.addmv(self, mat, vec, beta=beta, alpha=alpha)
    def addmv_(self, mat, vec, *, beta=1, alpha=1): return _inplace(self, ops.addmv, mat, vec, beta=beta, alpha=alpha)
    def addr(self, vec1, vec2, *, beta=1, alpha=1): return ops.addr(self, vec1, vec2, beta=beta, alpha=alpha)
    def addr_(self, vec1, vec2, *, beta=1, alpha=1): return _inplace(self, ops.addr, vec1, vec2, beta=beta, alpha=alpha)
    def addbmm(self, batch1, batch2, *, beta=1, alpha=1): return ops.addbmm(self, batch1, batch2, beta=beta, alpha=alpha)
    def addbmm_(self, batch1, batch2, *, beta=1, alpha=1): return _inplace(self, ops.addbmm, batch1, batch2, beta=beta, alpha=alpha)
    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1): return ops.baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)
    def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1): return _inplace(self, ops.baddbmm, batch1, batch2, beta=beta, alpha=alpha)
    def dist(self, other, p=2): return ops.dist(self, other, p)
    def vdot(self, other): return ops.vdot(self, other)

    # ----- in-place forms of existing ops -------------------------------------------------
    def absolute_(self): return _inplace(self, ops.abs)
    def exp2_(self): return _inplace(self, ops.exp2)
    def log2_(self): return _inplace(self, ops.log2)
    def log10_(self): return _inplace(self, ops.log10)
    def tan_(self): return _inplace(self, ops.tan)
    def fix_(self): return _inplace(self, ops.fix)
    def float_power_(self, exponent): return _inplace(self, ops.float_power, exponent)
    def cumsum_(self, dim): return _inplace(self, ops.cumsum, dim)
    def cumprod_(self, dim): return _inplace(self, ops.cumprod, dim)
    def eq_(self, other): return _inplace(self, ops.eq, other)
    def ne_(self, other): return _inplace(self, ops.ne, other)
    def lt_(self, other): return _inplace(self, ops.lt, other)
    def le_(self, other): return _inplace(self, ops.le, other)
    def gt_(self, other): return _inplace(self, ops.gt, other)
    def ge_(self, other): return _inplace(self, ops.ge, other)
    greater_, greater_equal_, less_, less_equal_, not_equal_ = gt_, ge_, lt_, le_, ne_
    def logical_not_(self): return _inplace(self, ops.logical_not)
    def logical_and_(self, other): return _inplace(self, ops.logical_and, other)
    def logical_or_(self, other): return _inplace(self, ops.logical_or, other)
    def logical_xor_(self, other): return _inplace(self, ops.logical_xor, other)
    def bitwise_and(self, other): return ops.bitwise_and(self, other)
    def bitwise_and_(self, other): return _inplace(self, ops.bitwise_and, other)
    def bitwise_or(self, other): return ops.bitwise_or(self, other)
    def bitwise_or_(self, other): return _inplace(self, ops.bitwise_or, other)
    def bitwise_xor(self, other): return ops.bitwise_xor(self, other)
    def bitwise_xor_(self, other): return _inplace(self, ops.bitwise_xor, other)
    def bitwise_not_(self): return _inplace(self, ops.bitwise_not)
    def bitwise_left_shift(self, other): return ops.bitwise_left_shift(self, other)
    def bitwise_left_shift_(self, other): return _inplace(self, ops.bitwise_left_shift, other)
    def bitwise_right_shift(self, other): return ops.bitwise_right_shift(self, other)
    def bitwise_right_shift_(self, other): return _inplace(self, ops.bitwise_right_shift, other)

    # ----- small queries and helpers (ops/function_forms.py) -----------------------------
    def positive(self): return ops.positive(self)
    def is_nonzero(self): return ops.is_nonzero(self)
    def is_same_size(self, other): return ops.is_same_size(self, other)
    def is_signed(self): return ops.is_signed(self)
    def get_device(self): return ops.get_device(self)
    def split_with_sizes(self, split_sizes, dim=0): return ops.split_with_sizes(self, split_sizes, dim)
    def multinomial(self, num_samples, replacement=False, *, generator=None): return _creation().multinomial(self, num_samples, replacement, generator=generator)
    def bernoulli(self, p=None, *, generator=None): return _creation().bernoulli(self, p, generator=generator)
    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None): return _random_fill(self, "cauchy", median, sigma, generator)
    def log_normal_(self, mean=1.0, std=2.0, *, generator=None): return _random_fill(self, "log_normal", mean, std, generator)
    def geometric_(self, p, *, generator=None): return _random_fill(self, "geometric", p, None, generator)

    def index_copy(self, dim, index, source): return ops.index_copy(self, dim, index, source)
    def index_copy_(self, dim, index, source): return _inplace(self, ops.index_copy, dim, index, source)
    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True): return ops.scatter_reduce(self, dim, index, src, reduce, include_self=include_self)
    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True): return _inplace(self, ops.scatter_reduce, dim, index, src, reduce, include_self=include_self)
    def put(self, index, source, accumulate=False): return ops.put(self, index, source, accumulate)
    def put_(self, index, source, accumulate=False): return _inplace(self, ops.put, index, source, accumulate)
    def masked_scatter(self, mask, source): return ops.masked_scatter(self, mask, source)
    def masked_scatter_(self, mask, source): return _inplace(self, ops.masked_scatter, mask, source)
    def fill_diagonal_(self, fill_value, wrap=False): return ops.fill_diagonal_(self, fill_value, wrap)
    def renorm(self, p, dim, maxnorm): return ops.renorm(self, p, dim, maxnorm)
    def renorm_(self, p, dim, maxnorm): return _inplace(self, ops.renorm, p, dim, maxnorm)
    def sum_to_size(self, *size): return ops.sum_to_size(self, *size)
    def histogram(self, bins=100, *, range=None, weight=None, density=False): return ops.histogram(self, bins, range=range, weight=weight, density=density)
    def swapaxes_(self, axis0, axis1): return self.transpose_(axis0, axis1)
    def swapdims_(self, dim0, dim1): return self.transpose_(dim0, dim1)
    def resize_as(self, other): return self.resize_(other.shape)
    def resize_as_(self, other): return self.resize_(other.shape)
    def hardshrink(self, lambd=0.5): return _functional().hardshrink(self, lambd)
    def prelu(self, weight): return _functional().prelu(self, weight)
    def is_inference(self): return False

    @property
    def is_cpu(self):
        return not self.is_cuda

    def apply_(self, callable):
        """Call callable on every element, in place (CPU only; slow, for old code)."""
        return _map_python(self, callable)

    def map_(self, tensor, callable):
        """self[i] = callable(self[i], tensor[i]), in place (CPU only; for old code)."""
        return _map_python(self, callable, tensor)


def _functional():
    from teachtorch.nn import functional

    return functional


def _creation():
    from teachtorch import creation

    return creation


def _random_fill(t, kind, a, b, generator):
    from teachtorch import random as _random

    t._check_inplace()
    _random.fill_(t._data, kind, a, b, generator)
    t._bump()
    return t


def _map_python(t, fn, other=None):
    """apply_ / map_: a Python function over the elements (PyTorch: CPU tensors only)."""
    import numpy as np

    from teachtorch._errors import hint

    if t.is_cuda:
        raise TypeError(hint("apply_ is only implemented on CPU tensors",
                             "call .cpu() first, or write the function with tensor ops."))
    t._check_inplace()
    values = t._data.ravel().tolist()
    if other is None:
        new = [fn(v) for v in values]
    else:
        others = np.broadcast_to(other._data, t.shape).ravel().tolist()
        new = [fn(v, o) for v, o in zip(values, others)]
    t._data[...] = np.asarray(new, dtype=t._data.dtype).reshape(t.shape)
    t._bump()
    return t
