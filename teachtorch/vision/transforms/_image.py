"""Telling image kinds apart: PIL image or tensor image (..., C, H, W).

Shared by ``functional`` (geometry) and ``functional_color`` (colour).
"""
import numpy as np
from PIL import Image

import teachtorch
from teachtorch import _backend, _errors


def _is_pil(img):
    return isinstance(img, Image.Image)


def _is_tensor(img):
    return isinstance(img, teachtorch.Tensor)


def _array(t):
    """The tensor's values as a NumPy array (no autograd)."""
    return _backend.to_numpy(t.detach()._data)


def _tensor(a):
    return teachtorch.from_numpy(np.ascontiguousarray(a))


def _check_image(img):
    if _is_pil(img):
        return
    if not _is_tensor(img):
        raise TypeError(_errors.hint(f"img should be PIL Image or Tensor. Got {type(img)}", "open files with PIL.Image.open, or convert NumPy arrays with "
                        "transforms.ToTensor() first."))
    if img.ndim < 2:
        raise TypeError(_errors.hint("Tensor is not a torch image.", "expected shape (C, H, W) "
                        f"or (N, C, H, W), got {tuple(img.shape)}."))


def get_dimensions(img):
    """[channels, height, width] of an image.

    Mirrors: torchvision.transforms.functional.get_dimensions
    """
    _check_image(img)
    if _is_pil(img):
        return [len(img.getbands()), img.height, img.width]
    shape = tuple(img.shape)
    return [1 if len(shape) == 2 else shape[-3], shape[-2], shape[-1]]


def get_image_size(img):
    """[width, height] (note the order: PIL's)."""
    _, h, w = get_dimensions(img)
    return [w, h]
