"""teachtorch.vision.datasets: torchvision-shaped data sets that read real files.

Nothing downloads: MNIST t10k ships with teachtorch; other files go under ``root``.
"""
from teachtorch.vision.datasets.cifar import CIFAR10, CIFAR100, write_cifar10  # noqa: F401
from teachtorch.vision.datasets.fakedata import FakeData  # noqa: F401
from teachtorch.vision.datasets.folder import (  # noqa: F401
                                               IMG_EXTENSIONS,
                                               DatasetFolder,
                                               ImageFolder,
                                               default_loader,
                                               find_classes,
                                               has_file_allowed_extension,
                                               make_dataset,
                                               pil_loader,
)
from teachtorch.vision.datasets.mnist import (MNIST, KMNIST, FashionMNIST,  # noqa: F401
                                              mnist_t10k_split)
from teachtorch.vision.datasets.vision import StandardTransform, VisionDataset  # noqa: F401


# a name PyTorch has and teachtorch lacks: PyTorch's AttributeError plus a hint
from teachtorch._api_gaps import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torchvision.datasets")
