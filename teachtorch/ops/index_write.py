"""Writing at indices, the rest of the family: index_copy, put, masked_scatter,
fill_diagonal_, and torch.index_put_.

Compositions of index_fill / index_add / masked_fill, which have a backward, so the
gradient reaches both the tensor written into and the values written.
Chapter 02 (views, indexing, storage) opens this file.
"""
import numpy as np

from teachtorch import _backend, _errors
from teachtorch.autograd.function import Function
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


def _scatter_positions(index, dim):
    """The full index tuple that scatter along dim writes to (one array per dim)."""
    grids = list(np.indices(index.shape, sparse=True))
    grids[dim] = index
    return tuple(grids)


_IDENTITY = {"sum": 0, "mean": 0, "prod": 1, "amax": -np.inf, "amin": np.inf}
_UFUNC = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.maximum,
          "amin": np.minimum}


class ScatterReduce(Function):
    """Combine src into input at index along dim with sum, prod, mean, amax or amin.

    Math: out[..., index[i], ...] = reduce(input[...] (if include_self), src[i], ...)
          sum: d/dsrc = gather(grad); mean: gather(grad / count);
          amax/amin: the gradient is split evenly among the values equal to the result
    Mirrors: torch.scatter_reduce
    """
    _raw = True
    node_name = "ScatterReduceBackward0"

    @staticmethod
    def forward(ctx, x, dim, index, src, reduce, include_self):
        pos = _scatter_positions(index, dim)
        out = x.copy()
        if not include_self:
            out[pos] = _IDENTITY[reduce] if x.dtype.kind == "f" or reduce in (
                "sum", "mean", "prod") else (np.iinfo(x.dtype).min if reduce == "amax"
                                             else np.iinfo(x.dtype).max)
        _UFUNC[reduce].at(out, pos, src[tuple(slice(0, n) for n in index.shape)])
        count = np.ones(x.shape, np.int64)  # how many values met at each place
        if not include_self:
            count[pos] = 0
        np.add.at(count, pos, 1)
        if reduce == "mean":
            count = np.maximum(count, 1)
            out = out // count if x.dtype.kind in "iub" else out / count
            out = out.astype(x.dtype)
        ctx.dim, ctx.reduce, ctx.include_self = dim, reduce, include_self
        ctx.index, ctx.count = index, count
        ctx.save_for_backward(x, src, out)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        x, src, out = ctx.saved_tensors
        index = make(ctx.index)
        dim, reduce = ctx.dim, ctx.reduce
        src_part = src[tuple(slice(0, n) for n in ctx.index.shape)]
        if reduce == "prod":
            raise NotImplementedError(_errors.hint(
                "the gradient of scatter_reduce(reduce='prod') is not in teachtorch",
                "use 'sum', 'mean', 'amax' or 'amin', or take logs and use 'sum'."))
        mask = np.ones(tuple(x.shape), bool)  # where input's own value took part
        if not ctx.include_self:
            mask[_scatter_positions(ctx.index, dim)] = False
        touched = make(mask).to(grad_output.dtype)
        if reduce in ("sum", "mean"):
            g = grad_output / make(ctx.count).to(grad_output.dtype) \
                if reduce == "mean" else grad_output
            grad_src = g.gather(dim, index)
            return g * touched, _pad_like(grad_src, src)  # one per tensor input
        # PyTorch counts input's own equal value as a tie even with include_self=False
        # (then gives it no gradient): the same split here
        hits_self = (x == out).to(grad_output.dtype)
        hits_src = (src_part == out.gather(dim, index)).to(grad_output.dtype)
        ties = hits_self.scatter_add(dim, index, hits_src)
        g = grad_output / ties
        return (g * hits_self * touched,
                _pad_like(g.gather(dim, index) * hits_src, src))


def _pad_like(grad, src):
    """A gradient for src when index covered only its leading part (zeros after)."""
    if tuple(grad.shape) == tuple(src.shape):
        return grad
    from teachtorch.nn.functional import pad

    widths = [(0, f - p) for f, p in zip(src.shape, grad.shape)]
    return pad(grad, [v for pair in reversed(widths) for v in pair])


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Mirrors: torch.scatter_reduce (see ScatterReduce)."""
    if reduce not in _UFUNC:
        raise RuntimeError(_errors.hint(
            "reduce argument must be either sum, prod, mean, amax or amin, got "
            f"{reduce}", "pick one of sum, prod, mean, amax, amin."))
    d = wrap_dim(dim, max(input.dim(), 1))
    return ScatterReduce.apply(input, d, _backend.to_numpy(index._data), src, reduce,
                               include_self)
