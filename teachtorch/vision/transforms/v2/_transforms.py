"""v2 transforms: v1's ``make_params``/``apply`` run over every image in a sample.

``_V2.__call__`` flattens the sample, draws the random parameters once from the
first image, applies them to each image, and rebuilds the same structure.
"""
import numpy as np
from PIL import Image

from teachtorch import _errors
import teachtorch
from teachtorch.vision.transforms import functional as F
from teachtorch.vision.transforms import functional_color as FC
from teachtorch.vision.transforms import random_transforms as R
from teachtorch.vision.transforms import transforms as T


def _flatten(sample):
    """The leaves of nested tuples/lists/dicts, and a function that rebuilds it."""
    if isinstance(sample, (tuple, list)):
        parts = [_flatten(x) for x in sample]
        counts = [len(leaves) for leaves, _ in parts]

        def rebuild(leaves):
            out, i = [], 0
            for (_, rb), n in zip(parts, counts):
                out.append(rb(leaves[i:i + n]))
                i += n
            return type(sample)(out)
        return [x for leaves, _ in parts for x in leaves], rebuild
    if isinstance(sample, dict):
        keys = list(sample)
        leaves, rb = _flatten([sample[k] for k in keys])
        return leaves, lambda new: dict(zip(keys, rb(new)))
    return [sample], lambda new: new[0]


def _is_image(x):
    return isinstance(x, Image.Image) or (isinstance(x, teachtorch.Tensor)
                                          and x.ndim >= 2)


class _V2:
    """Mixin: apply a v1 transform's make_params/apply to every image of a sample."""

    def _wants(self, x):
        return _is_image(x)

    def __call__(self, *inputs):
        sample = inputs if len(inputs) > 1 else inputs[0]
        leaves, rebuild = _flatten(sample)
        which = [i for i, x in enumerate(leaves) if self._wants(x)]
        if not which:
            return sample
        params = self.make_params(leaves[which[0]])
        chosen = set(which)
        return rebuild([self.apply(x, params) if i in chosen else x
                        for i, x in enumerate(leaves)])


class Transform(_V2, T.Transform):
    """Base class of v2 transforms. Mirrors: torchvision.transforms.v2.Transform"""


class Compose(T.Compose):
    """Run transforms one after another on a whole sample.

    Mirrors: torchvision.transforms.v2.Compose
    """

    def __call__(self, *inputs):
        sample = inputs if len(inputs) > 1 else inputs[0]
        for t in self.transforms:
            sample = t(sample)
        return sample


class ToImage(Transform):
    """PIL image, ndarray (H, W, C) or tensor -> tensor image (C, H, W), dtype kept.

    Mirrors: torchvision.transforms.v2.ToImage
    """

    def _wants(self, x):
        return _is_image(x) or isinstance(x, np.ndarray)

    def apply(self, img, params):
        if isinstance(img, Image.Image):
            return F.pil_to_tensor(img)
        if isinstance(img, np.ndarray):
            arr = img[:, :, None] if img.ndim == 2 else img
            return F._tensor(arr.transpose(2, 0, 1))
        return img


class ToDtype(Transform):
    """Change an image's dtype; with scale=True also its range (uint8 255 <-> 1.0).

    Math: scale=True: float = uint8 / 255, uint8 = trunc(float * (256 - 1e-3))
    Mirrors: torchvision.transforms.v2.ToDtype
    """

    def __init__(self, dtype, scale=False):
        if isinstance(dtype, dict):
            raise TypeError(_errors.hint("teachtorch's ToDtype takes one dtype, not a dict", "every image in the sample gets the same dtype."))
        self.dtype, self.scale = dtype, scale

    def apply(self, img, params):
        if not isinstance(img, teachtorch.Tensor):
            raise TypeError(_errors.hint(f"ToDtype expects a tensor image, got {type(img)}", "put v2.ToImage() before v2.ToDtype in Compose."))
        if self.scale:
            return FC.convert_image_dtype(img, self.dtype)
        return img.to(self.dtype)

    def extra_repr(self):
        return f"scale={self.scale}"


class ToPureTensor(Transform):
    """A no-op here: teachtorch images are already plain tensors."""

    def apply(self, img, params):
        return img


class Lambda(_V2, T.Lambda):
    """Apply ``lambd`` to every leaf of the types given (default: all leaves).

    Mirrors: torchvision.transforms.v2.Lambda
    """

    def __init__(self, lambd, *types):
        super().__init__(lambd)
        self.types = types or (object,)

    def _wants(self, x):
        return isinstance(x, self.types)


# The v1 transforms, each now applied to every image of a sample.
class ToTensor(_V2, T.ToTensor):
    pass


class PILToTensor(_V2, T.PILToTensor):
    pass


class ToPILImage(_V2, T.ToPILImage):
    pass


class Normalize(_V2, T.Normalize):
    pass


class Resize(_V2, T.Resize):
    pass


class CenterCrop(_V2, T.CenterCrop):
    pass


class Pad(_V2, T.Pad):
    pass


class Grayscale(_V2, T.Grayscale):
    pass


class RandomHorizontalFlip(_V2, R.RandomHorizontalFlip):
    pass


class RandomVerticalFlip(_V2, R.RandomVerticalFlip):
    pass


class RandomCrop(_V2, R.RandomCrop):
    pass


class RandomResizedCrop(_V2, R.RandomResizedCrop):
    pass


class RandomRotation(_V2, R.RandomRotation):
    pass


class ColorJitter(_V2, R.ColorJitter):
    pass


RandomApply, RandomChoice, RandomOrder = R.RandomApply, R.RandomChoice, R.RandomOrder
