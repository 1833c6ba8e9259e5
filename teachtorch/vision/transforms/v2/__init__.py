"""teachtorch.vision.transforms.v2: the same transforms, for whole samples.

A v2 transform takes one image, or a structure (tuple, list, dict) holding images
and other things such as labels: every image in it gets the *same* random choice
(the same crop for an image and its mask), everything else passes through.
Images are PIL images and tensors with at least 2 dimensions (teachtorch has no
``tv_tensors`` wrapper types: a plain tensor of 2+ dims counts as an image).

    image_2_tensor = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])

Chapter 16 (vision tools) opens this file.
"""
from teachtorch.vision.transforms import functional  # noqa: F401
from teachtorch.vision.transforms.functional import InterpolationMode  # noqa: F401
from teachtorch.vision.transforms.v2._transforms import (  # noqa: F401
    CenterCrop,
    ColorJitter,
    Compose,
    Grayscale,
    Lambda,
    Normalize,
    Pad,
    PILToTensor,
    RandomApply,
    RandomChoice,
    RandomCrop,
    RandomHorizontalFlip,
    RandomOrder,
    RandomResizedCrop,
    RandomRotation,
    RandomVerticalFlip,
    Resize,
    ToDtype,
    ToImage,
    ToPILImage,
    ToPureTensor,
    ToTensor,
    Transform,
)
