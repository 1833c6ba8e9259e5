"""The values of torch.arange with a float step, bit for bit as PyTorch's CPU kernel.

PyTorch computes element i as ``start + step * i`` in double precision with a fused
multiply-add (one rounding), except inside its vectorised loop, which runs over pairs
of SIMD vectors (4 doubles or 8 floats each): there each vector starts from
``base = fma(step, k, start)`` (cast to the output dtype) and its lanes are
``fma(j, step, base)`` for j = 0, 1, ... The last ``n % (2 * width)`` elements take the
plain formula. (With several threads PyTorch splits ranges of more than 32768
elements into per-thread chunks, each starting its own vector loop; this follows the
one-thread result.) NumPy has no fma, so it is computed exactly with error-free
transformations (Dekker's product and Knuth's sum) on float64 arrays.
"""
import numpy as np

_SPLIT = 134217729.0  # 2**27 + 1, Dekker's splitter for float64


def _two_product(a, b):
    """a * b = p + e exactly."""
    p = a * b
    ah = a * _SPLIT
    ah = ah - (ah - a)
    al = a - ah
    bh = b * _SPLIT
    bh = bh - (bh - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def _fma(a, b, c):
    """a * b + c rounded once (to within the last bit's rare double-rounding tie)."""
    p, e = _two_product(a, b)
    s = p + c
    bb = s - p
    t = (p - (s - bb)) + (c - bb)  # the exact error of p + c
    return s + (t + e)


def arange_values(start, step, n, np_dtype):
    """n values of arange(start, ..., step) in np_dtype, as PyTorch's CPU kernel."""
    np_dtype = np.dtype(np_dtype)
    i = np.arange(n, dtype=np.float64)
    with np.errstate(all="ignore"):
        out = _fma(np.float64(step), i, np.float64(start))  # the plain formula
        width = {np.dtype(np.float64): 4, np.dtype(np.float32): 8}.get(np_dtype)
        if width is None:
            return out.astype(np_dtype)
        full = n // (2 * width) * (2 * width)
        if full:
            k = np.arange(full) // width * width
            j = (np.arange(full) % width).astype(np.float64)
            base = _fma(np.float64(step), k.astype(np.float64), np.float64(start))
            base = base.astype(np_dtype).astype(np.float64)
            out[:full] = _fma(j, np.float64(step), base)
        return out.astype(np_dtype)
