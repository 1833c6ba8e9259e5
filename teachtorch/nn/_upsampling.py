"""Resizing feature maps: interpolate (nearest, linear/bilinear), pixel_shuffle.

Resizing is separable: along each spatial axis every output position is a weighted
sum of input positions. Nearest copies one input (an index gather); (bi)linear mixes
two neighbours, which is a small (out, in) matrix applied along that axis.
Chapter 11 (Inception and ResNet) opens this file.
"""
import math

import numpy as np

from teachtorch import _backend, _errors
from teachtorch.ops.nn_layers import IndexPad
from teachtorch.tensor import Tensor

_NEAREST_NODES = {}


def _source_ratio(n_in, n_out, scale, align_corners):
    """How far one output step moves in the input (PyTorch's area_pixel_compute_scale)."""
    if align_corners:
        return (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
    return 1.0 / scale if scale is not None else n_in / n_out


def _linear_matrix(n_in, n_out, scale, align_corners, dtype):
    """(n_out, n_in) weights: each row mixes the two nearest input positions."""
    ratio = _source_ratio(n_in, n_out, scale, align_corners)
    dst = np.arange(n_out)
    src = dst * ratio if align_corners else np.maximum((dst + 0.5) * ratio - 0.5, 0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    w1 = src - i0
    m = np.zeros((n_out, n_in))
    np.add.at(m, (dst, i0), 1 - w1)     # n_out small: a few hundred rows at most
    np.add.at(m, (dst, i1), w1)
    return m.astype(dtype)


def _output_sizes(input, size, scale_factor, k):
    spatial = tuple(input.shape[2:])
    if size is None and scale_factor is None:
        raise ValueError(_errors.hint("either size or scale_factor should be defined", "give the output size, e.g. size=(64, 64), or scale_factor=2."))
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        sizes = (size,) * k if isinstance(size, int) else tuple(size)
        if len(sizes) != k:
            raise ValueError(f"Input and output must have the same number of spatial "
                             f"dimensions, but got input with spatial dimensions of "
                             f"{list(spatial)} and output size of {list(sizes)}. Please "
                             "provide input tensor in (N, C, d1, d2, ...,dK) format and "
                             "output size in (o1, o2, ...,oK) format.")
        return sizes, (None,) * k
    scales = (float(scale_factor),) * k if isinstance(scale_factor, (int, float)) \
        else tuple(float(s) for s in scale_factor)
    return tuple(math.floor(n * s) for n, s in zip(spatial, scales)), scales


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims of (N, C, L) / (N, C, H, W) / (N, C, D, H, W) input.

    Math: nearest: y[j] = x[floor(j * in/out)];
          linear: y[j] = (1 - w) x[i] + w x[i+1], i + w = (j + 0.5) in/out - 0.5
    Mirrors: torch.nn.functional.interpolate
    """
    k = input.dim() - 2
    if k < 1:
        raise ValueError(_errors.hint("Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                         f"{input.dim()}D) for the modes: nearest | linear | bilinear | "
                         "bicubic | trilinear | area | nearest-exact (got "
                         f"{mode})", "add batch and channel dims: "
                         "x.view(1, 1, *x.shape)."))
    linear_modes = {"linear": 1, "bilinear": 2, "trilinear": 3}
    if mode in linear_modes and linear_modes[mode] != k:
        raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                  f"{linear_modes[mode] + 2}D input")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating "
                         "modes: linear | bilinear | bicubic | trilinear")
    sizes, scales = _output_sizes(input, size, scale_factor, k)
    _check_sizes(tuple(input.shape[2:]), tuple(sizes))
    if recompute_scale_factor:
        scales = (None,) * k
    if mode == "nearest":
        sources = {}
        for i, (n_out, s) in enumerate(zip(sizes, scales)):
            n_in = input.shape[2 + i]
            ratio = _source_ratio(n_in, n_out, s, False)
            sources[2 + i] = _on_device_of(input, np.minimum(np.floor(
                np.arange(n_out) * ratio).astype(np.int64), n_in - 1))
        cls = _NEAREST_NODES.get(k)
        if cls is None:
            cls = type(f"UpsampleNearest{k}d", (IndexPad,),
                       {"node_name": f"UpsampleNearest{k}DBackward0"})
            _NEAREST_NODES[k] = cls
        return cls.apply(input, sources)
    if mode in linear_modes:
        out = input
        dtype = input._data.dtype
        for i, (n_out, s) in enumerate(zip(sizes, scales)):
            axis = 2 + i
            m = Tensor._make(_on_device_of(input, _linear_matrix(
                input.shape[axis], n_out, s, bool(align_corners), dtype)))
            out = (out.transpose(axis, -1) @ m.t()).transpose(axis, -1)
        return out
    raise NotImplementedError(f"interpolate mode {mode!r} is not implemented in "
                              "teachtorch (nearest, linear, bilinear, trilinear are)")


def _check_sizes(sizes_in, sizes_out):
    """Every spatial size, in and out, must be at least 1 (PyTorch's message)."""
    if min(sizes_in + sizes_out) > 0:
        return
    names = ("D", "H", "W")[3 - len(sizes_in):]
    show_in = ", ".join(f"{n}: {v}" for n, v in zip(names, sizes_in))
    show_out = ", ".join(f"{n}: {v}" for n, v in zip(names, sizes_out))
    joint = " and" if len(sizes_in) == 1 else ""  # (PyTorch's 1-D wording has "and")
    raise RuntimeError(_errors.hint(
        "Input and output sizes should be greater than 0, but got input "
        f"({show_in}){joint} output ({show_out})",
        "every spatial size must be at least 1: check size= and scale_factor=."))


def _on_device_of(tensor, array):
    """A small NumPy helper array moved to the tensor's GPU (as is on the CPU)."""
    return _backend.to_cupy(array, tensor.device.index) if tensor.is_cuda else array


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


def pixel_shuffle(input, upscale_factor):
    """(*, C r^2, H, W) -> (*, C, H r, W r): channels become sub-pixel positions.

    Mirrors: torch.nn.functional.pixel_shuffle
    """
    r = upscale_factor
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to "
                           f"be divisible by the square of upscale_factor, but input."
                           f"size(-3)={c} is not divisible by {r * r}")
    x = input.reshape(-1, c // (r * r), r, r, h, w).permute(0, 1, 4, 2, 5, 3)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H r, W r) -> (*, C r^2, H, W): the inverse of pixel_shuffle.

    Mirrors: torch.nn.functional.pixel_unshuffle
    """
    r = downscale_factor
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by "
                           f"downscale_factor, but input.size(-2)={h} is not divisible "
                           f"by {r}" if h % r else
                           f"pixel_unshuffle expects width to be divisible by "
                           f"downscale_factor, but input.size(-1)={w} is not divisible "
                           f"by {r}")
    x = input.reshape(-1, c, h // r, r, w // r, r).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(*lead, c * r * r, h // r, w // r)
