"""Fast adaptive pooling kernels on arrays (the math is in ``ops/pool_adaptive.py``).

Average pooling is two small matrix products with averaging matrices; max pooling
gathers every window (padded to the longest one by repeating its last pixel) and
takes the argmax. With ``create_graph=True`` the Functions hand over to the
reference's backward, written with differentiable calls.
"""
import numpy as np

from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels.conv import wrap
from teachtorch.ops.window_size import adaptive_window_index, averaging_matrix


class AdaptiveAvgPool2d(Function):
    """Adaptive average pooling as A_h @ x @ A_w.T on arrays (the fast kernel).

    Mirrors: torch.nn.functional.adaptive_avg_pool2d, grad_fn AdaptiveAvgPool2DBackward0
    """
    _raw = True
    node_name = "AdaptiveAvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out):
        xp = get_array_module(x)
        ah = xp.asarray(averaging_matrix(x.shape[-2], out[0]).astype(x.dtype))
        aw = xp.asarray(averaging_matrix(x.shape[-1], out[1]).astype(x.dtype))
        ctx.mats = (ah, aw)
        return xp.matmul(xp.matmul(ah, x), aw.T)

    @staticmethod
    def backward(ctx, grad_output):
        ah, aw = ctx.mats
        if grad_mode.is_grad_enabled():  # create_graph=True: the readable backward
            from teachtorch.ops.pool_adaptive import adaptive_avg_backward

            return adaptive_avg_backward(grad_output, wrap(ah), wrap(aw))
        xp = get_array_module(ah)
        return wrap(xp.matmul(xp.matmul(ah.T, grad_output._data), aw))


def _scatter_to_input(grad, indices, in_shape):
    """dx[n, c, idx] += grad (flat H*W indices; a pixel can be the max of 2 windows)."""
    xp = get_array_module(grad)
    nc = int(np.prod(in_shape[:-2]))
    hw = in_shape[-2] * in_shape[-1]
    flat = (indices.reshape(nc, -1) + (xp.arange(nc) * hw)[:, None]).ravel()
    dx = xp.bincount(flat, weights=grad.ravel(), minlength=nc * hw)
    return dx.astype(grad.dtype).reshape(in_shape)


class AdaptiveMaxPool2d(Function):
    """Adaptive max pooling by gathering the windows on arrays (the fast kernel).

    Mirrors: torch.nn.functional.adaptive_max_pool2d, grad_fn AdaptiveMaxPool2DBackward0
    """
    _raw = True
    node_name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out):
        xp = get_array_module(x)
        x4 = x[None] if x.ndim == 3 else x
        h, w = x4.shape[2:]
        rows, cols = (adaptive_window_index(n, o) for n, o in zip((h, w), out))
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
        if grad_mode.is_grad_enabled():  # create_graph=True: the readable backward
            from teachtorch.ops.pool_adaptive import adaptive_max_backward

            return adaptive_max_backward(grad_output, wrap(ctx.indices), ctx.in_shape)
        return wrap(_scatter_to_input(grad_output._data, ctx.indices, ctx.in_shape))
