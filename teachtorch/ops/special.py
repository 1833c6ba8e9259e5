"""Special functions: erfc, erfinv, lgamma, digamma, xlogy, logit, logaddexp.

Written in NumPy without SciPy: each is a short formula (series, continued fraction,
Lanczos sum, asymptotic series), evaluated in float64 over whole arrays (loops run
over a fixed number of terms, never over elements), then cast to the input's float
dtype. erf itself is in ``pointwise.py``.
Chapter 04 (autograd) opens this file.
"""
import math

import numpy as np

from teachtorch.autograd.function import Function
from teachtorch.ops._util import as_tensor, write_out
from teachtorch.ops.pointwise import _erf_array, _float, _unary
from teachtorch.ops.reduce import array_of
from teachtorch.ops.trig import _binary, _binary_float, _float_only

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _erfc_array(x):
    """1 - erf(x), keeping its precision far out (where 1 - erf would round to 0)."""
    x = x.astype(np.float64)
    big = np.maximum(np.abs(x), 3.0)
    f = big.copy()
    for k in range(80, 0, -1):  # the continued fraction of erfc
        f = big + (k / 2.0) / f
    with np.errstate(under="ignore"):
        tail = np.exp(-big * big) / (math.sqrt(math.pi) * f)
    far = np.where(x > 0, tail, 2.0 - tail)
    return np.where(np.abs(x) < 3.0, 1.0 - _erf_array(x), far)


class Erfc(Function):
    """The complementary error function, 1 - erf(x).

    Math: y = 1 - erf(x);  dy/dx = -2/sqrt(pi) * exp(-x**2)
    Mirrors: torch.erfc
    """
    _raw = True
    node_name = "ErfcBackward0"

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return array_of(_erfc_array(x).astype(x.dtype))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (-(x * x)).exp() * -_TWO_OVER_SQRT_PI


# Giles' polynomial first guess for erfinv (single precision), central and tail
_ERFINV_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                   0.00021858087, -0.00125372503, -0.00417768164, 0.246640727,
                   1.50140941)
_ERFINV_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def _horner(coefficients, w):
    p = np.zeros_like(w)
    for c in coefficients:
        p = p * w + c
    return p


def _erfinv_array(y):
    """Inverse of erf: a polynomial first guess, then Newton steps on erf(x) = y."""
    y = y.astype(np.float64)
    inside = np.abs(y) < 1.0
    yi = np.where(inside, y, 0.0)
    w = -np.log((1.0 - yi) * (1.0 + yi))
    central = _horner(_ERFINV_CENTRAL, w - 2.5)
    tail = _horner(_ERFINV_TAIL, np.sqrt(w) - 3.0)
    x = yi * np.where(w < 5.0, central, tail)
    for _ in range(3):  # Newton: erf's slope is 2/sqrt(pi) exp(-x**2)
        with np.errstate(over="ignore", invalid="ignore"):
            step = (_erf_array(x) - yi) / (_TWO_OVER_SQRT_PI * np.exp(-x * x))
        x = np.where(np.isfinite(step), x - step, x)
    out = np.where(np.abs(y) == 1.0, np.copysign(np.inf, y), x)
    return np.where((np.abs(y) > 1.0) | np.isnan(y), np.nan, out)


class Erfinv(Function):
    """The inverse error function: erfinv(erf(x)) = x, for -1 < y < 1.

    Math: x = erfinv(y);  dx/dy = sqrt(pi)/2 * exp(x**2)
    Mirrors: torch.erfinv
    """
    _raw = True
    node_name = "ErfinvBackward0"

    @staticmethod
    def forward(ctx, y):
        y = _float(y)
        x = array_of(_erfinv_array(y).astype(y.dtype))
        ctx.save_for_backward(x)
        return x

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x * x).exp() * (math.sqrt(math.pi) / 2.0)


# Lanczos approximation (g = 7, 9 terms): Gamma(z + 1) to about 15 digits
_LANCZOS = (0.99999999999980993, 676.5203681218851, -1259.1392167224028,
            771.32342877765313, -176.61502916214059, 12.507343278686905,
            -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7)


def _lgamma_array(x):
    """log|Gamma(x)|: Lanczos for x >= 0.5, the reflection formula below it."""
    x = x.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        z = np.where(x < 0.5, 1.0 - x, x) - 1.0
        s = np.full_like(z, _LANCZOS[0])
        for k, c in enumerate(_LANCZOS[1:], start=1):
            s = s + c / (z + k)
        t = z + 7.5
        right = 0.5 * math.log(2 * math.pi) + (z + 0.5) * np.log(t) - t + np.log(s)
        left = math.log(math.pi) - np.log(np.abs(np.sin(math.pi * x))) - right
        out = np.where(x < 0.5, left, right)
        pole = (x <= 0) & (x == np.floor(x))
        return np.where(pole | np.isinf(x), np.inf, out)


def _digamma_array(x):
    """d/dx log Gamma(x): shift x up past 6, then the asymptotic series."""
    x = x.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        z = np.where(x < 0.5, 1.0 - x, x)
        acc = np.zeros_like(z)
        for _ in range(6):  # psi(z) = psi(z + 1) - 1/z
            acc = acc - 1.0 / z
            z = z + 1.0
        inv2 = 1.0 / (z * z)
        series = np.log(z) - 0.5 / z - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (
            1 / 252 - inv2 * (1 / 240 - inv2 / 132))))
        right = acc + series
        left = right - math.pi / np.tan(math.pi * x)  # psi(1 - x) - pi / tan(pi x)
        out = np.where(x < 0.5, left, right)
        out = np.where(x == 0, -np.inf, out)
        return np.where((x < 0) & (x == np.floor(x)), np.nan, out)


def _trigamma_array(x):
    """d/dx digamma(x), the slope digamma's backward needs."""
    x = x.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        z = np.where(x < 0.5, 1.0 - x, x)
        acc = np.zeros_like(z)
        for _ in range(6):  # psi1(z) = psi1(z + 1) + 1/z**2
            acc = acc + 1.0 / (z * z)
            z = z + 1.0
        inv2 = 1.0 / (z * z)
        series = 1.0 / z + inv2 / 2 + inv2 / z * (1 / 6 - inv2 * (1 / 30 - inv2 * (
            1 / 42 - inv2 / 30)))
        right = acc + series
        left = (math.pi / np.sin(math.pi * x)) ** 2 - right
        return np.where(x < 0.5, left, right)


class Lgamma(Function):
    """log |Gamma(x)|, the log of the factorial's continuous extension.

    Math: y = log|Gamma(x)|;  dy/dx = digamma(x)
    Mirrors: torch.lgamma
    """
    _raw = True
    node_name = "LgammaBackward0"

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return array_of(_lgamma_array(x).astype(x.dtype))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * Digamma.apply(x)


class Digamma(Function):
    """The digamma function, the slope of lgamma.

    Math: y = d/dx log Gamma(x);  dy/dx = trigamma(x) = polygamma(1, x)
    Mirrors: torch.digamma
    """
    _raw = True
    node_name = "DigammaBackward0"

    @staticmethod
    def forward(ctx, x):
        x = _float(x)
        ctx.save_for_backward(x)
        return array_of(_digamma_array(x).astype(x.dtype))

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        slope = x.detach()._make(_trigamma_array(x._data).astype(x._data.dtype))
        return grad_output * slope


class Xlogy(Function):
    """x * log(y), defined as 0 where x == 0 (so 0 * log 0 = 0, as entropy needs).

    Math: z = x log y;  dz/dx = log y (0 where x == 0),  dz/dy = x / y
    Mirrors: torch.xlogy
    """
    _raw = True
    node_name = "XlogyBackward0"

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        dt = _binary_float(x, y)
        x, y = x.astype(dt), y.astype(dt)
        with np.errstate(invalid="ignore", divide="ignore"):
            z = x * np.log(y)
        return array_of(np.where((x == 0) & ~np.isnan(y), 0.0, z).astype(dt))

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        gx = xlogy((x != 0).to(grad_output.dtype), y)
        return grad_output * gx, grad_output * x / y


class Logaddexp(Function):
    """log(e**a + e**b), without overflow.

    Math: z = m + log(e**(a-m) + e**(b-m)), m = max(a, b);
          dz/da = sigmoid(a - b),  dz/db = sigmoid(b - a)
    Mirrors: torch.logaddexp
    """
    _raw = True
    node_name = "LogaddexpBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        dt = _float_only(a, b, "logaddexp")
        return array_of(np.logaddexp(a.astype(dt), b.astype(dt)))

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        return grad_output * (a - b).sigmoid(), grad_output * (b - a).sigmoid()


class Logaddexp2(Function):
    """log2(2**a + 2**b), without overflow.

    Math: z = log2(2**a + 2**b);  dz/da = sigmoid((a - b) ln 2),  dz/db likewise
    Mirrors: torch.logaddexp2
    """
    _raw = True
    node_name = "Logaddexp2Backward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        dt = _float_only(a, b, "logaddexp2")
        return array_of(np.logaddexp2(a.astype(dt), b.astype(dt)))

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        ln2 = math.log(2.0)
        return (grad_output * ((a - b) * ln2).sigmoid(),
                grad_output * ((b - a) * ln2).sigmoid())


class Logit(Function):
    """The inverse of sigmoid: log(p / (1 - p)); eps clamps p into [eps, 1 - eps].

    Math: y = log(p / (1 - p));  dy/dp = 1 / (p (1 - p))  (0 where eps clamped p)
    Mirrors: torch.logit
    """
    _raw = True
    node_name = "LogitBackward0"

    @staticmethod
    def forward(ctx, p, eps):
        p = _float(p)
        ctx.save_for_backward(p)
        ctx.eps = eps
        q = p if eps is None else np.clip(p, eps, 1.0 - eps)
        with np.errstate(invalid="ignore", divide="ignore"):
            return array_of(np.log(q / (1.0 - q)).astype(p.dtype))

    @staticmethod
    def backward(ctx, grad_output):
        (p,) = ctx.saved_tensors
        g = grad_output / (p * (1 - p))
        if ctx.eps is not None:
            g = g.masked_fill((p < ctx.eps) | (p > 1 - ctx.eps), 0.0)
        return g, None


erfc = _unary(Erfc, "erfc")
erfinv = _unary(Erfinv, "erfinv")
lgamma = _unary(Lgamma, "lgamma")
digamma = _unary(Digamma, "digamma")
logaddexp = _binary(Logaddexp, "logaddexp")
logaddexp2 = _binary(Logaddexp2, "logaddexp2")


def xlogy(input, other, *, out=None):
    """input * log(other), 0 where input is 0. Mirrors: torch.xlogy"""
    from teachtorch.ops._util import is_tensor

    if not is_tensor(input):
        input = as_tensor(input, like=other)
    r = Xlogy.apply(input, as_tensor(other, like=input))
    return write_out(out, r) if out is not None else r


def logit(input, eps=None, *, out=None):
    """log(p / (1 - p)). Mirrors: torch.logit"""
    r = Logit.apply(input, eps)
    return write_out(out, r) if out is not None else r
