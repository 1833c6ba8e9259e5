"""Indexing: x[i], x[a:b], x[None], x[mask], x[idx_tensor], and x[...] = v.

Basic indexing (ints, slices, None, ...) gives a *view*: same storage, new window.
Advanced indexing (a tensor, list or boolean mask) gives a *copy*. That is why
``x[0] = 1`` changes x but ``y = x[[0]]; y[0] = 1`` does not.
Chapter 02 (views, indexing, storage) opens this file.
"""
import warnings

import numpy as np

from teachtorch import _errors
from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function
from teachtorch.ops._util import is_tensor
from teachtorch.ops.views import ViewFunction, _canonical, insert_unit_dims


def _convert_index(index):
    """Tensors inside an index become arrays; returns (index, is_basic)."""
    if isinstance(index, list) and _list_is_tuple(index):
        index = tuple(index)  # PyTorch's legacy rule: x[[[0, 1], [1, 2]]] == x[[0, 1], [1, 2]]
    if not isinstance(index, tuple):
        index = (index,)
    out = []
    basic = True
    for i in index:
        if is_tensor(i):
            if i._data.dtype.char == "B":  # uint8, the old mask type: warn, use bool
                warnings.warn(_errors.uint8_index_deprecated(), UserWarning,
                              stacklevel=4)
                out.append(i._data.astype(bool))
                basic = False
                continue
            if i.dim() == 0 and i.dtype.category == 1:
                out.append(int(i.item()))
                continue
            if i.dtype.category == 2:
                raise IndexError(_errors.hint("tensors used as indices must be long, int, byte or bool "
                                 "tensors", "convert the index: idx.long()."))
            out.append(i._data)
            basic = False
        elif isinstance(i, (list, np.ndarray)):
            arr = np.asarray(i)  # floats in a list are truncated, as PyTorch does
            out.append(arr.astype(np.int64) if arr.dtype.kind == "f" else arr)
            basic = False
        elif isinstance(i, bool):
            out.append(i)
            basic = False
        elif isinstance(i, slice):
            if i.step is not None and int(i.step) == 0:
                raise ValueError(_errors.hint("slice step cannot be zero", "use a step of 1 or "
                                 "more, e.g. x[::2]."))
            if i.step is not None and int(i.step) < 0:
                raise ValueError(_errors.hint("step must be greater than zero", "PyTorch slices "
                                 "cannot go backwards; use x.flip(dim) to reverse."))
            out.append(i)
        elif i is None or i is Ellipsis or isinstance(i, (int, np.integer)):
            out.append(i)
        elif isinstance(i, str):
            raise TypeError(_errors.hint("new(): invalid data type 'str'", "index with numbers, "
                            f"not the string {i!r}."))
        else:
            raise IndexError(
                _errors.hint("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                f"Variables are valid indices (got {type(i).__name__})", "index "
                "with ints, slices, None, ..., lists or integer/bool tensors."))
    return tuple(out), basic


def _list_is_tuple(index):
    """A short list holding sequences, slices, None, ... or tensors acts as a tuple."""
    return len(index) < 32 and any(
        isinstance(i, (list, tuple, slice)) or i is None or i is Ellipsis or is_tensor(i)
        for i in index)


def _node_kind(index):
    kinds = [type(i) for i in index if i is not Ellipsis and not (
        isinstance(i, slice) and i == slice(None))]
    if not kinds:
        return "Alias"
    last = kinds[-1]
    if last is int:
        return "Select"
    if last is slice:
        return "Slice"
    return "Unsqueeze"


class BasicIndex(ViewFunction):
    """x[ints, slices, None, ...]: a view.

    Math: y = x[idx];  dL/dx = zeros with dL/dy written at idx
    Mirrors: torch.Tensor.__getitem__ (SelectBackward0 / SliceBackward0)
    """
    node_name = "SliceBackward0"

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, index
        return basic_view(x, index)

    @staticmethod
    def backward(ctx, grad_output):
        return IndexGradScatter.apply(grad_output, ctx.shape, ctx.index, False)


def basic_view(x, index):
    """x[index] for ints/slices/None/...: always an array view with PyTorch's strides.

    NumPy returns a scalar copy for x[1, 2] and gives a new None axis stride 0; PyTorch
    returns a 0-d view and gives the new axis stride size*stride of the dim after it.
    """
    plain = tuple(i for i in index if i is not None)
    if Ellipsis not in plain:
        plain = plain + (Ellipsis,)  # keeps a full integer index a 0-d view
    r = x[plain]
    if len(plain) == len(index) + (Ellipsis not in index):
        return r
    # where each None lands in the output, and the original dim that follows it
    n_used = sum(1 for i in index if i is not None and i is not Ellipsis)
    out_pos, in_dim, nones = 0, 0, []
    for i in index:
        if i is None:
            nones.append((out_pos, in_dim))
            out_pos += 1
        elif i is Ellipsis:
            span = x.ndim - n_used
            out_pos, in_dim = out_pos + span, in_dim + span
        else:
            out_pos += 0 if isinstance(i, (int, np.integer)) else 1
            in_dim += 1
    shape, strides = list(r.shape), [s // r.itemsize for s in r.strides]
    for pos, d in nones:
        shape.insert(pos, 1)
        strides.insert(pos, 1 if d >= x.ndim else x.shape[d] * x.strides[d] // x.itemsize)
    return insert_unit_dims(r, shape, strides)


class SelectIndex(BasicIndex):
    node_name = "SelectBackward0"


class UnsqueezeIndex(BasicIndex):
    node_name = "UnsqueezeBackward0"


class AliasIndex(BasicIndex):
    node_name = "AliasBackward0"


_BASIC = {"Slice": BasicIndex, "Select": SelectIndex, "Unsqueeze": UnsqueezeIndex,
          "Alias": AliasIndex}


class AdvancedIndex(Function):
    """x[tensor], x[mask], x[[0, 2]]: a copy.

    Math: y = x[idx];  dL/dx = zeros with dL/dy *added* at idx (repeats add up)
    Mirrors: torch.Tensor.__getitem__ (IndexBackward0)
    """
    _raw = True
    node_name = "IndexBackward0"

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, index
        r = x[index]  # a fresh array; give it plain C-order strides like PyTorch
        return r if r.strides == _canonical(r.shape, r.itemsize) else r.copy(order="C")

    @staticmethod
    def backward(ctx, grad_output):
        return IndexGradScatter.apply(grad_output, ctx.shape, ctx.index, True)


class IndexGradScatter(Function):
    """zeros(shape) with g placed (or added, for advanced indices) at index.

    The backward of indexing; its own backward indexes again, so second derivatives
    work.
    """
    _raw = True
    node_name = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, g, shape, index, accumulate):
        ctx.index, ctx.advanced = index, accumulate
        xp = get_array_module(g)
        out = xp.zeros(shape, dtype=g.dtype)
        parts = index if isinstance(index, tuple) else (index,)
        repeats = any(hasattr(i, "dtype") and i.ndim and i.dtype != np.bool_
                      for i in parts)
        if accumulate and repeats:  # an integer index may name an element twice
            if xp is not np:  # host index arrays (from views' bookkeeping) to the GPU
                index = tuple(xp.asarray(i) if isinstance(i, np.ndarray) else i
                              for i in parts)
            xp.add.at(out, index, g)
        else:  # masks, slices and ints never repeat: a plain write is enough
            out[index] = g
        return out

    @staticmethod
    def backward(ctx, grad_output):
        if ctx.advanced:
            return AdvancedIndex.apply(grad_output, ctx.index)
        return BasicIndex.apply(grad_output, ctx.index)


def _ok_for_zero_dim(index):
    """A 0-d tensor can only be indexed by None, ..., () or a bool (mask)."""
    if is_tensor(index):
        return index.dtype.category == 0
    parts = index if isinstance(index, tuple) else (index,)
    return all(i is None or i is Ellipsis or isinstance(i, bool) for i in parts)


def getitem(x, index):
    if type(index) is int and x._data.ndim:  # fast path for the commonest case, x[i]
        try:
            if not x._requires_grad:  # no graph to record (data loading): the view only
                return type(x)._make(x._data[index, ...])._as_view_of(x)
            return SelectIndex.apply(x, (index,))
        except IndexError as e:
            raise IndexError(_index_error(e, x)) from None
    if x._data.ndim == 0 and not _ok_for_zero_dim(index):
        raise IndexError(_errors.zero_dim_index())
    idx, basic = _convert_index(index)
    if not basic and _ints_with_arrays(idx):
        first, rest = _ints_first(idx)
        return getitem(getitem(x, first), rest)
    if basic:
        try:
            return _BASIC[_node_kind(idx)].apply(x, idx)
        except IndexError as e:
            raise IndexError(_index_error(e, x, idx)) from None
    try:
        return AdvancedIndex.apply(x, idx)
    except IndexError as e:
        raise IndexError(_index_error(e, x, idx)) from None


def _ints_with_arrays(idx):
    """True when integers and index arrays meet in one index (x[1, :, idx])."""
    return any(type(i) is int or isinstance(i, np.integer) for i in idx) and not any(
        type(i) is bool for i in idx)


def _ints_first(idx):
    """PyTorch applies an index's integers first (select), then the rest; NumPy
    counts integers as index arrays, which moves the new dims when a slice separates
    them (x[1, :, idx] is (3, 2) in PyTorch, (2, 3) in NumPy for x of shape (2, 3, 4)).
    Returns (the integers with full slices elsewhere, the index without integers)."""
    first, rest = [], []
    for i in idx:
        if type(i) is int or isinstance(i, np.integer):
            first.append(i)
            continue
        rest.append(i)
        if isinstance(i, np.ndarray) and i.dtype == np.bool_:
            first.extend([slice(None)] * max(i.ndim, 1))
        elif i is Ellipsis or i is not None:
            first.append(i if i is Ellipsis else slice(None))
    return tuple(first), tuple(rest)


def _expand_error(e, value_shape, target_shape):
    """NumPy's "could not broadcast" in PyTorch's expand words."""
    v, t = tuple(value_shape), tuple(target_shape)
    for i in range(1, min(len(v), len(t)) + 1):
        if v[-i] != t[-i] and v[-i] != 1:
            return (_errors.hint(f"The expanded size of the tensor ({t[-i]}) must match the existing "
                    f"size ({v[-i]}) at non-singleton dimension {len(t) - i}.  Target "
                    f"sizes: {list(t)}.  Tensor sizes: {list(v)}", "the value must "
                    "broadcast to the shape of x[index]."))
    return _errors.hint(f"{e}", "the value must broadcast to the shape of x[index].")


def eval_shape(text):
    """'(2, 3)' -> (2, 3), for rewording NumPy's messages."""
    return tuple(int(n) for n in text.strip().strip("()").split(",") if n.strip())


def _index_error(e, x, idx=()):
    """NumPy's index error in PyTorch's words."""
    msg = str(e)
    if msg.startswith("shape mismatch: indexing arrays"):
        shapes = msg.split("shapes ")[-1].replace(") (", ")|(").split("|")
        msg = ("shape mismatch: indexing tensors could not be broadcast together with "
               "shapes " + ", ".join(str(list(eval_shape(t))) for t in shapes))
    elif msg.startswith("too many indices"):
        msg = f"too many indices for tensor of dimension {x.dim()}"
    elif msg.startswith("boolean index did not match"):
        dim = 0
        for i in idx:
            if hasattr(i, "dtype") and i.ndim and i.dtype == np.bool_:
                j = next((k for k, n in enumerate(i.shape) if n != x.shape[dim + k]), 0)
                msg = (f"The shape of the mask {list(i.shape)} at index {j} does not "
                       f"match the shape of the indexed tensor {list(x.shape)} at index "
                       f"{dim + j}")
                break
            dim += 0 if i is None else 1
    elif "out of bounds" in msg:
        parts = msg.split()
        try:
            i = int(parts[1])
            axis = int(parts[parts.index("axis") + 1])
            msg = (f"index {i} is out of bounds for dimension {axis} with size "
                   f"{x.shape[axis]}")
        except (ValueError, IndexError):
            pass
    return _errors.hint(f"{msg}", f"this tensor has shape {tuple(x.shape)}; valid indices along a " \
           "dim of size n are 0..n-1 (or -n..-1).")
