"""Tensor methods for the rest of the math (issue 14's audit): inverse and hyperbolic
trigonometry, special functions, signs, matrix building, counting and statistics.

One line each, delegating to ``teachtorch.ops`` as in ``tensor_math.py``; a name
ending in ``_`` changes the tensor in place.
"""
from teachtorch import ops

_inplace = ops.apply_inplace


class TensorMoreMathMixin:
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

    # ----- signs (ops/sign_more.py) ---------------------------------------------------
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

    # ----- building and rearranging (ops/matrix_build.py, ops/shape_more.py) ---------
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
