"""Adaptive pooling: windows chosen so that the output has a fixed size.

Window i along an axis of length L covers [floor(i*L/out), ceil((i+1)*L/out)), so
neighbouring windows may overlap by a pixel. Average pooling is then two small matrix
products; max pooling gathers every window (padded to the longest one by repeating
its last pixel) and takes the argmax.
Chapter 11 (Inception, ResNet) uses these for its global pooling.
"""
import numpy as np

from teachtorch import _checks
from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function
from teachtorch.ops.conv import _no_double_backward, _wrap


def _adaptive_bounds(size, out):
    """Window i covers [floor(i*L/out), ceil((i+1)*L/out))."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def _averaging_matrix(xp, size, out, dtype):
    """A (out, size) matrix whose row i averages adaptive window i."""
    start, end = _adaptive_bounds(size, out)
    j = np.arange(size)
    inside = (j >= start[:, None]) & (j < end[:, None])
    return xp.asarray((inside / (end - start)[:, None]).astype(dtype))


class AdaptiveAvgPool2d(Function):
    """Average pooling whose windows are chosen to give a fixed output size.

    Math: y = A_h @ x @ A_w.T with averaging matrices A;  dx = A_h.T @ dy @ A_w
    Mirrors: torch.nn.functional.adaptive_avg_pool2d, grad_fn AdaptiveAvgPool2DBackward0
    """
    _raw = True
    node_name = "AdaptiveAvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out):
        xp = get_array_module(x)
        ah = _averaging_matrix(xp, x.shape[-2], out[0], x.dtype)
        aw = _averaging_matrix(xp, x.shape[-1], out[1], x.dtype)
        ctx.mats = (ah, aw)
        return xp.matmul(xp.matmul(ah, x), aw.T)

    @staticmethod
    def backward(ctx, grad_output):
        _no_double_backward("adaptive_avg_pool2d")
        ah, aw = ctx.mats
        xp = get_array_module(ah)
        return _wrap(xp.matmul(xp.matmul(ah.T, grad_output._data), aw))


def _window_index(size, out):
    """(out, kmax) input positions of each adaptive window (the last one repeated)."""
    start, end = _adaptive_bounds(size, out)
    k = int((end - start).max())
    return np.minimum(start[:, None] + np.arange(k)[None, :], end[:, None] - 1)


def _scatter_to_input(grad, indices, in_shape):
    """dx[n, c, idx] += grad (flat H*W indices; a pixel can be the max of 2 windows)."""
    xp = get_array_module(grad)
    nc = int(np.prod(in_shape[:-2]))
    hw = in_shape[-2] * in_shape[-1]
    flat = (indices.reshape(nc, -1) + (xp.arange(nc) * hw)[:, None]).ravel()
    dx = xp.bincount(flat, weights=grad.ravel(), minlength=nc * hw)
    return dx.astype(grad.dtype).reshape(in_shape)


class AdaptiveMaxPool2d(Function):
    """Max pooling whose windows are chosen to give a fixed output size.

    Math: y = max over adaptive window;  dx = dy at each window's argmax
    Mirrors: torch.nn.functional.adaptive_max_pool2d, grad_fn AdaptiveMaxPool2DBackward0
    """
    _raw = True
    node_name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out):
        xp = get_array_module(x)
        x4 = x[None] if x.ndim == 3 else x
        h, w = x4.shape[2:]
        rows, cols = (_window_index(n, o) for n, o in zip((h, w), out))
        win = x4[:, :, xp.asarray(rows[:, :, None, None]),
                 xp.asarray(cols[None, None, :, :])]
        win = win.transpose(0, 1, 2, 4, 3, 5).reshape(*x4.shape[:2], *out, -1)
        arg = win.argmax(axis=-1)
        y = xp.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
        ki, kj = xp.divmod(arg, cols.shape[1])
        r = xp.asarray(rows)[xp.arange(out[0])[:, None], ki]
        c = xp.asarray(cols)[xp.arange(out[1]), kj]
        idx = r * w + c
        ctx.indices, ctx.in_shape = idx, x.shape
        shape = y.shape[1:] if x.ndim == 3 else y.shape
        return y.reshape(shape), idx.reshape(shape)

    @staticmethod
    def backward(ctx, grad_output, grad_indices=None):
        _no_double_backward("adaptive_max_pool2d")
        return _wrap(_scatter_to_input(grad_output._data, ctx.indices, ctx.in_shape))


def _adaptive_size(input, output_size):
    size = (output_size, output_size) if isinstance(output_size, int) else output_size
    return tuple(input.shape[-2 + i] if s is None else s for i, s in enumerate(size))


def adaptive_avg_pool2d(input, output_size):
    """Average-pool to a fixed (OH, OW).

    Mirrors: torch.nn.functional.adaptive_avg_pool2d
    """
    _checks.adaptive_size("adaptive_avg_pool2d", output_size, 2)
    out = _adaptive_size(input, output_size)
    if out == (1, 1):   # PyTorch takes a plain mean here (grad_fn MeanBackward1)
        return input.mean((-2, -1), keepdim=True)
    return AdaptiveAvgPool2d.apply(input, out)


def adaptive_avg_pool1d(input, output_size):
    """Average-pool (N, C, L) to a fixed length. Mirrors: F.adaptive_avg_pool1d"""
    out = (1, output_size[0] if isinstance(output_size, (tuple, list)) else output_size)
    return AdaptiveAvgPool2d.apply(input.unsqueeze(-2), out).squeeze(-2)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max-pool to a fixed (OH, OW). Mirrors: torch.nn.functional.adaptive_max_pool2d"""
    out = _adaptive_size(input, output_size)
    if 0 in out:  # an empty output, as PyTorch returns
        return (input[..., :0, :0], input[..., :0, :0].long()) if return_indices \
            else input[..., :0, :0]
    y, idx = AdaptiveMaxPool2d.apply(input, out)
    return (y, idx) if return_indices else y
