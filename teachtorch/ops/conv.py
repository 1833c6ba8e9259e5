"""Convolution: conv1d, conv2d, conv_transpose2d, via im2col and one matrix product.

im2col: ``as_strided`` gives a (C, kh, kw, OH, OW, N) *view* of the padded input in
which every output position sees its own kh x kw window; copying that view gives the
column matrix cols (C*kh*kw, OH*OW*N), one column per output pixel of the whole batch.
The convolution is then ONE matrix product with the weights (O, C*kh*kw):
``W @ cols`` -> (O, OH*OW*N). The backward pass is two more products,
dW = dY @ cols.T and dcols = W.T @ dY, and col2im, which adds each kernel offset's
slab of dcols back onto the input (kh*kw slice additions, no loop over elements).

Layout: inside the kernel the batch axis is LAST, (C, H, W, N). Then the window
copies of im2col and the slice additions of col2im run over long contiguous rows of
OW*N numbers (with N first, a 5x5 kernel on an 8x8 map works in rows of 8). The
price is one transposed copy in and one out, done in cache-sized tiles.

The columns are kh*kw times the size of the input, so they are not kept for backward
(PyTorch does not keep them either). They live in a reused scratch buffer
(``ops/_scratch.py``: fresh multi-megabyte arrays cost a page fault per 4 KiB);
backward uses them if no other convolution of that size has overwritten the buffer
since, and otherwise rebuilds them from the saved input.
``conv2d_naive`` is the same arithmetic as six nested loops.
Chapter 10 (CNN basics) opens this file.
"""
from teachtorch import _checks
from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._scratch import scratch, still_holds
from teachtorch.ops.conv_naive import conv2d_naive  # noqa: F401  (the loop twin)


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _no_double_backward(name):
    if grad_mode.is_grad_enabled():
        raise RuntimeError(
            f"double backward through {name} is not implemented in teachtorch\n"
            "hint: call backward() without create_graph=True for models with "
            "convolution or pooling layers.")


def out_size(size, k, stride, pad_lo, pad_hi, dilation):
    """Output length along one axis: floor((L + pads - d*(k-1) - 1) / s) + 1."""
    return (size + pad_lo + pad_hi - dilation * (k - 1) - 1) // stride + 1


def _batch_last(x, pads, name="input"):
    """(N, C, H, W) -> zero-padded (C, Hp, Wp, N) in a scratch buffer."""
    xp = get_array_module(x)
    n, c, h, w = x.shape
    (t, b), (lf, r) = pads
    out = scratch(xp, name, (c, t + h + b, lf + w + r, n), x.dtype)
    if t or b or lf or r:
        out.fill(0)
    out[:, t:t + h, lf:lf + w, :] = x.transpose(1, 2, 3, 0)
    return out


def _batch_first(m, shape, row_bias=None):
    """(R, N) batch-last matrix -> a new contiguous (N, R) array, reshaped to shape.

    A transposed copy reads one side with a large stride; done in tiles of 64 rows,
    both sides of a tile stay in the CPU cache (3-4x faster than one big copy).
    ``row_bias`` (R,), if given, is added on the way (the conv bias, one per row).
    """
    xp = get_array_module(m)
    r, n = m.shape
    out = xp.empty((n, r), m.dtype)
    tile = 64 if xp.__name__ == "numpy" else r    # a GPU does the whole copy at once
    for start in range(0, r, tile):
        rows = slice(start, start + tile)
        if row_bias is None:
            out[:, rows] = m[rows].T
        else:
            xp.add(m[rows].T, row_bias[rows], out=out[:, rows])
    return out.reshape(shape)


def im2col(x, kernel, out, stride, dilation, with_ticket=False):
    """Columns (C*kh*kw, OH*OW*N) of a padded batch-last (C, H, W, N) array: one copy.

    Math: cols[(c, i, j), (y, x, n)] = x[c, y*s_h + i*d_h, x*s_w + j*d_w, n]
    The result is a scratch buffer (with its ticket if asked: see _scratch.py).
    """
    xp = get_array_module(x)
    c, _, _, n = x.shape
    (kh, kw), (oh, ow) = kernel, out
    sc, sh, sw, sn = x.strides
    windows = xp.lib.stride_tricks.as_strided(
        x, (c, kh, kw, oh, ow, n),
        (sc, sh * dilation[0], sw * dilation[1], sh * stride[0], sw * stride[1], sn))
    cols, ticket = scratch(xp, "cols", (c * kh * kw, oh * ow * n), x.dtype, True)
    cols.reshape(c, kh, kw, oh, ow, n)[...] = windows
    return (cols, ticket) if with_ticket else cols


def col2im(cols, padded, kernel, out, stride, dilation):
    """The adjoint of im2col: add every column entry back onto its input pixel.

    cols (C*kh*kw, OH*OW*N) -> (C, Hp, Wp, N), one slice addition per kernel offset.
    The result is a scratch buffer: copy out what must live on.
    """
    xp = get_array_module(cols)
    c, n = padded[0], padded[3]
    (kh, kw), (oh, ow) = kernel, out
    cols = cols.reshape(c, kh, kw, oh, ow, n)
    dx = scratch(xp, "col2im", padded, cols.dtype)
    dx.fill(0)
    for i in range(kh):
        top = i * dilation[0]
        rows = slice(top, top + stride[0] * (oh - 1) + 1, stride[0])
        for j in range(kw):
            left = j * dilation[1]
            columns = slice(left, left + stride[1] * (ow - 1) + 1, stride[1])
            dx[:, rows, columns, :] += cols[:, i, j]
    return dx


def _crop_batch_first(x, pads):
    """Padded batch-last (C, Hp, Wp, N) -> a new (N, C, H, W) without the padding."""
    xp = get_array_module(x)
    c, hp, wp, n = x.shape
    (t, b), (lf, r) = pads
    if t or b or lf or r:
        inner = scratch(xp, "crop", (c, hp - t - b, wp - lf - r, n), x.dtype)
        inner[...] = x[:, t:hp - b, lf:wp - r, :]
        x = inner
    return _batch_first(x.reshape(-1, n), (n,) + x.shape[:3])


def _as_4d(x, w):
    """Batch and height axes added where missing: conv1d runs as a height-1 conv2d."""
    nd = w.ndim - 2
    if x.ndim == nd + 1:          # one sample without the batch axis
        x = x[None]
    if nd == 1:
        return x[:, :, None, :], w[:, :, None, :]
    return x, w


def _as_input_shape(y, shape, nd):
    """Drop the axes _as_4d added."""
    if nd == 1:
        y = y[:, :, 0, :]
    return y[0] if len(shape) == nd + 1 else y


class Convolution(Function):
    """N-D cross-correlation (what every deep-learning 'convolution' really is).

    Math: y[n, o, p] = b[o] + sum_{c,i,j} w[o, c, i, j] * x[n, c, p*s + (i,j)*d]
          as GEMMs: Y = W @ cols(x);  dW = dY @ cols(x).T;  dx = col2im(W.T @ dY)
    Mirrors: torch.nn.functional.conv2d (and conv1d), grad_fn ConvolutionBackward0
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, pads, dilation, groups):
        xp = get_array_module(x)
        x2, w2 = _as_4d(x, weight)
        n, c, h, w = x2.shape
        o, cg, kh, kw = w2.shape
        oh = out_size(h, kh, stride[0], *pads[0], dilation[0])
        ow = out_size(w, kw, stride[1], *pads[1], dilation[1])
        cols, ctx.cols_ticket = im2col(_batch_last(x2, pads), (kh, kw), (oh, ow),
                                       stride, dilation, with_ticket=True)
        wg = w2.reshape(groups, o // groups, cg * kh * kw)
        y = scratch(xp, "y", (groups, o // groups, oh * ow * n), x.dtype)
        xp.matmul(wg, cols.reshape(groups, cg * kh * kw, -1), out=y)
        row_bias = None if bias is None else xp.repeat(bias, oh * ow)  # rows (o, y, x)
        y = _batch_first(y.reshape(-1, n), (n, o, oh, ow), row_bias)
        ctx.save_for_backward(x, weight)
        ctx.geometry = (c, (kh, kw), (oh, ow), stride, pads, dilation, groups)
        return _as_input_shape(y, x.shape, weight.ndim - 2)

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        if grad_mode.is_grad_enabled():  # create_graph=True: a backward autograd sees
            from teachtorch.ops.conv_graph import conv_backward_graph

            return conv_backward_graph(x, weight, grad_output, ctx.geometry,
                                       ctx.needs_input_grad)
        c, kernel, out, stride, pads, dilation, groups = ctx.geometry
        x2, w2 = _as_4d(x._data, weight._data)
        n, o, ckg = x2.shape[0], w2.shape[0], w2[0].size
        xp = get_array_module(x2)
        gm = scratch(xp, "grad", (groups, o // groups, out[0] * out[1] * n),
                     x2.dtype)                                   # dY (O, OH*OW*N)
        gm.reshape(-1, n)[...] = grad_output._data.reshape(n, -1).T
        wg = w2.reshape(groups, o // groups, ckg)
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            (t, b), (lf, r) = pads
            padded = (c, x2.shape[2] + t + b, x2.shape[3] + lf + r, n)
            dcols = scratch(xp, "dcols", (groups, ckg, gm.shape[2]), x2.dtype)
            xp.matmul(wg.transpose(0, 2, 1), gm, out=dcols)
            dx = col2im(dcols, padded, kernel, out, stride, dilation)
            gx = _wrap(_crop_batch_first(dx, pads).reshape(x.shape))
        if ctx.needs_input_grad[1]:
            cols = still_holds(ctx.cols_ticket)    # forward's columns, if not reused
            if cols is None:
                cols = im2col(_batch_last(x2, pads), kernel, out, stride, dilation)
            cols = cols.reshape(groups, ckg, -1).transpose(0, 2, 1)
            gw = _wrap(xp.matmul(gm, cols).reshape(weight.shape))
        if len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]:
            gb = _wrap(gm.reshape(o, -1).sum(axis=1))
        return gx, gw, gb


def _wrap(array):
    """A Tensor of array, made contiguous (never pass a scratch buffer here)."""
    from teachtorch.tensor import Tensor

    return Tensor._make(get_array_module(array).ascontiguousarray(array))


class ConvTranspose(Function):
    """Transposed convolution: the backward of conv2d's input gradient, as a layer.

    Math: y = col2im(W.T @ x) (each input pixel paints a weighted kernel onto y);
          dx = W @ cols(dy);  dW = x @ cols(dy).T
    Mirrors: torch.nn.functional.conv_transpose2d, grad_fn ConvolutionBackward0
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, padding, output_padding, groups,
                dilation):
        xp = get_array_module(x)
        n, cin, h, w = x.shape
        _, og, kh, kw = weight.shape
        hout = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) \
            + output_padding[0] + 1
        wout = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) \
            + output_padding[1] + 1
        padded = (og * groups, hout + 2 * padding[0], wout + 2 * padding[1], n)
        pads = ((padding[0], padding[0]), (padding[1], padding[1]))
        xm = _batch_last(x, ((0, 0), (0, 0))).reshape(groups, cin // groups, -1)
        wg = weight.reshape(groups, cin // groups, og * kh * kw)
        cols = xp.matmul(wg.transpose(0, 2, 1), xm)
        y = _crop_batch_first(col2im(cols, padded, (kh, kw), (h, w), stride, dilation),
                              pads)
        if bias is not None:
            y += bias.reshape(1, -1, 1, 1)
        ctx.save_for_backward(x, weight)
        ctx.geometry = ((kh, kw), (h, w), stride, pads, dilation, groups)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        if grad_mode.is_grad_enabled():  # create_graph=True: a backward autograd sees
            from teachtorch.ops.conv_graph import conv_transpose_backward_graph

            return conv_transpose_backward_graph(x, weight, grad_output, ctx.geometry,
                                                 ctx.needs_input_grad)
        kernel, out, stride, pads, dilation, groups = ctx.geometry
        xp = get_array_module(x._data)
        cin, n = weight.shape[0], x.shape[0]
        g = grad_output._data
        gcols = im2col(_batch_last(g, pads), kernel, out, stride, dilation)
        gcols = gcols.reshape(groups, -1, gcols.shape[1])
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            wg = weight._data.reshape(groups, cin // groups, -1)
            gx = xp.matmul(wg, gcols).reshape(-1, n)
            gx = _wrap(_batch_first(gx, (n,) + tuple(x.shape[1:])))
        if ctx.needs_input_grad[1]:
            xm = _batch_last(x._data, ((0, 0), (0, 0)))
            xm = xm.reshape(groups, cin // groups, -1)
            gw = xp.matmul(xm, gcols.transpose(0, 2, 1))
            gw = _wrap(gw.reshape(weight.shape))
        if ctx.needs_input_grad[2]:
            gb = _wrap(g.sum(axis=(0, 2, 3)))
        return gx, gw, gb


# ----- the functions learners call --------------------------------------------------
def _conv_pads(padding, kernel, dilation, stride, nd):
    """padding int/tuple/'valid'/'same' -> ((lo, hi), ...) per spatial axis."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding != "same":
            raise ValueError(f"Invalid padding string '{padding}', should be one of "
                             "{'valid', 'same'}\nhint: use 'same', 'valid' or numbers.")
        if any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided "
                               "convolutions\nhint: use stride=1 with 'same', or give "
                               "the padding as numbers.")
        total = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in total)
    padding = (padding,) * nd if isinstance(padding, int) else tuple(padding)
    return tuple((p, p) for p in padding)


def _sizes_text(sizes):
    return " x ".join(str(s) for s in sizes)


_C_TYPE = {"float32": "float", "float64": "double", "float16": "c10::Half",
           "int64": "long int", "int32": "int", "int16": "short int",
           "int8": "signed char", "uint8": "unsigned char", "bool": "bool"}
_SCALAR = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
           "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
           "bool": "Bool"}


def _check_dtypes(input, weight, bias):
    """PyTorch's dtype errors: conv never mixes float32 and float64 silently."""
    dtype = input._data.dtype
    if weight._data.dtype == dtype and (bias is None or bias._data.dtype == dtype):
        return                                   # the usual case, checked cheaply
    hint = ("\nhint: the input and the layer's weights must share one dtype; convert "
            "the input (x.float(): NumPy data is often float64) or the model "
            "(model.double()).")
    a = dtype.name
    if bias is not None and a != bias._data.dtype.name:
        raise RuntimeError(f"Input type ({_C_TYPE.get(a, a)}) and bias type "
                           f"({_C_TYPE.get(bias._data.dtype.name)}) should be the same"
                           + hint)
    if a != weight._data.dtype.name:
        if bias is None and input._data.dtype.kind != "f":
            raise RuntimeError(f"Input type ({_C_TYPE.get(a, a)}) and weight type "
                               f"({_C_TYPE.get(weight._data.dtype.name)}) should be "
                               "the same" + hint)
        raise RuntimeError(f"expected scalar type {_SCALAR.get(a, a)} but found "
                           f"{_SCALAR.get(weight._data.dtype.name)}" + hint)


def _check_conv(input, weight, groups, name, transposed=False):
    nd = weight.dim() - 2
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, "
            f"but got input of size: {list(input.shape)}\nhint: {name} wants (N, C, "
            + ("L" if nd == 1 else "H, W") + ") or one sample without the N; add a "
            "batch dimension with x.unsqueeze(0).")
    if not transposed and weight.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at "
            f"dimension 0, but got weight of size [{list(weight.shape)}] instead\n"
            "hint: out_channels must be a multiple of groups.")
    c = input.shape[-nd - 1]
    expected = weight.shape[0] if transposed else weight.shape[1] * groups
    if c != expected:
        shape = list(input.shape)
        kind = f"transposed={1}" if transposed else f"groups={groups}"
        raise RuntimeError(
            f"Given {kind}, weight of size {list(weight.shape)}, expected input{shape} "
            f"to have {expected} channels, but got {c} channels instead\nhint: the "
            f"layer was built for in_channels={expected} but this input has {c} "
            "channels (dim 1 of (N, C, H, W)); fix in_channels or the previous "
            "layer's out_channels.")


def _convnd(input, weight, bias, stride, padding, dilation, groups, nd, name):
    _check_conv(input, weight, groups, name)
    _checks.conv_bias(weight, bias)
    _check_dtypes(input, weight, bias)
    stride = (stride,) * nd if isinstance(stride, int) else tuple(stride)
    dilation = (dilation,) * nd if isinstance(dilation, int) else tuple(dilation)
    kernel = tuple(weight.shape[2:])
    _checks.conv_args(kernel, stride, padding, dilation, nd)
    pads = _conv_pads(padding, kernel, dilation, stride, nd)
    spatial = input.shape[-nd:]
    padded = [s + lo + hi for s, (lo, hi) in zip(spatial, pads)]
    eff = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({_sizes_text(padded)}). "
            f"Kernel size: ({_sizes_text(eff)}). Kernel size can't be greater than "
            f"actual input size\nhint: the input {tuple(spatial)} (after padding "
            f"{tuple(padded)}) is smaller than the kernel; use a smaller kernel, more "
            "padding, or check how much earlier layers shrank the image.")
    if nd == 1:
        stride, dilation, pads = (1,) + stride, (1,) + dilation, ((0, 0),) + pads
    if input.dim() == nd + 1:     # one sample: like PyTorch, add a batch axis, drop it
        return Convolution.apply(input.unsqueeze(0), weight, bias, stride, pads,
                                 dilation, groups).squeeze(0)
    return Convolution.apply(input, weight, bias, stride, pads, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over (N, C, H, W). Mirrors: torch.nn.functional.conv2d"""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over (N, C, L). Mirrors: torch.nn.functional.conv1d"""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """Transposed 2-D convolution. Mirrors: torch.nn.functional.conv_transpose2d"""
    _check_conv(input, weight, groups, "conv_transpose2d", transposed=True)
    _check_dtypes(input, weight, bias)
    _checks.conv_bias(weight, bias, weight.shape[1] * groups, transposed=True)
    stride, padding, dilation = _pair(stride), _pair(padding), _pair(dilation)
    output_padding = _pair(output_padding)
    _checks.conv_args(weight.shape[2:], stride, padding, dilation, 2, transposed=True)
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {output_padding[0]} output_padding_width: "
            f"{output_padding[1]} stride_height: {stride[0]} stride_width: {stride[1]} "
            f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}\nhint: "
            "output_padding only picks between the sizes a strided conv could have "
            "come from; keep it below the stride.")
    unbatched = input.dim() == 3
    if unbatched:
        input = input.unsqueeze(0)
    out = ConvTranspose.apply(input, weight, bias, stride, padding, output_padding,
                              groups, dilation)
    return out.squeeze(0) if unbatched else out


from teachtorch.ops.pad_modes import pad_mode  # noqa: F401  (padding='reflect'...)
