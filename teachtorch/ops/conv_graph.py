"""Convolution's backward written with Tensor operations, for create_graph=True.

The fast backward in conv.py works on raw arrays, so autograd cannot see inside it.
When a gradient must itself be differentiated (a gradient penalty, gradgradcheck),
Convolution.backward calls this instead: the same three formulas, built from unfold,
fold, matmul and sum, each of which has its own backward.

    cols = unfold(x_padded)             (N, C*kh*kw, L), one column per window
    dW   = dY @ cols.T, summed over the batch
    dx   = fold(W.T @ dY), cropped back to x's size
    db   = dY summed over batch and positions
Chapter 10 (CNN basics) opens this file.
"""
from teachtorch.ops.unfold import Fold, Im2Col


def conv_backward_graph(x, weight, grad_output, geometry, needs):
    """(dx, dW, db) as recorded Tensor ops. geometry is Convolution's ctx.geometry."""
    from teachtorch.nn import functional as F

    c, kernel, out, stride, pads, dilation, groups = geometry
    nd = weight.dim() - 2
    unbatched = x.dim() == nd + 1
    g = grad_output
    if unbatched:
        x, g = x.unsqueeze(0), g.unsqueeze(0)
    w = weight
    if nd == 1:  # conv1d runs as a height-1 conv2d
        x, w, g = x.unsqueeze(2), w.unsqueeze(2), g.unsqueeze(2)
    (top, bottom), (left, right) = pads
    n, h, wd = x.shape[0], x.shape[2], x.shape[3]
    o, k = w.shape[0], kernel[0] * kernel[1]
    cg, og, n_pos = c // groups, o // groups, out[0] * out[1]
    padded = F.pad(x, (left, right, top, bottom))
    gm = g.reshape(n, groups, og, n_pos)                        # dY per group
    wg = w.reshape(groups, og, cg * k)
    dx = dw = db = None
    if needs[0]:
        dcols = wg.transpose(1, 2) @ gm                         # (N, G, cg*k, L)
        dpad = Fold.apply(dcols.reshape(n, c * k, n_pos), tuple(padded.shape[2:]),
                          kernel, dilation, (0, 0), stride)
        dx = dpad[:, :, top:top + h, left:left + wd]
        if nd == 1:
            dx = dx.squeeze(2)
        if unbatched:
            dx = dx.squeeze(0)
    if needs[1]:
        cols = Im2Col.apply(padded, kernel, dilation, (0, 0), stride)
        cols = cols.reshape(n, groups, cg * k, n_pos)
        dw = (gm @ cols.transpose(2, 3)).sum(0).reshape(weight.shape)
    if len(needs) > 2 and needs[2]:
        db = g.sum((0, 2, 3))
    return dx, dw, db


def conv_transpose_backward_graph(x, weight, grad_output, geometry, needs):
    """(dx, dW, db) of conv_transpose2d as recorded Tensor ops.

    cols(dY) = unfold(dY) cuts dY into the windows each input pixel painted;
    dx = W @ cols(dY) per group, dW = x @ cols(dY).T summed over the batch.
    """
    kernel, out, stride, pads, dilation, groups = geometry
    n, cin = x.shape[0], x.shape[1]
    cout_g = weight.shape[1]
    k, n_pos = kernel[0] * kernel[1], out[0] * out[1]
    padding = (pads[0][0], pads[1][0])
    gcols = Im2Col.apply(grad_output, kernel, dilation, padding, stride)
    gcols = gcols.reshape(n, groups, cout_g * k, n_pos)
    wg = weight.reshape(groups, cin // groups, cout_g * k)
    xg = x.reshape(n, groups, cin // groups, n_pos)
    dx = dw = db = None
    if needs[0]:
        dx = (wg @ gcols).reshape(x.shape)
    if needs[1]:
        dw = (xg @ gcols.transpose(2, 3)).sum(0).reshape(weight.shape)
    if len(needs) > 2 and needs[2]:
        db = grad_output.sum((0, 2, 3))
    return dx, dw, db
