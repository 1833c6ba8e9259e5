"""Transforms as objects: build once (``t = Normalize(mean, std)``), call on each image.

Each transform splits its work in two, so random ones can be reused by ``v2`` on
several images at once with the same random choice:

- ``make_params(img)``: draw the random numbers (from teachtorch's generator, so
  ``teachtorch.manual_seed`` makes them repeat); None for deterministic transforms;
- ``apply(img, params)``: the deterministic work, via ``functional``.

Chapter 16 (vision tools) opens this file.
"""


from teachtorch.vision.transforms import functional as F
from teachtorch.vision.transforms.functional import InterpolationMode, _setup_size


class Transform:
    """Base class: ``t(img) == t.apply(img, t.make_params(img))``."""

    def make_params(self, img):
        return None

    def apply(self, img, params):
        raise NotImplementedError

    def __call__(self, img):
        return self.apply(img, self.make_params(img))

    def extra_repr(self):
        return ""

    def __repr__(self):
        return f"{type(self).__name__}({self.extra_repr()})"


class Compose:
    """Run transforms one after another. Mirrors: torchvision.transforms.Compose"""

    def __init__(self, transforms):
        self.transforms = list(transforms)

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        return type(self).__name__ + "(" + "".join(
            f"\n    {t}" for t in self.transforms) + "\n)"


class ToTensor(Transform):
    """PIL/ndarray (H, W, C) uint8 -> float tensor (C, H, W) in [0, 1].

    Mirrors: torchvision.transforms.ToTensor
    """

    def apply(self, pic, params):
        return F.to_tensor(pic)


class PILToTensor(Transform):
    """PIL -> uint8 tensor (C, H, W), values unchanged.

    Mirrors: torchvision.transforms.PILToTensor
    """

    def apply(self, pic, params):
        return F.pil_to_tensor(pic)


class ToPILImage(Transform):
    """Tensor (C, H, W) or ndarray (H, W, C) -> PIL image.

    Mirrors: torchvision.transforms.ToPILImage
    """

    def __init__(self, mode=None):
        self.mode = mode

    def apply(self, pic, params):
        return F.to_pil_image(pic, self.mode)

    def extra_repr(self):
        return f"mode={self.mode}" if self.mode is not None else ""


class Normalize(Transform):
    """(x - mean[c]) / std[c] on a float tensor image.

    Mirrors: torchvision.transforms.Normalize
    """

    def __init__(self, mean, std, inplace=False):
        self.mean, self.std, self.inplace = mean, std, inplace

    def apply(self, tensor, params):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def extra_repr(self):
        return f"mean={self.mean}, std={self.std}"


class Resize(Transform):
    """Resize to (h, w), or an int: the shorter edge, keeping the aspect ratio.

    Mirrors: torchvision.transforms.Resize
    """

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None,
                 antialias=True):
        if not isinstance(size, (int, list, tuple)) or \
                (isinstance(size, (list, tuple)) and len(size) not in (1, 2)):
            raise TypeError(f"Size should be int or sequence. Got {type(size)}")
        self.size, self.max_size, self.antialias = size, max_size, antialias
        self.interpolation = F._interp(interpolation)

    def apply(self, img, params):
        return F.resize(img, self.size, self.interpolation, self.max_size,
                        self.antialias)

    def extra_repr(self):
        return (f"size={self.size}, interpolation={self.interpolation.value}, "
                f"max_size={self.max_size}, antialias={self.antialias}")


class CenterCrop(Transform):
    """Cut the centred (h, w) window. Mirrors: torchvision.transforms.CenterCrop"""

    def __init__(self, size):
        self.size = _setup_size(size)

    def apply(self, img, params):
        return F.center_crop(img, self.size)

    def extra_repr(self):
        return f"size={self.size}"


class Pad(Transform):
    """Add a border. Mirrors: torchvision.transforms.Pad"""

    def __init__(self, padding, fill=0, padding_mode="constant"):
        F._parse_pad(padding)  # fail early on a bad padding
        if padding_mode not in F._PAD_MODES:
            raise ValueError("Padding mode should be either constant, edge, reflect "
                             "or symmetric")
        self.padding, self.fill, self.padding_mode = padding, fill, padding_mode

    def apply(self, img, params):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def extra_repr(self):
        return (f"padding={self.padding}, fill={self.fill}, "
                f"padding_mode={self.padding_mode}")


class Lambda(Transform):
    """Wrap any function as a transform. Mirrors: torchvision.transforms.Lambda"""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f"Argument lambd should be callable, got "
                            f"{type(lambd).__name__!r}")
        self.lambd = lambd

    def apply(self, img, params):
        return self.lambd(img)


class Grayscale(Transform):
    """To grey (1 or 3 equal channels). Mirrors: torchvision.transforms.Grayscale"""

    def __init__(self, num_output_channels=1):
        self.num_output_channels = num_output_channels

    def apply(self, img, params):
        return F.rgb_to_grayscale(img, self.num_output_channels)

    def extra_repr(self):
        return f"num_output_channels={self.num_output_channels}"
