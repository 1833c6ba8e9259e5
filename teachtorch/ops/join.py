"""Joining and splitting: cat, stack, hstack, vstack, split, chunk, unbind, narrow.

``cat`` and ``stack`` copy their inputs into a new storage. ``split``, ``chunk``,
``unbind`` and ``narrow`` go the other way *without* copying: each piece is a view
that shares memory with the tensor it came from.
Chapter 02 (views, indexing, storage) opens this file.
"""
import itertools

import numpy as np

from teachtorch import _backend, _errors, dtypes
from teachtorch.autograd.function import Function
from teachtorch.ops._util import wrap_dim


def _dtype_of(tensors):
    np_dtype = tensors[0]._data.dtype
    if all(t._data.dtype == np_dtype for t in tensors):
        return dtypes._FROM_NP[np_dtype]
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = dtypes.promote_types(dt, t.dtype)
    return dt


class Cat(Function):
    """Glue tensors end to end along an existing dim.

    Math: y = [x1; x2; ...] along dim;  dL/dxi = the slice of dL/dy where xi went
    Mirrors: torch.cat
    """
    _raw = True
    node_name = "CatBackward0"

    @staticmethod
    def forward(ctx, *args):
        *arrays, dim, np_dtype = args
        ctx.dim, ctx.sizes = dim, [a.shape[dim] for a in arrays]
        xp = _backend.get_array_module(arrays[0])
        return xp.concatenate(arrays, axis=dim, dtype=np_dtype)

    @staticmethod
    def backward(ctx, grad_output):
        pieces = grad_output.split(ctx.sizes, ctx.dim)
        return tuple(pieces)


class Stack(Function):
    """Put same-shaped tensors side by side along a *new* dim.

    Math: y[..., i, ...] = xi;  dL/dxi = dL/dy selected at i along dim
    Mirrors: torch.stack
    """
    _raw = True
    node_name = "StackBackward0"

    @staticmethod
    def forward(ctx, *args):
        *arrays, dim, np_dtype = args
        ctx.dim = dim
        xp = _backend.get_array_module(arrays[0])
        return xp.stack(arrays, axis=dim, dtype=np_dtype)

    @staticmethod
    def backward(ctx, grad_output):
        return tuple(grad_output.unbind(ctx.dim))


def _check_list(fn, tensors, elements=True):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(
            _errors.hint(f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
            f"{type(tensors).__name__}", f"pass a list: torch.{fn}([a, b], dim=0)."))
    if len(tensors) == 0 and fn == "stack":
        raise RuntimeError(_errors.hint("stack expects a non-empty TensorList", "there is "
                           "nothing to stack."))
    if len(tensors) == 0:
        raise ValueError(_errors.hint(f"torch.{fn}(): expected a non-empty list of Tensors", "there is nothing to join."))
    if elements:  # (cat and stack check only when reading an item fails)
        _check_elements(tensors)
    return list(tensors)


def _check_elements(tensors):
    """Every item a Tensor, or PyTorch's TypeError naming the first that is not."""
    for i, t in enumerate(tensors):
        if not hasattr(t, "_data"):
            raise TypeError(_errors.hint(
                f"expected Tensor as element {i} in argument 0, but got "
                f"{type(t).__name__}", "every item must be a tensor: wrap numbers "
                "with torch.tensor([...])."))


def cat(tensors, dim=0, *, out=None):
    """Concatenate along dim; every other dim must match. Mirrors: torch.cat"""
    tensors = _check_list("cat", tensors, elements=False)
    try:
        shapes = [t._data.shape for t in tensors]
    except AttributeError:
        _check_elements(tensors)
        raise
    ref = next((s for s in shapes if s), None)
    if ref is None:
        raise RuntimeError(_errors.hint("zero-dimensional tensor (at position 0) cannot be "
                           "concatenated", "use torch.stack for 0-d tensors, or "
                           "unsqueeze(0) them first."))
    dtype = _dtype_of(tensors)  # empty 1-D tensors still take part in promotion
    keep = [i for i, s in enumerate(shapes) if s != (0,)] or [shapes.index(ref)]
    tensors = [tensors[i] for i in keep]
    d = wrap_dim(dim, len(ref))
    for i in keep:
        s = shapes[i]
        if len(s) != len(ref):
            raise RuntimeError(
                _errors.hint(f"Tensors must have same number of dimensions: got {len(ref)} and "
                f"{len(s)}", "unsqueeze or view them to the same number of dims."))
        if s[:d] != ref[:d] or s[d + 1:] != ref[d + 1:]:
            k = next(k for k in range(len(ref)) if k != d and s[k] != ref[k])
            raise RuntimeError(
                _errors.hint(f"Sizes of tensors must match except in dimension {d}. Expected size "
                f"{ref[k]} but got size {s[k]} for tensor number {i} in the list.", f"shapes {[tuple(x) for x in shapes]}; only dim {d} may differ."))
    result = Cat.apply(*tensors, d, dtype.np)
    if out is not None:
        from teachtorch.ops._util import write_out

        return write_out(out, result)
    return result


concat = concatenate = cat


def stack(tensors, dim=0, *, out=None):
    """Join same-shaped tensors along a new dim. Mirrors: torch.stack"""
    tensors = _check_list("stack", tensors, elements=False)
    try:
        shape = tensors[0]._data.shape
        for i, t in enumerate(tensors):
            if t._data.shape != shape:
                raise RuntimeError(_errors.hint(
                    f"stack expects each tensor to be equal size, but got {list(shape)} "
                    f"at entry 0 and {list(t.shape)} at entry {i}", "stack adds a new "
                    "dim; use torch.cat to join tensors of different lengths."))
    except AttributeError:  # an item that is not a tensor
        _check_elements(tensors)
        raise
    d = wrap_dim(dim, len(shape) + 1)
    result = Stack.apply(*tensors, d, _dtype_of(tensors).np)
    if out is not None:
        from teachtorch.ops._util import write_out

        return write_out(out, result)
    return result


def hstack(tensors):
    """cat along dim 1 (dim 0 for 1-D tensors). Mirrors: torch.hstack"""
    tensors = [t if t.dim() else t.reshape(1) for t in _check_list("hstack", tensors)]
    return cat(tensors, 0 if tensors[0].dim() == 1 else 1)


def vstack(tensors):
    """cat along dim 0, making 1-D tensors rows first. Mirrors: torch.vstack"""
    tensors = [t.reshape(1, -1) if t.dim() < 2 else t
               for t in _check_list("vstack", tensors)]
    return cat(tensors, 0)


row_stack = vstack


class Split(Function):
    """Cut a tensor into pieces along dim; every piece is a view.

    Math: yi = x[..., a_i:b_i, ...];  dL/dx = cat of the dL/dyi (zeros where missing)
    Mirrors: torch.split
    """
    _raw = True
    node_name = "SplitWithSizesBackward0"

    @staticmethod
    def forward(ctx, x, sizes, dim):
        ctx.dim = dim
        starts = np.cumsum([0] + list(sizes))
        pre = (slice(None),) * dim
        return tuple(x[pre + (slice(int(a), int(b)),)]
                     for a, b in itertools.pairwise(starts))

    @staticmethod
    def backward(ctx, *grads):
        from teachtorch.ops.join import cat as _cat

        return _cat(list(grads), ctx.dim)


class SplitEqual(Split):
    node_name = "SplitBackward0"


class UnsafeSplit(Split):
    """split whose pieces are not tracked as views (PyTorch's unsafe_split: the
    recurrent cells cut their gates with it)."""
    node_name = "UnsafeSplitBackward0"


class Unbind(Function):
    """All slices along dim, each a view with that dim removed.

    Math: yi = x.select(dim, i);  dL/dx = stack of the dL/dyi
    Mirrors: torch.unbind
    """
    _raw = True
    node_name = "UnbindBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        pre = (slice(None),) * dim
        return tuple(x[pre + (i, Ellipsis)] for i in range(x.shape[dim]))

    @staticmethod
    def backward(ctx, *grads):
        return stack(list(grads), ctx.dim)


def _views_of(x, outs):
    for o in outs:
        o._as_view_of(x)
    return outs


def split(tensor, split_size_or_sections, dim=0):
    """Pieces of split_size (the last may be shorter), or of the listed sizes.

    Mirrors: torch.split
    """
    d = wrap_dim(dim, tensor.dim())
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise RuntimeError(
                _errors.hint(f"split_with_sizes expects split_sizes to sum exactly to {n} (input "
                f"tensor's size at dimension {d}), but got split_sizes={sizes}", "the sizes must add up to the length of that dim."))
        return _views_of(tensor, Split.apply(tensor, sizes, d))
    size = int(split_size_or_sections)
    if size < 0:
        raise RuntimeError(_errors.hint("split expects split_size be non-negative, but got "
                           f"split_size={size}", "split_size is the length of "
                           "each piece."))
    if size <= 0 and n > 0:
        raise RuntimeError(_errors.hint("split_size can only be 0 if dimension size is 0, but got "
                           f"dimension size of {n}", "split_size must be >= 1."))
    out = SplitEqual.apply(tensor, _equal_sizes(n, size), d)
    return _views_of(tensor, out)


def _equal_sizes(n, size):
    """Pieces of ``size`` along a dim of length n, the last one shorter if need be."""
    return [size] * (n // size) + ([n % size] if n % size else []) if n else [0]


def _chunk_size(input, chunks, dim):
    """(dim, ceil(n / chunks)): the piece size chunk uses, checked like PyTorch."""
    if chunks <= 0:
        raise RuntimeError(_errors.hint("chunk expects `chunks` to be greater than 0, got: "
                           f"{chunks}", "ask for at least one chunk."))
    d = wrap_dim(dim, input.dim())
    return d, max(1, -(-input.shape[d] // chunks))


def chunk(input, chunks, dim=0):
    """About equal pieces: ceil(n / chunks) each (so maybe fewer than chunks).

    Mirrors: torch.chunk
    """
    d, size = _chunk_size(input, chunks, dim)
    return split(input, size, d)


def unsafe_chunk(input, chunks, dim=0):
    """chunk, but the pieces are new tensors for autograd, not tracked views.

    Mirrors: torch.unsafe_chunk (what nn.LSTMCell and nn.GRUCell use for their gates)
    """
    d, size = _chunk_size(input, chunks, dim)
    return UnsafeSplit.apply(input, _equal_sizes(input.shape[d], size), d)


def unbind(input, dim=0):
    """A tuple of the slices along dim (views). Mirrors: torch.unbind"""
    if input._data.ndim == 0 and dim in (0, -1):  # (PyTorch's own words for 0-dim)
        raise IndexError(_errors.hint(
            "Dimension specified as 0 but tensor has no dimensions",
            "a 0-dim tensor holds one number: use .item(), or unsqueeze(0) first."))
    d = wrap_dim(dim, input.dim())
    out = Unbind.apply(input, d)
    return _views_of(input, out if isinstance(out, tuple) else (out,))


def select(input, dim, index):
    """The slice at index along dim, that dim removed (a view). Mirrors: torch.select"""
    from teachtorch.ops.index import SelectIndex

    d = wrap_dim(dim, input.dim())
    n = input.shape[d]
    if not -n <= index < n:
        raise IndexError(_errors.hint(f"select(): index {index} out of range for tensor of size "
                         f"{list(input.shape)} at dimension {d}", "valid indices along "
                         f"a dim of size {n} are 0..{n - 1} (or -{n}..-1)."))
    return SelectIndex.apply(input, (slice(None),) * d + (int(index),))


def narrow(input, dim, start, length):
    """Elements start..start+length-1 along dim, as a view. Mirrors: torch.narrow"""
    d = wrap_dim(dim, input.dim())
    size = input.shape[d]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(
            _errors.hint(f"start out of range (expected to be in range of [{-size}, {size}], but got "
            f"{start})", f"start counts from 0 along a dim of size {size}."))
    start = start + size if start < 0 else start
    if start + length > size or length < 0:
        raise RuntimeError(
            _errors.hint(f"start ({start}) + length ({length}) exceeds dimension size ({size}).", "narrow(dim, start, length) takes length elements from start."))
    return input[(slice(None),) * d + (slice(start, start + length),)]


def tensor_split(input, indices_or_sections, dim=0):
    """Views split into n near-equal parts (the first ones one longer), or at indices.

    Mirrors: torch.tensor_split
    """
    d = wrap_dim(dim, input.dim())
    n = input.shape[d]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        if k <= 0:
            raise RuntimeError(_errors.hint(f"number of sections must be larger than 0, got {k}", "ask for at least one section."))
        sizes = [n // k + (1 if i < n % k else 0) for i in range(k)]
        cuts = list(itertools.accumulate(sizes))[:-1]
    else:
        cuts = [int(i) for i in indices_or_sections]
    bounds = [0] + [min(max(c, 0), n) for c in cuts] + [n]
    return tuple(narrow(input, d, a, max(b - a, 0)) for a, b in itertools.pairwise(bounds))


def repeat_interleave(input, repeats, dim=None, *, output_size=None):
    """Repeat each element (not the whole tensor) repeats times.

    Mirrors: torch.repeat_interleave (built from index_select, so gradients flow)
    """
    from teachtorch.ops._util import is_tensor, make
    from teachtorch.ops.gather import index_select

    if dim is None:
        input, dim = input.reshape(-1), 0
    from teachtorch.ops._util import wrap_dim

    dim = wrap_dim(dim, max(input.dim(), 1))
    reps = repeats._data if is_tensor(repeats) else np.asarray(repeats)
    if reps.size == 1 and not is_tensor(repeats):
        r = int(reps)  # every element r times: expand a new axis, then copy
        shape = list(input.shape)
        wide = input.unsqueeze(dim + 1).expand(*shape[:dim + 1], r, *shape[dim + 1:])
        shape[dim] *= r
        return wide.clone(memory_format="contiguous").view(*shape)
    n = input.shape[dim]
    xp = _backend.get_array_module(reps)
    index = xp.repeat(xp.arange(n), xp.broadcast_to(reps, (n,)).tolist())
    return index_select(input, dim, make(index.astype(np.int64)))


def broadcast_tensors(*tensors):
    """Expand every tensor to their common broadcast shape (views, stride 0).

    Mirrors: torch.broadcast_tensors
    """
    from teachtorch.ops._util import check_broadcast

    shape = ()
    for t in tensors:
        check_broadcast(shape, tuple(t.shape))
        shape = np.broadcast_shapes(shape, tuple(t.shape))
    return tuple(t.expand(*shape) for t in tensors)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors (views, stride 0). Mirrors: torch.meshgrid

    indexing='ij' (PyTorch's default): output i varies along dim i;
    indexing='xy': the first two dims are swapped, as in NumPy.
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    indexing = indexing or "ij"
    if indexing not in ("ij", "xy"):
        raise RuntimeError(_errors.hint('torch.meshgrid: indexing must be one of "xy" or "ij", but '
                           f'received: {indexing}', 'use indexing="ij" or "xy".'))
    swap = indexing == "xy" and len(tensors) >= 2
    ts = list(tensors)
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t.numel() for t in ts)
    n = len(ts)
    grids = [t.reshape(*[-1 if i == k else 1 for i in range(n)]).expand(*shape)
             for k, t in enumerate(ts)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)
