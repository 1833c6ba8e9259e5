"""Convolution: conv1d, conv2d, conv_transpose2d, via im2col and one matrix product.

im2col: ``as_strided`` gives an (N, C, kh, kw, OH, OW) *view* of the padded input in
which every output position sees its own kh x kw window; copying that view into
(N, C*kh*kw, OH*OW) column matrices turns the whole convolution into one batched
GEMM with the weight matrix (O, C*kh*kw): ``np.matmul(W, cols)`` -> (N, O, OH*OW),
already in PyTorch's NCHW order. (One GEMM per sample rather than one huge GEMM:
OpenBLAS runs these mid-sized products steadily, while a single (O, N*OH*OW) product
can stall for tens of milliseconds when its threads compete for busy cores.)
The backward pass is two more batched GEMMs and col2im, which adds each kernel
offset's slab of the columns back onto the input (kh*kw slice additions, no loop over
elements). ``conv2d_naive`` is the same arithmetic as six nested loops.
Chapter 10 (CNN basics) opens this file.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
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


def im2col(xp, kernel, out, stride, dilation):
    """Columns (N, C*kh*kw, OH*OW) of a padded (N, C, H, W) array: one copy.

    Math: cols[n, (c, i, j), (y, x)] = xp[n, c, y*s_h + i*d_h, x*s_w + j*d_w]
    """
    n, c = xp.shape[:2]
    (kh, kw), (oh, ow) = kernel, out
    sn, sc, sh, sw = xp.strides
    view = as_strided(xp, (n, c, kh, kw, oh, ow),
                      (sn, sc, sh * dilation[0], sw * dilation[1],
                       sh * stride[0], sw * stride[1]), writeable=False)
    return view.reshape(n, c * kh * kw, oh * ow)


def col2im(cols, padded_shape, kernel, out, stride, dilation):
    """The adjoint of im2col: add every column entry back onto its input pixel.

    One slice addition per kernel offset. NumPy adds fastest along a long last axis,
    so for small feature maps (OW < N) the sums run in an (C, H, W, N) buffer.
    """
    n, c, hp, wp = padded_shape
    (kh, kw), (oh, ow) = kernel, out
    cols = cols.reshape(n, c, kh, kw, oh, ow)
    batch_last = ow < n
    if batch_last:
        cols = cols.transpose(2, 3, 1, 4, 5, 0)           # (kh, kw, C, OH, OW, N) view
        dx = np.zeros((c, hp, wp, n), cols.dtype)
    else:
        cols = cols.transpose(2, 3, 0, 1, 4, 5)           # (kh, kw, N, C, OH, OW) view
        dx = np.zeros(padded_shape, cols.dtype)
    for i in range(kh):
        top = i * dilation[0]
        rows = slice(top, top + stride[0] * (oh - 1) + 1, stride[0])
        for j in range(kw):
            left = j * dilation[1]
            columns = slice(left, left + stride[1] * (ow - 1) + 1, stride[1])
            if batch_last:
                dx[:, rows, columns, :] += cols[i, j]
            else:
                dx[:, :, rows, columns] += cols[i, j]
    return np.ascontiguousarray(dx.transpose(3, 0, 1, 2)) if batch_last else dx


def _pad(x, pads):
    (t, b), (lf, r) = pads
    if t == b == lf == r == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (t, b), (lf, r)))


def _crop(x, pads):
    (t, b), (lf, r) = pads
    return x[:, :, t:x.shape[2] - b, lf:x.shape[3] - r]


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
        x2, w2 = _as_4d(x, weight)
        n, c, h, w = x2.shape
        o, cg, kh, kw = w2.shape
        xp = _pad(x2, pads)
        oh = out_size(h, kh, stride[0], *pads[0], dilation[0])
        ow = out_size(w, kw, stride[1], *pads[1], dilation[1])
        cols = im2col(xp, (kh, kw), (oh, ow), stride, dilation)
        wg = w2.reshape(groups, o // groups, cg * kh * kw)
        y = np.matmul(wg, cols.reshape(n, groups, cg * kh * kw, oh * ow))
        y = y.reshape(n, o, oh, ow)
        if bias is not None:
            y += bias.reshape(1, o, 1, 1)
        ctx.save_for_backward(weight)
        ctx.geometry = (xp.shape, (kh, kw), (oh, ow), stride, pads, dilation, groups)
        ctx.cols = cols
        ctx.in_shape = x.shape
        return _as_input_shape(y, x.shape, weight.ndim - 2)

    @staticmethod
    def backward(ctx, grad_output):
        _no_double_backward("convolution")
        (weight,) = ctx.saved_tensors
        xp_shape, kernel, out, stride, pads, dilation, groups = ctx.geometry
        nd = weight.dim() - 2
        g = grad_output._data
        g = g[None] if len(ctx.in_shape) == nd + 1 else g
        g = g[:, :, None, :] if nd == 1 else g
        w2 = weight._data.reshape(weight.shape[0], -1)
        o, ckg = w2.shape
        n = g.shape[0]
        wg = w2.reshape(groups, o // groups, ckg)
        gm = g.reshape(n, groups, o // groups, -1)
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            cols = np.matmul(wg.transpose(0, 2, 1), gm).reshape(n, groups * ckg, -1)
            dx = _crop(col2im(cols, xp_shape, kernel, out, stride, dilation), pads)
            gx = _wrap(_as_input_shape(dx, ctx.in_shape, nd))
        if ctx.needs_input_grad[1]:
            cols = ctx.cols.reshape(n, groups, ckg, -1).transpose(0, 1, 3, 2)
            gw = _wrap(np.matmul(gm, cols).sum(axis=0).reshape(weight.shape))
        if len(ctx.needs_input_grad) > 2 and ctx.needs_input_grad[2]:
            gb = _wrap(g.sum(axis=(0, 2, 3)))
        return gx, gw, gb


def _wrap(array):
    from teachtorch.tensor import Tensor

    return Tensor._make(np.ascontiguousarray(array))


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
        n, cin, h, w = x.shape
        _, og, kh, kw = weight.shape
        hout = (h - 1) * stride[0] - 2 * padding[0] + dilation[0] * (kh - 1) \
            + output_padding[0] + 1
        wout = (w - 1) * stride[1] - 2 * padding[1] + dilation[1] * (kw - 1) \
            + output_padding[1] + 1
        padded = (n, og * groups, hout + 2 * padding[0], wout + 2 * padding[1])
        xm = x.reshape(n, groups, cin // groups, h * w)
        wg = weight.reshape(groups, cin // groups, og * kh * kw)
        cols = np.matmul(wg.transpose(0, 2, 1), xm)
        cols = cols.reshape(n, groups * og * kh * kw, -1)
        pads = ((padding[0], padding[0]), (padding[1], padding[1]))
        y = _crop(col2im(cols, padded, (kh, kw), (h, w), stride, dilation), pads)
        y = np.ascontiguousarray(y)
        if bias is not None:
            y += bias.reshape(1, -1, 1, 1)
        ctx.save_for_backward(x, weight)
        ctx.geometry = ((kh, kw), (h, w), stride, pads, dilation, groups)
        return y

    @staticmethod
    def backward(ctx, grad_output):
        _no_double_backward("conv_transpose2d")
        x, weight = ctx.saved_tensors
        kernel, out, stride, pads, dilation, groups = ctx.geometry
        cin = weight.shape[0]
        gcols = im2col(_pad(grad_output._data, pads), kernel, out, stride, dilation)
        n = gcols.shape[0]
        gcols = gcols.reshape(n, groups, -1, gcols.shape[2])
        gx = gw = gb = None
        if ctx.needs_input_grad[0]:
            wg = weight._data.reshape(groups, cin // groups, -1)
            gx = _wrap(np.matmul(wg, gcols).reshape(x.shape))
        if ctx.needs_input_grad[1]:
            xm = x._data.reshape(n, groups, cin // groups, -1)
            gw = np.matmul(xm, gcols.transpose(0, 1, 3, 2)).sum(axis=0)
            gw = _wrap(gw.reshape(weight.shape))
        if ctx.needs_input_grad[2]:
            gb = _wrap(grad_output._data.sum(axis=(0, 2, 3)))
        return gx, gw, gb


class _ModePad(Function):
    """Pad the spatial axes by reflecting, repeating the edge, or wrapping around.

    Math: y = x with borders copied from inside x;  dx = dy folded back onto the
          pixels each border element was copied from
    Mirrors: torch.nn.functional.pad(mode='reflect'|'replicate'|'circular')
    """
    _raw = True
    np_mode = "reflect"

    @classmethod
    def forward(cls, ctx, x, pads):
        ctx.pads = pads
        width = [(0, 0)] * (x.ndim - len(pads)) + list(pads)
        return np.pad(x, width, mode=cls.np_mode)

    @classmethod
    def backward(cls, ctx, grad_output):
        _no_double_backward("padding")
        g = grad_output._data
        nd = len(ctx.pads)
        for k, (lo, hi) in enumerate(ctx.pads):
            g = _fold(np.moveaxis(g, g.ndim - nd + k, -1), lo, hi, cls.np_mode)
            g = np.moveaxis(g, -1, g.ndim - nd + k)
        return _wrap(g)


def _fold(g, lo, hi, mode):
    """Undo one axis of padding: add each border gradient onto its source pixel."""
    n = g.shape[-1] - lo - hi
    core = g[..., lo:lo + n].copy()
    left, right = g[..., :lo], g[..., lo + n:]
    if mode == "reflect":
        core[..., 1:lo + 1] += left[..., ::-1]
        core[..., n - 1 - hi:n - 1] += right[..., ::-1]
    elif mode == "edge":
        core[..., 0] += left.sum(-1)
        core[..., n - 1] += right.sum(-1)
    else:  # wrap
        core[..., n - lo:] += left
        core[..., :hi] += right
    return core


_PAD_CLASSES = {}
for _mode, _np_mode, _name in (("reflect", "reflect", "ReflectionPad"),
                               ("replicate", "edge", "ReplicationPad"),
                               ("circular", "wrap", "CircularPad")):
    for _nd in (1, 2):
        _PAD_CLASSES[_mode, _nd] = type(
            f"{_name}{_nd}d", (_ModePad,),
            {"np_mode": _np_mode, "node_name": f"{_name}{_nd}DBackward0"})


def pad_mode(input, pads, mode):
    """Pad the last len(pads) axes; pads = ((lo, hi), ...) first spatial axis first."""
    shape = list(input.shape)
    for k in range(len(pads) - 1, -1, -1):          # PyTorch checks the last axis first
        lo, hi = pads[k]
        dim = input.dim() - len(pads) + k
        if mode == "reflect" and max(lo, hi) >= shape[dim]:
            raise RuntimeError(
                "Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {dim} of input "
                f"{shape}\nhint: reflection mirrors the inside of the input, so it "
                "needs more pixels than the padding; use padding_mode='replicate' or "
                "less padding.")
        if mode == "circular" and max(lo, hi) > shape[dim]:
            raise RuntimeError(
                "Padding value causes wrapping around more than once.\nhint: circular "
                "padding copies from the other side; it can be at most the input size.")
    return _PAD_CLASSES[mode, len(pads)].apply(input, tuple(pads))


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
    hint = ("\nhint: the input and the layer's weights must share one dtype; convert "
            "the input (x.float(): NumPy data is often float64) or the model "
            "(model.double()).")
    a = input._data.dtype.name
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
    _check_dtypes(input, weight, bias)
    stride = (stride,) * nd if isinstance(stride, int) else tuple(stride)
    dilation = (dilation,) * nd if isinstance(dilation, int) else tuple(dilation)
    kernel = tuple(weight.shape[2:])
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
    stride, padding, dilation = _pair(stride), _pair(padding), _pair(dilation)
    output_padding = _pair(output_padding)
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
