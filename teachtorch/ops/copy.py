"""Copies and dtype changes: clone, contiguous, to(dtype).

Chapter 02 (storage) opens this file: these are the ops that make a *new* storage.
"""
import numpy as np

from teachtorch import _errors
from teachtorch._backend import get_array_module as xp_of
from teachtorch.autograd.function import Function


class Clone(Function):
    """A copy with its own memory.

    Math: y = x;  dL/dx = dL/dy
    Mirrors: torch.clone
    """
    _raw = True
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, x, contiguous=False):
        if contiguous:  # ascontiguousarray copies exactly when a copy is needed
            return x.copy() if x.flags.c_contiguous else xp_of(x).ascontiguousarray(x)
        if 0 in x.strides:
            return x.copy()
        out = x.copy(order="K")  # keeps a transposed layout, like torch's clone
        if out.strides != x.strides and _dense(x):
            # PyTorch copies a dense tensor with exactly its strides (size-1 dims too)
            from teachtorch.storage import strided

            out = strided(xp_of(x).empty(x.size, x.dtype), x.shape,
                          [st // x.itemsize for st in x.strides])
            out[...] = x
        return out

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


def _dense(x):
    """True when x's elements fill a block of x.size elements with no gaps or overlaps."""
    dims = sorted((st, n) for st, n in zip(x.strides, x.shape) if n != 1)
    expected = x.itemsize
    for st, n in dims:
        if st != expected:
            return False
        expected *= n
    return x.size > 0


class ToCopy(Function):
    """A copy converted to another dtype.

    Math: y = cast(x);  dL/dx = cast back(dL/dy)
    Mirrors: torch.Tensor.to(dtype)
    """
    _raw = True
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, np_dtype):
        ctx.in_dtype = x.dtype
        with np.errstate(over="ignore", invalid="ignore"):  # inf/NaN casts: torch is silent
            return x.astype(np_dtype)

    @staticmethod
    def backward(ctx, grad_output):
        from teachtorch import dtypes

        return grad_output.to(dtypes._FROM_NP[ctx.in_dtype])


def clone(input, *, memory_format=None):
    return Clone.apply(input, memory_format == "contiguous")


def contiguous(input, memory_format=None):
    """The tensor itself when already contiguous, else a contiguous copy."""
    if input._data.flags.c_contiguous:
        return input
    return Clone.apply(input, True)


def to_dtype(input, dtype, copy=False):
    if input.dtype is dtype and not copy:
        return input
    return ToCopy.apply(input, dtype.np)


class CopyFrom(Function):
    """dst.copy_(src) recorded for autograd: the result is src (broadcast, cast).

    Math: y = src;  dL/ddst = 0, dL/dsrc = dL/dy
    Mirrors: torch.Tensor.copy_
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, dst, src):
        return np.broadcast_to(np.asarray(src, dtype=dst.dtype), dst.shape).copy()

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 0, grad_output


# ----- ops that copy data into a new arrangement ------------------------------------
class Flip(Function):
    """Reverse the order along dims (a copy: PyTorch has no negative strides).

    Math: y = x reversed along dims;  dL/dx = dL/dy reversed the same way
    Mirrors: torch.flip
    """
    _raw = True
    node_name = "FlipBackward0"

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return xp_of(x).ascontiguousarray(np.flip(x, dims)) if dims else x.copy()

    @staticmethod
    def backward(ctx, grad_output):
        return Flip.apply(grad_output, ctx.dims)


class Roll(Function):
    """Shift elements along dims, wrapping around the end.

    Math: y[i] = x[i - shift];  dL/dx = dL/dy rolled by -shift
    Mirrors: torch.roll
    """
    _raw = True
    node_name = "RollBackward0"

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        if dims is None:
            return np.roll(x.reshape(-1), shifts).reshape(x.shape)
        return np.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, grad_output):
        neg = tuple(-s for s in ctx.shifts) if isinstance(ctx.shifts, tuple) else \
            -ctx.shifts
        return Roll.apply(grad_output, neg, ctx.dims)


class Repeat(Function):
    """Tile the whole tensor: a real copy of the data (compare expand, note 000).

    Math: y = x repeated r_i times along dim i;  dL/dx = sum of dL/dy over the copies
    Mirrors: torch.Tensor.repeat
    """
    _raw = True
    node_name = "RepeatBackward0"

    @staticmethod
    def forward(ctx, x, repeats):
        ctx.in_shape = x.shape
        lead = len(repeats) - x.ndim
        return np.tile(x.reshape((1,) * lead + x.shape), repeats)

    @staticmethod
    def backward(ctx, grad_output):
        # view as (r0, n0, r1, n1, ...) and sum the r axes
        shape = (1,) * (grad_output.dim() - len(ctx.in_shape)) + tuple(ctx.in_shape)
        split = []
        for g, n in zip(grad_output.shape, shape):
            split += [g // n if n else 0, n]
        g = grad_output.reshape(*split).sum(tuple(range(0, len(split), 2)))
        return g.reshape(ctx.in_shape)


def flip(input, dims):
    from teachtorch.ops._util import normalize_dims

    dims = dims if isinstance(dims, (tuple, list)) else (dims,)
    dims = normalize_dims(tuple(dims), input.dim())
    if len(set(dims)) != len(dims):
        d = next(d for d in dims if dims.count(d) > 1)
        raise RuntimeError(_errors.hint(f"dim {d} appears multiple times in the list of dims", "name each dim once."))
    if input.dim() == 0:
        return input.clone()
    return Flip.apply(input, dims)


def fliplr(input):
    return flip(input, (1,))


def flipud(input):
    return flip(input, (0,))


def roll(input, shifts, dims=None):
    """Mirrors: torch.roll (dims=None rolls the flattened tensor)."""
    if isinstance(shifts, (list, tuple)):
        shifts = tuple(int(s) for s in shifts)
    if dims is not None:
        from teachtorch.ops._util import wrap_dim

        dims = tuple(dims) if isinstance(dims, (list, tuple)) else (dims,)
        dims = tuple(wrap_dim(d, input.dim()) for d in dims)
        if not isinstance(shifts, tuple):
            shifts = (shifts,)
        if len(shifts) != len(dims):
            raise RuntimeError(_errors.hint(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:{len(dims)}", "give one shift per dim."))
    return Roll.apply(input, shifts, dims)


def repeat(input, *sizes):
    """Copy the data r times along each dim. Mirrors: torch.Tensor.repeat"""
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    sizes = tuple(int(s) for s in sizes)
    if len(sizes) < input.dim():
        raise RuntimeError(
            _errors.hint("Number of dimensions of repeat dims can not be smaller than number of "
            "dimensions of tensor", "give one count per dim (1 keeps a dim as it is)."))
    if min(sizes, default=0) < 0:
        shape = [r * n for r, n in zip(sizes, (1,) * (len(sizes) - input.dim())
                                       + tuple(input.shape))]
        raise RuntimeError(_errors.hint("Trying to create tensor with negative dimension "
                           f"{next(s for s in shape if s < 0)}: {shape}", "repeat "
                           "counts are >= 0."))
    return Repeat.apply(input, sizes)


def tile(input, dims):
    """Like repeat, but missing leading counts mean 1. Mirrors: torch.tile"""
    dims = tuple(dims) if isinstance(dims, (tuple, list)) else (dims,)
    dims = (1,) * (input.dim() - len(dims)) + dims
    return repeat(input, dims)


class Tril(Function):
    """Keep the lower triangle (on and below diagonal k), zeros above.

    Math: y = x * [j - i <= k];  dL/dx = tril(dL/dy, k)
    Mirrors: torch.tril
    """
    _raw = True
    node_name = "TrilBackward0"

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return np.tril(x, k)

    @staticmethod
    def backward(ctx, grad_output):
        return Tril.apply(grad_output, ctx.k)


class Triu(Function):
    """Keep the upper triangle (on and above diagonal k), zeros below.

    Math: y = x * [j - i >= k];  dL/dx = triu(dL/dy, k)
    Mirrors: torch.triu
    """
    _raw = True
    node_name = "TriuBackward0"

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return np.triu(x, k)

    @staticmethod
    def backward(ctx, grad_output):
        return Triu.apply(grad_output, ctx.k)


def _check_matrix(fn, input):
    if input.dim() < 2:
        raise RuntimeError(_errors.hint(f"{fn}: input tensor must have at least 2 dimensions.", "tril/triu work on matrices (the last two dims)."))


def tril(input, diagonal=0):
    _check_matrix("tril", input)
    return Tril.apply(input, int(diagonal))


def triu(input, diagonal=0):
    _check_matrix("triu", input)
    return Triu.apply(input, int(diagonal))


class DiagEmbed(Function):
    """A square matrix with v on diagonal k and zeros elsewhere.

    Math: Y[i, i+k] = v[i];  dL/dv = the diagonal k of dL/dY
    Mirrors: torch.diag (1-D input)
    """
    _raw = True
    node_name = "DiagEmbedBackward0"

    @staticmethod
    def forward(ctx, v, k):
        ctx.k = k
        return np.diag(v, k)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.diagonal(ctx.k)


def diag(input, diagonal=0):
    """1-D -> a diagonal matrix; 2-D -> its diagonal as a new 1-D tensor.

    Mirrors: torch.diag
    """
    if input.dim() == 1:
        return DiagEmbed.apply(input, int(diagonal))
    if input.dim() != 2:
        raise RuntimeError(_errors.hint("diag(): Supports 1D or 2D tensors. Got "
                           f"{input.dim()}D", "use torch.diagonal for more dims."))
    return DiagonalCopy.apply(input, int(diagonal))


class DiagonalCopy(Function):
    """The diagonal of a matrix as a new 1-D tensor (diag of a 2-D input).

    Math: y[i] = x[i, i+k];  dL/dx = zeros with dL/dy on diagonal k
    Mirrors: torch.diag (2-D input)
    """
    _raw = True
    node_name = "DiagonalBackward0_copy"

    @staticmethod
    def forward(ctx, x, k):
        ctx.shape, ctx.k = x.shape, k
        return np.diagonal(x, k).copy()

    @staticmethod
    def backward(ctx, grad_output):
        from teachtorch.storage import DiagonalScatter

        return DiagonalScatter.apply(grad_output, ctx.shape, ctx.k, 0, 1)


class Trace(Function):
    """Sum of the main diagonal of a matrix.

    Math: y = sum_i x[i, i];  dL/dx = dL/dy * I
    Mirrors: torch.trace
    """
    _raw = True
    node_name = "TraceBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        return np.trace(x).astype(x.dtype if x.dtype.kind == "f" else np.int64)

    @staticmethod
    def backward(ctx, grad_output):
        from teachtorch.ops._util import make

        eye = make(xp_of(grad_output._data).eye(*ctx.shape,
                                                dtype=grad_output._data.dtype))
        return eye * grad_output


def trace(input):
    if input.dim() != 2:
        raise RuntimeError(_errors.hint("trace: expected a matrix, but got tensor with dim "
                           f"{input.dim()}", "trace is for 2-D tensors."))
    return Trace.apply(input)


def resize_(x, *sizes):
    """Give x a new shape in place, reusing its storage when it is big enough.

    New elements (beyond the old storage) are zeros here; PyTorch leaves them
    uninitialised. Mirrors: torch.Tensor.resize_
    """
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    sizes = tuple(int(s) for s in sizes)
    if x.requires_grad:
        raise RuntimeError(_errors.hint("cannot resize variables that require grad", "resize "
                           "x.detach() or x.data instead."))
    n = int(np.prod(sizes))
    root = x._root if x._root is not None else x._data
    offset = x.storage_offset()
    if root.flags.c_contiguous and offset + n <= root.size:
        x._data = root.reshape(-1)[offset:offset + n].reshape(sizes)
        x._root = root
    else:
        new = xp_of(root).zeros(offset + n, x._data.dtype)
        old = root.reshape(-1) if root.flags.c_contiguous else root.ravel()
        k = min(old.size, offset + n)
        new[:k] = old[:k]
        x._data = new[offset:].reshape(sizes)
        x._root = new
    x._bump()
    return x


class Fill(Function):
    """Every element replaced by one value: nothing flows back to the old values.

    Math: y = v;  dL/dx = 0
    Mirrors: torch.Tensor.fill_ (FillBackward2)
    """
    _raw = True
    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, x, value):
        return np.full_like(x, value)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 0


class Zero(Fill):
    """x.zero_() (ZeroBackward0)."""
    node_name = "ZeroBackward0"


def fill(input, value):
    """A tensor like input filled with value (the out-of-place step of fill_)."""
    return Fill.apply(input, value.item() if hasattr(value, "item") else value)


def zero(input):
    """A tensor like input filled with zeros (the out-of-place step of zero_)."""
    return Zero.apply(input, 0)
