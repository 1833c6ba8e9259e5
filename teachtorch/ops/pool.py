"""Pooling: max/avg pool 1d/2d, max_unpool2d, adaptive avg/max pool.

Every pooling window is read through one ``as_strided`` view of shape
(N, C, OH, OW, kh, kw); a reduction over the last two axes pools all windows at once.
Backward sends each window's gradient back to the pixels it came from: for max pooling
through the saved argmax indices, for average pooling by adding kh*kw shifted slabs.
``max_pool2d_naive`` is the same computation as loops over windows.
Chapter 10 (CNN basics) opens this file.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from teachtorch.autograd.function import Function
from teachtorch.ops.conv import _no_double_backward, _wrap


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


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


def _windows(x, kernel, stride, pad, dilation, out, fill):
    """A (N, C, OH, OW, kh, kw) view of x padded with `fill` (windows not copied)."""
    n, c, h, w = x.shape
    extra = [max(p, (o - 1) * s + d * (k - 1) + 1 - size - p)
             for size, k, s, p, d, o in zip((h, w), kernel, stride, pad, dilation, out)]
    if any(pad) or any(extra):
        x = np.pad(x, ((0, 0), (0, 0), (pad[0], extra[0]), (pad[1], extra[1])),
                   constant_values=fill)
    sn, sc, sh, sw = x.strides
    return as_strided(x, (n, c, *out, *kernel),
                      (sn, sc, sh * stride[0], sw * stride[1], sh * dilation[0],
                       sw * dilation[1]), writeable=False)


def _as4d(x):
    return x[None] if x.ndim == 3 else x


def _scatter_to_input(grad, indices, in_shape, unique):
    """dx[n, c, idx] += grad (flat H*W indices); unique indices need no summing."""
    nc = int(np.prod(in_shape[:-2]))
    hw = in_shape[-2] * in_shape[-1]
    g = grad.reshape(nc, -1)
    idx = indices.reshape(nc, -1)
    if unique:
        dx = np.zeros((nc, hw), grad.dtype)
        np.put_along_axis(dx, idx, g, axis=1)
    else:
        flat = (idx + (np.arange(nc) * hw)[:, None]).ravel()
        dx = np.bincount(flat, weights=g.ravel(), minlength=nc * hw).astype(grad.dtype)
    return dx.reshape(in_shape)


def _running_max(win, has_nan):
    """Max over the last two axes of win, and the first position (i*kw + j) of it.

    Element-wise maximum of the kh*kw offset slabs (N, C, OH, OW), then the first
    slab equal to it. A NaN wins (the last one, as in PyTorch's kernel).
    """
    kh, kw = win.shape[-2:]
    slabs = [win[..., k // kw, k % kw] for k in range(kh * kw)]
    best = slabs[0].copy()
    for v in slabs[1:]:
        np.maximum(best, v, out=best)
    dtype = np.int8 if kh * kw < 128 else np.int64
    arg = np.full(best.shape, len(slabs) - 1, dtype)
    for k in range(len(slabs) - 2, -1, -1):
        arg = np.where(slabs[k] == best, dtype(k), arg)
    if has_nan:
        for k, v in enumerate(slabs):
            arg = np.where(np.isnan(v), dtype(k), arg)
    return best, arg


def _flat_index(arg, width, kernel, stride, pad, dilation, out):
    """Window position k = i*kw + j of each max -> flat index row*W + col in the input.

    Math: row = oh*s_h - p_h + i*d_h,  col = ow*s_w - p_w + j*d_w
    """
    i, j = np.divmod(np.arange(kernel[0] * kernel[1]), kernel[1])
    offset = i * dilation[0] * width + j * dilation[1]               # per kernel slot
    rows = np.arange(out[0]) * stride[0] - pad[0]
    cols = np.arange(out[1]) * stride[1] - pad[1]
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
    def forward(ctx, x, kernel, stride, pad, dilation, out):
        x4 = _as4d(x)
        fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        win = _windows(x4, kernel, stride, pad, dilation, out, fill)
        y, arg = _running_max(win, x.dtype.kind == "f" and np.isnan(x).any())
        idx = _flat_index(arg, x4.shape[3], kernel, stride, pad, dilation, out)
        ctx.indices, ctx.in_shape = idx, x.shape
        ctx.unique = all(s >= d * (k - 1) + 1
                         for k, s, d in zip(kernel, stride, dilation))
        shape = y.shape[1:] if x.ndim == 3 else y.shape
        return y.reshape(shape), idx.reshape(shape)

    @staticmethod
    def backward(ctx, grad_output, grad_indices=None):
        _no_double_backward("max_pool2d")
        return _wrap(_scatter_to_input(grad_output._data, ctx.indices, ctx.in_shape,
                                       ctx.unique))


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
        x4 = _as4d(x)
        win = _windows(x4, kernel, stride, pad, (1, 1), out, 0)
        sums = win[..., 0, 0].copy()
        for k in range(1, kernel[0] * kernel[1]):    # one slab per kernel offset
            sums += win[..., k // kernel[1], k % kernel[1]]
        if divisor_override:
            div = np.asarray(divisor_override, x.dtype)
        else:
            div = _divisor(x4.shape[2:], kernel, stride, pad, out, count_include_pad)
            div = div.astype(x.dtype)
        ctx.geometry = (x4.shape, kernel, stride, pad, out, div)
        y = sums / div
        return y[0] if x.ndim == 3 else y

    @staticmethod
    def backward(ctx, grad_output):
        _no_double_backward("avg_pool2d")
        shape, kernel, stride, pad, out, div = ctx.geometry
        g = _as4d(grad_output._data) / div
        n, c, h, w = shape
        hp = max(h + 2 * pad[0], (out[0] - 1) * stride[0] + kernel[0])
        wp = max(w + 2 * pad[1], (out[1] - 1) * stride[1] + kernel[1])
        dx = np.zeros((n, c, hp, wp), g.dtype)
        for i in range(kernel[0]):        # one slab per kernel offset
            for j in range(kernel[1]):
                dx[:, :, i:i + stride[0] * (out[0] - 1) + 1:stride[0],
                   j:j + stride[1] * (out[1] - 1) + 1:stride[1]] += g
        dx = dx[:, :, pad[0]:pad[0] + h, pad[1]:pad[1] + w]
        return _wrap(dx[0] if grad_output.dim() == 3 else dx)


def _divisor(size, kernel, stride, pad, out, count_include_pad):
    """How many elements each window averages over, as an (OH, OW) array."""
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
        x4, i4 = _as4d(x), _as4d(indices)
        n, c = x4.shape[:2]
        y = np.zeros((n * c, out[0] * out[1]), x.dtype)
        flat_idx = i4.reshape(n * c, -1)
        np.put_along_axis(y, flat_idx, x4.reshape(n * c, -1), axis=1)
        ctx.flat_idx, ctx.in_shape = flat_idx, x.shape
        y = y.reshape(n, c, *out)
        return y[0] if x.ndim == 3 else y

    @staticmethod
    def backward(ctx, grad_output):
        _no_double_backward("max_unpool2d")
        g = grad_output._data.reshape(ctx.flat_idx.shape[0], -1)
        gx = np.take_along_axis(g, ctx.flat_idx, axis=1).reshape(ctx.in_shape)
        return _wrap(gx), None


def _adaptive_bounds(size, out):
    """Window i covers [floor(i*L/out), ceil((i+1)*L/out))."""
    i = np.arange(out)
    return (i * size) // out, -((-(i + 1) * size) // out)


def _averaging_matrix(size, out, dtype):
    """A (out, size) matrix whose row i averages adaptive window i."""
    start, end = _adaptive_bounds(size, out)
    j = np.arange(size)
    inside = (j >= start[:, None]) & (j < end[:, None])
    return (inside / (end - start)[:, None]).astype(dtype)


class AdaptiveAvgPool2d(Function):
    """Average pooling whose windows are chosen to give a fixed output size.

    Math: y = A_h @ x @ A_w.T with averaging matrices A;  dx = A_h.T @ dy @ A_w
    Mirrors: torch.nn.functional.adaptive_avg_pool2d, grad_fn AdaptiveAvgPool2DBackward0
    """
    _raw = True
    node_name = "AdaptiveAvgPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out):
        ah = _averaging_matrix(x.shape[-2], out[0], x.dtype)
        aw = _averaging_matrix(x.shape[-1], out[1], x.dtype)
        ctx.mats = (ah, aw)
        return np.matmul(np.matmul(ah, x), aw.T)

    @staticmethod
    def backward(ctx, grad_output):
        _no_double_backward("adaptive_avg_pool2d")
        ah, aw = ctx.mats
        return _wrap(np.matmul(np.matmul(ah.T, grad_output._data), aw))


class AdaptiveMaxPool2d(Function):
    """Max pooling whose windows are chosen to give a fixed output size.

    Math: y = max over adaptive window;  dx = dy at each window's argmax
    Mirrors: torch.nn.functional.adaptive_max_pool2d, grad_fn AdaptiveMaxPool2DBackward0
    """
    _raw = True
    node_name = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, x, out):
        x4 = _as4d(x)
        h, w = x4.shape[2:]
        rows, cols = (_window_index(n, o) for n, o in zip((h, w), out))
        win = x4[:, :, rows[:, :, None, None], cols[None, None, :, :]]
        win = win.transpose(0, 1, 2, 4, 3, 5).reshape(*x4.shape[:2], *out, -1)
        arg = win.argmax(axis=-1)
        y = np.take_along_axis(win, arg[..., None], axis=-1)[..., 0]
        ki, kj = np.divmod(arg, cols.shape[1])
        r = rows[np.arange(out[0])[:, None], ki]
        c = cols[np.arange(out[1]), kj]
        idx = r * w + c
        ctx.indices, ctx.in_shape = idx, x.shape
        shape = y.shape[1:] if x.ndim == 3 else y.shape
        return y.reshape(shape), idx.reshape(shape)

    @staticmethod
    def backward(ctx, grad_output, grad_indices=None):
        _no_double_backward("adaptive_max_pool2d")
        return _wrap(_scatter_to_input(grad_output._data, ctx.indices, ctx.in_shape,
                                       unique=False))


def _window_index(size, out):
    """(out, kmax) input positions of each adaptive window (the last one repeated)."""
    start, end = _adaptive_bounds(size, out)
    k = int((end - start).max())
    return np.minimum(start[:, None] + np.arange(k)[None, :], end[:, None] - 1)


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
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    pad, dilation = _pair(padding), _pair(dilation)
    out = _check_pool(input, "max_pool2d", kernel, stride, pad, dilation, ceil_mode)
    y, idx = MaxPool2d.apply(input, kernel, stride, pad, dilation, out)
    return (y, idx) if return_indices else y


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """Mean over kh x kw windows. Mirrors: torch.nn.functional.avg_pool2d"""
    kernel = _pair(kernel_size)
    stride = kernel if stride is None or stride == [] else _pair(stride)
    pad = _pair(padding)
    out = _check_pool(input, "avg_pool2d", kernel, stride, pad, (1, 1), ceil_mode)
    return AvgPool2d.apply(input, kernel, stride, pad, out, count_include_pad,
                           divisor_override)


def _one(v):
    return v[0] if isinstance(v, (tuple, list)) else v


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode=False, return_indices=False):
    """Max over windows of a (N, C, L) signal: max_pool2d on a height-1 image."""
    stride = kernel_size if stride is None or stride == [] else stride
    res = max_pool2d(input.unsqueeze(-2), (1, _one(kernel_size)), (1, _one(stride)),
                     (0, _one(padding)), (1, _one(dilation)), ceil_mode, True)
    y, idx = res[0].squeeze(-2), res[1].squeeze(-2)
    return (y, idx) if return_indices else y


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """Mean over windows of a (N, C, L) signal: avg_pool2d on a height-1 image."""
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


def _adaptive_size(input, output_size):
    size = (output_size, output_size) if isinstance(output_size, int) else output_size
    return tuple(input.shape[-2 + i] if s is None else s for i, s in enumerate(size))


def adaptive_avg_pool2d(input, output_size):
    """Average-pool to a fixed (OH, OW).

    Mirrors: torch.nn.functional.adaptive_avg_pool2d
    """
    out = _adaptive_size(input, output_size)
    if out == (1, 1):   # PyTorch takes a plain mean here (grad_fn MeanBackward1)
        return input.mean((-2, -1), keepdim=True)
    return AdaptiveAvgPool2d.apply(input, out)


def adaptive_avg_pool1d(input, output_size):
    """Average-pool (N, C, L) to a fixed length. Mirrors: F.adaptive_avg_pool1d"""
    out = (1, _one(output_size))
    return AdaptiveAvgPool2d.apply(input.unsqueeze(-2), out).squeeze(-2)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max-pool to a fixed (OH, OW). Mirrors: torch.nn.functional.adaptive_max_pool2d"""
    y, idx = AdaptiveMaxPool2d.apply(input, _adaptive_size(input, output_size))
    return (y, idx) if return_indices else y


def max_pool2d_naive(x, kernel_size, stride=None):
    """max_pool2d as loops over every window (for reading; the fast one is above)."""
    stride = stride or kernel_size
    n, c, h, w = x.shape
    oh = (h - kernel_size) // stride + 1
    ow = (w - kernel_size) // stride + 1
    y = np.empty((n, c, oh, ow), x.dtype)
    for i in range(oh):
        for j in range(ow):
            window = x[:, :, i * stride:i * stride + kernel_size,
                       j * stride:j * stride + kernel_size]
            y[:, :, i, j] = window.max(axis=(2, 3))
    return y
