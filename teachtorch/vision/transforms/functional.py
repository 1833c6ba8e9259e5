"""Image transforms as plain functions: conversions and geometry.

Every function takes a PIL image or a tensor image of shape (..., C, H, W) and returns
the same kind. PIL images are handled by Pillow; tensors by NumPy on their array.
Colour functions (brightness, contrast, hue, grayscale) live in ``functional_color``.

Where teachtorch's numbers come from (torchvision itself cannot be installed beside
the torch used here, so tests check these rules with hand-written NumPy/PIL code):

- ``to_tensor``: ``np.asarray(img) / 255`` as float32, HWC -> CHW (torchvision's rule).
- ``center_crop``: top = ``round((H - h) / 2.0)`` (torchvision's rounding).
- ``resize`` of a tensor with antialias (the default) resamples each channel with
  Pillow's float ("F") mode, the filter torchvision's antialiased kernel reproduces;
  without antialias it is the bilinear (align_corners=False) formula written below.

Chapter 16 (vision tools) opens this file.
"""
import numbers
from enum import Enum

import numpy as np
from PIL import Image

from teachtorch import _errors
import teachtorch
from teachtorch.vision.transforms._image import (
    _array,
    _check_image,
    _is_pil,
    _is_tensor,
    _tensor,
    get_dimensions,
    get_image_size,
)

# the colour functions live in functional_color; F.adjust_hue etc. work from here too
from teachtorch.vision.transforms.functional_color import (
    adjust_brightness,
    adjust_contrast,
    adjust_hue,
    adjust_saturation,
    convert_image_dtype,
    rgb_to_grayscale,
    to_grayscale,
)


class InterpolationMode(Enum):
    """How to compute a pixel that falls between source pixels.

    Mirrors: torchvision.transforms.InterpolationMode
    """

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


_PIL_FILTER = {InterpolationMode.NEAREST: Image.NEAREST,
               InterpolationMode.NEAREST_EXACT: Image.NEAREST,
               InterpolationMode.BILINEAR: Image.BILINEAR,
               InterpolationMode.BICUBIC: Image.BICUBIC,
               InterpolationMode.BOX: Image.BOX,
               InterpolationMode.HAMMING: Image.HAMMING,
               InterpolationMode.LANCZOS: Image.LANCZOS}


def _interp(mode):
    if isinstance(mode, InterpolationMode):
        return mode
    if isinstance(mode, int):  # a PIL constant, as older code passes
        return {v: k for k, v in _PIL_FILTER.items()}[mode]
    raise TypeError(_errors.hint("Argument interpolation should be a InterpolationMode or a "
                    f"corresponding Pillow integer constant, got {type(mode)}", "use transforms.InterpolationMode.BILINEAR (or NEAREST, BICUBIC)."))



# ----- conversions -------------------------------------------------------------------
# PIL mode -> the NumPy dtype torchvision reads it as (everything else: uint8)
_PIL_DTYPES = {"I": np.int32, "I;16": np.int16, "F": np.float32}


def _pil_array(pic):
    """A PIL image's pixels as a new array, (H, W) or (H, W, C)."""
    return np.array(pic).astype(_PIL_DTYPES.get(pic.mode, np.uint8))


def to_tensor(pic):
    """PIL image or HWC ndarray -> CHW tensor; uint8 becomes float32 in [0, 1].

    Math: out[c, y, x] = pic[y, x, c] / 255   (uint8 input; other dtypes unscaled)
    Mirrors: torchvision.transforms.functional.to_tensor
    """
    if not (_is_pil(pic) or isinstance(pic, np.ndarray)):
        raise TypeError(_errors.hint(f"pic should be PIL Image or ndarray. Got {type(pic)}", "a "
                        "tensor is already converted; drop ToTensor() for it."))
    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(_errors.hint(f"pic should be 2/3 dimensional. Got {pic.ndim} "
                             "dimensions.", "pass one image (H, W) or (H, W, C)."))
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        arr = _pil_array(pic)
        if pic.mode == "1":
            arr = arr * 255
        if arr.ndim == 2:
            arr = arr[:, :, None]
    arr = arr.transpose(2, 0, 1)
    if arr.dtype == np.uint8:
        dtype = teachtorch.get_default_dtype().np
        return _tensor(arr.astype(dtype) / dtype.type(255))
    return _tensor(arr)


def pil_to_tensor(pic):
    """PIL image -> CHW tensor of the same dtype (uint8 stays 0..255).

    Mirrors: torchvision.transforms.functional.pil_to_tensor
    """
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = _pil_array(pic)  # mode "1" stays 0/1, as in torchvision
    return _tensor((arr[:, :, None] if arr.ndim == 2 else arr).transpose(2, 0, 1))


_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def to_pil_image(pic, mode=None):
    """CHW tensor or HWC ndarray -> PIL image. Floats are scaled by 255 and truncated.

    Math: uint8 = trunc(pic * 255) for float input (torchvision's ``mul(255).byte()``)
    Mirrors: torchvision.transforms.functional.to_pil_image
    """
    if _is_tensor(pic):
        if pic.ndim not in (2, 3):
            raise ValueError(_errors.hint(f"pic should be 2/3 dimensional. Got {pic.ndim} "
                             "dimensions.", "take one image out of a batch: x[0]."))
        arr = _array(pic)
        arr = arr[None] if arr.ndim == 2 else arr
        if arr.shape[0] > 4:
            raise ValueError(_errors.hint(f"pic should not have > 4 channels. Got {arr.shape[0]} "
                             "channels.", "tensors are (C, H, W); use "
                             "x.permute(2, 0, 1) on an (H, W, C) tensor."))
        arr = arr.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if arr.dtype.kind == "f" and mode != "F":
        arr = (arr * 255).astype(np.uint8)
    if arr.shape[2] == 1:
        arr = arr[:, :, 0]
        default = {np.dtype(np.uint8): "L", np.dtype(np.int16): "I;16",
                   np.dtype(np.int32): "I", np.dtype(np.float32): "F"}.get(arr.dtype)
        mode = mode or default
        if mode is None:
            raise TypeError(_errors.hint(f"Input type {arr.dtype} is not supported", "convert "
                            "to uint8 or float32 first."))
        if mode in ("I", "F"):
            return Image.fromarray(arr.astype({"I": np.int32, "F": np.float32}[mode]))
        return Image.fromarray(arr).convert(mode) if mode != "L" else \
            Image.fromarray(arr.astype(np.uint8))
    img = Image.fromarray(arr.astype(np.uint8))
    return img if mode is None or mode == img.mode else img.convert(mode)


def normalize(tensor, mean, std, inplace=False):
    """Per channel: (x - mean[c]) / std[c]. Written with tensor ops (differentiable).

    Math: out[c] = (x[c] - mean[c]) / std[c]
    Mirrors: torchvision.transforms.functional.normalize
    """
    if not _is_tensor(tensor):
        raise TypeError(_errors.hint(f"img should be Tensor Image. Got {type(tensor)}", "put "
                        "transforms.ToTensor() before Normalize in Compose."))
    if not tensor.is_floating_point():
        raise TypeError(_errors.hint(f"Input tensor should be a float tensor. Got {tensor.dtype}.", "use ToTensor() or v2.ToDtype(torch.float32, scale=True) "
                        "first."))
    if tensor.ndim < 3:
        raise ValueError(_errors.hint("Expected tensor to be a tensor image of size (..., C, H, W). "
                         f"Got tensor.size() = {tensor.shape}", "a grey image is "
                         "(1, H, W); add the channel with x.unsqueeze(0)."))
    np_dtype = tensor.dtype.np
    m = np.asarray(mean, dtype=np_dtype).reshape(-1, 1, 1)
    s = np.asarray(std, dtype=np_dtype).reshape(-1, 1, 1)
    if (s == 0).any():
        raise ValueError(_errors.hint(f"std evaluated to zero after conversion to {tensor.dtype}, "
                         "leading to division by zero.", "every std must be > 0."))
    m, s = teachtorch.from_numpy(m), teachtorch.from_numpy(s)
    if inplace:
        return tensor.sub_(m).div_(s)
    return tensor.sub(m).div(s)


# ----- geometry ----------------------------------------------------------------------
def _setup_size(size, name="size"):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (tuple, list)) and len(size) == 1:
        return int(size[0]), int(size[0])
    if not isinstance(size, (tuple, list)) or len(size) != 2:
        raise ValueError(f"Please provide only two dimensions (h, w) for {name}.")
    return int(size[0]), int(size[1])


def _output_size(h, w, size, max_size):
    """torchvision's rule: an int matches the shorter edge, keeping the aspect ratio."""
    if isinstance(size, (tuple, list)) and len(size) == 2:
        return int(size[0]), int(size[1])
    short, long = (w, h) if w <= h else (h, w)
    new_short = int(size[0] if isinstance(size, (tuple, list)) else size)
    new_long = int(new_short * long / short)
    if max_size is not None:
        if max_size <= new_short:
            raise ValueError(f"max_size = {max_size} must be strictly greater than the "
                             f"requested size for the smaller edge size = {size}")
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_long, new_short) if w <= h else (new_short, new_long)


def _per_channel_pil(arr, fn):
    """Apply a PIL operation to each (H, W) plane of a float array (..., H, W)."""
    planes = arr.reshape(-1, *arr.shape[-2:]).astype(np.float32)
    out = [np.asarray(fn(Image.fromarray(p, mode="F"))) for p in planes]
    return np.stack(out).reshape(*arr.shape[:-2], *out[0].shape)


def _bilinear(arr, oh, ow):
    """Bilinear resize without antialias, align_corners=False (F.interpolate's rule).

    Math: src = (dst + 0.5) * in / out - 0.5, clamped at 0; blend the 4 neighbours.
    """
    h, w = arr.shape[-2:]

    def axis(n_in, n_out):
        src = np.maximum((np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5, 0)
        lo = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
        hi = np.minimum(lo + 1, n_in - 1)
        return lo, hi, (src - lo).astype(np.float32)

    y0, y1, fy = axis(h, oh)
    x0, x1, fx = axis(w, ow)
    top = arr[..., y0, :] * (1 - fy)[:, None] + arr[..., y1, :] * fy[:, None]
    return top[..., x0] * (1 - fx) + top[..., x1] * fx


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
           antialias=True):
    """Resize to ``size`` (h, w), or match the shorter edge to an int ``size``.

    Mirrors: torchvision.transforms.functional.resize
    """
    _check_image(img)
    interpolation = _interp(interpolation)
    _, h, w = get_dimensions(img)
    oh, ow = _output_size(h, w, size, max_size)
    if (oh, ow) == (h, w):
        return img
    if _is_pil(img):
        return img.resize((ow, oh), _PIL_FILTER[interpolation])
    arr = _array(img)
    src = arr.astype(np.float32)
    if interpolation in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT):
        shift = 0.5 if interpolation is InterpolationMode.NEAREST_EXACT else 0.0
        ys = np.minimum(((np.arange(oh) + shift) * h / oh).astype(np.int64), h - 1)
        xs = np.minimum(((np.arange(ow) + shift) * w / ow).astype(np.int64), w - 1)
        return _tensor(arr[..., ys[:, None], xs])
    if interpolation is InterpolationMode.BILINEAR and not antialias:
        out = _bilinear(src, oh, ow)
    else:
        out = _per_channel_pil(src, lambda p: p.resize((ow, oh),
                                                       _PIL_FILTER[interpolation]))
    if arr.dtype.kind != "f":
        info = np.iinfo(arr.dtype)
        out = np.clip(np.round(out), info.min, info.max)
    return _tensor(out.astype(arr.dtype))


def crop(img, top, left, height, width):
    """The (height, width) window at (top, left); outside the image reads as 0.

    Mirrors: torchvision.transforms.functional.crop
    """
    _check_image(img)
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    arr = _array(img)
    h, w = arr.shape[-2:]
    pads = [max(0, -left), max(0, -top), max(0, left + width - w),
            max(0, top + height - h)]
    t0, l0 = max(top, 0), max(left, 0)
    out = arr[..., t0:min(top + height, h), l0:min(left + width, w)]
    if any(pads):
        widths = [(0, 0)] * (arr.ndim - 2) + [(pads[1], pads[3]), (pads[0], pads[2])]
        out = np.pad(out, widths)
    return _tensor(out)


def center_crop(img, output_size):
    """The centred (h, w) window; a window larger than the image is zero-padded.

    Math: top = round((H - h) / 2.0), left = round((W - w) / 2.0)
    Mirrors: torchvision.transforms.functional.center_crop
    """
    th, tw = _setup_size(output_size)
    _, h, w = get_dimensions(img)
    if tw > w or th > h:
        img = pad(img, [(tw - w) // 2 if tw > w else 0, (th - h) // 2 if th > h else 0,
                        (tw - w + 1) // 2 if tw > w else 0,
                        (th - h + 1) // 2 if th > h else 0])
        _, h, w = get_dimensions(img)
        if (th, tw) == (h, w):
            return img
    return crop(img, round((h - th) / 2.0), round((w - tw) / 2.0), th, tw)


def resized_crop(img, top, left, height, width, size,
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
    """crop, then resize to size. Mirrors: torchvision.transforms.functional.resized_crop"""
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


def _parse_pad(padding):
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    padding = [int(p) for p in padding]
    if len(padding) == 1:
        return padding * 4
    if len(padding) == 2:
        return [padding[0], padding[1], padding[0], padding[1]]
    if len(padding) == 4:
        return padding
    raise ValueError("Padding must be an int or a 1, 2, or 4 element tuple, not a "
                     f"{len(padding)} element tuple")


_PAD_MODES = ("constant", "edge", "reflect", "symmetric")  # NumPy's names too


def pad(img, padding, fill=0, padding_mode="constant"):
    """Add borders: int (all sides), (left/right, top/bottom) or (l, t, r, b).

    Mirrors: torchvision.transforms.functional.pad
    """
    _check_image(img)
    if padding_mode not in _PAD_MODES:
        raise ValueError("Padding mode should be either constant, edge, reflect or "
                         "symmetric")
    left, top, right, bottom = _parse_pad(padding)
    if min(left, top, right, bottom) < 0:  # negative padding crops
        _, h, w = get_dimensions(img)
        return pad(crop(img, -min(top, 0), -min(left, 0), h + min(top, 0) +
                        min(bottom, 0), w + min(left, 0) + min(right, 0)),
                   [max(p, 0) for p in (left, top, right, bottom)], fill, padding_mode)
    if _is_pil(img):  # HW or HWC -> CHW, so one code path pads both kinds
        arr = np.asarray(img)
        arr = arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)
    else:
        arr = _array(img)
    widths = [(0, 0)] * (arr.ndim - 2) + [(top, bottom), (left, right)]
    if padding_mode == "constant":
        out = np.pad(arr, widths)
        fill = np.asarray(0 if fill is None else fill, dtype=out.dtype)
        if fill.any():
            inside = np.zeros(out.shape[-2:], bool)
            inside[top:top + arr.shape[-2], left:left + arr.shape[-1]] = True
            out = np.where(inside, out, fill.reshape(-1, 1, 1))
    else:
        out = np.pad(arr, widths, mode=padding_mode)
    if _is_pil(img):
        return Image.fromarray(out[0] if out.shape[0] == 1 else out.transpose(1, 2, 0))
    return _tensor(out)


def hflip(img):
    """Mirror left-right. Mirrors: torchvision.transforms.functional.hflip"""
    _check_image(img)
    if _is_pil(img):
        return img.transpose(Image.FLIP_LEFT_RIGHT)
    return _tensor(_array(img)[..., ::-1])


def vflip(img):
    """Mirror top-bottom. Mirrors: torchvision.transforms.functional.vflip"""
    _check_image(img)
    if _is_pil(img):
        return img.transpose(Image.FLIP_TOP_BOTTOM)
    return _tensor(_array(img)[..., ::-1, :])


def rotate(img, angle, interpolation=InterpolationMode.NEAREST, expand=False,
           center=None, fill=None):
    """Rotate counter-clockwise by ``angle`` degrees around the centre.

    Tensors are rotated plane by plane with Pillow's float mode (torchvision's tensor
    kernel samples with grid_sample; edge pixels can differ slightly).
    Mirrors: torchvision.transforms.functional.rotate
    """
    _check_image(img)
    resample = _PIL_FILTER[_interp(interpolation)]
    if _is_pil(img):
        return img.rotate(angle, resample, expand=expand, center=center,
                          fillcolor=fill)
    arr = _array(img)
    out = _per_channel_pil(arr, lambda p: p.rotate(angle, resample, expand=expand,
                                                   center=center,
                                                   fillcolor=float(fill or 0)))
    if arr.dtype.kind != "f":
        out = np.round(out)
    return _tensor(out.astype(arr.dtype))


__all__ = ["InterpolationMode", "adjust_brightness", "adjust_contrast", "adjust_hue",
           "adjust_saturation", "center_crop", "convert_image_dtype", "crop",
           "get_dimensions", "get_image_size", "hflip", "normalize", "pad",
           "pil_to_tensor", "resize", "resized_crop", "rgb_to_grayscale", "rotate",
           "to_grayscale", "to_pil_image", "to_tensor", "vflip"]
