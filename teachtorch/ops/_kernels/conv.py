"""Fast convolution kernels: im2col and col2im on arrays, batch last, scratch buffers.

The math is in ``ops/conv.py`` (read that first); this file computes the same numbers
fast. im2col: ``as_strided`` gives a (C, kh, kw, OH, OW, N) *view* of the padded
input in which every output position sees its own window; copying that view gives
the column matrix cols (C*kh*kw, OH*OW*N), one column per output pixel of the whole
batch. The convolution is then ONE matrix product ``W @ cols``; its backward is two
more, dW = dY @ cols.T and dcols = W.T @ dY, and col2im, which adds each kernel
offset's slab of dcols back onto the input (kh*kw slice additions).

Layout: inside the kernel the batch axis is LAST, (C, H, W, N). Then the window
copies of im2col and the slice additions of col2im run over long contiguous rows of
OW*N numbers (with N first, a 5x5 kernel on an 8x8 map works in rows of 8). The
price is one transposed copy in and one out, done in cache-sized tiles.

The columns are kh*kw times the size of the input, so they are not kept for backward
(PyTorch does not keep them either). They live in a reused scratch buffer
(``scratch.py``: fresh multi-megabyte arrays cost a page fault per 4 KiB); backward
uses them if no other convolution of that size has overwritten the buffer since,
and otherwise rebuilds them from the saved input.

With ``create_graph=True`` (grad mode on inside backward) autograd cannot see into
an array backward, so the Functions here hand over to the reference's backward in
``ops/conv.py`` / ``ops/unfold.py``, written with differentiable calls.
"""
from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels.scratch import scratch, still_holds
from teachtorch.ops.window_size import out_size


def wrap(array):
    """A Tensor of array, made contiguous (never pass a scratch buffer here)."""
    from teachtorch.tensor import Tensor

    return Tensor._make(get_array_module(array).ascontiguousarray(array))


def batch_last(x, pads, name="input"):
    """(N, C, H, W) -> zero-padded (C, Hp, Wp, N) in a scratch buffer."""
    xp = get_array_module(x)
    n, c, h, w = x.shape
    (t, b), (lf, r) = pads
    out = scratch(xp, name, (c, t + h + b, lf + w + r, n), x.dtype)
    if t or b or lf or r:
        out.fill(0)
    out[:, t:t + h, lf:lf + w, :] = x.transpose(1, 2, 3, 0)
    return out


def batch_first(m, shape, row_bias=None):
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
    The result is a scratch buffer (with its ticket if asked: see scratch.py).
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


def crop_batch_first(x, pads):
    """Padded batch-last (C, Hp, Wp, N) -> a new (N, C, H, W) without the padding."""
    xp = get_array_module(x)
    c, hp, wp, n = x.shape
    (t, b), (lf, r) = pads
    if t or b or lf or r:
        inner = scratch(xp, "crop", (c, hp - t - b, wp - lf - r, n), x.dtype)
        inner[...] = x[:, t:hp - b, lf:wp - r, :]
        x = inner
    rows = x.shape[0] * x.shape[1] * x.shape[2]  # (not -1: an empty batch has n = 0)
    return batch_first(x.reshape(rows, n), (n,) + x.shape[:3])


def _as_4d(x, w):
    """A height axis added where missing: conv1d runs as a height-1 conv2d."""
    if w.ndim == 3:
        return x[:, :, None, :], w[:, :, None, :]
    return x, w


class Convolution(Function):
    """conv1d/conv2d as three GEMMs on batch-last arrays (the fast kernel).

    Math: Y = W @ cols(x);  dW = dY @ cols(x).T;  dx = col2im(W.T @ dY)
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
        cols, ctx.cols_ticket = im2col(batch_last(x2, pads), (kh, kw), (oh, ow),
                                       stride, dilation, with_ticket=True)
        wg = w2.reshape(groups, o // groups, cg * kh * kw)
        y = scratch(xp, "y", (groups, o // groups, oh * ow * n), x.dtype)
        xp.matmul(wg, cols.reshape(groups, cg * kh * kw, -1), out=y)
        row_bias = None if bias is None else xp.repeat(bias, oh * ow)  # rows (o, y, x)
        y = batch_first(y.reshape(o * oh * ow, n), (n, o, oh, ow), row_bias)
        ctx.save_for_backward(x, weight)
        ctx.geometry = (c, (kh, kw), (oh, ow), stride, pads, dilation, groups)
        return y[:, :, 0, :] if weight.ndim == 3 else y

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        c, kernel, out, stride, pads, dilation, groups = ctx.geometry
        if grad_mode.is_grad_enabled():  # create_graph=True: the readable backward
            from teachtorch.ops.conv import convolution_backward

            return convolution_backward(grad_output, x, weight, stride, pads, dilation,
                                        groups, ctx.needs_input_grad)
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
            gx = wrap(crop_batch_first(dx, pads).reshape(x.shape))
        if ctx.needs_input_grad[1]:
            cols = still_holds(ctx.cols_ticket)    # forward's columns, if not reused
            if cols is None:
                cols = im2col(batch_last(x2, pads), kernel, out, stride, dilation)
            cols = cols.reshape(groups, ckg, -1).transpose(0, 2, 1)
            gw = wrap(xp.matmul(gm, cols).reshape(weight.shape))
        if ctx.needs_input_grad[2]:
            gb = wrap(gm.reshape(o, -1).sum(axis=1))
        return gx, gw, gb


class ConvTranspose(Function):
    """conv_transpose2d as a GEMM and col2im on batch-last arrays (the fast kernel).

    Math: y = col2im(W.T @ x);  dx = W @ cols(dy);  dW = x @ cols(dy).T
    Mirrors: torch.nn.functional.conv_transpose2d, grad_fn ConvolutionBackward0
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, pads, dilation, groups, size):
        xp = get_array_module(x)
        n, cin, h, w = x.shape
        _, og, kh, kw = weight.shape
        (t, b), (lf, r) = pads
        padded = (og * groups, size[0] + t + b, size[1] + lf + r, n)
        xm = batch_last(x, ((0, 0), (0, 0))).reshape(groups, cin // groups, -1)
        wg = weight.reshape(groups, cin // groups, og * kh * kw)
        cols = xp.matmul(wg.transpose(0, 2, 1), xm)
        y = crop_batch_first(col2im(cols, padded, (kh, kw), (h, w), stride, dilation),
                             pads)
        if bias is not None:
            y += bias.reshape(1, -1, 1, 1)
        ctx.save_for_backward(x, weight)
        ctx.geometry = ((kh, kw), (h, w), stride, pads, dilation, groups)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        kernel, out, stride, pads, dilation, groups = ctx.geometry
        if grad_mode.is_grad_enabled():  # create_graph=True: the readable backward
            from teachtorch.ops.conv import conv_transpose_backward

            return conv_transpose_backward(grad_output, x, weight, stride, pads,
                                           dilation, groups, ctx.needs_input_grad)
        xp = get_array_module(x._data)
        cin, n = weight.shape[0], x.shape[0]
        g = grad_output._data
        gcols = im2col(batch_last(g, pads), kernel, out, stride, dilation)
        gcols = gcols.reshape(groups, -1, gcols.shape[1])
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            wg = weight._data.reshape(groups, cin // groups, -1)
            gx = xp.matmul(wg, gcols).reshape(-1, n)
            gx = wrap(batch_first(gx, (n,) + tuple(x.shape[1:])))
        if ctx.needs_input_grad[1]:
            xm = batch_last(x._data, ((0, 0), (0, 0)))
            xm = xm.reshape(groups, cin // groups, -1)
            gw = xp.matmul(xm, gcols.transpose(0, 2, 1))
            gw = wrap(gw.reshape(weight.shape))
        if ctx.needs_input_grad[2]:
            gb = wrap(g.sum(axis=(0, 2, 3)))
        return gx, gw, gb


class Im2Col(Function):
    """F.unfold on arrays: conv's im2col, then batch first again (the fast kernel).

    Math: y[n, (c,i,j), l] = x_pad[n, c, i*d + s*row(l), j*d + s*col(l)];  dx = fold(dy)
    Mirrors: torch.nn.functional.unfold, grad_fn Im2ColBackward0
    """
    _raw = True
    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, k, d, p, s):
        ctx.geometry = (x.shape[2:], k, d, p, s)
        n, c = x.shape[:2]
        out = tuple(out_size(x.shape[2 + a], k[a], s[a], p[a], p[a], d[a])
                    for a in (0, 1))
        pads = ((p[0], p[0]), (p[1], p[1]))
        cols = im2col(batch_last(x, pads), k, out, s, d)   # (C*kh*kw, L*N), scratch
        rows = c * k[0] * k[1] * out[0] * out[1]
        return batch_first(cols.reshape(rows, n), (n, c * k[0] * k[1], out[0] * out[1]))

    @staticmethod
    def backward(ctx, grad_output):   # Tensor ops: differentiable as it stands
        return Fold.apply(grad_output, *ctx.geometry)


class Fold(Function):
    """F.fold on arrays: conv's col2im (each column added back into its window).

    Math: y = the columns added back where their windows were;  dcols = unfold(dy)
    Mirrors: torch.nn.functional.fold, grad_fn Col2ImBackward0
    """
    _raw = True
    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, size, k, d, p, s):
        ctx.geometry = (k, d, p, s)
        n, ck, n_pos = cols.shape
        out = tuple(out_size(size[a], k[a], s[a], p[a], p[a], d[a]) for a in (0, 1))
        pads = ((p[0], p[0]), (p[1], p[1]))
        batch_last_cols = cols.transpose(1, 2, 0).reshape(ck, n_pos * n)
        padded = (ck // (k[0] * k[1]), size[0] + 2 * p[0], size[1] + 2 * p[1], n)
        return crop_batch_first(col2im(batch_last_cols, padded, k, out, s, d), pads)

    @staticmethod
    def backward(ctx, grad_output):   # Tensor ops: differentiable as it stands
        return Im2Col.apply(grad_output, *ctx.geometry)
