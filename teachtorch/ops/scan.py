"""Running totals: cumsum and cumprod along a dim.

Chapter 03 (reductions) opens this file.
"""
import numpy as np

from teachtorch import dtypes
from teachtorch.autograd.function import Function
from teachtorch.ops._util import make, wrap_dim


def _reverse_cumsum(g, dim):
    """sum_{j >= i} g_j along dim, written with Tensor ops (total - running + own)."""
    return g.sum(dim, keepdim=True) - g.cumsum(dim) + g


class Cumsum(Function):
    """Running sum along dim.

    Math: y_i = sum_{j <= i} x_j;  dL/dx_i = sum_{j >= i} dL/dy_j
    Mirrors: torch.cumsum
    """
    _raw = True
    node_name = "CumsumBackward0"

    @staticmethod
    def forward(ctx, x, dim, dtype):
        ctx.dim = dim
        if dtype is None and x.dtype.kind in "biu":
            dtype = np.int64
        return np.cumsum(x, axis=dim, dtype=dtype) if x.ndim else x.astype(
            dtype or x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        if grad_output.dim() == 0:
            return grad_output
        return _reverse_cumsum(grad_output, ctx.dim)


class Cumprod(Function):
    """Running product along dim.

    Math: y_i = prod_{j <= i} x_j;  dL/dx_k = sum_{i >= k} dL/dy_i * y_i / x_k
    Mirrors: torch.cumprod
    """
    _raw = True
    node_name = "CumprodBackward0"

    @staticmethod
    def forward(ctx, x, dim, dtype):
        ctx.dim = dim
        if dtype is None and x.dtype.kind in "biu":
            dtype = np.int64
        with np.errstate(over="ignore", invalid="ignore"):  # inf/nan, as in PyTorch
            y = np.cumprod(x, axis=dim, dtype=dtype) if x.ndim else x.astype(
                dtype or x.dtype)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        if grad_output.dim() == 0:
            return grad_output
        if not (x._data == 0).any():
            return _reverse_cumsum(grad_output * y, ctx.dim) / x
        return make(_cumprod_grad_with_zeros(x._data, grad_output._data, ctx.dim))


def _cumprod_grad_with_zeros(x, g, dim):
    """Exact gradient when x has zeros: one pass per position along dim (a constant)."""
    x, g = np.moveaxis(x, dim, -1), np.moveaxis(g, dim, -1)
    n = x.shape[-1]
    out = np.empty_like(x)
    for k in range(n):  # loops over one dim's length, not over elements
        xk = x.copy()
        xk[..., k] = 1
        with np.errstate(over="ignore", invalid="ignore"):
            partial = np.cumprod(xk, axis=-1)
            out[..., k] = (g[..., k:] * partial[..., k:]).sum(-1)
    return np.moveaxis(out, -1, dim)


def cumsum(input, dim=None, *, dtype=None, axis=None):
    """Running sum along dim. Mirrors: torch.cumsum"""
    d = wrap_dim(dim if axis is None else axis, input.dim())
    return Cumsum.apply(input, d, dtypes.to_dtype(dtype).np if dtype else None)


def cumprod(input, dim, *, dtype=None):
    """Running product along dim. Mirrors: torch.cumprod"""
    d = wrap_dim(dim, input.dim())
    return Cumprod.apply(input, d, dtypes.to_dtype(dtype).np if dtype else None)
