"""Matrix functions: inverse, det, logdet, slogdet, matrix_power, the add*-family
(addmv, addr, addbmm, baddbmm), distances (cdist, dist, pdist), vander, trapezoid.

inverse and det have their own Functions (NumPy's LAPACK does the work, the backward
is a short formula in Tensor ops); the rest are compositions of ops with a backward.
Matrix decompositions (qr, svd, eig, lu, cholesky) are not part of teachtorch.
Chapter 06 (linear regression: the normal equation) opens this file.
"""
import itertools
import warnings

import numpy as np

from teachtorch import _arg_types, _errors, dtypes
from teachtorch.autograd.function import Function
from teachtorch.ops._util import make, write_out


def _ops():
    from teachtorch import ops

    return ops


def _check_square(a, name):
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise RuntimeError(_errors.hint(
            f"linalg.{name}: A must be batches of square matrices, but they are "
            f"{a.shape[-2] if a.ndim >= 2 else 1} by {a.shape[-1]} matrices",
            "only square matrices (n x n) have an inverse or a determinant."))


def _check_float(a, name):
    """PyTorch's linear algebra takes float32/float64 (or complex) matrices only."""
    if a.dtype.kind in "fc" and a.dtype.itemsize >= 4:
        return
    got = dtypes._FROM_NP[a.dtype].legacy_name[:-6]
    if a.dtype.kind == "f" and name == "linalg.det":  # float16: no LU kernel
        raise NotImplementedError(_errors.hint(
            f"\"lu_cpu\" not implemented for '{got}'", "convert first: A.float()."))
    if a.dtype.kind == "f":
        raise RuntimeError(_errors.hint(
            f"{name}: Low precision dtypes not supported. Got {got}",
            "convert first: A.float()."))
    raise RuntimeError(_errors.hint(
        f"{name}: Expected a floating point or complex tensor as input. Got {got}",
        "inverses and determinants are computed in floating point: convert the "
        "matrix first, A.float()."))


def _first_zero_pivot(m):
    """LAPACK's getrf order: the 1-based column where elimination meets a 0 pivot."""
    m = np.array(m, dtype=np.float64)
    n = m.shape[0]
    for k in range(n):
        p = k + int(np.argmax(np.abs(m[k:, k])))
        if m[p, k] == 0:
            return k + 1
        m[[k, p]] = m[[p, k]]
        m[k + 1:] -= np.outer(m[k + 1:, k] / m[k, k], m[k])
    return n


def _singular(a):
    """PyTorch's message for inverting a singular matrix (batch element first)."""
    mats = a.reshape(-1, a.shape[-2], a.shape[-1])
    for b, m in enumerate(mats):
        if np.linalg.matrix_rank(m) < m.shape[0]:
            where = f"(Batch element {b}): " if a.ndim > 2 else ""
            return _errors.hint(
                f"linalg.inv: {where}The diagonal element {_first_zero_pivot(m)} is "
                "zero, the inversion could not be completed because the input matrix "
                "is singular.", "this matrix has no inverse (its determinant is 0); "
                "regularise it (A + eps * I) or solve a least-squares problem instead.")
    return _errors.hint("linalg.inv: the input matrix is singular.",
                        "this matrix has no inverse (its determinant is 0).")


class Inverse(Function):
    """The matrix inverse, A^-1 (of each matrix in a batch).

    Math: B = A^-1;  dL/dA = -B^T (dL/dB) B^T
    Mirrors: torch.inverse / torch.linalg.inv
    """
    _raw = True
    node_name = "LinalgInvExBackward0"

    @staticmethod
    def forward(ctx, a):
        _check_square(a, "inv")
        _check_float(a, "linalg.inv")
        try:
            b = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise RuntimeError(_singular(a)) from None
        ctx.save_for_backward(b)
        return b

    @staticmethod
    def backward(ctx, grad_output):
        (b,) = ctx.saved_tensors
        bt = b.transpose(-2, -1)
        return -(bt @ grad_output @ bt)


class Det(Function):
    """The determinant of each square matrix.

    Math: d = det(A);  dL/dA = dL/dd * d * A^-T
    Mirrors: torch.det / torch.linalg.det
    """
    _raw = True
    node_name = "LinalgDetBackward0"

    @staticmethod
    def forward(ctx, a):
        _check_square(a, "det")
        _check_float(a, "linalg.det")
        d = np.asarray(np.linalg.det(a), dtype=a.dtype)
        ctx.save_for_backward(a, d)
        return d

    @staticmethod
    def backward(ctx, grad_output):
        a, d = ctx.saved_tensors
        inv_t = Inverse.apply(a).transpose(-2, -1)
        return (grad_output * d).unsqueeze(-1).unsqueeze(-1) * inv_t


def inverse(input, *, out=None):
    """A^-1. Mirrors: torch.inverse"""
    r = Inverse.apply(input)
    return write_out(out, r) if out is not None else r


def det(input):
    """det(A). Mirrors: torch.det"""
    return Det.apply(input)


def slogdet(input):
    """(sign, log|det|) of each matrix, stable for big and tiny determinants.

    Mirrors: torch.slogdet
    """
    from collections import namedtuple

    _check_square(input._data, "slogdet")
    _check_float(input._data, "linalg.slogdet")
    sign, _ = np.linalg.slogdet(input.detach().cpu().numpy())
    # log|det| = log(det * sign): differentiable through Det where det != 0
    logabs = (det(input) * make(np.asarray(sign, input._data.dtype))).log()
    return namedtuple("slogdet", ["sign", "logabsdet"])(
        make(np.asarray(sign, input._data.dtype)), logabs)


def logdet(input):
    """log det(A) (nan for a negative determinant). Mirrors: torch.logdet"""
    _check_float(input._data, "logdet")
    return det(input).log()


def matrix_power(input, n):
    """A multiplied by itself n times (n < 0: the inverse's power; 0: I).

    Mirrors: torch.matrix_power
    """
    _check_square(input._data, "matrix_power")
    if n < 0:
        input, n = inverse(input), -n
    from teachtorch.creation import eye

    result = eye(input.shape[-1], dtype=input.dtype).expand(input.shape) * 1
    for _ in range(n):
        result = result @ input
    return result


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat @ vec). Mirrors: torch.addmv"""
    r = input * beta + (mat @ vec) * alpha
    return write_out(out, r) if out is not None else r


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2). Mirrors: torch.addr"""
    r = input * beta + vec1.unsqueeze(1) * vec2.unsqueeze(0) * alpha
    return write_out(out, r) if out is not None else r


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * sum_b (batch1[b] @ batch2[b]). Mirrors: torch.addbmm"""
    r = input * beta + (batch1 @ batch2).sum(0) * alpha
    return write_out(out, r) if out is not None else r


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (batch1 @ batch2), per batch. Mirrors: torch.baddbmm"""
    r = input * beta + (batch1 @ batch2) * alpha
    return write_out(out, r) if out is not None else r


def chain_matmul(*matrices, out=None):
    """The product of several matrices (deprecated in PyTorch: use linalg.multi_dot)."""
    warnings.warn(
        "torch.chain_matmul is deprecated and will be removed in a future PyTorch "
        "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
        "more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    r = matrices[0]
    for m in matrices[1:]:
        r = r @ m
    return write_out(out, r) if out is not None else r


def _pnorm(diff, p):
    """The p-norm over the last dim, with gradient 0 (not nan) at distance 0."""
    ops = _ops()
    if p == 0:
        return (diff != 0).sum(-1).to(diff.dtype)
    if p == float("inf"):
        return diff.abs().amax(-1)
    if p == 2:
        s = (diff * diff).sum(-1)
        return ops.where(s > 0, s.clamp(min=1e-300).sqrt(), 0.0)
    s = diff.abs().pow(p).sum(-1)
    return ops.where(s > 0, s.clamp(min=1e-300).pow(1.0 / p), 0.0)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary"):
    """Distances between every row of x1 and every row of x2 (batched).

    Math: out[..., i, j] = || x1[..., i, :] - x2[..., j, :] ||_p
    Mirrors: torch.cdist
    """
    _arg_types.tensor_arg("cdist", "x2", 2, x2)
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(_errors.hint(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: "
            f"{x2.shape[-1]}", "rows are points; both sets need the same features."))
    return _pnorm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p)


def dist(input, other, p=2):
    """The p-norm of input - other (all elements). Mirrors: torch.dist"""
    _arg_types.tensor_arg("dist", "other", 2, other)
    return _pnorm((input - other).reshape(-1), p)


def pdist(input, p=2):
    """Distances between every pair of rows (i < j), as a flat vector.

    Mirrors: torch.pdist
    """
    n = input.shape[0]
    i, j = np.triu_indices(n, 1)
    return _pnorm(input[make(i)] - input[make(j)], p)


def combinations(input, r=2, with_replacement=False):
    """Every r-element combination of a 1-D tensor's elements, as rows.

    Mirrors: torch.combinations
    """
    pick = itertools.combinations_with_replacement if with_replacement else \
        itertools.combinations
    rows = np.array(list(pick(range(input.shape[0]), r)), np.int64).reshape(-1, r)
    if rows.size == 0:
        return input.new_zeros((0, r))
    return input[make(rows.reshape(-1))].reshape(-1, r)


def vander(x, N=None, increasing=False):
    """Columns of powers of x (x**(N-1) ... x**0; increasing=True flips them).

    Mirrors: torch.vander
    """
    from teachtorch.creation import arange

    n = x.shape[0] if N is None else N
    powers = arange(n) if increasing else arange(n - 1, -1, -1)
    return x.unsqueeze(-1) ** powers.to(x.dtype if x.dtype.is_floating_point else
                                        powers.dtype)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The area under y by the trapezoid rule. Mirrors: torch.trapezoid"""
    n = y.shape[dim]
    mid = (y.narrow(dim, 1, n - 1) + y.narrow(dim, 0, n - 1)) / 2
    if x is not None:
        steps = x.narrow(-1 if x.dim() == 1 else dim, 1, n - 1) - \
            x.narrow(-1 if x.dim() == 1 else dim, 0, n - 1)
        if x.dim() == 1 and y.dim() > 1:
            shape = [1] * y.dim()
            shape[dim] = n - 1
            steps = steps.reshape(shape)
        return (mid * steps).sum(dim)
    return mid.sum(dim) * (1 if dx is None else dx)


def trapz(y, x=None, *, dx=None, dim=-1):
    """The old name of trapezoid. Mirrors: torch.trapz"""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running area under y. Mirrors: torch.cumulative_trapezoid"""
    n = y.shape[dim]
    mid = (y.narrow(dim, 1, n - 1) + y.narrow(dim, 0, n - 1)) / 2
    if x is not None:
        steps = x.narrow(-1, 1, n - 1) - x.narrow(-1, 0, n - 1)
        if x.dim() == 1 and y.dim() > 1:
            shape = [1] * y.dim()
            shape[dim] = n - 1
            steps = steps.reshape(shape)
        return (mid * steps).cumsum(dim)
    return mid.cumsum(dim) * (1 if dx is None else dx)
