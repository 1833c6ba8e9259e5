"""Shape, stride, offset: where each element of a view lives in its storage
(what StorageView shows).

A tensor is a flat storage plus (offset, shape, stride): element [i, j] lives at
storage index offset + i*stride[0] + j*stride[1]. A view (t(), a slice, expand) only
changes those three numbers; the storage is shared. Works on teachtorch and torch
tensors alike (it only calls shape, stride(), storage_offset(), untyped_storage()).

Chapter 02 (views, indexing, storage) opens this file.
"""
import numpy as np


def storage_indices(shape, stride, offset):
    """The storage index of every element, as an array of the view's shape.

    Math: index[i0, i1, ...] = offset + sum_k i_k * stride[k]
    Mirrors: how torch.as_strided reads memory
    """
    idx = np.full(tuple(shape), offset, dtype=np.int64)
    for k, (n, s) in enumerate(zip(shape, stride)):
        axis = [1] * len(shape)
        axis[k] = n
        idx = idx + (np.arange(n, dtype=np.int64) * s).reshape(axis)
    return idx


def describe(t):
    """shape, stride, offset, contiguity and storage size of one tensor."""
    storage = t.untyped_storage()
    return {"shape": tuple(int(n) for n in t.shape),
            "stride": tuple(int(s) for s in t.stride()),
            "offset": int(t.storage_offset()),
            "contiguous": bool(t.is_contiguous()),
            "storage_size": int(storage.nbytes() // t.element_size())}


def shares_storage(a, b):
    """True when a and b read the same storage (a write to one shows in the other)."""
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def compare(base, view):
    """What a view expression did to the base: both descriptions, shared memory, the
    storage index of every view element, and whether it was a copy.

    Returns a dict: base, view (see describe), shares (bool), indices (list, the
    view's shape), used (sorted storage indices the view reads), repeated (bool: some
    storage cell is read twice, e.g. expand).
    """
    b, v = describe(base), describe(view)
    idx = storage_indices(v["shape"], v["stride"], v["offset"])
    used = sorted({int(i) for i in idx.ravel().tolist()})
    return {"base": b, "view": v, "shares": shares_storage(base, view),
            "indices": idx.tolist(), "used": used,
            "repeated": len(used) < idx.size}
