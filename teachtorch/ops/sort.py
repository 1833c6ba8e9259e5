"""Ordering and finding: sort, argsort, topk, kthvalue, unique, nonzero, one_hot.

``sort``, ``topk`` and ``kthvalue`` return ``(values, indices)`` named tuples like
PyTorch's ``torch.return_types.sort``; the gradient of the values goes back to the
places the indices point at.
Chapter 02 (indexing) opens this file.
"""
import numpy as np

from teachtorch import _backend, _errors
from teachtorch.autograd.function import Function
from teachtorch.ops._util import is_tensor, make, wrap_dim


class _ReturnType(tuple):
    """A (values, indices) pair that prints like torch.return_types.NAME."""
    _name = "sort"

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    @property
    def values(self):
        return self[0]

    @property
    def indices(self):
        return self[1]

    def __repr__(self):
        return (f"torch.return_types.{self._name}(\nvalues={self[0]!r},\n"
                f"indices={self[1]!r})")


def _return_type(name):
    return type(name, (_ReturnType,), {"_name": name, "__slots__": ()})


return_types_sort = _return_type("sort")
return_types_topk = _return_type("topk")
return_types_kthvalue = _return_type("kthvalue")


def _sort_keys(x, descending):
    """Keys whose ascending order is the wanted order (NaN counts as largest)."""
    if x.dtype.kind in "bu":
        x = x.astype(np.int64)
    if not descending:
        return x
    if x.dtype.kind == "f":
        xp = _backend.get_array_module(x)
        return xp.where(xp.isnan(x), -np.inf, -x)
    return -x


class Pick(Function):
    """Values taken from x at precomputed indices along dim (sort/topk/kthvalue).

    Math: y = gather(x, dim, idx);  dL/dx = zeros with dL/dy placed at idx
    Mirrors: the values output of torch.sort / topk / kthvalue
    """
    _raw = True
    node_name = "SortBackward0"

    @staticmethod
    def forward(ctx, x, dim, idx, keepdim):
        ctx.shape, ctx.dim, ctx.idx, ctx.keepdim = x.shape, dim, idx, keepdim
        xp = _backend.get_array_module(x)
        out = xp.take_along_axis(x, idx, axis=dim)
        return out if keepdim else xp.squeeze(out, axis=dim)

    @staticmethod
    def backward(ctx, grad_output):
        from teachtorch.ops.gather import ScatterAdd

        g = grad_output if ctx.keepdim else grad_output.unsqueeze(ctx.dim)
        zeros = make(_backend.get_array_module(g._data).zeros(ctx.shape, g._data.dtype))
        return ScatterAdd.apply(zeros, ctx.dim, ctx.idx, g)


class PickTopk(Pick):
    node_name = "TopkBackward0"


class PickKth(Pick):
    node_name = "KthvalueBackward0"


def _order(input, dim, descending, stable=True):
    x = input._data
    if x.ndim == 0:
        return x.reshape(1), 0
    xp = _backend.get_array_module(x)
    return xp.argsort(_sort_keys(x, descending), axis=dim, kind="stable"), dim


def sort(input, dim=-1, descending=False, stable=False):
    """Values in order along dim, and where each came from. Mirrors: torch.sort"""
    d = wrap_dim(dim, max(input.dim(), 1)) if input.dim() else 0
    if input.dim() == 0:
        return return_types_sort(input.clone(), make(np.zeros((), np.int64)))
    idx, _ = _order(input, d, descending)
    return return_types_sort(Pick.apply(input, d, idx, True), make(idx.astype(np.int64)))


def argsort(input, dim=-1, descending=False, stable=False):
    """Only the indices of sort. Mirrors: torch.argsort"""
    return sort(input, dim, descending, stable)[1]


def msort(input):
    return sort(input, 0)[0]


def topk(input, k, dim=-1, largest=True, sorted=True):
    """The k largest (or smallest) along dim, with their indices. Mirrors: torch.topk"""
    d = wrap_dim(dim, max(input.dim(), 1)) if input.dim() else 0
    n = input.shape[d] if input.dim() else 1
    if not 0 <= k <= n:
        raise RuntimeError(_errors.hint("selected index k out of range", "k must be between 0 "
                           f"and {n} (the size of dim {d})."))
    if input.dim() == 0:
        return return_types_topk(input.clone(), make(np.zeros((), np.int64)))
    idx, _ = _order(input, d, largest)
    idx = idx[(slice(None),) * d + (slice(0, k),)]
    return return_types_topk(PickTopk.apply(input, d, idx, True),
                             make(idx.astype(np.int64)))


def kthvalue(input, k, dim=-1, keepdim=False):
    """The k-th smallest value along dim (k counts from 1). Mirrors: torch.kthvalue"""
    d = wrap_dim(dim, max(input.dim(), 1)) if input.dim() else 0
    n = input.shape[d] if input.dim() else 1
    if not 1 <= k <= n:
        raise RuntimeError(_errors.hint("kthvalue(): selected number k out of range for dimension "
                           f"{d}", f"k counts from 1 to {n}."))
    if input.dim() == 0:
        return return_types_kthvalue(input.clone(), make(np.zeros((), np.int64)))
    idx, _ = _order(input, d, False)
    idx = idx[(slice(None),) * d + (slice(k - 1, k),)]
    values = PickKth.apply(input, d, idx, keepdim)
    idx = idx if keepdim else idx.squeeze(d)
    return return_types_kthvalue(values, make(idx.astype(np.int64)))


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values (sorted), optionally with inverse indices and counts.

    No gradient. Mirrors: torch.unique
    """
    x = _backend.to_numpy(input._data)
    if dim is None:
        vals, inv, counts = np.unique(x.reshape(-1), return_inverse=True,
                                      return_counts=True)
        inv = inv.reshape(x.shape)
    else:
        d = wrap_dim(dim, input.dim())
        vals, inv, counts = np.unique(x, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    if input.is_cuda:  # computed on the host; the results go back to input's GPU
        gpu = input.device.index
        vals, inv, counts = (_backend.to_cupy(a, gpu) for a in (vals, inv, counts))
    out = [make(vals)]
    if return_inverse:
        out.append(make(inv.astype(np.int64)))
    if return_counts:
        out.append(make(counts.astype(np.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements: (n, dims) int64, or a tuple of 1-D tensors.

    Mirrors: torch.nonzero
    """
    xp = _backend.get_array_module(input._data)
    if input.dim() == 0:  # a 0-d tensor has one element and no dims to index
        n = int(bool(input._data))
        if as_tuple:
            return (make(xp.zeros(n, np.int64)),)
        return make(xp.zeros((n, 0), np.int64))
    found = xp.nonzero(input._data)
    if as_tuple:
        return tuple(make(i.astype(np.int64)) for i in found)
    return make(xp.stack(found, axis=1).astype(np.int64) if found else
                xp.zeros((0, 0), np.int64))


def argwhere(input):
    return nonzero(input)


def one_hot(tensor, num_classes=-1):
    """Class indices -> rows of 0/1 with a 1 at each index (int64).

    Mirrors: torch.nn.functional.one_hot
    """
    if not is_tensor(tensor) or tensor.dtype.name != "int64":
        raise RuntimeError(_errors.hint("one_hot is only applicable to index tensor of type LongTensor.", "convert the labels first: labels.long()."))
    data = tensor._data
    xp = _backend.get_array_module(data)
    if data.size and data.min() < 0:
        raise RuntimeError(_errors.hint("Class values must be non-negative.", "labels are class "
                           "numbers 0..C-1."))
    if num_classes == -1:
        num_classes = int(data.max()) + 1 if data.size else 0
    elif data.size and data.max() >= num_classes:
        raise RuntimeError(_errors.hint("Class values must be smaller than num_classes.", "the "
                           f"largest label is {int(data.max())}; num_classes must be "
                           "larger than it."))
    out = (data[..., None] == xp.arange(num_classes)).astype(np.int64)
    return make(out)
