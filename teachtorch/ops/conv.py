"""Convolution: conv1d, conv2d, conv_transpose2d, written as windows and matrix products.

A convolution slides a kh x kw window over the (padded) input; at each position it
multiplies the window by the weights and sums. Read all windows at once as columns
(``windows`` in ``unfold.py``: one strided slice per kernel offset) and the whole
layer is ONE matrix product, weights (O, C*kh*kw) @ columns (C*kh*kw, OH*OW).

Backward reads as what it is:
- the input gradient is a *transposed* convolution of the output gradient with the
  same weights (every output pixel hands its gradient back to the window it saw);
- the weight gradient is a correlation of the input with the output gradient (the
  columns times the output gradient, summed over the batch);
- the bias gradient is the output gradient summed over batch and positions.
Both are built from differentiable calls, so second derivatives work through them.

The classes below are the reference: the math in plain Tensor ops. By default the
fast kernel in ``_kernels/conv.py`` runs instead (same numbers, batch-last arrays and
reused buffers); ``with teachtorch.reference_mode():`` runs these. ``conv2d_naive``
(``conv_naive.py``) is the same arithmetic as loops, one output at a time.
Chapter 10 (CNN basics) opens this file.
"""
from teachtorch import _checks
from teachtorch.autograd.function import Function
from teachtorch.ops import conv_args
from teachtorch.ops._kernels import conv as fast
from teachtorch.ops.conv_args import _conv_pads  # noqa: F401  (nn.Conv2d uses it)
from teachtorch.ops.conv_naive import conv2d_naive  # noqa: F401  (the loop twin)
from teachtorch.ops.unfold import add_windows, windows
from teachtorch.ops.window_size import out_size
from teachtorch.reference import is_reference_mode


def columns(x, kernel, stride, pads, dilation, groups):
    """Every window of x as a column, per group: (N, G, C/G*kh*kw, OH*OW), (OH, OW)."""
    from teachtorch.nn.functional import pad

    (top, bottom), (left, right) = pads
    if top or bottom or left or right:
        x = pad(x, (left, right, top, bottom))
    blocks = tuple(out_size(x.shape[2 + a], kernel[a], stride[a], 0, 0, dilation[a])
                   for a in (0, 1))
    cols = windows(x, kernel, dilation, stride, blocks)       # (N, C, kh*kw, OH, OW)
    return cols.reshape(x.shape[0], groups, -1, blocks[0] * blocks[1]), blocks


class ConvolutionReference(Function):
    """N-D cross-correlation (what every deep-learning 'convolution' really is).

    Math: y[n, o, p] = b[o] + sum_{c,i,j} w[o, c, i, j] * x_pad[n, c, p*s + (i,j)*d]
          = W @ columns(x);  dx = conv_transpose(dy, W);
          dW = sum over n of dy @ columns(x).T;  db = dy summed
    Mirrors: torch.nn.functional.conv2d (and conv1d), grad_fn ConvolutionBackward0
    """
    n_tensor_slots = 3
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, pads, dilation, groups):
        ctx.save_for_backward(x, weight)
        ctx.geometry = (stride, pads, dilation, groups)
        x, w = _with_height(x), _with_height(weight)     # conv1d: a height-1 conv2d
        n, o = x.shape[0], w.shape[0]
        cols, blocks = columns(x, w.shape[2:], stride, pads, dilation, groups)
        y = w.reshape(groups, o // groups, -1) @ cols          # (N, G, O/G, OH*OW)
        y = y.reshape(n, o, *blocks)
        if bias is not None:
            y = y + bias.reshape(1, o, 1, 1)
        return y.squeeze(2) if weight.dim() == 3 else y

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        return convolution_backward(grad_output, x, weight, *ctx.geometry,
                                    ctx.needs_input_grad)


def convolution_backward(grad_output, x, weight, stride, pads, dilation, groups,
                         needs):
    """(dx, dW, db) of a convolution, from differentiable calls (any order works)."""
    g, x4, w4 = _with_height(grad_output), _with_height(x), _with_height(weight)
    dx = dw = db = None
    if needs[0]:     # a transposed convolution of dy with the same weights
        dx = conv_transpose(g, w4, None, stride, pads, dilation, groups, x4.shape[2:])
        dx = dx.squeeze(2) if x.dim() == 3 else dx
    if needs[1]:     # the input's windows correlated with dy
        dw = correlate(x4, g, w4.shape, stride, pads, dilation, groups)
        dw = dw.reshape(weight.shape)
    if len(needs) > 2 and needs[2]:
        db = g.sum((0, 2, 3))
    return dx, dw, db


def correlate(inp, grad, weight_shape, stride, pads, dilation, groups):
    """A weight gradient: each window of inp times grad at its position, summed.

    Math: dW[o, c, i, j] = sum_{n,p} dy[n, o, p] * x_pad[n, c, p*s + (i,j)*d]
    """
    cols, blocks = columns(inp, weight_shape[2:], stride, pads, dilation, groups)
    g = grad.reshape(grad.shape[0], groups, -1, blocks[0] * blocks[1])
    return (g @ cols.transpose(2, 3)).sum(0).reshape(weight_shape)


class ConvTransposeReference(Function):
    """Transposed convolution: conv2d's input gradient, used as a layer.

    Math: each input pixel paints its value times the kernel onto the output,
          y = add_windows(W.T @ x) cropped;  dx = conv2d(dy, W);
          dW = sum over n of x @ columns(dy).T;  db = dy summed
    Mirrors: torch.nn.functional.conv_transpose2d, grad_fn ConvolutionBackward0
    """
    n_tensor_slots = 3
    node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, stride, pads, dilation, groups, size):
        ctx.save_for_backward(x, weight)
        ctx.geometry = (stride, pads, dilation, groups)
        n, cin, h, w = x.shape
        og, kernel = weight.shape[1], tuple(weight.shape[2:])
        xg = x.reshape(n, groups, cin // groups, h * w)
        wg = weight.reshape(groups, cin // groups, -1)
        painted = wg.transpose(1, 2) @ xg             # (N, G, O/G*kh*kw, H*W)
        slabs = painted.reshape(n, groups * og, -1, h, w)
        (top, bottom), (left, right) = pads
        padded = (size[0] + top + bottom, size[1] + left + right)
        y = add_windows(slabs, padded, kernel, dilation, stride, (h, w))
        y = y[:, :, top:top + size[0], left:left + size[1]]
        if bias is not None:
            y = y + bias.reshape(1, -1, 1, 1)
        return y.contiguous()

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
        dw = correlate(grad_output, x, weight.shape, stride, pads, dilation, groups)
    if len(needs) > 2 and needs[2]:
        db = grad_output.sum((0, 2, 3))
    return dx, dw, db


def _with_height(t):
    """conv1d runs as a conv2d of height 1: (N, C, L) -> (N, C, 1, L)."""
    return t.unsqueeze(2) if t.dim() == 3 else t


# ----- dispatch: the reference, or the fast kernel ----------------------------------
def convolution(x, weight, bias, stride, pads, dilation, groups):
    """A checked batched convolution (2-D geometry tuples)."""
    op = ConvolutionReference if is_reference_mode() else fast.Convolution
    return op.apply(x, weight, bias, stride, pads, dilation, groups)


def conv_transpose(x, weight, bias, stride, pads, dilation, groups, size):
    """A checked batched transposed convolution with output size (H, W)."""
    op = ConvTransposeReference if is_reference_mode() else fast.ConvTranspose
    return op.apply(x, weight, bias, stride, pads, dilation, groups, tuple(size))


# ----- the functions learners call --------------------------------------------------
def _convnd(input, weight, bias, stride, padding, dilation, groups, nd, name):
    stride, pads, dilation = conv_args.conv_geometry(input, weight, stride, padding,
                                                     dilation, groups, nd, name)
    _checks.conv_bias(weight, bias)
    conv_args.check_dtypes(input, weight, bias)
    if input.dim() == nd + 1:     # one sample: like PyTorch, add a batch axis, drop it
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
