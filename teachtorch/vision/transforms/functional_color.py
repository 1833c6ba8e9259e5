"""Image transforms as plain functions: colour (brightness, contrast, saturation, hue,
grayscale) and dtype conversion.

PIL images go through Pillow (``ImageEnhance``, HSV conversion), as torchvision does.
Tensors use torchvision's tensor formulas, written here in NumPy:

- blend(a, b, r) = clamp(r * a + (1 - r) * b, 0, bound), bound 1.0 (float) or 255
- gray = 0.2989 R + 0.587 G + 0.114 B (ITU-R 601-2 luma)

Chapter 16 (vision tools) opens this file.
"""
import numpy as np
from PIL import Image, ImageEnhance

from teachtorch import _errors
import teachtorch
from teachtorch.vision.transforms._image import (
    _array,
    _check_image,
    _is_pil,
    _tensor,
    get_dimensions,
)


def _blend(a, b, ratio):
    """Math: clamp(ratio * a + (1 - ratio) * b, 0, bound), cast back to a's dtype."""
    bound = 1.0 if a.dtype.kind == "f" else 255.0
    x = a if a.dtype.kind == "f" else a.astype(np.float32)
    out = np.clip(ratio * x + (1.0 - ratio) * b, 0, bound)
    return out.astype(a.dtype)


def _gray(arr):
    """Luma of (..., 3, H, W) as (..., 1, H, W); integers are truncated, as torchvision."""
    r, g, b = arr[..., 0, :, :], arr[..., 1, :, :], arr[..., 2, :, :]
    gray = (np.float32(0.2989) * r + np.float32(0.587) * g + np.float32(0.114) * b)
    return gray.astype(arr.dtype)[..., None, :, :]


def _check_factor(name, factor):
    if factor < 0:
        raise ValueError(_errors.hint(f"{name}_factor ({factor}) is not non-negative.", "1 "
                         "leaves the image unchanged, 0 gives black/grey, 2 doubles."))


def adjust_brightness(img, brightness_factor):
    """Scale all values by the factor (0: black, 1: unchanged).

    Mirrors: torchvision.transforms.functional.adjust_brightness
    """
    _check_factor("brightness", brightness_factor)
    _check_image(img)
    if _is_pil(img):
        return ImageEnhance.Brightness(img).enhance(brightness_factor)
    arr = _array(img)
    return _tensor(_blend(arr, 0.0, brightness_factor))


def adjust_contrast(img, contrast_factor):
    """Blend with the image's mean grey level (0: flat grey, 1: unchanged).

    Mirrors: torchvision.transforms.functional.adjust_contrast
    """
    _check_factor("contrast", contrast_factor)
    _check_image(img)
    if _is_pil(img):
        return ImageEnhance.Contrast(img).enhance(contrast_factor)
    arr = _array(img)
    gray = _gray(arr) if arr.shape[-3] == 3 else arr
    mean = gray.astype(np.float32).mean(axis=(-3, -2, -1), keepdims=True)
    return _tensor(_blend(arr, mean, contrast_factor))


def adjust_saturation(img, saturation_factor):
    """Blend with the grey version (0: grey, 1: unchanged, 2: twice as saturated).

    Mirrors: torchvision.transforms.functional.adjust_saturation
    """
    _check_factor("saturation", saturation_factor)
    _check_image(img)
    if _is_pil(img):
        return ImageEnhance.Color(img).enhance(saturation_factor)
    arr = _array(img)
    if arr.shape[-3] == 1:
        return img
    return _tensor(_blend(arr, _gray(arr).astype(np.float32), saturation_factor))


def _rgb_to_hsv(img):
    """(..., 3, H, W) floats in [0, 1] -> h, s, v; h in [0, 1)."""
    r, g, b = img[..., 0, :, :], img[..., 1, :, :], img[..., 2, :, :]
    maxc, minc = img.max(axis=-3), img.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    s = cr / np.where(eqc, 1.0, maxc)
    div = np.where(eqc, 1.0, cr)
    rc, gc, bc = (maxc - r) / div, (maxc - g) / div, (maxc - b) / div
    h = np.where(maxc == r, bc - gc,
                 np.where(maxc == g, 2.0 + rc - bc, 4.0 + gc - rc))
    return np.fmod(h / 6.0 + 1.0, 1.0), s, maxc


def _hsv_to_rgb(h, s, v):
    """The inverse of _rgb_to_hsv (the six-sector formula)."""
    i = np.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int64) % 6
    p = np.clip(v * (1.0 - s), 0, 1)
    q = np.clip(v * (1.0 - s * f), 0, 1)
    t = np.clip(v * (1.0 - s * (1.0 - f)), 0, 1)
    # sector i picks (r, g, b) from these rows
    r = np.choose(i, [v, q, p, p, t, v])
    g = np.choose(i, [t, v, v, q, p, p])
    b = np.choose(i, [p, p, t, v, v, q])
    return np.stack([r, g, b], axis=-3)


def adjust_hue(img, hue_factor):
    """Rotate every pixel's hue by ``hue_factor`` turns (in [-0.5, 0.5]).

    Math: h' = (h + hue_factor) mod 1 in HSV space; s and v unchanged
    Mirrors: torchvision.transforms.functional.adjust_hue
    """
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(_errors.hint(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].", "0.5 and -0.5 both give the complementary colours."))
    _check_image(img)
    if _is_pil(img):
        if img.mode in ("L", "1", "I", "F"):
            return img
        h, s, v = img.convert("HSV").split()
        shift = np.uint8(int(hue_factor * 255) % 256)
        np_h = np.asarray(h, dtype=np.uint8) + shift  # wraps around, as hue should
        return Image.merge("HSV", (Image.fromarray(np_h), s, v)).convert(img.mode)
    arr = _array(img)
    if arr.shape[-3] == 1:
        return img
    x = arr.astype(np.float32) / 255.0 if arr.dtype == np.uint8 else arr
    h, s, v = _rgb_to_hsv(x)
    out = _hsv_to_rgb((h + hue_factor) % 1.0, s, v).astype(x.dtype)
    if arr.dtype == np.uint8:
        out = (out * (255.0 + 1.0 - 1e-3)).astype(np.uint8)
    return _tensor(out)


def rgb_to_grayscale(img, num_output_channels=1):
    """Luma 0.2989 R + 0.587 G + 0.114 B, as 1 or 3 equal channels.

    Mirrors: torchvision.transforms.functional.rgb_to_grayscale
    """
    if num_output_channels not in (1, 3):
        raise ValueError(_errors.hint("num_output_channels should be either 1 or 3", "3 "
                         "repeats the grey channel for models that expect RGB."))
    _check_image(img)
    if _is_pil(img):
        gray = img.convert("L")
        if num_output_channels == 3:
            return Image.merge("RGB", (gray, gray, gray))
        return gray
    c = get_dimensions(img)[0]
    if c not in (1, 3):
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but "
                        f"found {c}")
    arr = _array(img)
    gray = _gray(arr) if c == 3 else arr
    if num_output_channels == 3:
        gray = np.repeat(gray, 3, axis=-3)
    return _tensor(gray)


to_grayscale = rgb_to_grayscale


def convert_image_dtype(image, dtype=None):
    """Change dtype and rescale: uint8 0..255 <-> float 0..1.

    Math: float = uint8 / 255;  uint8 = trunc(float * (255 + 1 - 1e-3))
    Mirrors: torchvision.transforms.functional.convert_image_dtype
    """
    dtype = dtype or teachtorch.float32
    arr = _array(image)
    src_float, dst_float = arr.dtype.kind == "f", dtype.is_floating_point
    if arr.dtype == dtype.np:
        return image
    if src_float and dst_float:
        return _tensor(arr.astype(dtype.np))
    if dst_float:
        return _tensor(arr.astype(dtype.np) / dtype.np.type(np.iinfo(arr.dtype).max))
    top = np.iinfo(dtype.np).max
    if src_float:
        return _tensor((arr * (top + 1.0 - 1e-3)).astype(dtype.np))
    # integer -> integer: rescale by the ratio of the ranges (bit shifts in torchvision)
    src_top = np.iinfo(arr.dtype).max
    if src_top > top:
        factor = (src_top + 1) // (top + 1)
        return _tensor((arr // factor).astype(dtype.np))
    factor = (top + 1) // (src_top + 1)
    return _tensor(arr.astype(dtype.np) * factor)
