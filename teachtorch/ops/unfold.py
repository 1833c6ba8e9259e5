"""F.unfold (im2col) and F.fold (col2im): the sliding windows of a convolution as columns.

unfold cuts every kh x kw window (with dilation, padding and stride) out of an image and
lays it out as one column: (N, C, H, W) -> (N, C*kh*kw, L), L = number of windows. A
convolution is then one matrix product, W.view(out_channels, -1) @ columns. fold goes
the other way and *adds* each column back where its window came from, so where windows
overlap the values sum up. The two are each other's transpose, so each one's backward
is the other.
Chapter 10 (CNN basics) opens this file.
"""
from teachtorch import _errors
from teachtorch.autograd.function import Function
from teachtorch.ops.conv import (
    _batch_first,
    _batch_last,
    _crop_batch_first,
    _pair,
    col2im,
    im2col,
    out_size,
)


def _blocks(size, k, d, p, s):
    """How many windows fit along one dim: conv's output size, symmetric padding."""
    return out_size(size, k, s, p, p, d)


def unfold_array(x, k, d, p, s):
    """(N, C, H, W) -> (N, C*kh*kw, L): conv's im2col, then batch first again."""
    n, c = x.shape[:2]
    out = tuple(_blocks(x.shape[2 + a], k[a], d[a], p[a], s[a]) for a in (0, 1))
    pads = ((p[0], p[0]), (p[1], p[1]))
    cols = im2col(_batch_last(x, pads), k, out, s, d)   # (C*kh*kw, L*N), scratch
    return _batch_first(cols.reshape(-1, n), (n, c * k[0] * k[1], out[0] * out[1]))


def fold_array(cols, size, k, d, p, s):
    """(N, C*kh*kw, L) -> (N, C, H, W): conv's col2im (each column added back into
    its window), cropped to size."""
    n, ck, n_pos = cols.shape
    out = tuple(_blocks(size[a], k[a], d[a], p[a], s[a]) for a in (0, 1))
    pads = ((p[0], p[0]), (p[1], p[1]))
    batch_last = cols.transpose(1, 2, 0).reshape(ck, n_pos * n)
    padded = (ck // (k[0] * k[1]), size[0] + 2 * p[0], size[1] + 2 * p[1], n)
    return _crop_batch_first(col2im(batch_last, padded, k, out, s, d), pads)


class Im2Col(Function):
    """im2col. Math: y[n, (c,i,j), l] = x_pad[n, c, i*d + s*row(l), j*d + s*col(l)];
    dL/dx = fold(dL/dy). Mirrors: torch.nn.functional.unfold"""
    _raw = True
    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, k, d, p, s):
        ctx.geometry = (x.shape[2:], k, d, p, s)
        return unfold_array(x, k, d, p, s)

    @staticmethod
    def backward(ctx, grad_output):
        size, k, d, p, s = ctx.geometry
        return Fold.apply(grad_output, size, k, d, p, s)


class Fold(Function):
    """col2im. Math: y = sum of the columns put back in their windows;
    dL/dcols = unfold(dL/dy). Mirrors: torch.nn.functional.fold"""
    _raw = True
    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, size, k, d, p, s):
        ctx.geometry = (k, d, p, s)
        return fold_array(cols, size, k, d, p, s)

    @staticmethod
    def backward(ctx, grad_output):
        return Im2Col.apply(grad_output, *ctx.geometry)


def _check_geometry(k, d, p, s):
    if min(s) <= 0:
        raise RuntimeError(_errors.hint(
            f"stride should be greater than zero, but got stride_height: {s[0]} "
            f"stride_width: {s[1]}", "stride is how far the window moves: 1 or more."))
    if min(k) <= 0 or min(d) <= 0 or min(p) < 0:
        raise RuntimeError(_errors.hint(
            f"kernel_size, dilation must be positive and padding non-negative, but got "
            f"kernel_size={k}, dilation={d}, padding={p}",
            "a window is at least 1 x 1; padding adds zeros around the image."))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Every sliding window of input as a column: (N, C, H, W) -> (N, C*kh*kw, L).

    Mirrors: torch.nn.functional.unfold
    """
    k, d, p, s = (_pair(v) for v in (kernel_size, dilation, padding, stride))
    _check_geometry(k, d, p, s)
    if input.dim() not in (3, 4):
        raise RuntimeError(_errors.hint(
            "Input Error: Only 3D or 4D input Tensors are supported (got "
            f"{input.dim()}D)", "unfold takes images: (N, C, H, W) or (C, H, W)."))
    unbatched = input.dim() == 3
    x = input.unsqueeze(0) if unbatched else input
    blocks = tuple(_blocks(x.shape[2 + a], k[a], d[a], p[a], s[a]) for a in (0, 1))
    if min(blocks) < 1:
        raise RuntimeError(_errors.hint(
            f"Given input with spatial size {tuple(x.shape[2:])}, kernel_size={k}, "
            f"dilation={d}, padding={p}, calculated shape of the array of sliding "
            f"blocks as {blocks}, but its components must be at least one.",
            "the window (with dilation) must fit in the padded image."))
    out = Im2Col.apply(x, k, d, p, s)
    return out.squeeze(0) if unbatched else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Columns back into an image, summing where windows overlap (unfold's transpose).

    Mirrors: torch.nn.functional.fold
    """
    size, k, d, p, s = (_pair(v) for v in (output_size, kernel_size, dilation, padding,
                                           stride))
    _check_geometry(k, d, p, s)
    if input.dim() not in (2, 3):
        raise RuntimeError(_errors.hint(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size "
            f"and non-zero dimensions for input, but got: {list(input.shape)}",
            "fold takes columns: (N, C*kh*kw, L) or (C*kh*kw, L), as unfold returns."))
    unbatched = input.dim() == 2
    cols = input.unsqueeze(0) if unbatched else input
    if cols.shape[1] % (k[0] * k[1]):
        raise RuntimeError(_errors.hint(
            "Expected size of input's dimension 1 to be divisible by the product of "
            f"kernel_size, but got input.size(1)={cols.shape[1]} and kernel_size={k}.",
            "dimension 1 holds C * kh * kw values per window."))
    blocks = tuple(_blocks(size[a], k[a], d[a], p[a], s[a]) for a in (0, 1))
    if blocks[0] * blocks[1] != cols.shape[2]:
        raise RuntimeError(_errors.hint(
            f"Given output_size={size}, kernel_size={k}, dilation={d}, padding={p}, "
            f"stride={s}, expected size of input's dimension 2 to match the calculated "
            f"number of sliding blocks {blocks[0]} * {blocks[1]} = "
            f"{blocks[0] * blocks[1]}, but got input.size(2)={cols.shape[2]}.",
            "output_size and the window settings must be the ones unfold used."))
    out = Fold.apply(cols, size, k, d, p, s)
    return out.squeeze(0) if unbatched else out
