"""Building matrices from tensors: cross, kron, tensordot, diag_embed, block_diag ...

Each function here is a composition of ops that already have a backward (mul,
reshape, cat, stack, sum), so autograd needs nothing new: the gradient flows back
through the pieces. ``diag``, ``tril``, ``triu`` and ``trace`` are in ``copy.py``.
Chapter 03 (broadcasting, reductions) opens this file.
"""
import warnings

import numpy as np

from teachtorch import _arg_types, _errors
from teachtorch.ops._util import make, wrap_dim, write_out


def _ops():
    from teachtorch import ops

    return ops


def cross(input, other, dim=None, *, out=None):
    """The cross product of 3-vectors along dim.

    Math: c = (a2 b3 - a3 b2, a3 b1 - a1 b3, a1 b2 - a2 b1)
    Mirrors: torch.cross
    """
    _arg_types.tensor_arg("cross", "other", 2, other)
    ops = _ops()
    input, other = ops.broadcast_tensors(input, other)
    if dim is None:
        warnings.warn(
            "Using torch.cross without specifying the dim arg is deprecated.\nPlease "
            "either pass the dim explicitly or simply use torch.linalg.cross.\nThe "
            "default value of dim will change to agree with that of linalg.cross in a "
            "future release.", UserWarning, stacklevel=2)
        dim = next((d for d, n in enumerate(input.shape) if n == 3), None)
        if dim is None:
            raise RuntimeError(_errors.hint(
                "no dimension of size 3 in input", "cross products are of 3-vectors."))
    dim = wrap_dim(dim, input.dim())
    if input.shape[dim] != 3:
        raise RuntimeError(_errors.hint(
            f"linalg.cross: inputs dimension {dim} must have length 3. Got "
            f"{input.shape[dim]} and {other.shape[dim]}",
            "cross products are of 3-vectors; pick the dim of size 3."))
    a1, a2, a3 = input.unbind(dim)
    b1, b2, b3 = other.unbind(dim)
    r = ops.stack([a2 * b3 - a3 * b2, a3 * b1 - a1 * b3, a1 * b2 - a2 * b1], dim)
    return write_out(out, r) if out is not None else r


def kron(input, other):
    """The Kronecker product: every element of input times the whole of other.

    Math: (A kron B)[i*p + k, j*q + l] = A[i, j] B[k, l]   (any number of dims)
    Mirrors: torch.kron
    """
    _arg_types.tensor_arg("kron", "other", 2, other)
    n = max(input.dim(), other.dim())
    sa = (1,) * (n - input.dim()) + tuple(input.shape)
    sb = (1,) * (n - other.dim()) + tuple(other.shape)
    a = input.reshape(tuple(s for d in sa for s in (d, 1)))  # (a0, 1, a1, 1, ...)
    b = other.reshape(tuple(s for d in sb for s in (1, d)))  # (1, b0, 1, b1, ...)
    return (a * b).reshape(tuple(x * y for x, y in zip(sa, sb)))


def tensordot(a, b, dims=2):
    """Sum of products over the last dims of a and the first dims of b.

    Math: c[i.., j..] = sum_k a[i.., k..] b[k.., j..]
    Mirrors: torch.tensordot
    """
    if isinstance(dims, int):
        dims_a = list(range(a.dim() - dims, a.dim()))
        dims_b = list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    dims_a = [wrap_dim(d, a.dim()) for d in dims_a]
    dims_b = [wrap_dim(d, b.dim()) for d in dims_b]
    free_a = [d for d in range(a.dim()) if d not in dims_a]
    free_b = [d for d in range(b.dim()) if d not in dims_b]
    k = int(np.prod([a.shape[d] for d in dims_a]))
    left = a.permute(*free_a, *dims_a).reshape(-1, k)
    right = b.permute(*dims_b, *free_b).reshape(k, -1)
    shape = [a.shape[d] for d in free_a] + [b.shape[d] for d in free_b]
    return (left @ right).reshape(shape)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Put the last dim of input on a diagonal of new square matrices.

    Math: out[..., i, i + offset] = input[..., i]   (other entries 0)
    Mirrors: torch.diag_embed
    """
    ops = _ops()
    m = input.shape[-1]
    n = m + abs(offset)
    onehot = np.zeros((m, n, n), dtype=input._data.dtype)
    i = np.arange(m)
    onehot[i, i + max(-offset, 0), i + max(offset, 0)] = 1
    eye = make(onehot)
    if input.is_cuda:
        eye = eye.to(input.device)
    out = (input.unsqueeze(-1).unsqueeze(-1) * eye).sum(-3)
    nd = out.dim()
    d1, d2 = wrap_dim(dim1, nd), wrap_dim(dim2, nd)
    if (d1, d2) != (nd - 2, nd - 1):
        out = ops.movedim(out, (nd - 2, nd - 1), (d1, d2))
    return out


def diagflat(input, offset=0):
    """A 2-D matrix with the flattened input on its diagonal. Mirrors: torch.diagflat"""
    return diag_embed(input.reshape(-1), offset)


def block_diag(*tensors):
    """Matrices placed corner to corner on the diagonal, zeros elsewhere.

    Mirrors: torch.block_diag
    """
    from teachtorch.creation import zeros

    ops = _ops()
    mats = [t.reshape(1, -1) if t.dim() < 2 else t for t in tensors]
    if any(t.dim() > 2 for t in mats):
        raise RuntimeError(_errors.hint(
            "torch.block_diag: Input tensors must have 2 or fewer dimensions. Input "
            f"{next(i for i, t in enumerate(mats) if t.dim() > 2)} has "
            f"{next(t.dim() for t in mats if t.dim() > 2)} dimensions",
            "block_diag takes scalars, vectors and matrices."))
    dtype = mats[0].dtype
    for t in mats[1:]:
        dtype = ops.dtypes.promote_types(dtype, t.dtype)
    cols = sum(t.shape[1] for t in mats)
    rows, left = [], 0
    for t in mats:
        r, c = t.shape
        pieces = [zeros(r, left, dtype=dtype, device=t.device), t.to(dtype),
                  zeros(r, cols - left - c, dtype=dtype, device=t.device)]
        rows.append(ops.cat(pieces, 1))
        left += c
    return ops.cat(rows, 0)


def cartesian_prod(*tensors):
    """Every combination of one element from each 1-D tensor, as rows.

    Mirrors: torch.cartesian_prod
    """
    ops = _ops()
    if len(tensors) == 1:
        return tensors[0]
    grids = ops.meshgrid(*tensors, indexing="ij")
    return ops.stack([g.reshape(-1) for g in grids], 1)


def _index_pairs(rows, cols, offset, lower, dtype, device):
    from teachtorch.creation import tensor

    r, c = np.tril_indices(rows, offset, cols) if lower else \
        np.triu_indices(rows, offset, cols)
    return tensor(np.stack([r, c]).astype(np.int64), dtype=dtype, device=device)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) indices of the lower triangle, as a 2 x N tensor.

    Mirrors: torch.tril_indices
    """
    return _index_pairs(row, col, offset, True, dtype, device)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (row, col) indices of the upper triangle, as a 2 x N tensor.

    Mirrors: torch.triu_indices
    """
    return _index_pairs(row, col, offset, False, dtype, device)
