"""torch.<name>_(x): the function form of the in-place methods (x.<name>_()).

``torch.exp_(x)`` is the same as ``x.exp_()``: compute out of place, then write into
x through ``apply_inplace`` (leaf check, version bump). Kept as plain one-liners.
"""
from teachtorch.ops.inplace import apply_inplace


def _op(name):
    from teachtorch import ops

    return getattr(ops, name)


def abs_(input): return apply_inplace(input, _op("abs"))  # noqa: E704
def acos_(input): return apply_inplace(input, _op("acos"))  # noqa: E704
def acosh_(input): return apply_inplace(input, _op("acosh"))  # noqa: E704
def arccos_(input): return apply_inplace(input, _op("arccos"))  # noqa: E704
def arccosh_(input): return apply_inplace(input, _op("arccosh"))  # noqa: E704
def arcsin_(input): return apply_inplace(input, _op("arcsin"))  # noqa: E704
def arcsinh_(input): return apply_inplace(input, _op("arcsinh"))  # noqa: E704
def arctan_(input): return apply_inplace(input, _op("arctan"))  # noqa: E704
def arctanh_(input): return apply_inplace(input, _op("arctanh"))  # noqa: E704
def asin_(input): return apply_inplace(input, _op("asin"))  # noqa: E704
def asinh_(input): return apply_inplace(input, _op("asinh"))  # noqa: E704
def atan_(input): return apply_inplace(input, _op("atan"))  # noqa: E704
def atanh_(input): return apply_inplace(input, _op("atanh"))  # noqa: E704
def ceil_(input): return apply_inplace(input, _op("ceil"))  # noqa: E704
def cos_(input): return apply_inplace(input, _op("cos"))  # noqa: E704
def cosh_(input): return apply_inplace(input, _op("cosh"))  # noqa: E704
def deg2rad_(input): return apply_inplace(input, _op("deg2rad"))  # noqa: E704
def erf_(input): return apply_inplace(input, _op("erf"))  # noqa: E704
def erfc_(input): return apply_inplace(input, _op("erfc"))  # noqa: E704
def exp2_(input): return apply_inplace(input, _op("exp2"))  # noqa: E704
def exp_(input): return apply_inplace(input, _op("exp"))  # noqa: E704
def expm1_(input): return apply_inplace(input, _op("expm1"))  # noqa: E704
def fix_(input): return apply_inplace(input, _op("fix"))  # noqa: E704
def floor_(input): return apply_inplace(input, _op("floor"))  # noqa: E704
def frac_(input): return apply_inplace(input, _op("frac"))  # noqa: E704
def log10_(input): return apply_inplace(input, _op("log10"))  # noqa: E704
def log1p_(input): return apply_inplace(input, _op("log1p"))  # noqa: E704
def log2_(input): return apply_inplace(input, _op("log2"))  # noqa: E704
def log_(input): return apply_inplace(input, _op("log"))  # noqa: E704
def neg_(input): return apply_inplace(input, _op("neg"))  # noqa: E704
def negative_(input): return apply_inplace(input, _op("negative"))  # noqa: E704
def rad2deg_(input): return apply_inplace(input, _op("rad2deg"))  # noqa: E704
def reciprocal_(input): return apply_inplace(input, _op("reciprocal"))  # noqa: E704
def round_(input): return apply_inplace(input, _op("round"))  # noqa: E704
def rsqrt_(input): return apply_inplace(input, _op("rsqrt"))  # noqa: E704
def sigmoid_(input): return apply_inplace(input, _op("sigmoid"))  # noqa: E704
def sin_(input): return apply_inplace(input, _op("sin"))  # noqa: E704
def sinc_(input): return apply_inplace(input, _op("sinc"))  # noqa: E704
def sinh_(input): return apply_inplace(input, _op("sinh"))  # noqa: E704
def sqrt_(input): return apply_inplace(input, _op("sqrt"))  # noqa: E704
def square_(input): return apply_inplace(input, _op("square"))  # noqa: E704
def tan_(input): return apply_inplace(input, _op("tan"))  # noqa: E704
def tanh_(input): return apply_inplace(input, _op("tanh"))  # noqa: E704
def trunc_(input): return apply_inplace(input, _op("trunc"))  # noqa: E704
def clamp_(input, min=None, max=None): return apply_inplace(input, _op("clamp"), min, max)
def clamp_max_(input, max): return apply_inplace(input, _op("clamp_max"), max)  # noqa: E704
def clamp_min_(input, min): return apply_inplace(input, _op("clamp_min"), min)  # noqa: E704
def clip_(input, min=None, max=None): return apply_inplace(input, _op("clip"), min, max)
def gcd_(input, other): return apply_inplace(input, _op("gcd"), other)  # noqa: E704
def lcm_(input, other): return apply_inplace(input, _op("lcm"), other)  # noqa: E704
def xlogy_(input, other): return apply_inplace(input, _op("xlogy"), other)  # noqa: E704
def nan_to_num_(input, nan=0.0, posinf=None, neginf=None): return apply_inplace(input, _op("nan_to_num"), nan, posinf, neginf)
def addmv_(input, mat, vec, *, beta=1, alpha=1): return apply_inplace(input, _op("addmv"), mat, vec, beta=beta, alpha=alpha)
def renorm_(input, p, dim, maxnorm): return apply_inplace(input, _op("renorm"), p, dim, maxnorm)
def logit_(input, eps=None): return apply_inplace(input, _op("logit"), eps)

__all__ = [
    "abs_",
    "acos_",
    "acosh_",
    "addmv_",
    "arccos_",
    "arccosh_",
    "arcsin_",
    "arcsinh_",
    "arctan_",
    "arctanh_",
    "asin_",
    "asinh_",
    "atan_",
    "atanh_",
    "ceil_",
    "clamp_",
    "clamp_max_",
    "clamp_min_",
    "clip_",
    "cos_",
    "cosh_",
    "deg2rad_",
    "erf_",
    "erfc_",
    "exp2_",
    "exp_",
    "expm1_",
    "fix_",
    "floor_",
    "frac_",
    "gcd_",
    "lcm_",
    "log1p_",
    "log2_",
    "log10_",
    "log_",
    "logit_",
    "nan_to_num_",
    "neg_",
    "negative_",
    "rad2deg_",
    "reciprocal_",
    "renorm_",
    "round_",
    "rsqrt_",
    "sigmoid_",
    "sin_",
    "sinc_",
    "sinh_",
    "sqrt_",
    "square_",
    "tan_",
    "tanh_",
    "trunc_",
    "xlogy_"
]
