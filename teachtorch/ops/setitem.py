"""Writing through an index: x[index] = value, in place, and torch.index_put.

The write goes into x's own memory (a view's base sees it). When x is part of a graph,
the change is recorded as a node (IndexPutBackward0, or CopySlices on the base of a
view) so gradients computed afterwards see it. Reading (x[index]) is in ``index.py``.
Chapter 02 (views, indexing, storage) opens this file.
"""

import numpy as np

from teachtorch import _errors
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._util import is_tensor
from teachtorch.storage import ViewOfBase, storage_positions
from teachtorch.ops.index import (AdvancedIndex, BasicIndex, _convert_index,
                                  _expand_error, _index_error, _ints_first,
                                  _ints_with_arrays, _node_kind, getitem)


class IndexPut(Function):
    """x[index] = value, recorded for autograd: x's history continues from this node.

    Math: y = x with y[idx] = v;  dL/dx = dL/dy with zeros at idx, dL/dv = dL/dy[idx]
    Mirrors: torch.Tensor.__setitem__ with a tensor/list/mask index (IndexPutBackward0)
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, value, index, basic):
        ctx.index, ctx.basic = index, basic
        x[index] = value  # in place: no copy of the whole tensor
        return x

    @staticmethod
    def backward(ctx, grad_output):
        gx = ZeroAt.apply(grad_output, ctx.index) if ctx.needs_input_grad[0] else None
        gv = None
        if ctx.needs_input_grad[1]:
            gv = BasicIndex.apply(grad_output, ctx.index) if ctx.basic else \
                AdvancedIndex.apply(grad_output, ctx.index)
        return gx, gv


class CopySlices(IndexPut):
    """x[ints/slices] = value (PyTorch names this node CopySlices)."""
    node_name = "CopySlices"


class ZeroAt(Function):
    """A copy of g with zeros at index (what the overwritten elements pass back)."""
    _raw = True
    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, index):
        ctx.index = index
        out = g.copy()
        out[index] = 0
        return out

    @staticmethod
    def backward(ctx, grad_output):
        return ZeroAt.apply(grad_output, ctx.index)


def _write_through_view(x, idx, value):
    """x is a view of a tensor that requires grad: record the write on the base."""
    base = x._base
    if base.grad_fn is None:  # the base is a leaf: its values are not ours to change
        raise RuntimeError(_errors.view_of_leaf_inplace())
    base_pos = storage_positions(base).reshape(-1)
    order = np.argsort(base_pos, kind="stable")
    flat = order[np.searchsorted(base_pos[order], storage_positions(x))]
    where = np.unravel_index(flat, tuple(base.shape))
    target = tuple(w[idx] for w in where)
    v = value if is_tensor(value) else np.asarray(value, dtype=x._data.dtype)
    r = CopySlices.apply(base, v, target, False)
    base.grad_fn, base._output_nr, base._requires_grad = r.grad_fn, 0, True
    base._vc[0] += 1
    y = ViewOfBase.apply(base, x._data, where)
    x.grad_fn, x._output_nr, x._requires_grad = y.grad_fn, 0, True


def write_through_view(x, result):
    """An in-place op changed x, a view of a tensor that requires grad, to result.

    The change is recorded on the base (CopySlices), so gradients of everything
    computed from the base afterwards see it; x becomes a view of the new base.
    Called by ``apply_inplace`` (ops/inplace.py).
    """
    _write_through_view(x, (Ellipsis,), result)


def setitem(x, index, value):
    """Write value into x at index, in place."""
    if is_tensor(index) and index._data.dtype.char == "B" and (  # uint8
            not is_tensor(value) or value.dim() == 0):  # PyTorch's masked_fill_ path
        raise RuntimeError(_errors.hint(
            "masked_fill_ only supports boolean masks, but got mask with dtype "
            "unsigned char", "old code built masks as uint8 (ByteTensor); make it a "
            "bool mask: x[mask.bool()] = value."))
    try:
        _setitem(x, index, value)
    except IndexError as e:
        if "\nhint:" in str(e):  # already in PyTorch's words
            raise
        raise IndexError(_index_error(e, x, _convert_index(index)[0])) from None


def _setitem(x, index, value):
    idx, basic = _convert_index(index)
    if not basic and not x._requires_grad and _ints_with_arrays(idx):
        first, rest = _ints_first(idx)
        return _setitem(getitem(x, first), rest, value)
    enabled = grad_mode.is_grad_enabled()
    leaf = enabled and x._requires_grad and x.grad_fn is None
    if leaf and (x._base is not None or (basic and _node_kind(idx) != "Alias")):
        raise RuntimeError(_errors.view_of_leaf_inplace())
    x._check_inplace()
    if is_tensor(value) and value.dim() > x._data[idx].ndim:
        extra = value.shape[:value.dim() - x._data[idx].ndim]
        if any(n != 1 for n in extra):
            raise RuntimeError(
                _errors.hint(f"expand({value.type()}{{{list(value.shape)}}}, size="
                f"{list(np.shape(x._data[idx]))}): the number of sizes provided "
                f"({np.ndim(x._data[idx])}) must be greater or equal to the number of "
                f"dimensions in the tensor ({value.dim()})", "the value must "
                "broadcast to the shape of x[index]."))
    needs_graph = enabled and (x.requires_grad or (is_tensor(value) and
                                                   value.requires_grad))
    if needs_graph:
        if x._base is not None and x._base.requires_grad:
            _write_through_view(x, idx, value)
            return
        v = value if is_tensor(value) else np.asarray(value, dtype=x._data.dtype)
        try:
            r = (CopySlices if basic else IndexPut).apply(x, v, idx, basic)
        except ValueError as e:
            raise RuntimeError(_errors.hint(f"{e}", "the value must broadcast to the shape of "
                               "x[index].")) from None
        x.grad_fn, x._output_nr, x._requires_grad = r.grad_fn, 0, True
        x._vc[0] += 1
        return
    val = value._data if is_tensor(value) else value
    try:
        x._data[idx] = val
    except ValueError as e:
        raise RuntimeError(_expand_error(e, np.shape(val), x._data[idx].shape)) from None
    x._vc[0] += 1


class IndexPutAccumulate(Function):
    """index_put(indices, values, accumulate=True): values *added* at indices.

    Math: y = x; y[idx] += v (repeats add up);  dL/dx = dL/dy, dL/dv = dL/dy[idx]
    Mirrors: torch.index_put (accumulate=True)
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, value, index):
        ctx.index = index
        out = x.copy()
        np.add.at(out, index, value)
        return out

    @staticmethod
    def backward(ctx, grad_output):
        gv = AdvancedIndex.apply(grad_output, ctx.index) if ctx.needs_input_grad[1] \
            else None
        return grad_output, gv


def index_put(input, indices, values, accumulate=False):
    """A copy of input with values written (or added) at a tuple of index tensors.

    Mirrors: torch.index_put
    """
    idx, _ = _convert_index(tuple(indices))
    v = values if is_tensor(values) else np.asarray(values, dtype=input._data.dtype)
    if accumulate:
        return IndexPutAccumulate.apply(input, v, idx)
    out = input.clone()
    setitem(out, tuple(indices), values)
    return out
