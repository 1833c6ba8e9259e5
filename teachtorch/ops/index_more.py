"""Writing at indices, the rest of the family: index_copy, put, masked_scatter,
fill_diagonal_, and torch.index_put_.

Compositions of index_fill / index_add / masked_fill, which have a backward, so the
gradient reaches both the tensor written into and the values written.
Chapter 02 (views, indexing, storage) opens this file.
"""
import numpy as np

from teachtorch import _backend, _errors
from teachtorch.ops._util import make, wrap_dim


def _ops():
    from teachtorch import ops

    return ops


def index_copy(input, dim, index, source):
    """input with the slices at index along dim replaced by source's.

    Math: out[..., index[i], ...] = source[..., i, ...]
    Mirrors: torch.index_copy
    """
    ops = _ops()
    d = wrap_dim(dim, max(input.dim(), 1))
    if index.dim() > 1 or index.numel() != (source.shape[d] if source.dim() else 1):
        raise IndexError(_errors.hint(
            f"index_copy_(): Number of indices ({index.numel()}) should be equal to "
            f"source.size(dim) ({source.shape[d] if source.dim() else 1})",
            "one index per slice of source along dim."))
    cleared = ops.index_fill(input, d, index, 0)
    return ops.index_add(cleared, d, index, source.to(input.dtype))


def put(input, index, source, accumulate=False):
    """input with the flat positions index set to (or, accumulate=True, added) source.

    Mirrors: torch.put
    """
    ops = _ops()
    n = input.numel()
    flat_index = _backend.to_numpy(index._data).reshape(-1)
    if flat_index.size and (flat_index.max() >= n or flat_index.min() < -n):
        bad = int(flat_index.max() if flat_index.max() >= n else flat_index.min())
        raise IndexError(_errors.hint(
            f"out of range: tried to access index {bad} on a tensor of {n} elements.",
            f"put uses flat positions 0..{n - 1} (or -{n}..-1)."))
    idx = make(np.where(flat_index < 0, flat_index + n, flat_index).astype(np.int64))
    flat = input.reshape(-1)
    values = source.reshape(-1).to(input.dtype)
    out = ops.index_add(flat, 0, idx, values) if accumulate else \
        index_copy(flat, 0, idx, values)
    return out.reshape(input.shape)


def masked_scatter(input, mask, source):
    """input with the True positions of mask filled, in order, from source.

    Mirrors: torch.masked_scatter
    """
    m = np.broadcast_to(_backend.to_numpy(mask._data), input.shape).reshape(-1)
    where = np.flatnonzero(m)
    if where.size > source.numel():
        raise RuntimeError(_errors.hint(
            "Number of elements of source < number of ones in mask",
            f"the mask selects {where.size} places but source has {source.numel()} "
            "values."))
    values = source.reshape(-1)[:where.size]
    flat = index_copy(input.reshape(-1), 0, make(where.astype(np.int64)), values)
    return flat.reshape(input.shape)


def fill_diagonal_(input, fill_value, wrap=False):
    """Fill the main diagonal in place (all dims of equal length, or a matrix).

    Mirrors: torch.Tensor.fill_diagonal_
    """
    if input.dim() < 2:
        raise RuntimeError(_errors.hint("dimensions must larger than 1",
                                        "fill_diagonal_ needs a matrix or more."))
    if input.dim() > 2 and len(set(input.shape)) != 1:
        raise RuntimeError(_errors.hint(
            "all dimensions of input must be of equal length",
            "for more than 2 dims, every dim must have the same size."))
    mask = np.zeros(tuple(input.shape), bool)
    np.fill_diagonal(mask, True, wrap=wrap)
    return _ops().apply_inplace(input, _ops().masked_fill, make(mask), fill_value)


def index_put_(input, indices, values, accumulate=False):
    """input[indices] = values (or += with accumulate), in place. Mirrors: torch"""
    return input.index_put_(indices, values, accumulate)
