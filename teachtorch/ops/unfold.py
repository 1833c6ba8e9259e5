"""F.unfold (im2col) and F.fold (col2im): the sliding windows of a convolution as columns.

unfold cuts every kh x kw window (with dilation, padding and stride) out of an image and
lays it out as one column: (N, C, H, W) -> (N, C*kh*kw, L), L = number of windows. A
convolution is then one matrix product, W.view(out_channels, -1) @ columns. fold goes
the other way and *adds* each column back where its window came from, so where windows
overlap the values sum up. The two are each other's transpose, so each one's backward
is the other.

The references below are what conv and pooling are built from: ``windows`` reads a
window's pixel (i, j) for every window at once as one strided slice, so an image has
kh*kw such slabs. The fast kernels (``_kernels/conv.py``) do the same on batch-last
arrays; ``teachtorch.reference_mode()`` picks these.
Chapter 10 (CNN basics) opens this file.
"""
from teachtorch import _errors
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels import conv as fast
from teachtorch.ops.window_size import out_size
from teachtorch.reference import is_reference_mode


def windows(x, kernel, dilation, stride, blocks):
    """Every window of x (already padded), as kh*kw slabs: (N, C, kh*kw, OH, OW).

    Math: slab (i, j)[n, c, y, x] = x[n, c, y*s_h + i*d_h, x*s_w + j*d_w]
    Each slab is a strided slice (a view); stacking them is the one copy.
    """
    from teachtorch.ops.join import stack

    return stack([x[:, :, _rows(i, kernel, dilation, stride, blocks, 0),
                    _rows(j, kernel, dilation, stride, blocks, 1)]
                  for i in range(kernel[0]) for j in range(kernel[1])], 2)


def add_windows(slabs, padded_size, kernel, dilation, stride, blocks):
    """The transpose of ``windows``: add every slab back where it was read from.

    slabs (N, C, kh*kw, OH, OW) -> (N, C, *padded_size); overlapping windows sum.
    Writes in place, so it runs inside a Function's forward (no graph recorded).
    """
    from teachtorch import creation

    n, c = slabs.shape[:2]
    image = creation.zeros(n, c, *padded_size, dtype=slabs.dtype, device=slabs.device)
    for k in range(kernel[0] * kernel[1]):
        i, j = divmod(k, kernel[1])
        image[:, :, _rows(i, kernel, dilation, stride, blocks, 0),
              _rows(j, kernel, dilation, stride, blocks, 1)] += slabs[:, :, k]
    return image


def _rows(i, kernel, dilation, stride, blocks, axis):
    """The slice of positions that kernel offset i reads along one axis."""
    start = i * dilation[axis]
    return slice(start, start + stride[axis] * (blocks[axis] - 1) + 1, stride[axis])


def _pad2d(x, p, value=0.0):
    from teachtorch.nn.functional import pad

    return pad(x, (p[1], p[1], p[0], p[0]), value=value) if p[0] or p[1] else x


class UnfoldReference(Function):
    """im2col in Tensor ops: pad, read the kh*kw slabs, lay each window out as a column.

    Math: y[n, (c,i,j), l] = x_pad[n, c, i*d + s*row(l), j*d + s*col(l)];
          dL/dx = fold(dL/dy)
    Mirrors: torch.nn.functional.unfold, grad_fn Im2ColBackward0
    """
    node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, kernel, dilation, padding, stride):
        n, c, h, w = x.shape
        ctx.geometry = ((h, w), kernel, dilation, padding, stride)
        blocks = _blocks((h, w), kernel, dilation, padding, stride)
        cols = windows(_pad2d(x, padding), kernel, dilation, stride, blocks)
        return cols.reshape(n, c * kernel[0] * kernel[1], blocks[0] * blocks[1])

    @staticmethod
    def backward(ctx, grad_output):
        return (FoldReference.apply(grad_output, *ctx.geometry),) + (None,) * 4


class FoldReference(Function):
    """col2im in Tensor ops: add each column back into its window, crop the padding.

    Math: y[n, c, p] = sum of the column entries whose window covers pixel p;
          dL/dcols = unfold(dL/dy)
    Mirrors: torch.nn.functional.fold, grad_fn Col2ImBackward0
    """
    node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, size, kernel, dilation, padding, stride):
        ctx.geometry = (kernel, dilation, padding, stride)
        n, ck, _ = cols.shape
        blocks = _blocks(size, kernel, dilation, padding, stride)
        slabs = cols.reshape(n, ck // (kernel[0] * kernel[1]), -1, *blocks)
        padded = (size[0] + 2 * padding[0], size[1] + 2 * padding[1])
        image = add_windows(slabs, padded, kernel, dilation, stride, blocks)
        return image[:, :, padding[0]:padding[0] + size[0],
                     padding[1]:padding[1] + size[1]].contiguous()

    @staticmethod
    def backward(ctx, grad_output):
        return (UnfoldReference.apply(grad_output, *ctx.geometry),) + (None,) * 5


def unfold_columns(x, kernel, dilation, padding, stride):
    """(N, C, H, W) -> (N, C*kh*kw, L), by the reference or the fast kernel."""
    op = UnfoldReference if is_reference_mode() else fast.Im2Col
    return op.apply(x, kernel, dilation, padding, stride)


def fold_columns(cols, size, kernel, dilation, padding, stride):
    """(N, C*kh*kw, L) -> (N, C, H, W), by the reference or the fast kernel."""
    op = FoldReference if is_reference_mode() else fast.Fold
    return op.apply(cols, size, kernel, dilation, padding, stride)


def _blocks(size, k, d, p, s):
    """How many windows fit along each dim: conv's output size, symmetric padding."""
    return tuple(out_size(size[a], k[a], s[a], p[a], p[a], d[a]) for a in (0, 1))


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


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
    blocks = _blocks(x.shape[2:], k, d, p, s)
    if min(blocks) < 1:
        raise RuntimeError(_errors.hint(
            f"Given input with spatial size {tuple(x.shape[2:])}, kernel_size={k}, "
            f"dilation={d}, padding={p}, calculated shape of the array of sliding "
            f"blocks as {blocks}, but its components must be at least one.",
            "the window (with dilation) must fit in the padded image."))
    out = unfold_columns(x, k, d, p, s)
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
    blocks = _blocks(size, k, d, p, s)
    if blocks[0] * blocks[1] != cols.shape[2]:
        raise RuntimeError(_errors.hint(
            f"Given output_size={size}, kernel_size={k}, dilation={d}, padding={p}, "
            f"stride={s}, expected size of input's dimension 2 to match the calculated "
            f"number of sliding blocks {blocks[0]} * {blocks[1]} = "
            f"{blocks[0] * blocks[1]}, but got input.size(2)={cols.shape[2]}.",
            "output_size and the window settings must be the ones unfold used."))
    out = fold_columns(cols, size, k, d, p, s)
    return out.squeeze(0) if unbatched else out


unfold.__reference__ = UnfoldReference
fold.__reference__ = FoldReference
