"""Pooling: max/avg pool 1d/2d and max_unpool2d (adaptive pools: pool_adaptive.py).

A pooling layer slides a kh x kw window over the (padded) input, like a convolution
without weights, and keeps the largest value of each window (max) or their mean
(avg). ``windows`` (``unfold.py``) reads pixel (i, j) of every window at once as one
strided slice, so the windows of an image are kh*kw such slabs, and pooling is one
max or one mean over the slab axis.

Backward: max pooling sends each window's gradient to the one slot that held its
maximum, avg pooling spreads it evenly over the window; either way the windows'
gradients are then added back where the windows were read from (fold, the
transpose of reading windows). max_unpool2d puts values back at indices (a
scatter), so its backward is a gather.

The classes below are the reference, in plain Tensor ops; by default the fast
kernels in ``_kernels/pool.py`` run instead (same numbers, on arrays, without the
one-hot columns); ``with teachtorch.reference_mode():`` runs these.
``max_pool2d_naive`` is the same computation as loops over windows.
Chapter 10 (CNN basics) opens this file.
"""
import numpy as np

from teachtorch import _arg_types, _checks, _errors
from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels import pool as fast
from teachtorch.ops.conv_args import pair as _pair
from teachtorch.ops.unfold import fold_columns, windows
from teachtorch.ops.window_size import padded_size, pool_out_size
from teachtorch.reference import is_reference_mode


def _pad_to(x, pad, size, value):
    """x padded by pad on the top/left and up to size on the bottom/right."""
    from teachtorch.nn.functional import pad as F_pad

    h, w = x.shape[2:]
    return F_pad(x, (pad[1], size[1] - w - pad[1], pad[0], size[0] - h - pad[0]),
                 value=value)


def _np_name(t):
    return str(t.dtype).replace("torch.", "")      # torch.int8 -> "int8"


def _batched(t):
    return t.unsqueeze(0) if t.dim() == 3 else t


class MaxPool2dReference(Function):
    """The largest value of each window, and where it was.

    Math: y = max over the window;  dx = dy at the argmax of each window, 0 elsewhere
    Mirrors: torch.nn.functional.max_pool2d, grad_fn MaxPool2DWithIndicesBackward0
    """
    node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pad, dilation, out, return_indices):
        x4 = _batched(x)
        size = padded_size(x4.shape[2:], kernel, stride, pad, dilation, out)
        lowest = -np.inf if x.is_floating_point() else np.iinfo(_np_name(x)).min
        slabs = windows(_pad_to(x4, pad, size, lowest), kernel, dilation, stride, out)
        y, arg = slabs.max(2)          # each window's max, and its slot k = i*kw + j
        ctx.arg, ctx.geometry = arg, (x4.shape, kernel, stride, pad, dilation, out)
        y = y.squeeze(0) if x.dim() == 3 else y
        if not return_indices:
            return y
        return y, flat_index(arg, x4.shape[3], kernel, stride, pad, dilation,
                             out).reshape(y.shape)

    @staticmethod
    def backward(ctx, grad_output, grad_indices=None):
        return max_pool_backward(grad_output, ctx.arg, *ctx.geometry)


def max_pool_backward(grad_output, arg, in_shape, kernel, stride, pad, dilation, out):
    """dx: each window's dy sent to the slot that held its max, folded back in place.

    arg (N, C, OH, OW) is that slot, k = i*kw + j; windows that overlap add up.
    """
    from teachtorch import creation

    g = _batched(grad_output)
    n, c = g.shape[:2]
    k = kernel[0] * kernel[1]
    slots = creation.arange(k, device=g.device).reshape(1, 1, k, 1, 1)
    chosen = (slots == arg.unsqueeze(2)).to(g.dtype)             # one-hot over slots
    cols = (g.unsqueeze(2) * chosen).reshape(n, c * k, out[0] * out[1])
    size = padded_size(in_shape[-2:], kernel, stride, pad, dilation, out)
    dx = fold_columns(cols, size, kernel, dilation, (0, 0), stride)
    h, w = in_shape[-2:]
    dx = dx[:, :, pad[0]:pad[0] + h, pad[1]:pad[1] + w]
    return dx.reshape(*grad_output.shape[:-2], h, w)


def flat_index(arg, width, kernel, stride, pad, dilation, out):
    """Slot k = i*kw + j of each window's max -> its flat position row*W + col.

    Math: row = oh*s_h - p_h + i*d_h,  col = ow*s_w - p_w + j*d_w
    """
    from teachtorch import creation

    i, j = arg // kernel[1], arg % kernel[1]
    rows = creation.arange(out[0], device=arg.device).reshape(-1, 1) * stride[0]
    cols = creation.arange(out[1], device=arg.device) * stride[1]
    return (rows - pad[0] + i * dilation[0]) * width + cols - pad[1] + j * dilation[1]


class AvgPool2dReference(Function):
    """The mean of each window (zero padding counted or not).

    Math: y = sum(window) / divisor;  dx[p] = sum over windows w containing p of
          dy[w] / divisor[w]
    Mirrors: torch.nn.functional.avg_pool2d, grad_fn AvgPool2DBackward0
    """
    node_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pad, out, count_include_pad, divisor_override):
        from teachtorch import creation

        x4 = _batched(x)
        size = padded_size(x4.shape[2:], kernel, stride, pad, (1, 1), out)
        sums = windows(_pad_to(x4, pad, size, 0), kernel, (1, 1), stride, out).sum(2)
        if divisor_override:
            divisor = creation.tensor(float(divisor_override), dtype=x.dtype,
                                      device=x.device)
        else:   # count the pixels each window covers: 1 where counted, 0 elsewhere
            reach = pad if count_include_pad else (0, 0)    # does padding count?
            h, w = x4.shape[2:]
            counted = creation.ones(1, 1, h + 2 * reach[0], w + 2 * reach[1],
                                    dtype=x.dtype, device=x.device)
            counted = _pad_to(counted, [p - r for p, r in zip(pad, reach)], size, 0)
            divisor = windows(counted, kernel, (1, 1), stride, out).sum(2)
        ctx.geometry = (x.shape, kernel, stride, pad, out, divisor)
        y = sums / divisor
        return y.squeeze(0) if x.dim() == 3 else y

    @staticmethod
    def backward(ctx, grad_output):
        return avg_pool_backward(grad_output, *ctx.geometry)


def avg_pool_backward(grad_output, in_shape, kernel, stride, pad, out, divisor):
    """dx: dy / divisor spread over each window, summed where windows overlap."""
    g = _batched(grad_output) / divisor
    n, c = g.shape[:2]
    h, w = in_shape[-2:]
    k, n_pos = kernel[0] * kernel[1], out[0] * out[1]
    cols = g.reshape(n, c, 1, n_pos).expand(n, c, k, n_pos).reshape(n, c * k, n_pos)
    size = padded_size((h, w), kernel, stride, pad, (1, 1), out)
    dx = fold_columns(cols, size, kernel, (1, 1), (0, 0), stride)
    return dx[:, :, pad[0]:pad[0] + h, pad[1]:pad[1] + w].reshape(in_shape)


class MaxUnpool2dReference(Function):
    """Put each value back where max_pool2d found it; zeros everywhere else.

    Math: y[idx[p]] = x[p];  dx[p] = dy[idx[p]]
    Mirrors: torch.nn.functional.max_unpool2d, grad_fn MaxUnpool2DBackward0
    """
    node_name = "MaxUnpool2DBackward0"

    @staticmethod
    def forward(ctx, x, indices, out):
        from teachtorch import creation

        x4, i4 = _batched(x), _batched(indices)
        n, c = x4.shape[:2]
        y = creation.zeros(n, c, out[0] * out[1], dtype=x.dtype, device=x.device)
        y = y.scatter(2, i4.reshape(n, c, -1), x4.reshape(n, c, -1))
        ctx.index, ctx.in_shape = indices, x.shape
        y = y.reshape(n, c, *out)
        return y.squeeze(0) if x.dim() == 3 else y

    @staticmethod
    def backward(ctx, grad_output):
        return max_unpool_backward(grad_output, ctx.index, ctx.in_shape), None


def max_unpool_backward(grad_output, index, in_shape):
    """dx: dy read back at the indices the values were put at (a gather)."""
    rows = int(np.prod(in_shape[:-2]))
    g = grad_output.reshape(rows, -1)
    return g.gather(1, index.reshape(rows, -1)).reshape(in_shape)


# ----- the functions learners call --------------------------------------------------
def _check_pool(input, name, kernel, stride, pad, dilation, ceil_mode):
    """Validate settings and return the output size, with PyTorch's errors."""
    if input.dim() not in (3, 4):
        raise RuntimeError(
            _errors.hint("non-empty 3D or 4D (batch mode) tensor expected for input", f"{name} wants (N, C, H, W) or (C, H, W); this input has shape "
            f"{tuple(input.shape)}."))
    for k, p, d in zip(kernel, pad, dilation):
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(
                _errors.hint("pad should be at most half of effective kernel size, but got "
                f"pad={p}, kernel_size={k} and dilation={d}", "padding larger "
                "than half the kernel would make windows that see only padding."))
    size = input.shape[-2:]
    out = tuple(pool_out_size(n, k, s, p, d, ceil_mode)
                for n, k, s, p, d in zip(size, kernel, stride, pad, dilation))
    if min(out) < 1:
        c = input.shape[-3]
        raise RuntimeError(
            _errors.hint(f"Given input size: ({c}x{size[0]}x{size[1]}). Calculated output size: "
            f"({c}x{out[0]}x{out[1]}). Output size is too small", "the window "
            f"{tuple(kernel)} is larger than the (padded) input {tuple(size)}; pool "
            "less, pad more, or check how earlier layers shrank the image."))
    return out


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode=False, return_indices=False):
    """Max over kh x kw windows. Mirrors: torch.nn.functional.max_pool2d"""
    _arg_types.int_args("max_pool2d", kernel_size=kernel_size)
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    pad, dilation = _pair(padding), _pair(dilation)
    _checks.pool2d_args(kernel, stride, pad, dilation)
    out = _check_pool(input, "max_pool2d", kernel, stride, pad, dilation, ceil_mode)
    op = MaxPool2dReference if is_reference_mode() else fast.MaxPool2d
    return op.apply(input, kernel, stride, pad, dilation, out, return_indices)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Mean over kh x kw windows. Mirrors: torch.nn.functional.avg_pool2d"""
    _arg_types.int_args("avg_pool2d", kernel_size=kernel_size)
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    pad = _pair(padding)
    _checks.pool2d_args(kernel, stride, pad, (1, 1), divisor_override)
    if input._data.dtype.kind in "iu":  # PyTorch keeps the integer dtype (truncating)
        return avg_pool2d(input.double(), kernel, stride, pad, ceil_mode,
                          count_include_pad, divisor_override).trunc().to(input.dtype)
    out = _check_pool(input, "avg_pool2d", kernel, stride, pad, (1, 1), ceil_mode)
    op = AvgPool2dReference if is_reference_mode() else fast.AvgPool2d
    return op.apply(input, kernel, stride, pad, out, count_include_pad,
                    divisor_override)


def _one(v):
    return v[0] if isinstance(v, (tuple, list)) else v


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode=False, return_indices=False):
    """Max over windows of a (N, C, L) signal: max_pool2d on a height-1 image."""
    _arg_types.int_args("max_pool1d", kernel_size=kernel_size)
    stride = kernel_size if stride is None or stride == [] else stride
    _checks.max_pool1d_args(_one(kernel_size), _one(stride), _one(padding),
                            _one(dilation))
    if input._data.dtype.kind not in "f":
        _checks.not_implemented("max_pool1d_impl", input)
    res = max_pool2d(input.unsqueeze(-2), (1, _one(kernel_size)), (1, _one(stride)),
                     (0, _one(padding)), (1, _one(dilation)), ceil_mode, return_indices)
    if return_indices:
        return res[0].squeeze(-2), res[1].squeeze(-2)
    return res.squeeze(-2)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """Mean over windows of a (N, C, L) signal: avg_pool2d on a height-1 image."""
    _arg_types.int_args("avg_pool1d", kernel_size=kernel_size)
    stride = kernel_size if stride is None or stride == [] else stride
    return avg_pool2d(input.unsqueeze(-2), (1, _one(kernel_size)), (1, _one(stride)),
                      (0, _one(padding)), ceil_mode, count_include_pad).squeeze(-2)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Undo max_pool2d (the non-max positions become 0). Mirrors: F.max_unpool2d"""
    kernel = _pair(kernel_size)
    stride = kernel if stride is None else _pair(stride)
    pad = _pair(padding)
    if output_size is None:
        out = tuple((n - 1) * s - 2 * p + k for n, k, s, p in
                    zip(input.shape[-2:], kernel, stride, pad))
    else:
        out = tuple(output_size)[-2:]
    bad = indices._data >= out[0] * out[1]
    if bad.any():
        raise RuntimeError(
            _errors.hint(f"Found an invalid max index: {int(indices._data[bad].ravel()[0])} (output "
            f"volumes are of size {out[0]}x{out[1]})", "the indices came from a "
            "larger input than this unpool rebuilds; pass output_size=x.size() of the "
            "tensor that was pooled."))
    op = MaxUnpool2dReference if is_reference_mode() else fast.MaxUnpool2d
    return op.apply(input, indices, out)


def max_pool2d_naive(x, kernel_size, stride=None):
    """max_pool2d as loops over every window (for reading; the fast one is above)."""
    xp = get_array_module(x)
    stride = stride or kernel_size
    n, c, h, w = x.shape
    oh = (h - kernel_size) // stride + 1
    ow = (w - kernel_size) // stride + 1
    y = xp.empty((n, c, oh, ow), x.dtype)
    for i in range(oh):
        for j in range(ow):
            window = x[:, :, i * stride:i * stride + kernel_size,
                       j * stride:j * stride + kernel_size]
            y[:, :, i, j] = window.max(axis=(2, 3))
    return y


max_pool2d.__reference__ = max_pool1d.__reference__ = MaxPool2dReference
avg_pool2d.__reference__ = avg_pool1d.__reference__ = AvgPool2dReference
max_unpool2d.__reference__ = MaxUnpool2dReference

from teachtorch.ops.pool_adaptive import (  # noqa: F401  (re-exported)
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool2d,
)
