"""Convolution: conv1d, conv2d, conv_transpose2d, written as windows and matrix products.

A convolution slides a kh x kw window over the (padded) input; at each position it
multiplies the window by the weights and sums. Read all windows at once as columns
(``columns``: a strided view of the padded array, no loop) and the whole layer is
ONE matrix product, weights (O, C*kh*kw) @ columns (C*kh*kw, OH*OW).

Backward reads as what it is:
- the input gradient is a *transposed* convolution of the output gradient with the
  same weights (every output pixel hands its gradient back to the window it saw);
- the weight gradient is a correlation of the input with the output gradient (the
  columns times the output gradient, summed over the batch: ``Correlation``);
- the bias gradient is the output gradient summed over batch and positions.
Each forward below is NumPy on the arrays; each backward only calls these
Functions again (conv, transposed conv, correlation, sum), and each of those has a
backward of its own, so second and higher derivatives work through them.

The classes below are the reference. By default the fast kernel in
``_kernels/conv.py`` runs instead (same numbers, batch-last arrays and reused
buffers); ``with teachtorch.reference_mode():`` runs these. ``conv2d_naive``
(``conv_naive.py``) is the same arithmetic as loops, one output at a time.
Chapter 10 (CNN basics) opens this file.
"""
import numpy as np

from teachtorch import _backend, _checks
from teachtorch.autograd.function import Function
from teachtorch.ops import conv_args
from teachtorch.ops._kernels import conv as fast
from teachtorch.ops.conv_args import _conv_pads  # noqa: F401  (nn.Conv2d uses it)
from teachtorch.ops.conv_naive import conv2d_naive  # noqa: F401  (the loop twin)
from teachtorch.ops.reduce import Sum
from teachtorch.reference import is_reference_mode


def columns(x, kernel, stride, pads, dilation, groups):
    """Every window of the zero-padded x as a column: (N, G, C/G*kh*kw, OH*OW).

    The windows are a strided view of the padded array (no copy): window (p, q)
    starts at (p*sh, q*sw) and steps by the dilation. Only the reshape copies.
    Also returns (OH, OW).
    """
    xp = np if type(x) is np.ndarray else _backend.get_array_module(x)
    (top, bottom), (left, right) = pads
    if top or bottom or left or right:
        x = xp.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    n, c, h, w = x.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    oh, ow = (h - dh * (kh - 1) - 1) // sh + 1, (w - dw * (kw - 1) - 1) // sw + 1
    s = x.strides
    view = xp.lib.stride_tricks.as_strided(   # (N, C, kh, kw, OH, OW)
        x, (n, c, kh, kw, oh, ow), (s[0], s[1], s[2] * dh, s[3] * dw, s[2] * sh,
                                    s[3] * sw))
    return view.reshape(n, groups, c // groups * kh * kw, oh * ow), (oh, ow)


class ConvolutionReference(Function):
    """N-D cross-correlation (what every deep-learning 'convolution' really is).

    Math: y[n, o, p] = b[o] + sum_{c,i,j} w[o, c, i, j] * x_pad[n, c, p*s + (i,j)*d]
          = W @ columns(x);  dx = conv_transpose(dy, W);
          dW = correlate(x, dy) = sum over n of dy @ columns(x).T;  db = dy summed
    Mirrors: torch.nn.functional.conv2d (and conv1d), grad_fn ConvolutionBackward0
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, pads, dilation, groups):
        ctx.save_for_backward(x, weight)
        ctx.geometry = (stride, pads, dilation, groups)
        flat = x.ndim == 3                     # conv1d: a conv2d of height 1
        if flat:
            x, weight = x[:, :, None], weight[:, :, None]
        n, o = x.shape[0], weight.shape[0]
        cols, (oh, ow) = columns(x, weight.shape[2:], stride, pads, dilation, groups)
        y = weight.reshape(groups, o // groups, -1) @ cols    # (N, G, O/G, OH*OW)
        y = y.reshape(n, o, oh, ow)
        if bias is not None:
            y += bias.reshape(1, o, 1, 1)
        return y[:, :, 0] if flat else y

    @staticmethod
    def backward(ctx, grad_output):
        """dx, dW, db, each a call of a Function that has its own backward."""
        x, weight = ctx.saved_tensors
        return convolution_backward(grad_output, x, weight, *ctx.geometry,
                                    ctx.needs_input_grad)


def convolution_backward(grad_output, x, weight, stride, pads, dilation, groups,
                         needs):
    """(dx, dW, db) of a convolution, from differentiable calls (any order works)."""
    dx = dw = db = None
    if needs[0]:     # a transposed convolution of dy with the same weights
        size = (1,) + tuple(x.shape[2:]) if x.dim() == 3 else tuple(x.shape[2:])
        dx = conv_transpose(grad_output, weight, None, stride, pads, dilation, groups,
                            size)
    if needs[1]:     # the input's windows correlated with dy
        dw = Correlation.apply(x, grad_output, tuple(weight.shape), stride, pads,
                               dilation, groups)
    if len(needs) > 2 and needs[2]:
        db = BiasGrad.apply(grad_output)
    return dx, dw, db


class Correlation(Function):
    """A weight gradient: each window of inp times grad at its position, summed.

    Math: dW[o, c, i, j] = sum_{n,p} grad[n, o, p] * inp_pad[n, c, p*s + (i,j)*d];
          d inp = conv_transpose(grad, ggW);  d grad = conv(inp, ggW)
    Mirrors: the weight half of ConvolutionBackward0
    """
    _raw = True
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, inp, grad, weight_shape, stride, pads, dilation, groups):
        ctx.save_for_backward(inp, grad)
        ctx.geometry = (stride, pads, dilation, groups)
        if inp.ndim == 3:                      # conv1d: a conv2d of height 1
            inp, grad = inp[:, :, None], grad[:, :, None]
        kernel = weight_shape[-2:] if len(weight_shape) == 4 else (1, weight_shape[-1])
        cols, blocks = columns(inp, kernel, stride, pads, dilation, groups)
        g = grad.reshape(grad.shape[0], groups, -1, blocks[0] * blocks[1])
        return (g @ cols.transpose(0, 1, 3, 2)).sum(0).reshape(weight_shape)

    @staticmethod
    def backward(ctx, ggw):
        inp, grad = ctx.saved_tensors
        stride, pads, dilation, groups = ctx.geometry
        d_inp = d_grad = None
        if ctx.needs_input_grad[0]:
            size = (1,) + tuple(inp.shape[2:]) if inp.dim() == 3 else inp.shape[2:]
            d_inp = conv_transpose(grad, ggw, None, stride, pads, dilation, groups,
                                   size)
        if ctx.needs_input_grad[1]:
            d_grad = convolution(inp, ggw, None, stride, pads, dilation, groups)
        return d_inp, d_grad


class BiasGrad(Sum):
    """The bias gradient: dy summed over the batch and every position (a Sum)."""
    node_name = "SumBackward1"

    @staticmethod
    def forward(ctx, grad):
        dims = (0,) + tuple(range(2, grad.ndim))
        ctx.shape, ctx.dims, ctx.keepdim = grad.shape, dims, False
        return grad.sum(axis=dims)


class ConvTransposeReference(Function):
    """Transposed convolution: conv2d's input gradient, used as a layer.

    Math: each input pixel paints its value times the kernel onto the output:
          y_pad[n, o, p*s + (i,j)*d] += sum_c x[n, c, p] * w[c, o, i, j], cropped;
          dx = conv2d(dy, W);  dW = correlate(dy, x);  db = dy summed
    Mirrors: torch.nn.functional.conv_transpose2d, grad_fn ConvolutionBackward0
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, pads, dilation, groups, size):
        ctx.save_for_backward(x, weight)
        ctx.geometry = (stride, pads, dilation, groups)
        flat = x.ndim == 3                     # conv1d's input gradient
        if flat:
            x, weight = x[:, :, None], weight[:, :, None]
        xp = np if type(x) is np.ndarray else _backend.get_array_module(x)
        n, cin, h, w = x.shape
        og, kh, kw = weight.shape[1:]
        wg = weight.reshape(groups, cin // groups, -1)
        painted = wg.transpose(0, 2, 1) @ x.reshape(n, groups, cin // groups, h * w)
        painted = painted.reshape(n, groups * og, kh, kw, h, w)
        (top, bottom), (left, right) = pads
        (sh, sw), (dh, dw) = stride, dilation
        y = xp.zeros((n, groups * og, size[0] + top + bottom, size[1] + left + right),
                     x.dtype)
        for i in range(kh):                    # kernel offset (i, j) paints a
            for j in range(kw):                # strided grid of the output
                y[:, :, i * dh:i * dh + sh * (h - 1) + 1:sh,
                  j * dw:j * dw + sw * (w - 1) + 1:sw] += painted[:, :, i, j]
        y = y[:, :, top:top + size[0], left:left + size[1]]
        if bias is not None:
            y = y + bias.reshape(1, -1, 1, 1)
        return y[:, :, 0] if flat else xp.ascontiguousarray(y)

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return conv_transpose_backward(grad_output, x, weight, *ctx.geometry,
                                       ctx.needs_input_grad)


def conv_transpose_backward(grad_output, x, weight, stride, pads, dilation, groups,
                            needs):
    """(dx, dW, db) of a transposed convolution, from differentiable calls."""
    dx = dw = db = None
    if needs[0]:     # the transpose of a transpose: an ordinary convolution
        dx = convolution(grad_output, weight, None, stride, pads, dilation, groups)
    if needs[1]:     # dy's windows correlated with the input
        dw = Correlation.apply(grad_output, x, tuple(weight.shape), stride, pads,
                               dilation, groups)
    if len(needs) > 2 and needs[2]:
        db = BiasGrad.apply(grad_output)
    return dx, dw, db


# ----- dispatch: the reference, or the fast kernel ----------------------------------
def convolution(x, weight, bias, stride, pads, dilation, groups):
    """A checked batched convolution (2-D geometry tuples)."""
    op = ConvolutionReference if is_reference_mode() else fast.Convolution
    return op.apply(x, weight, bias, stride, pads, dilation, groups)


def conv_transpose(x, weight, bias, stride, pads, dilation, groups, size):
    """A checked batched transposed convolution with output size (H, W)."""
    reference = is_reference_mode() or len(x.shape) == 3  # (the kernel is 2-D only)
    op = ConvTransposeReference if reference else fast.ConvTranspose
    return op.apply(x, weight, bias, stride, pads, dilation, groups, tuple(size))


# ----- the functions learners call --------------------------------------------------
def _convnd(input, weight, bias, stride, padding, dilation, groups, nd, name):
    stride, pads, dilation = conv_args.conv_geometry(
        input, weight, bias, stride, padding, dilation, groups, nd, name)
    if input._data.ndim == nd + 1:   # one sample: like PyTorch, add a batch axis
        return convolution(input.unsqueeze(0), weight, bias, stride, pads, dilation,
                           groups).squeeze(0)
    return convolution(input, weight, bias, stride, pads, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over (N, C, H, W). Mirrors: torch.nn.functional.conv2d"""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over (N, C, L). Mirrors: torch.nn.functional.conv1d"""
    return _convnd(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """Transposed 2-D convolution. Mirrors: torch.nn.functional.conv_transpose2d"""
    stride, pads, dilation, size = conv_args.transpose_geometry(
        input, weight, stride, padding, output_padding, groups, dilation)
    conv_args.check_dtypes(input, weight, bias)
    _checks.conv_bias(weight, bias, weight.shape[1] * groups, transposed=True)
    if input.dim() == 3:
        return conv_transpose(input.unsqueeze(0), weight, bias, stride, pads, dilation,
                              groups, size).squeeze(0)
    return conv_transpose(input, weight, bias, stride, pads, dilation, groups, size)


conv2d.__reference__ = conv1d.__reference__ = ConvolutionReference
conv_transpose2d.__reference__ = ConvTransposeReference

from teachtorch.ops.pad_modes import pad_mode  # noqa: F401  (padding='reflect'...)
