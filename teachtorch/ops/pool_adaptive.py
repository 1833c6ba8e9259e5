"""Adaptive pooling: windows chosen so that the output has a fixed size.

Window i along an axis of length L covers [floor(i*L/out), ceil((i+1)*L/out)), so
neighbouring windows may overlap by a pixel (``window_size.adaptive_bounds``).
Average pooling is then two small matrix products, y = A_h @ x @ A_w.T, where row i
of A averages window i; its backward is the transposed products. Max pooling gathers
every window (padded to the longest one by repeating its last pixel) and takes the
max; its backward adds dy at each maximum (a scatter-add: windows may share one).

The classes below are the reference in Tensor ops; by default the fast kernels in
``_kernels/pool_adaptive.py`` run (same numbers, on arrays).
Chapter 11 (Inception, ResNet) uses these for its global pooling.
"""
from teachtorch import _checks
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels import pool_adaptive as fast
from teachtorch.ops.window_size import adaptive_window_index, averaging_matrix
from teachtorch.reference import is_reference_mode


def _constant(array, like):
    """A NumPy array as a Tensor with like's dtype and device."""
    from teachtorch import creation

    return creation.tensor(array, dtype=like.dtype, device=like.device)


class AdaptiveAvgPool2dReference(Function):
    """Average pooling whose windows are chosen to give a fixed output size.

    Math: y = A_h @ x @ A_w.T with averaging matrices A;  dx = A_h.T @ dy @ A_w
    Mirrors: torch.nn.functional.adaptive_avg_pool2d, grad_fn AdaptiveAvgPool2DBackward0
    """
    node_name = "AdaptiveAvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out):
        ah = _constant(averaging_matrix(x.shape[-2], out[0]), x)     # (OH, H)
        aw = _constant(averaging_matrix(x.shape[-1], out[1]), x)     # (OW, W)
        ctx.mats = (ah, aw)
        return ah @ x @ aw.T

    @staticmethod
    def backward(ctx, grad_output):
        return adaptive_avg_backward(grad_output, *ctx.mats), None


def adaptive_avg_backward(grad_output, ah, aw):
    """dx = A_h.T @ dy @ A_w: each window's gradient shared out over its pixels."""
    return ah.T @ grad_output @ aw


class AdaptiveMaxPool2dReference(Function):
    """Max pooling whose windows are chosen to give a fixed output size.

    Math: y = max over adaptive window;  dx = dy at each window's argmax
    Mirrors: torch.nn.functional.adaptive_max_pool2d, grad_fn AdaptiveMaxPool2DBackward0
    """
    node_name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out):
        from teachtorch import creation

        h, w = x.shape[-2:]
        rows = creation.tensor(adaptive_window_index(h, out[0]), device=x.device)
        cols = creation.tensor(adaptive_window_index(w, out[1]), device=x.device)
        pick = (..., rows[:, :, None, None], cols[None, None, :, :])
        win = x[pick].transpose(-3, -2)               # (.., OH, OW, kh, kw)
        y, arg = win.reshape(*win.shape[:-2], -1).max(-1)
        # each pixel's flat index h*W + w, cut into the same windows, says where
        where = creation.arange(h * w, device=x.device).reshape(h, w)[pick]
        where = where.transpose(-3, -2).reshape(*out, -1).expand(*arg.shape, -1)
        index = where.gather(-1, arg.unsqueeze(-1)).squeeze(-1)
        ctx.index, ctx.in_shape = index, x.shape
        return y, index

    @staticmethod
    def backward(ctx, grad_output, grad_indices=None):
        return adaptive_max_backward(grad_output, ctx.index, ctx.in_shape), None


def adaptive_max_backward(grad_output, index, in_shape):
    """dx: dy added at each window's max (index: its flat H*W position).

    A scatter-add, since neighbouring adaptive windows can share their maximum.
    """
    from teachtorch import creation

    h, w = in_shape[-2:]
    g = grad_output.reshape(-1, grad_output.shape[-2] * grad_output.shape[-1])
    dx = creation.zeros(g.shape[0], h * w, dtype=g.dtype, device=g.device)
    return dx.scatter_add(1, index.reshape(g.shape), g).reshape(in_shape)


def _adaptive_avg(input, out):
    op = AdaptiveAvgPool2dReference if is_reference_mode() else fast.AdaptiveAvgPool2d
    return op.apply(input, out)


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
    return _adaptive_avg(input, out)


def adaptive_avg_pool1d(input, output_size):
    """Average-pool (N, C, L) to a fixed length. Mirrors: F.adaptive_avg_pool1d"""
    out = (1, output_size[0] if isinstance(output_size, (tuple, list)) else output_size)
    return _adaptive_avg(input.unsqueeze(-2), out).squeeze(-2)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max-pool to a fixed (OH, OW). Mirrors: torch.nn.functional.adaptive_max_pool2d"""
    out = _adaptive_size(input, output_size)
    if 0 in out:  # an empty output, as PyTorch returns
        return (input[..., :0, :0], input[..., :0, :0].long()) if return_indices \
            else input[..., :0, :0]
    op = AdaptiveMaxPool2dReference if is_reference_mode() else fast.AdaptiveMaxPool2d
    y, idx = op.apply(input, out)
    return (y, idx) if return_indices else y


adaptive_avg_pool2d.__reference__ = AdaptiveAvgPool2dReference
adaptive_avg_pool1d.__reference__ = AdaptiveAvgPool2dReference
adaptive_max_pool2d.__reference__ = AdaptiveMaxPool2dReference
