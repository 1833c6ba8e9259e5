"""Counting and locating values: histc, bincount, bucketize, searchsorted, isin,
unique_consecutive.

These answer "how many" and "where would it go" with integer (or count) results, so
none of them has a gradient, as in PyTorch.
Chapter 03 (reductions) opens this file.
"""
import numpy as np

from teachtorch import _backend, _checks, _errors
from teachtorch.ops._util import is_tensor, make, write_out


def _host(x):
    """A tensor's values as a NumPy array (a number becomes a 0-d array)."""
    return _backend.to_numpy(x._data) if is_tensor(x) else np.asarray(x)


def _like(array, ref):
    t = make(np.ascontiguousarray(array))
    return t.to(ref.device) if is_tensor(ref) and ref.is_cuda else t


def histc(input, bins=100, min=0, max=0, *, out=None):
    """Counts of values in equal-width bins between min and max (data range if equal).

    Values outside [min, max] are not counted. Mirrors: torch.histc
    """
    x = _host(input)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(_errors.hint(
            f"\"histogram_cpu\" not implemented for '{input.dtype.legacy_name[:-6]}'",
            "histc counts float values; call input.float() first."))
    lo, hi = float(min), float(max)
    if lo == hi and x.size:
        lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise RuntimeError(_errors.hint("max must be larger than min",
                                        "give min < max, or both 0 for the data range."))
    counts, _ = np.histogram(x[(x >= lo) & (x <= hi)], bins=bins, range=(lo, hi))
    r = _like(counts.astype(x.dtype), input)
    return r if out is None else write_out(out, r)


def bincount(input, weights=None, minlength=0):
    """How often each non-negative integer occurs (or the sum of its weights).

    Mirrors: torch.bincount
    """
    x = _host(input)
    if input.dtype.category != 1:
        _checks.not_implemented("bincount_cpu", input)
    if x.ndim != 1:
        raise RuntimeError(_errors.hint(
            "bincount only supports 1-d non-negative integral inputs.",
            "give a 1-D tensor of class labels (int64)."))
    if x.size and x.min() < 0:
        raise RuntimeError(_errors.hint(
            "bincount only supports 1-d non-negative integral inputs.",
            "labels must be >= 0."))
    if weights is None:
        return _like(np.bincount(x, minlength=minlength).astype(np.int64), input)
    w = _host(weights)
    out_dtype = w.dtype if w.dtype.kind == "f" else np.float64
    return _like(np.bincount(x, w, minlength=minlength).astype(out_dtype), input)


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None,
                 sorter=None, out=None):
    """Where each value would be inserted to keep each row of sorted_sequence sorted.

    Mirrors: torch.searchsorted
    """
    if side is not None:
        right = side == "right"
    seq = _host(sorted_sequence)
    if sorter is not None:
        seq = np.take_along_axis(seq, _host(sorter), -1)
    values = _host(input)
    side_name = "right" if right else "left"
    if seq.ndim <= 1:
        idx = np.searchsorted(seq, values, side=side_name)
    else:
        if seq.shape[:-1] != values.shape[:-1]:
            raise RuntimeError(_errors.hint(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the "
                "first N-1 dimensions of boundaries tensor and input value tensor must "
                f"match, but we got boundaries tensor {list(seq.shape)} and input value "
                f"tensor {list(values.shape)}",
                "each row of the boundaries is searched with the matching row of "
                "values."))
        rows_s = seq.reshape(-1, seq.shape[-1])
        rows_v = values.reshape(-1, values.shape[-1])
        idx = np.stack([np.searchsorted(s, v, side=side_name)
                        for s, v in zip(rows_s, rows_v)]).reshape(values.shape)
    idx = np.asarray(idx).astype(np.int32 if out_int32 else np.int64)
    r = _like(idx, input if is_tensor(input) else sorted_sequence)
    return r if out is None else write_out(out, r)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The bucket index of each value: boundaries[i-1] < x <= boundaries[i].

    right=True: boundaries[i-1] <= x < boundaries[i]. Mirrors: torch.bucketize
    """
    if is_tensor(boundaries) and boundaries.dim() != 1:
        raise RuntimeError(_errors.hint(
            f"boundaries tensor must be 1 dimension, but got dim({boundaries.dim()})",
            "bucketize takes one sorted list of boundaries; see searchsorted for "
            "rows."))
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """True where an element of elements occurs in test_elements. Mirrors: torch.isin"""
    r = np.isin(_host(elements), _host(test_elements), assume_unique=assume_unique,
                invert=invert)
    return _like(np.asarray(r), elements if is_tensor(elements) else test_elements)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal neighbours to one value (like the Unix uniq).

    Mirrors: torch.unique_consecutive
    """
    x = _host(input)
    if dim is None:
        flat = x.reshape(-1)
        starts = np.ones(flat.shape, bool)
        starts[1:] = flat[1:] != flat[:-1]
        values = flat[starts]
        inverse = (np.cumsum(starts) - 1).reshape(x.shape)
    else:
        moved = np.moveaxis(x, dim, 0).reshape(x.shape[dim], -1)
        starts = np.ones(moved.shape[0], bool)
        starts[1:] = np.any(moved[1:] != moved[:-1], axis=1)
        values = np.moveaxis(np.moveaxis(x, dim, 0)[starts], 0, dim)
        inverse = np.cumsum(starts) - 1
    counts = np.diff(np.append(np.flatnonzero(starts), starts.size))
    out = [_like(values, input)]
    if return_inverse:
        out.append(_like(inverse.astype(np.int64), input))
    if return_counts:
        out.append(_like(counts.astype(np.int64), input))
    return out[0] if len(out) == 1 else tuple(out)



def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """(hist, bin_edges) of input's values, like numpy.histogram.

    Mirrors: torch.histogram
    """
    from collections import namedtuple

    x = _host(input)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(_errors.hint(
            f"\"histogram_cpu\" not implemented for '{input.dtype.legacy_name[:-6]}'",
            "histogram counts float values; call input.float() first."))
    edges = _host(bins) if is_tensor(bins) else bins
    w = None if weight is None else _host(weight)
    hist, bin_edges = np.histogram(x, bins=edges, range=range, weights=w,
                                   density=density)
    result = namedtuple("histogram", ["hist", "bin_edges"])
    return result(_like(hist.astype(x.dtype), input), _like(bin_edges.astype(x.dtype),
                                                            input))
