"""make_grid and save_image: many images as one picture.

The layout is torchvision's, pixel for pixel: images of size (H, W) sit in cells of
(H + padding, W + padding), ``nrow`` per row, with a ``padding`` border before the
first row/column and after the last, all filled with ``pad_value``.
Chapter 16 (vision tools) opens this file.
"""
import math

import numpy as np
from PIL import Image

import teachtorch
from teachtorch import _backend, _errors


def _as_batch(tensor):
    """(N, C, H, W) float array: lists stacked, 2-D/3-D promoted, grey -> 3 channels."""
    if isinstance(tensor, (list, tuple)):
        arr = np.stack([_backend.to_numpy(t.detach()._data) for t in tensor])
    elif isinstance(tensor, teachtorch.Tensor):
        arr = _backend.to_numpy(tensor.detach()._data)
    else:
        raise TypeError(_errors.hint(f"tensor or list of tensors expected, got {type(tensor)}", "make_grid takes a (B, C, H, W) tensor or a list of (C, H, W)."))
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 3:
        arr = arr[None]  # one image
        if arr.shape[1] == 1:
            arr = np.repeat(arr, 3, axis=1)
    if arr.ndim != 4:
        raise ValueError(_errors.hint(f"expected a 2-D, 3-D or 4-D tensor, got {arr.ndim}-D", "a batch of images is (B, C, H, W)."))
    if arr.shape[1] == 1:
        arr = np.repeat(arr, 3, axis=1)
    return arr


def _normalize(arr, value_range):
    """Clamp to value_range (default: the array's min and max), then map it to [0, 1].

    Math: x' = (clamp(x, lo, hi) - lo) / max(hi - lo, 1e-5)
    """
    lo, hi = value_range if value_range is not None else (float(arr.min()),
                                                          float(arr.max()))
    scale = arr.dtype.type(max(hi - lo, 1e-5)) if arr.dtype.kind == "f" else \
        max(hi - lo, 1e-5)
    return (np.clip(arr, lo, hi) - arr.dtype.type(lo)) / scale


def make_grid(tensor, nrow=8, padding=2, normalize=False, value_range=None,
              scale_each=False, pad_value=0.0):
    """Tile a batch (B, C, H, W) into one image (C, rows*(H+p)+p, cols*(W+p)+p).

    Math: cols = min(nrow, B); rows = ceil(B / cols); image k sits at row k // cols,
          column k % cols, its top-left pixel at (p + row*(H+p), p + col*(W+p))
    Mirrors: torchvision.utils.make_grid
    """
    out_dtype = tensor[0].dtype if isinstance(tensor, (list, tuple)) else tensor.dtype
    arr = _as_batch(tensor)
    if normalize:
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError("value_range has to be a tuple (min, max) if specified. "
                            "min and max are numbers")
        arr = arr.astype(arr.dtype if arr.dtype.kind == "f" else np.float32)
        if scale_each:
            arr = np.stack([_normalize(a, value_range) for a in arr])
        else:
            arr = _normalize(arr, value_range)
    if arr.shape[0] == 1:
        return teachtorch.from_numpy(np.ascontiguousarray(arr[0]))
    n, c, h, w = arr.shape
    cols = min(nrow, n)
    rows = math.ceil(n / cols)
    cell_h, cell_w = h + padding, w + padding
    # every cell is an image with `padding` rows/cols of pad_value above and left
    cells = np.full((rows * cols, c, cell_h, cell_w), pad_value, dtype=arr.dtype)
    cells[:n, :, padding:, padding:] = arr
    grid = cells.reshape(rows, cols, c, cell_h, cell_w).transpose(2, 0, 3, 1, 4)
    grid = grid.reshape(c, rows * cell_h, cols * cell_w)
    # and one more border of `padding` on the bottom and right
    grid = np.pad(grid, [(0, 0), (0, padding), (0, padding)],
                  constant_values=pad_value)
    if not normalize:
        grid = grid.astype(out_dtype.np)
    return teachtorch.from_numpy(np.ascontiguousarray(grid))


def save_image(tensor, fp, format=None, **kwargs):
    """make_grid(tensor, **kwargs), then write it as an 8-bit image (PNG by default).

    Math: pixel = clamp(x * 255 + 0.5, 0, 255) truncated to uint8 (rounds [0, 1])
    Mirrors: torchvision.utils.save_image
    """
    grid = make_grid(tensor, **kwargs)
    arr = _backend.to_numpy(grid._data)
    arr = arr.astype(np.float32) if arr.dtype.kind != "f" else arr
    pixels = np.clip(arr * arr.dtype.type(255) + arr.dtype.type(0.5), 0, 255)
    pixels = pixels.astype(np.uint8).transpose(1, 2, 0)
    if pixels.shape[2] == 1:
        pixels = pixels[:, :, 0]
    Image.fromarray(pixels).save(fp, format=format)


# a name PyTorch has and teachtorch lacks: PyTorch's AttributeError plus a hint
from teachtorch._api_gaps import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torchvision.utils")
