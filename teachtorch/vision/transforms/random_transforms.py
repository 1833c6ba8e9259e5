"""Random transforms: each draws its numbers in ``make_params`` from teachtorch's
generator, so ``teachtorch.manual_seed(n)`` makes a whole pipeline repeat exactly.

The draws follow torchvision's recipes (the same formulas, in the same order), but
the numbers come from teachtorch's NumPy generator, not torch's.
Chapter 16 (vision tools) opens this file.
"""
import math
import numbers

import numpy as np

from teachtorch import _errors
from teachtorch.random import rng
from teachtorch.vision.transforms import functional as F
from teachtorch.vision.transforms.functional import InterpolationMode, _setup_size
from teachtorch.vision.transforms.transforms import Compose, Transform


def _uniform(low, high):
    return float(rng().uniform(low, high))


def _randint(low, high):
    """An int in [low, high), like torch.randint(low, high, (1,)).item()."""
    return int(rng().integers(low, high))


class RandomHorizontalFlip(Transform):
    """Mirror left-right with probability p. Mirrors: torchvision's class"""

    def __init__(self, p=0.5):
        self.p = p

    def make_params(self, img):
        return bool(rng().random() < self.p)

    def apply(self, img, flip):
        return F.hflip(img) if flip else img

    def extra_repr(self):
        return f"p={self.p}"


class RandomVerticalFlip(RandomHorizontalFlip):
    """Mirror top-bottom with probability p. Mirrors: torchvision's class"""

    def apply(self, img, flip):
        return F.vflip(img) if flip else img


class RandomCrop(Transform):
    """A random (h, w) window, after optional padding.

    Mirrors: torchvision.transforms.RandomCrop
    """

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0,
                 padding_mode="constant"):
        self.size = _setup_size(size)
        self.padding, self.pad_if_needed = padding, pad_if_needed
        self.fill, self.padding_mode = fill, padding_mode

    def _padded(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, h, w = F.get_dimensions(img)
        th, tw = self.size
        if self.pad_if_needed and w < tw:
            img = F.pad(img, [tw - w, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and h < th:
            img = F.pad(img, [0, th - h], self.fill, self.padding_mode)
        return img

    @staticmethod
    def get_params(img, output_size):
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(_errors.hint(f"Required crop size {(th, tw)} is larger than input "
                             f"image size {(h, w)}", "pass pad_if_needed=True or "
                             "a padding, or Resize first."))
        if (h, w) == (th, tw):
            return 0, 0, h, w
        return _randint(0, h - th + 1), _randint(0, w - tw + 1), th, tw

    def make_params(self, img):
        return self.get_params(self._padded(img), self.size)

    def apply(self, img, params):
        return F.crop(self._padded(img), *params)

    def extra_repr(self):
        return f"size={self.size}, padding={self.padding}"


class RandomResizedCrop(Transform):
    """A random window of random area and aspect ratio, resized to ``size``.

    Mirrors: torchvision.transforms.RandomResizedCrop
    """

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        self.size = _setup_size(size)
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            raise ValueError("Scale and ratio should be of kind (min, max)")
        self.scale, self.ratio, self.antialias = scale, ratio, antialias
        self.interpolation = F._interp(interpolation)

    @staticmethod
    def get_params(img, scale, ratio):
        """torchvision's rule: 10 tries at a random window, else a centred one."""
        _, height, width = F.get_dimensions(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            target_area = area * _uniform(scale[0], scale[1])
            aspect = math.exp(_uniform(*log_ratio))
            w = round(math.sqrt(target_area * aspect))
            h = round(math.sqrt(target_area / aspect))
            if 0 < w <= width and 0 < h <= height:
                return _randint(0, height - h + 1), _randint(0, width - w + 1), h, w
        in_ratio = width / height
        if in_ratio < min(ratio):
            w, h = width, round(width / min(ratio))
        elif in_ratio > max(ratio):
            h, w = height, round(height * max(ratio))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def make_params(self, img):
        return self.get_params(img, self.scale, self.ratio)

    def apply(self, img, params):
        return F.resized_crop(img, *params, self.size, self.interpolation,
                              antialias=self.antialias)

    def extra_repr(self):
        return (f"size={self.size}, scale={tuple(round(s, 4) for s in self.scale)}, "
                f"ratio={tuple(round(r, 4) for r in self.ratio)}, "
                f"interpolation={self.interpolation.value}, antialias={self.antialias}")


class RandomRotation(Transform):
    """Rotate by an angle drawn uniformly from ``degrees``.

    Mirrors: torchvision.transforms.RandomRotation
    """

    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand=False,
                 center=None, fill=0):
        if isinstance(degrees, numbers.Number):
            if degrees < 0:
                raise ValueError("If degrees is a single number, it must be positive.")
            degrees = (-degrees, degrees)
        self.degrees = [float(d) for d in degrees]
        self.interpolation = F._interp(interpolation)
        self.expand, self.center, self.fill = expand, center, fill

    def make_params(self, img):
        return _uniform(self.degrees[0], self.degrees[1])

    def apply(self, img, angle):
        return F.rotate(img, angle, self.interpolation, self.expand, self.center,
                        self.fill)

    def extra_repr(self):
        return (f"degrees={self.degrees}, interpolation={self.interpolation.value}, "
                f"expand={self.expand}, fill={self.fill}")


def _jitter_range(value, name, center=1.0, bound=(0, float("inf")), clip=True):
    if isinstance(value, numbers.Number):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be non negative.")
        value = [center - float(value), center + float(value)]
        if clip:
            value[0] = max(value[0], 0.0)
    elif not (isinstance(value, (tuple, list)) and len(value) == 2):
        raise TypeError(f"{name} should be a single number or a list/tuple with "
                        "length 2.")
    elif not bound[0] <= value[0] <= value[1] <= bound[1]:
        raise ValueError(f"{name} values should be between {bound}, but got {value}.")
    return None if value[0] == value[1] == center else (float(value[0]),
                                                         float(value[1]))


class ColorJitter(Transform):
    """Random brightness, contrast, saturation and hue, applied in a random order.

    Mirrors: torchvision.transforms.ColorJitter
    """

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        self.brightness = _jitter_range(brightness, "brightness")
        self.contrast = _jitter_range(contrast, "contrast")
        self.saturation = _jitter_range(saturation, "saturation")
        self.hue = _jitter_range(hue, "hue", center=0, bound=(-0.5, 0.5), clip=False)

    def make_params(self, img):
        order = [int(i) for i in rng().permutation(4)]
        factors = [None if r is None else _uniform(*r) for r in
                   (self.brightness, self.contrast, self.saturation, self.hue)]
        return order, factors

    def apply(self, img, params):
        order, factors = params
        fns = (F.adjust_brightness, F.adjust_contrast, F.adjust_saturation,
               F.adjust_hue)
        for i in order:
            if factors[i] is not None:
                img = fns[i](img, factors[i])
        return img

    def extra_repr(self):
        return (f"brightness={self.brightness}, contrast={self.contrast}, "
                f"saturation={self.saturation}, hue={self.hue}")


class RandomApply(Transform):
    """Apply all the transforms with probability p, or none.

    Mirrors: torchvision.transforms.RandomApply
    """

    def __init__(self, transforms, p=0.5):
        self.transforms, self.p = list(transforms), p

    def __call__(self, img):
        if self.p < rng().random():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        return f"{type(self).__name__}(\n    p={self.p}" + "".join(
            f"\n    {t}" for t in self.transforms) + "\n)"


class RandomChoice(Transform):
    """Apply one transform picked at random (weights p). Mirrors: torchvision's"""

    def __init__(self, transforms, p=None):
        self.transforms = list(transforms)
        if p is not None and len(p) != len(self.transforms):
            raise ValueError(f"Length of p doesn't match the number of transforms: "
                             f"{len(p)} != {len(self.transforms)}")
        self.p = p

    def __call__(self, img):
        weights = None if self.p is None else np.asarray(self.p) / np.sum(self.p)
        return self.transforms[int(rng().choice(len(self.transforms), p=weights))](img)

    def __repr__(self):
        return f"{type(self).__name__}(transforms={self.transforms}, p={self.p})"


class RandomOrder(Transform):
    """Apply all transforms in a random order. Mirrors: torchvision's class"""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, img):
        for i in rng().permutation(len(self.transforms)):
            img = self.transforms[int(i)](img)
        return img

    def __repr__(self):
        return Compose.__repr__(self)
