"""Reductions: sum and mean over all elements or along dims, with keepdim.

Chapter 03 (broadcasting, reductions) opens this file.
"""
import numpy as np

from teachtorch import dtypes
from teachtorch.autograd.function import Function
from teachtorch.ops._util import normalize_dims


def _expand_back(grad_output, shape, dims, keepdim):
    """Put reduced dims back as size 1, then broadcast to the input's shape."""
    if not keepdim and dims:
        for d in sorted(dims):
            grad_output = grad_output.unsqueeze(d)
    return grad_output.expand(shape)


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
        return np.sum(x, axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad_output):
        return _expand_back(grad_output, ctx.shape, ctx.dims, ctx.keepdim)


class SumDim(Sum):
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
        n = x.size if dims is None else int(np.prod([x.shape[d] for d in dims]))
        ctx.n = n
        return np.mean(x, axis=dims, keepdims=keepdim).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        return _expand_back(grad_output / ctx.n, ctx.shape, ctx.dims, ctx.keepdim)


class MeanDim(Mean):
    node_name = "MeanBackward1"


def sum(input, dim=None, keepdim=False, *, dtype=None):  # noqa: A001
    """Sum over all elements, or along ``dim`` (an int or a tuple). Mirrors: torch.sum"""
    np_dtype = dtypes.to_dtype(dtype).np if dtype is not None else None
    if dim is None:
        return Sum.apply(input, None, False, np_dtype)
    dims = normalize_dims(dim, input.dim())
    return SumDim.apply(input, dims, keepdim, np_dtype)


def mean(input, dim=None, keepdim=False, *, dtype=None):
    """Average over all elements, or along ``dim``. Mirrors: torch.mean"""
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating "
            f"point or complex dtype. Got: {input.dtype.legacy_name[:-6]}\n"
            "hint: convert first: x.float().mean().")
    if dim is None:
        return Mean.apply(input, None, False)
    return MeanDim.apply(input, normalize_dims(dim, input.dim()), keepdim)
