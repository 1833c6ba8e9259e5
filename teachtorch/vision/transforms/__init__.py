"""teachtorch.vision.transforms: torchvision-shaped image transforms (and ``v2``).

    transform = transforms.Compose([transforms.ToTensor(),
                                    transforms.Normalize(0.1307, 0.3081)])

Deterministic transforms are in ``transforms.py``, random ones in
``random_transforms.py``, the work itself in ``functional.py`` / ``functional_color.py``.
"""
from teachtorch.vision.transforms import functional, v2  # noqa: F401
from teachtorch.vision.transforms.functional import InterpolationMode  # noqa: F401
from teachtorch.vision.transforms.random_transforms import (  # noqa: F401
    ColorJitter,
    RandomApply,
    RandomChoice,
    RandomCrop,
    RandomHorizontalFlip,
    RandomOrder,
    RandomResizedCrop,
    RandomRotation,
    RandomVerticalFlip,
)
from teachtorch.vision.transforms.transforms import (  # noqa: F401
    CenterCrop,
    Compose,
    Grayscale,
    Lambda,
    Normalize,
    Pad,
    PILToTensor,
    Resize,
    ToPILImage,
    ToTensor,
    Transform,
)


# a name PyTorch has and teachtorch lacks: PyTorch's AttributeError plus a hint
from teachtorch._api_gaps import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torchvision.transforms")
