"""Pooling: max/avg pool 1d/2d and max_unpool2d (adaptive pools: pool_adaptive.py).

Every pooling window is read through one ``as_strided`` view of shape
(N, C, OH, OW, kh, kw). Pooling then walks the kh*kw kernel offsets: offset (i, j)
is a slab (N, C, OH, OW) holding that pixel of every window, so a max or a sum over
windows is kh*kw element-wise operations on whole slabs, never a loop over windows.
Backward goes the same way: each offset's slab of gradient is added back onto the
pixels it came from (for max pooling only where that offset held the maximum).
``max_pool2d_naive`` is the same computation as loops over windows.
Chapter 10 (CNN basics) opens this file.
"""
import numpy as np

from teachtorch import _checks
from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops.conv import _no_double_backward, _pair, _wrap


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


def _padded_size(shape, kernel, stride, pad, dilation, out):
    """(Hp, Wp): the input plus padding, plus room for ceil_mode's last window."""
    return tuple(max(size + 2 * p, (o - 1) * s + d * (k - 1) + 1)
                 for size, k, s, p, d, o in zip(shape, kernel, stride, pad, dilation,
                                                out))


def _slabs(x, kernel, stride, pad, dilation, out, fill):
    """The kh*kw offset slabs (N, C, OH, OW) of the windows of x (views, no copies).

    Slab k = i*kw + j holds pixel (i, j) of every window: x[.., y*s + i*d, x*s + j*d].
    """
    xp = get_array_module(x)
    n, c, h, w = x.shape
    hp, wp = _padded_size((h, w), kernel, stride, pad, dilation, out)
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
        if grad_mode.is_grad_enabled():  # create_graph=True: a backward autograd sees
            from teachtorch.ops.pool_graph import max_pool_backward_graph

            idx = _flat_index(ctx.arg, ctx.in_shape[3], kernel, stride, pad, dilation,
                              out)
            return max_pool_backward_graph(grad_output, idx, ctx.in_shape)
        g = _as4d(grad_output._data)
        xp = get_array_module(g)
        n, c, h, w = ctx.in_shape
        hp, wp = _padded_size((h, w), kernel, stride, pad, dilation, out)
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
        if grad_mode.is_grad_enabled():  # create_graph=True: a backward autograd sees
            from teachtorch.ops.pool_graph import avg_pool_backward_graph

            padded = _padded_size(shape[2:], kernel, stride, pad, (1, 1), out)
            return avg_pool_backward_graph(grad_output, ctx.geometry, padded)
        g = _as4d(grad_output._data) / div
        xp = get_array_module(g)
        n, c, h, w = shape
        hp, wp = _padded_size((h, w), kernel, stride, pad, (1, 1), out)
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
        _no_double_backward("max_unpool2d")
        xp = get_array_module(ctx.flat_idx)
        g = grad_output._data.reshape(ctx.flat_idx.shape[0], -1)
        gx = xp.take_along_axis(g, ctx.flat_idx, axis=1).reshape(ctx.in_shape)
        return _wrap(gx), None


# ----- the functions learners call --------------------------------------------------
def _check_pool(input, name, kernel, stride, pad, dilation, ceil_mode):
    """Validate settings and return the output size, with PyTorch's errors."""
    if input.dim() not in (3, 4):
        raise RuntimeError(
            "non-empty 3D or 4D (batch mode) tensor expected for input\nhint: "
            f"{name} wants (N, C, H, W) or (C, H, W); this input has shape "
            f"{tuple(input.shape)}.")
    for k, p, d in zip(kernel, pad, dilation):
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(
                "pad should be at most half of effective kernel size, but got "
                f"pad={p}, kernel_size={k} and dilation={d}\nhint: padding larger "
                "than half the kernel would make windows that see only padding.")
    size = input.shape[-2:]
    out = tuple(pool_out_size(n, k, s, p, d, ceil_mode)
                for n, k, s, p, d in zip(size, kernel, stride, pad, dilation))
    if min(out) < 1:
        c = input.shape[-3]
        raise RuntimeError(
            f"Given input size: ({c}x{size[0]}x{size[1]}). Calculated output size: "
            f"({c}x{out[0]}x{out[1]}). Output size is too small\nhint: the window "
            f"{tuple(kernel)} is larger than the (padded) input {tuple(size)}; pool "
            "less, pad more, or check how earlier layers shrank the image.")
    return out


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode=False, return_indices=False):
    """Max over kh x kw windows. Mirrors: torch.nn.functional.max_pool2d"""
    _checks.int_args("max_pool2d", kernel_size=kernel_size)
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    pad, dilation = _pair(padding), _pair(dilation)
    _checks.pool2d_args(kernel, stride, pad, dilation)
    out = _check_pool(input, "max_pool2d", kernel, stride, pad, dilation, ceil_mode)
    return MaxPool2d.apply(input, kernel, stride, pad, dilation, out, return_indices)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Mean over kh x kw windows. Mirrors: torch.nn.functional.avg_pool2d"""
    _checks.int_args("avg_pool2d", kernel_size=kernel_size)
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    pad = _pair(padding)
    _checks.pool2d_args(kernel, stride, pad, (1, 1), divisor_override)
    if input._data.dtype.kind in "iu":  # PyTorch keeps the integer dtype (truncating)
        return avg_pool2d(input.double(), kernel, stride, pad, ceil_mode,
                          count_include_pad, divisor_override).trunc().to(input.dtype)
    out = _check_pool(input, "avg_pool2d", kernel, stride, pad, (1, 1), ceil_mode)
    return AvgPool2d.apply(input, kernel, stride, pad, out, count_include_pad,
                           divisor_override)


def _one(v):
    return v[0] if isinstance(v, (tuple, list)) else v


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode=False, return_indices=False):
    """Max over windows of a (N, C, L) signal: max_pool2d on a height-1 image."""
    _checks.int_args("max_pool1d", kernel_size=kernel_size)
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
    _checks.int_args("avg_pool1d", kernel_size=kernel_size)
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
            f"Found an invalid max index: {int(indices._data[bad].ravel()[0])} (output "
            f"volumes are of size {out[0]}x{out[1]})\nhint: the indices came from a "
            "larger input than this unpool rebuilds; pass output_size=x.size() of the "
            "tensor that was pooled.")
    return MaxUnpool2d.apply(input, indices, out)


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


from teachtorch.ops.pool_adaptive import (  # noqa: F401  (re-exported)
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool2d,
)
