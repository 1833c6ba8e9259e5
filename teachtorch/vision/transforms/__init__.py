"""teachtorch.vision.transforms: torchvision-shaped image transforms (and ``v2``).

    transform = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize(0.1307, 0.3081)])
"""
from teachtorch.vision.transforms import (
    functional,  # noqa: F401
    v2,  # noqa: F401
)
from teachtorch.vision.transforms.functional import InterpolationMode  # noqa: F401
from teachtorch.vision.transforms.transforms import (  # noqa: F401
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
    ToPILImage,
    ToTensor,
    Transform,
)
