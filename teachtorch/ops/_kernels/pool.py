"""Fast pooling kernels: max/avg pooling and max_unpool2d on arrays.

The math is in ``ops/pool.py`` (read that first). Here every pooling window is read
through one ``as_strided`` view of shape (N, C, OH, OW, kh, kw). Pooling then walks
the kh*kw kernel offsets: offset (i, j) is a slab (N, C, OH, OW) holding that pixel
of every window, so a max or a sum over windows is kh*kw element-wise operations on
whole slabs, never a loop over windows. Backward goes the same way: each offset's
slab of gradient is added back onto the pixels it came from (for max pooling only
where that offset held the maximum).

With ``create_graph=True`` the Functions hand over to the reference's backward in
``ops/pool.py``, written with differentiable calls.
"""
import numpy as np

from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels.conv import wrap as _wrap
from teachtorch.ops.window_size import padded_size


def _slabs(x, kernel, stride, pad, dilation, out, fill):
    """The kh*kw offset slabs (N, C, OH, OW) of the windows of x (views, no copies).

    Slab k = i*kw + j holds pixel (i, j) of every window: x[.., y*s + i*d, x*s + j*d].
    """
    xp = get_array_module(x)
    n, c, h, w = x.shape
    hp, wp = padded_size((h, w), kernel, stride, pad, dilation, out)
    if (hp, wp) != (h, w):
        x = xp.pad(x, ((0, 0), (0, 0), (pad[0], hp - h - pad[0]),
                       (pad[1], wp - w - pad[1])), constant_values=fill)
    sn, sc, sh, sw = x.strides
    win = xp.lib.stride_tricks.as_strided(
        x, (n, c, *out, *kernel),
        (sn, sc, sh * stride[0], sw * stride[1], sh * dilation[0], sw * dilation[1]))
    return [win[..., i, j] for i in range(kernel[0]) for j in range(kernel[1])]


def _offset_slices(k, kernel, stride, dilation, out):
    """Where slab k lands in the padded input: (rows, columns) slices."""
    i, j = divmod(k, kernel[1])
    top, left = i * dilation[0], j * dilation[1]
    return (slice(top, top + stride[0] * (out[0] - 1) + 1, stride[0]),
            slice(left, left + stride[1] * (out[1] - 1) + 1, stride[1]))


def _as4d(x):
    return x[None] if x.ndim == 3 else x


def _running_max(slabs):
    """Element-wise max of the slabs, and the first slab k holding it (int8/int32).

    A later slab replaces the best only when strictly greater, so ties keep the
    first. A NaN wins (the last one, as in PyTorch's kernel).
    """
    xp = get_array_module(slabs[0])
    best = slabs[0].copy()
    arg = xp.zeros(best.shape, np.int8 if len(slabs) < 128 else np.int32)
    bigger = xp.empty(best.shape, bool)
    for k in range(1, len(slabs)):
        xp.greater(slabs[k], best, out=bigger)
        xp.maximum(best, slabs[k], out=best)
        # "arg = k where bigger": k exceeds every earlier position, so this is
        # max(arg, k * bigger); arithmetic, where a masked write would stall the CPU
        # on branches it cannot predict (about 50x slower on random data)
        xp.maximum(arg, xp.multiply(bigger, arg.dtype.type(k)), out=arg)
    if best.dtype.kind == "f" and xp.isnan(best).any():
        for k, v in enumerate(slabs):
            arg = xp.where(xp.isnan(v), arg.dtype.type(k), arg)
    return best, arg


def _flat_index(arg, width, kernel, stride, pad, dilation, out):
    """Window position k = i*kw + j of each max -> flat index row*W + col in the input.

    Math: row = oh*s_h - p_h + i*d_h,  col = ow*s_w - p_w + j*d_w
    """
    xp = get_array_module(arg)
    i, j = divmod(xp.arange(kernel[0] * kernel[1]), kernel[1])
    offset = i * dilation[0] * width + j * dilation[1]               # per kernel slot
    rows = xp.arange(out[0]) * stride[0] - pad[0]
    cols = xp.arange(out[1]) * stride[1] - pad[1]
    start = rows[:, None] * width + cols[None, :]                      # per window
    return start + offset[arg]


class MaxPool2d(Function):
    """The largest value of each window, and where it was.

    Math: y = max over the window;  dx = dy at the argmax of each window, 0 elsewhere
    Mirrors: torch.nn.functional.max_pool2d, grad_fn MaxPool2DWithIndicesBackward0
    """
    _raw = True
    node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pad, dilation, out, return_indices):
        x4 = _as4d(x)
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        y, arg = _running_max(_slabs(x4, kernel, stride, pad, dilation, out, fill))
        ctx.arg, ctx.in_shape = arg, x4.shape
        ctx.geometry = (kernel, stride, pad, dilation, out)
        shape = y.shape[1:] if x.ndim == 3 else y.shape
        if not return_indices:
            return y.reshape(shape)
        idx = _flat_index(arg, x4.shape[3], kernel, stride, pad, dilation, out)
        return y.reshape(shape), idx.reshape(shape)

    @staticmethod
    def backward(ctx, grad_output, grad_indices=None):
        kernel, stride, pad, dilation, out = ctx.geometry
        if grad_mode.is_grad_enabled():  # create_graph=True: the readable backward
            from teachtorch.ops.pool import max_pool_backward

            return max_pool_backward(grad_output, _wrap(ctx.arg.astype(np.int64)),
                                     ctx.in_shape, kernel, stride, pad, dilation, out)
        g = _as4d(grad_output._data)
        xp = get_array_module(g)
        n, c, h, w = ctx.in_shape
        hp, wp = padded_size((h, w), kernel, stride, pad, dilation, out)
        disjoint = all(s >= d * (k - 1) + 1
                       for k, s, d in zip(kernel, stride, dilation))
        # windows tiling the input exactly write every pixel once: no zeros needed
        tiled = (disjoint and tuple(stride) == tuple(kernel)
                 and (out[0] * stride[0], out[1] * stride[1]) == (hp, wp) == (h, w))
        dx = (xp.empty if tiled else xp.zeros)((n, c, hp, wp), g.dtype)
        for k in range(kernel[0] * kernel[1]):
            target = dx[(slice(None), slice(None))
                        + _offset_slices(k, kernel, stride, dilation, out)]
            if disjoint:     # windows do not overlap: every pixel is written once
                xp.multiply(g, ctx.arg == k, out=target)
            else:
                target += g * (ctx.arg == k)
        dx = dx[:, :, pad[0]:pad[0] + h, pad[1]:pad[1] + w]
        return _wrap(dx[0] if grad_output.dim() == 3 else dx)


class AvgPool2d(Function):
    """The mean of each window (zero padding counted or not).

    Math: y = sum(window) / divisor;  dx[p] = sum over windows w containing p of
          dy[w] / divisor[w]
    Mirrors: torch.nn.functional.avg_pool2d, grad_fn AvgPool2DBackward0
    """
    _raw = True
    node_name = "AvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pad, out, count_include_pad, divisor_override):
        xp = get_array_module(x)
        x4 = _as4d(x)
        slabs = _slabs(x4, kernel, stride, pad, (1, 1), out, 0)
        sums = slabs[0].copy()
        for v in slabs[1:]:                         # one slab per kernel offset
            sums += v
        if divisor_override:
            div = xp.asarray(divisor_override, x.dtype)
        else:
            div = _divisor(x4.shape[2:], kernel, stride, pad, out, count_include_pad)
            div = xp.asarray(div.astype(x.dtype))
        ctx.geometry = (x4.shape, kernel, stride, pad, out, div)
        y = sums / div
        return y[0] if x.ndim == 3 else y

    @staticmethod
    def backward(ctx, grad_output):
        shape, kernel, stride, pad, out, div = ctx.geometry
        if grad_mode.is_grad_enabled():  # create_graph=True: the readable backward
            from teachtorch.ops.pool import avg_pool_backward

            return avg_pool_backward(grad_output, shape, kernel, stride, pad, out,
                                     _wrap(div))
        g = _as4d(grad_output._data) / div
        xp = get_array_module(g)
        n, c, h, w = shape
        hp, wp = padded_size((h, w), kernel, stride, pad, (1, 1), out)
        dx = xp.zeros((n, c, hp, wp), g.dtype)
        for k in range(kernel[0] * kernel[1]):      # one slab per kernel offset
            dx[(slice(None), slice(None))
               + _offset_slices(k, kernel, stride, (1, 1), out)] += g
        dx = dx[:, :, pad[0]:pad[0] + h, pad[1]:pad[1] + w]
        return _wrap(dx[0] if grad_output.dim() == 3 else dx)


def _divisor(size, kernel, stride, pad, out, count_include_pad):
    """How many elements each window averages over, as an (OH, OW) NumPy array."""
    per_axis = []
    for n, k, s, p, o in zip(size, kernel, stride, pad, out):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if not count_include_pad:
            start, end = np.maximum(start, 0), np.minimum(end, n)
        per_axis.append(end - start)
    return per_axis[0][:, None] * per_axis[1][None, :]


class MaxUnpool2d(Function):
    """Put each value back where max_pool2d found it; zeros everywhere else.

    Math: y[idx[p]] = x[p];  dx[p] = dy[idx[p]]
    Mirrors: torch.nn.functional.max_unpool2d, grad_fn MaxUnpool2DBackward0
    """
    _raw = True
    node_name = "MaxUnpool2DBackward0"

    @staticmethod
    def forward(ctx, x, indices, out):
        xp = get_array_module(x)
        x4, i4 = _as4d(x), _as4d(indices)
        n, c = x4.shape[:2]
        y = xp.zeros((n * c, out[0] * out[1]), x.dtype)
        flat_idx = i4.reshape(n * c, -1)
        xp.put_along_axis(y, flat_idx, x4.reshape(n * c, -1), axis=1)
        ctx.flat_idx, ctx.in_shape = flat_idx, x.shape
        y = y.reshape(n, c, *out)
        return y[0] if x.ndim == 3 else y

    @staticmethod
    def backward(ctx, grad_output):
        if grad_mode.is_grad_enabled():  # create_graph=True: the readable backward
            from teachtorch.ops.pool import max_unpool_backward

            return max_unpool_backward(grad_output, _wrap(ctx.flat_idx),
                                       ctx.in_shape), None
        xp = get_array_module(ctx.flat_idx)
        g = grad_output._data.reshape(ctx.flat_idx.shape[0], -1)
        gx = xp.take_along_axis(g, ctx.flat_idx, axis=1).reshape(ctx.in_shape)
        return _wrap(gx), None
