"""How many windows fit: the output-size formulas of convolution, unfold and pooling.

Chapter 10 (CNN basics) works these out by hand; ``widgets.ConvWindowView`` shows them.
"""


def out_size(size, k, stride, pad_lo, pad_hi, dilation):
    """Output length along one axis: floor((L + pads - d*(k-1) - 1) / s) + 1."""
    return (size + pad_lo + pad_hi - dilation * (k - 1) - 1) // stride + 1


def pool_out_size(size, k, stride, pad, dilation, ceil_mode):
    """PyTorch's pooling output length, with ceil_mode's rule.

    Math: out = floor_or_ceil((L + 2p - d*(k-1) - 1) / s) + 1, and with ceil_mode the
          last window must start inside the input or the left padding:
          if (out - 1) * s >= L + p then out -= 1
    """
    span = size + 2 * pad - dilation * (k - 1) - 1 + (stride - 1 if ceil_mode else 0)
    out = span // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out


def padded_size(shape, kernel, stride, pad, dilation, out):
    """(Hp, Wp): the input plus padding, plus room for ceil_mode's last window."""
    return tuple(max(size + 2 * p, (o - 1) * s + d * (k - 1) + 1)
                 for size, k, s, p, d, o in zip(shape, kernel, stride, pad, dilation,
                                                out))


# ----- adaptive pooling: windows chosen so that the output has a fixed size ---------
def adaptive_bounds(size, out):
    """Window i along an axis covers [floor(i*L/out), ceil((i+1)*L/out))."""
    import numpy as np

    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def averaging_matrix(size, out):
    """A NumPy (out, size) float64 matrix whose row i averages adaptive window i."""
    import numpy as np

    start, end = adaptive_bounds(size, out)
    j = np.arange(size)
    inside = (j >= start[:, None]) & (j < end[:, None])
    return inside / (end - start)[:, None]


def adaptive_window_index(size, out):
    """(out, kmax) input positions of each adaptive window (its last one repeated)."""
    import numpy as np

    start, end = adaptive_bounds(size, out)
    k = int((end - start).max())
    return np.minimum(start[:, None] + np.arange(k)[None, :], end[:, None] - 1)
