"""Picking and placing by index: gather, scatter, index_select, index_add, take ...

``gather`` reads ``x[..., index[...], ...]`` along one dim; ``scatter_`` writes values
back to those places (note 000: "gather takes data out by index, scatter_ puts it
back"). Each op's backward is the other one, so gradients flow both ways.
Chapter 02 (indexing) opens this file.
"""
import numpy as np

from teachtorch import _arg_types, _backend, _errors
from teachtorch.autograd.function import Function
from teachtorch.ops._util import is_tensor, make, wrap_dim
from teachtorch.ops.index import AdvancedIndex


def _full_index(index, dim):
    """Index arrays that address out[i][j][k] -> i, index[i][j][k], k (for dim=1).

    Turns "index along one dim" into a plain NumPy fancy index.
    """
    xp = _backend.get_array_module(index)
    parts = []
    for d, n in enumerate(index.shape):
        if d == dim:
            parts.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            parts.append(xp.arange(n).reshape(shape))
    return tuple(parts)


def _check_index(fn, x, dim, index):
    if not is_tensor(index) or index.dtype.name not in ("int64", "int32"):
        raise RuntimeError(_errors.hint(f"{fn}(): Expected dtype int32/int64 for index", "indices must be integers: index.long()."))
    if index.dim() != x.dim() and index.numel() > 0 and x.dim() > 0:
        raise RuntimeError(_errors.hint("Index tensor must have the same number of dimensions as "
                           f"{'input' if fn == 'gather' else 'self'} tensor", "index "
                           f"has {index.dim()} dims, the tensor {x.dim()}."))
    n = x.shape[dim] if x.dim() else 1
    data = index._data
    if data.size and (data.min() < 0 or data.max() >= n):  # no negative indices here
        bad = int(data.max() if data.max() >= n else data.min())
        raise RuntimeError(_errors.hint(f"index {bad} is out of bounds for dimension {dim} with size "
                           f"{n}", f"every index along dim {dim} must be in 0..{n - 1}."))


class Gather(Function):
    """out[i][j] = x[i][index[i][j]] (for dim=1).

    Math: y = x at index along dim;  dL/dx = zeros with dL/dy *added* at index
    Mirrors: torch.gather
    """
    _raw = True
    node_name = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim, ctx.index = x.shape, dim, index
        return x[_full_index(index, dim)]

    @staticmethod
    def backward(ctx, grad_output):
        zeros = make(_backend.get_array_module(grad_output._data).zeros(
            ctx.shape, grad_output._data.dtype))
        return ScatterAdd.apply(zeros, ctx.dim, ctx.index, grad_output)


def gather(input, dim, index, *, sparse_grad=False, out=None):
    d = wrap_dim(dim, max(input.dim(), 1)) if input.dim() else 0
    _check_index("gather", input, d, index)
    return Gather.apply(input, d, index._data)


class Scatter(Function):
    """A copy of x with src's values written at index along dim.

    Math: y = x, then y[..index..] = src;  dL/dx = dL/dy with zeros at index,
    dL/dsrc = dL/dy gathered at index
    Mirrors: torch.scatter
    """
    _raw = True
    node_name = "ScatterBackward0"

    @staticmethod
    def forward(ctx, x, dim, index, src):
        ctx.dim, ctx.index = dim, index
        out = x.copy()
        where = _full_index(index, dim)
        out[where] = src[tuple(slice(0, n) for n in index.shape)]
        return out

    @staticmethod
    def backward(ctx, grad_output):
        gx = gsrc = None
        if ctx.needs_input_grad[0]:
            gx = ScatterValue.apply(grad_output, ctx.dim, ctx.index, 0.0)
        if ctx.needs_input_grad[-1]:
            gsrc = Gather.apply(grad_output, ctx.dim, ctx.index)
        return gx, gsrc


class ScatterValue(Function):
    """A copy of x with one value written at index along dim.

    Math: y = x, then y[..index..] = v;  dL/dx = dL/dy with zeros at index
    Mirrors: torch.scatter (value=)
    """
    _raw = True
    node_name = "ScatterBackward1"

    @staticmethod
    def forward(ctx, x, dim, index, value):
        ctx.dim, ctx.index = dim, index
        out = x.copy()
        out[_full_index(index, dim)] = value
        return out

    @staticmethod
    def backward(ctx, grad_output):
        return ScatterValue.apply(grad_output, ctx.dim, ctx.index, 0.0)


class ScatterAdd(Function):
    """A copy of x with src's values *added* at index along dim (repeats add up).

    Math: y = x, then y[..index..] += src;  dL/dx = dL/dy, dL/dsrc = dL/dy gathered
    Mirrors: torch.scatter_add
    """
    _raw = True
    node_name = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, x, dim, index, src):
        ctx.dim, ctx.index = dim, index
        out = x.copy()
        xp = _backend.get_array_module(x)
        xp.add.at(out, _full_index(index, dim), src[tuple(slice(0, n) for n in index.shape)])
        return out

    @staticmethod
    def backward(ctx, grad_output):
        gsrc = None
        if ctx.needs_input_grad[-1]:
            gsrc = Gather.apply(grad_output, ctx.dim, ctx.index)
        return grad_output, gsrc


class ScatterReduceAdd(ScatterAdd):
    """scatter(..., reduce='add'): PyTorch records no derivative for it."""
    node_name = "NotImplemented"

    @staticmethod
    def backward(ctx, grad_output):
        raise RuntimeError(_errors.hint("derivative for aten::scatter is not implemented", "use "
                           "scatter_add(dim, index, src), which has a gradient."))


class ScatterMultiply(ScatterReduceAdd):
    """scatter with reduce='multiply' (no gradient, like PyTorch)."""

    @staticmethod
    def forward(ctx, x, dim, index, src):
        out = x.copy()
        xp = _backend.get_array_module(x)
        src = src[tuple(slice(0, n) for n in index.shape)] if np.ndim(src) else src
        xp.multiply.at(out, _full_index(index, dim), src)
        return out


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """A copy of input with src (or value) written at index along dim.

    Mirrors: torch.scatter
    """
    d = wrap_dim(dim, max(input.dim(), 1)) if input.dim() else 0
    _check_index("scatter", input, d, index)
    if src is not None and not is_tensor(src):
        src, value = None, src
    if reduce is not None:
        if reduce not in ("add", "multiply"):
            raise RuntimeError(_errors.hint("reduce argument must be either add or multiply, got "
                               f"{reduce}", "reduce='add' or reduce='multiply'."))
        s = src if src is not None else make(
            np.full(index.shape, value, input._data.dtype))
        if reduce == "add":
            return ScatterReduceAdd.apply(input, d, index._data, s)
        return ScatterMultiply.apply(input, d, index._data, s)
    if src is not None:
        if src.dtype is not input.dtype:
            raise RuntimeError(_errors.hint("scatter(): Expected self.dtype to be equal to src.dtype", f"self is {input.dtype}, src is {src.dtype}; "
                               "convert one of them."))
        return Scatter.apply(input, d, index._data, src)
    return ScatterValue.apply(input, d, index._data, value)


def scatter_add(input, dim, index, src):
    """A copy of input with src added at index along dim. Mirrors: torch.scatter_add"""
    d = wrap_dim(dim, max(input.dim(), 1)) if input.dim() else 0
    _check_index("scatter_add", input, d, index)
    return ScatterAdd.apply(input, d, index._data, src)


class IndexSelect(Function):
    """Whole slices picked along dim by a 1-D index.

    Math: y = x.take(index, dim);  dL/dx = zeros with dL/dy added at index
    Mirrors: torch.index_select
    """
    _raw = True
    node_name = "IndexSelectBackward0"

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim, ctx.index = x.shape, dim, index
        return x.take(index, axis=dim) if x.ndim else x.reshape(1)[index].reshape(())

    @staticmethod
    def backward(ctx, grad_output):
        zeros = make(_backend.get_array_module(grad_output._data).zeros(
            ctx.shape, grad_output._data.dtype))
        return IndexAdd.apply(zeros, ctx.dim, ctx.index, grad_output, 1)


class IndexAdd(Function):
    """A copy of x with src's slices added at index along dim (repeats add up).

    Math: y = x; y[index[i]] += alpha * src[i];  dL/dx = dL/dy,
    dL/dsrc = alpha * dL/dy picked at index
    Mirrors: torch.index_add
    """
    _raw = True
    node_name = "IndexAddBackward0"

    @staticmethod
    def forward(ctx, x, dim, index, src, alpha):
        ctx.dim, ctx.index, ctx.alpha = dim, index, alpha
        out = x.copy()
        xp = _backend.get_array_module(x)
        xp.add.at(out, (slice(None),) * dim + (index,), src * alpha if alpha != 1 else src)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        gsrc = IndexSelect.apply(grad_output, ctx.dim, ctx.index)
        return grad_output, gsrc * ctx.alpha if ctx.alpha != 1 else gsrc


class IndexFill(Function):
    """A copy of x with whole slices at index (along dim) set to value.

    Math: y = x; y[index] = v;  dL/dx = dL/dy with zeros at index
    Mirrors: torch.index_fill
    """
    _raw = True
    node_name = "IndexFillBackward0"

    @staticmethod
    def forward(ctx, x, dim, index, value):
        ctx.dim, ctx.index = dim, index
        out = x.copy()
        out[(slice(None),) * dim + (index,)] = value
        return out

    @staticmethod
    def backward(ctx, grad_output):
        return IndexFill.apply(grad_output, ctx.dim, ctx.index, 0)


def _check_1d_index(fn, index):
    if not is_tensor(index) or index.dtype.category != 1:
        raise IndexError(_errors.hint(f"{fn}(): Expected dtype int32/int64 for index", "use a "
                         "LongTensor of positions, e.g. torch.tensor([0, 2])."))
    if index.dim() > 1:
        raise IndexError(_errors.hint(f"{fn}(): Index is supposed to be a vector", "flatten the "
                         "index first: index.view(-1)."))
    return index._data.reshape(-1)


def index_select(input, dim, index, *, out=None):
    d = wrap_dim(dim, max(input.dim(), 1)) if input.dim() else 0
    if not is_tensor(index):
        raise TypeError(_errors.hint(
            "index_select(): argument 'index' (position 2) must be Tensor, not "
            f"{type(index).__name__}", "wrap the positions: torch.tensor([0, 2])."))
    if index.dtype.name not in ("int64", "int32"):
        raise RuntimeError(_errors.hint(
            "index_select(): Expected dtype int32 or int64 for index",
            "indices must be integers: index.long()."))
    idx = _check_1d_index("index_select", index)
    n = input.shape[d] if input.dim() else 1
    if idx.size and (idx.min() < 0 or idx.max() >= n) and d == 1:  # PyTorch's dim-1
        bad = int(idx[(idx < 0) | (idx >= n)][0])                     # kernel's words
        raise RuntimeError(_errors.hint(f"INDICES element is out of DATA bounds, id={bad} "
                           f"axis_dim={n}", f"index_select takes indices 0..{n - 1}."))
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError(_errors.hint("index out of range in self", f"indices along dim {d} must "
                         f"be in 0..{n - 1}."))
    return IndexSelect.apply(input, d, idx)


def index_add(input, dim, index, source, *, alpha=1):
    d = wrap_dim(dim, max(input.dim(), 1))
    idx = _check_1d_index("index_add", index)
    n = input.shape[d] if input.dim() else 1
    if idx.size and (idx.min() < 0 or idx.max() >= n) and input.dim() <= 1:
        raise IndexError(_errors.hint("index out of range in self", "index_add takes indices "
                         f"0..{n - 1}."))
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = int(idx.max() if idx.max() >= n else idx.min())
        raise RuntimeError(_errors.hint(f"index {bad} is out of bounds for dimension {d} with size {n}", f"index_add takes indices 0..{n - 1}."))
    return IndexAdd.apply(input, d, idx, source, alpha)


def index_fill(input, dim, index, value):
    d = wrap_dim(dim, max(input.dim(), 1))
    v = value.item() if is_tensor(value) else value
    idx = _check_1d_index("index_fill", index)
    n = input.shape[d] if input.dim() else 1
    if idx.size and (idx.min() < -n or idx.max() >= n):
        bad = int(idx.max() if idx.max() >= n else idx.min())
        raise IndexError(_errors.hint(f"index {bad} is out of bounds for dimension {d} with size {n}", f"index_fill takes indices -{n}..{n - 1}."))
    return IndexFill.apply(input, d, idx, v)


def take_along_dim(input, indices, dim=None):
    """gather that broadcasts input and indices first (dim=None: flat). Mirrors: torch"""
    if dim is None:  # PyTorch uses view here, so a non-contiguous input is an error
        return gather(input.view(-1), 0, indices.view(-1))
    d = wrap_dim(dim, input.dim())
    shape_x, shape_i = list(input.shape), list(indices.shape)
    shape_x[d] = shape_i[d] = 1
    common = list(np.broadcast_shapes(tuple(shape_x), tuple(shape_i)))
    tx, ti = common.copy(), common.copy()
    tx[d], ti[d] = input.shape[d], indices.shape[d]
    idx = indices.expand(*ti).contiguous()
    if idx.numel() and idx._data.min() < 0:  # take_along_dim accepts -n..-1
        idx = make(np.where(idx._data < 0, idx._data + input.shape[d], idx._data))
    return gather(input.expand(*tx), d, idx)


class Take(AdvancedIndex):
    """x.flatten()[index].

    Math: y = flat(x)[idx];  dL/dx = zeros with dL/dy added at idx
    Mirrors: torch.take
    """
    node_name = "TakeBackward0"


def take(input, index):
    """input as if flattened, read at index (the result has index's shape)."""
    _arg_types.tensor_arg("take", "index", 2, index)
    n = input.numel()
    data = index._data
    if data.size and (data.max() >= n or data.min() < -n):
        bad = int(data.max() if data.max() >= n else data.min())
        raise IndexError(_errors.hint(f"out of range: tried to access index {bad} on a tensor of {n} "
                         "elements.", "take() counts the elements of the flattened "
                         "tensor, 0..numel()-1."))
    return Take.apply(input.reshape(-1), (data,))
