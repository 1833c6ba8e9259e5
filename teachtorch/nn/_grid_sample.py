"""Spatial transformers: F.affine_grid makes sampling positions, F.grid_sample reads
the input at them (bilinear or nearest).

A Spatial Transformer Network learns ``theta`` (N x 2 x 3); affine_grid turns it into
a grid of (x, y) positions in [-1, 1]; grid_sample interpolates the input there.
Both are compositions of ops with a backward (matmul, gather, mul, floor), so the
gradient reaches the input *and* the grid (hence theta) without new code.
Chapter 10 (CNN basics) opens this file.
"""
import warnings

from teachtorch import _errors

_ALIGN_WARNING = (
    "Default grid_sample and affine_grid behavior has changed to align_corners=False "
    "since 1.3.0. Please specify align_corners=True if the old behavior is desired. "
    "See the documentation of grid_sample for details.")


def _align(align_corners):
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, UserWarning, stacklevel=3)
        return False
    return align_corners


def _positions(n, align_corners, like):
    """n sample positions across [-1, 1]: pixel centres, or the corner pixels' centres."""
    from teachtorch.creation import arange, linspace

    if align_corners:
        return linspace(-1, 1, n, dtype=like.dtype, device=like.device) if n > 1 else \
            arange(1, dtype=like.dtype, device=like.device) * 0
    return (arange(n, dtype=like.dtype, device=like.device) * 2 + 1) / n - 1


def affine_grid(theta, size, align_corners=None):
    """The (x, y) sampling grid of an affine map, for grid_sample.

    Math: grid[n, h, w] = theta[n] @ (x_w, y_h, 1)
    Mirrors: torch.nn.functional.affine_grid
    """
    align_corners = _align(align_corners)
    size = tuple(int(s) for s in size)
    if len(size) != 4:
        raise NotImplementedError(_errors.hint(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, "
            f"respectively. Got size {size}.",
            "teachtorch does 2-D: size is (N, C, H, W)."))
    n, _, h, w = size
    if theta.dim() != 3 or tuple(theta.shape[1:]) != (2, 3) or theta.shape[0] != n:
        raise ValueError(_errors.hint(
            "Expected a batch of 2D affine matrices of shape Nx2x3 for size "
            f"{size}. Got {theta.shape}.",
            "theta holds one 2x3 matrix [[a, b, tx], [c, d, ty]] per image."))
    from teachtorch import ops
    from teachtorch.creation import ones_like

    xs = _positions(w, align_corners, theta).reshape(1, w).expand(h, w)
    ys = _positions(h, align_corners, theta).reshape(h, 1).expand(h, w)
    base = ops.stack([xs, ys, ones_like(xs)], -1).reshape(1, h * w, 3)
    return (base @ theta.transpose(1, 2)).reshape(n, h, w, 2)


def _unnormalize(coord, size, align_corners):
    """[-1, 1] -> pixel coordinates (0 is the first pixel's centre)."""
    if align_corners:
        return (coord + 1) / 2 * (size - 1)
    return ((coord + 1) * size - 1) / 2


def _read(flat, ix, iy, w, h):
    """input values at integer pixel (ix, iy); 0 outside the image (zeros padding)."""
    inside = ((ix >= 0) & (ix <= w - 1) & (iy >= 0) & (iy <= h - 1))
    index = (iy.clamp(0, h - 1) * w + ix.clamp(0, w - 1)).long()
    n, c = flat.shape[:2]
    picked = flat.gather(2, index.reshape(n, 1, -1).expand(n, c, index[0].numel()))
    return picked * inside.reshape(n, 1, -1).to(flat.dtype)


def grid_sample(input, grid, mode="bilinear", padding_mode="zeros", align_corners=None):
    """Sample input (N, C, H, W) at the grid's (x, y) positions (N, Ho, Wo, 2).

    Math (bilinear): out = sum over the 4 neighbours of value * (1 - |dx|) (1 - |dy|)
    Mirrors: torch.nn.functional.grid_sample
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(_errors.hint(
            "nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or "
            f"'bicubic', but got: '{mode}'", "bilinear is the usual choice."))
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(_errors.hint(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
            f"'border', or 'reflection', but got: '{padding_mode}'",
            "zeros reads 0 outside the image; border repeats the edge."))
    if mode == "bicubic" or padding_mode == "reflection":
        raise NotImplementedError(_errors.hint(
            f"grid_sample with mode='{mode}', padding_mode='{padding_mode}' is not in "
            "teachtorch", "use mode='bilinear' or 'nearest' with padding_mode='zeros' "
            "or 'border'."))
    align_corners = _align(align_corners)
    if input.dim() != 4 or grid.dim() != 4 or grid.shape[-1] != 2 or \
            grid.shape[0] != input.shape[0]:
        raise RuntimeError(_errors.hint(
            "grid_sampler(): expected 4D input and grid with same number of dimensions, "
            f"but got input with sizes {list(input.shape)} and grid with sizes "
            f"{list(grid.shape)}", "input is (N, C, H, W), grid (N, Ho, Wo, 2)."))
    n, c, h, w = input.shape
    ix = _unnormalize(grid[..., 0], w, align_corners)
    iy = _unnormalize(grid[..., 1], h, align_corners)
    if padding_mode == "border":
        ix, iy = ix.clamp(0, w - 1), iy.clamp(0, h - 1)
    flat = input.reshape(n, c, h * w)
    out_shape = (n, c) + tuple(grid.shape[1:3])
    if mode == "nearest":  # the grid gets a zero gradient (not None), as in PyTorch
        picked = _read(flat, ix.round().detach(), iy.round().detach(), w, h)
        return (picked + (ix + iy).reshape(n, 1, -1) * 0).reshape(out_shape)
    x0, y0 = ix.floor().detach(), iy.floor().detach()
    wx1, wy1 = ix - x0, iy - y0  # the grid's gradient flows through these weights
    wx0, wy0 = 1 - wx1, 1 - wy1
    out = 0
    for xs, ys, weight in ((x0, y0, wx0 * wy0), (x0 + 1, y0, wx1 * wy0),
                           (x0, y0 + 1, wx0 * wy1), (x0 + 1, y0 + 1, wx1 * wy1)):
        out = out + _read(flat, xs, ys, w, h) * weight.reshape(n, 1, -1)
    return out.reshape(out_shape)
