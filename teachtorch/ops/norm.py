"""Vector norms: torch.norm / Tensor.norm / torch.linalg.vector_norm.

Chapter 03 (reductions) and gradient clipping (chapter 15) open this file.
"""
import math

import numpy as np

from teachtorch import _errors
from teachtorch.autograd.function import Function
from teachtorch.ops._util import normalize_dims
from teachtorch.ops.reduce import array_of, expand_back


class VectorNorm(Function):
    """The p-norm over dims: (sum |x|**p)**(1/p); p=inf is max |x|.

    Math: y = (sum_i |x_i|**p)**(1/p);  dy/dx_i = x_i |x_i|**(p-2) / y**(p-1)
          (p=2: x/y;  p=1: sign(x);  p=inf: sign(x) shared among the largest |x|)
    Mirrors: torch.linalg.vector_norm
    """
    _raw = True
    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        ctx.shape, ctx.p, ctx.dims, ctx.keepdim = x.shape, p, dims, keepdim
        a = np.abs(x)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if p == 2:
                y = np.sqrt(np.sum(x * x, axis=dims, keepdims=keepdim))
            elif p == 1:
                y = np.sum(a, axis=dims, keepdims=keepdim)
            elif p == math.inf:
                y = np.max(a, axis=dims, keepdims=keepdim)
            elif p == -math.inf:
                y = np.min(a, axis=dims, keepdims=keepdim)
            elif p == 0:
                y = np.sum(a != 0, axis=dims, keepdims=keepdim).astype(x.dtype)
            else:
                y = np.sum(a ** p, axis=dims, keepdims=keepdim) ** (1.0 / p)
        y = array_of(y).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        p = ctx.p
        g = expand_back(grad_output, ctx.shape, ctx.dims, ctx.keepdim)
        yb = expand_back(y, ctx.shape, ctx.dims, ctx.keepdim)
        if p == 0:
            return g * 0
        if p == 1:
            return g * x.sign()
        if p in (math.inf, -math.inf):
            hit = x.abs() == yb
            return g * x.sign() * hit / hit.sum(ctx.dims, keepdim=True)
        if p == 2:
            from teachtorch.ops.select import where

            return where(yb == 0, 0.0, g * x / yb)
        from teachtorch.ops.select import where

        scale = x * x.abs() ** (p - 2) / yb ** (p - 1)
        return where(yb == 0, 0.0, g * scale)


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The ord-norm of x over dim (all elements when None).

    Mirrors: torch.linalg.vector_norm
    """
    if not x.dtype.is_floating_point:
        raise RuntimeError(
            _errors.hint("linalg.vector_norm: Expected a floating point or complex tensor as input. "
            f"Got {x.dtype.legacy_name[:-6]}", "convert first: x.float().norm()."))
    if dtype is not None:
        x = x.to(dtype)
    dims = None if dim is None else normalize_dims(dim, x.dim())
    return VectorNorm.apply(x, float(ord), dims, keepdim)


def norm(input, p="fro", dim=None, keepdim=False, dtype=None):
    """The p-norm ('fro' and 2 are the same for vectors and flattened matrices).

    Mirrors: torch.norm
    """
    if p in ("fro", None):
        p = 2
    elif p == "nuc":
        raise NotImplementedError(_errors.hint("norm(p='nuc') is not part of teachtorch", "the "
                                  "nuclear norm needs an SVD; use numpy.linalg.norm."))
    return vector_norm(input, p, dim, keepdim, dtype=dtype)
