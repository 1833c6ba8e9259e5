"""Reductions: sum, mean, prod, var, std, all, any, count_nonzero, with dim and keepdim.

``dim`` may be None (every element), an int or a tuple; ``keepdim=True`` leaves the
reduced dims as size 1 so the result still broadcasts against the input. max/min are
in ``minmax.py``, cumsum/cumprod in ``scan.py``, norm in ``norm.py``.
Chapter 03 (broadcasting, reductions) opens this file.
"""
import warnings

import numpy as np

from teachtorch import _errors, dtypes
from teachtorch.autograd.function import Function
from teachtorch.ops._util import make, normalize_dims, write_out


def expand_back(grad_output, shape, dims, keepdim):
    """Put reduced dims back as size 1, then broadcast to the input's shape."""
    if not keepdim and dims:
        for d in sorted(dims):
            grad_output = grad_output.unsqueeze(d)
    return grad_output.expand(shape)


def array_of(r):
    """NumPy reductions of a whole array return a scalar; ops return arrays (a CuPy
    result is already an array and passes through)."""
    return np.asarray(r) if isinstance(r, np.generic) else r


def dim_or_axis(dim, axis):
    """NumPy's spelling ``axis=`` is accepted wherever PyTorch accepts it."""
    return dim if axis is None else axis


def _count(shape, dims):
    n = 1
    for d in dims if dims is not None else range(len(shape)):
        n *= shape[d]
    return n


class Sum(Function):
    """Sum of all elements (SumBackward0) or along dims (SumBackward1).

    Math: y = sum_i x_i;  dy/dx_i = 1
    Mirrors: torch.sum
    """
    _raw = True
    node_name = "SumBackward0"

    @staticmethod
    def forward(ctx, x, dims=None, keepdim=False, dtype=None):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        if dtype is None and x.dtype.kind in "biu":
            dtype = np.int64  # integer sums do not overflow int8/uint8 (as in torch)
        if type(x) is np.ndarray:  # the ufunc itself, so NumPy's "inf - inf" warning
            return array_of(       # is filtered like any kernel's (see _checks.py)
                np.add.reduce(x, axis=dims, dtype=dtype, keepdims=keepdim))
        return array_of(np.sum(x, axis=dims, keepdims=keepdim, dtype=dtype))

    @staticmethod
    def backward(ctx, grad_output):
        return expand_back(grad_output, ctx.shape, ctx.dims, ctx.keepdim)


class SumDim(Sum):
    """sum along dims (PyTorch's node is SumBackward1)."""
    node_name = "SumBackward1"


class Mean(Function):
    """Average of all elements (MeanBackward0) or along dims (MeanBackward1).

    Math: y = (1/n) sum_i x_i;  dy/dx_i = 1/n
    Mirrors: torch.mean
    """
    _raw = True
    node_name = "MeanBackward0"

    @staticmethod
    def forward(ctx, x, dims=None, keepdim=False):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.n = _count(x.shape, dims)
        if ctx.n == 0:  # PyTorch: nan, and no NumPy "Mean of empty slice" warning
            return array_of(np.sum(x, axis=dims, keepdims=keepdim) * np.nan).astype(
                x.dtype, copy=False)
        with np.errstate(invalid="ignore", divide="ignore"):
            return array_of(np.mean(x, axis=dims, keepdims=keepdim)).astype(
                x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        return expand_back(grad_output / ctx.n, ctx.shape, ctx.dims, ctx.keepdim)


class MeanDim(Mean):
    """mean along dims (PyTorch's node is MeanBackward1)."""
    node_name = "MeanBackward1"


def _product_of_others(x, axis):
    """prod_{j != i} x_j along axis for every i, exact even where x has zeros."""
    x = np.moveaxis(x, axis, -1)
    ones = np.ones_like(x[..., :1])
    with np.errstate(over="ignore", invalid="ignore"):
        left = np.cumprod(np.concatenate([ones, x[..., :-1]], -1), -1)
        right = np.cumprod(np.concatenate([ones, x[..., :0:-1]], -1), -1)[..., ::-1]
        return np.moveaxis(left * right, -1, axis)


class Prod(Function):
    """Product of all elements (ProdBackward0) or along one dim (ProdBackward1).

    Math: y = prod_i x_i;  dy/dx_i = prod_{j != i} x_j  (= y / x_i when x_i != 0)
    Mirrors: torch.prod
    """
    _raw = True
    node_name = "ProdBackward0"

    @staticmethod
    def forward(ctx, x, dim=None, keepdim=False, dtype=None):
        if dtype is None and x.dtype.kind in "biu":
            dtype = np.int64
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        with np.errstate(over="ignore", invalid="ignore"):  # inf/nan as in PyTorch
            y = array_of(np.prod(x, axis=dim, keepdims=keepdim, dtype=dtype))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        dims = (ctx.dim,) if ctx.dim is not None else None
        g = expand_back(grad_output, ctx.shape, dims, ctx.keepdim)
        if not (x._data == 0).any():
            return g * expand_back(y, ctx.shape, dims, ctx.keepdim) / x
        # zeros: y / x is 0/0; use the product of the other elements (a constant here)
        flat = x._data.reshape(-1) if ctx.dim is None else x._data
        others = _product_of_others(flat, 0 if ctx.dim is None else ctx.dim)
        return g * make(others.reshape(x.shape))


class ProdDim(Prod):
    """prod along one dim (PyTorch's node is ProdBackward1)."""
    node_name = "ProdBackward1"


class Var(Function):
    """Variance with a correction (1: the unbiased sample variance).

    Math: y = sum_i (x_i - mean)**2 / (n - c);  dy/dx_i = 2 (x_i - mean) / (n - c)
    Mirrors: torch.var
    """
    _raw = True
    node_name = "VarBackward0"

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.denom = max(0, _count(x.shape, dims) - correction)
        ctx.save_for_backward(x)
        if ctx.denom == 0:
            return _var_without_dof(x, dims, keepdim, "var")
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            return array_of(np.var(x, axis=dims, ddof=correction, keepdims=keepdim)
                              ).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        centred = x - x.mean(ctx.dims, keepdim=True)
        g = expand_back(grad_output, ctx.shape, ctx.dims, ctx.keepdim)
        return g * centred * (2.0 / ctx.denom)


def _var_without_dof(x, dims, keepdim, name):
    """var/std when n - correction <= 0: PyTorch warns and returns inf (or nan when
    every deviation is 0), where NumPy would warn in its own words."""
    warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be "
                  "strictly less than the reduction factor (input numel divided by "
                  "output numel).", UserWarning, stacklevel=5)
    with np.errstate(invalid="ignore", divide="ignore"):
        n = _count(x.shape, dims)
        mean = np.sum(x, axis=dims, keepdims=True) / max(n, 1)
        ss = np.sum((x - mean) ** 2, axis=dims, keepdims=keepdim)
        y = ss / np.float64(0.0)
        return array_of(np.sqrt(y) if name == "std" else y).astype(x.dtype, copy=False)


class Std(Function):
    """Standard deviation: the square root of var.

    Math: y = sqrt(var(x));  dy/dx_i = (x_i - mean) / ((n - c) * y)
    Mirrors: torch.std
    """
    _raw = True
    node_name = "StdBackward0"

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        ctx.denom = max(0, _count(x.shape, dims) - correction)
        if ctx.denom == 0:
            y = _var_without_dof(x, dims, keepdim, "std")
            ctx.save_for_backward(x, y)
            return y
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            y = array_of(np.std(x, axis=dims, ddof=correction, keepdims=keepdim)
                           ).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        centred = x - x.mean(ctx.dims, keepdim=True)
        g = expand_back(grad_output / y, ctx.shape, ctx.dims, ctx.keepdim)
        return g * centred / ctx.denom


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None):
    """Sum over all elements, or along ``dim`` (an int or a tuple).

    Mirrors: torch.sum
    """
    dim = dim_or_axis(dim, axis)
    np_dtype = dtypes.to_dtype(dtype).np if dtype is not None else None
    if dim is None:
        r = Sum.apply(input, None, False, np_dtype)
    else:
        r = SumDim.apply(input, normalize_dims(dim, input.dim()), keepdim, np_dtype)
    return write_out(out, r) if out is not None else r


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None, axis=None):
    """Average over all elements, or along ``dim``. Mirrors: torch.mean"""
    dim = dim_or_axis(dim, axis)
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(_errors.mean_not_float(input.dtype))
    if dim is None:
        r = Mean.apply(input, None, False)
    else:
        r = MeanDim.apply(input, normalize_dims(dim, input.dim()), keepdim)
    return write_out(out, r) if out is not None else r


def prod(input, dim=None, keepdim=False, *, dtype=None, axis=None):
    """Product over all elements, or along one ``dim``. Mirrors: torch.prod"""
    dim = dim_or_axis(dim, axis)
    np_dtype = dtypes.to_dtype(dtype).np if dtype is not None else None
    if dim is None:
        return Prod.apply(input, None, False, np_dtype)
    dims = normalize_dims(dim, input.dim())
    if not dims:  # a 0-D tensor: nothing to reduce
        return Prod.apply(input, None, False, np_dtype)
    return ProdDim.apply(input, dims[0], keepdim, np_dtype)


def _var_args(input, dim, unbiased, correction, name):
    if isinstance(dim, bool):  # var(x, True): the old unbiased-only form
        dim, unbiased = None, dim
    if not input.dtype.is_floating_point:
        raise RuntimeError(_errors.var_not_float(input.dtype, name))
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    dims = None if dim is None else normalize_dims(dim, input.dim())
    return dims, correction


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None):
    """Variance; correction=1 (default) divides by n-1, correction=0 by n.

    Mirrors: torch.var
    """
    dim = dim_or_axis(dim, axis)
    dims, c = _var_args(input, dim, unbiased, correction, "var")
    return Var.apply(input, dims, c, keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None):
    """Standard deviation; correction as in var. Mirrors: torch.std"""
    dim = dim_or_axis(dim, axis)
    dims, c = _var_args(input, dim, unbiased, correction, "std")
    return Std.apply(input, dims, c, keepdim)


def _logical_reduce(fn, input, dim, keepdim):
    axis = None if dim is None else normalize_dims(dim, input.dim())
    r = array_of(fn(input._data, axis=axis, keepdims=dim is not None and keepdim))
    return make(r.astype(np.uint8) if input._data.dtype == np.uint8 else r)


def all(input, dim=None, keepdim=False):
    """True when every element (along dim) is nonzero. Mirrors: torch.all"""
    return _logical_reduce(np.all, input, dim, keepdim)


def any(input, dim=None, keepdim=False):
    """True when some element (along dim) is nonzero. Mirrors: torch.any"""
    return _logical_reduce(np.any, input, dim, keepdim)


def count_nonzero(input, dim=None):
    """How many elements (along dim) are not zero, as int64.

    Mirrors: torch.count_nonzero
    """
    axis = None if dim is None else normalize_dims(dim, input.dim())
    return make(array_of(np.count_nonzero(input._data, axis=axis)).astype(np.int64))
