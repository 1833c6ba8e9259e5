"""MNIST and FashionMNIST: 28x28 grey images read from IDX files.

Where the files are looked for, in order:

1. ``root/<ClassName>/raw/`` (torchvision's layout), then ``root/<ClassName>/`` and
   ``root/`` itself; each file gzipped (``.gz``) or not.
2. For ``MNIST(train=False)`` only: the copy of MNIST t10k shipped with teachtorch in
   ``assets/data/mnist`` (SHA-256 checked), when ``root`` does not have the files.

The 60,000 training images are not shipped (nothing downloads here). Chapters use
``mnist_t10k_split()``: a seeded 8,000 / 2,000 split of the 10,000 t10k images.
Chapter 09 (softmax and the MNIST MLP) opens this file.
"""
import warnings

import numpy as np
from PIL import Image

import teachtorch
from teachtorch import _errors, data_files
from teachtorch.vision.datasets._files import find_file, read_idx
from teachtorch.vision.datasets.vision import VisionDataset


class MNIST(VisionDataset):
    """The MNIST digits: items are ``(PIL image of mode 'L', int label)``.

    ``data`` is a uint8 tensor (N, 28, 28), ``targets`` an int64 tensor (N,).
    ``download=True`` downloads nothing: files found locally are used, otherwise
    the error names the file and the folder to put it in.

    Mirrors: torchvision.datasets.MNIST
    """

    classes = ("0 - zero", "1 - one", "2 - two", "3 - three", "4 - four", "5 - five",
               "6 - six", "7 - seven", "8 - eight", "9 - nine")
    shipped = "mnist"  # subfolder of assets/data holding a t10k copy (None: no copy)

    def __init__(self, root, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        prefix = "train" if train else "t10k"
        images = self._locate(f"{prefix}-images-idx3-ubyte", download)
        labels = self._locate(f"{prefix}-labels-idx1-ubyte", download)
        data = read_idx(images, expected_magic=2051)
        targets = read_idx(labels, expected_magic=2049).astype(np.int64)
        if len(data) != len(targets):
            raise RuntimeError(_errors.hint(f"{images} has {len(data)} images but {labels} has "
                               f"{len(targets)} labels", "the two files must come "
                               "from the same split."))
        self.data = teachtorch.from_numpy(data)
        self.targets = teachtorch.from_numpy(targets)

    @property
    def raw_folder(self):
        return f"{self.root}/{self._name()}/raw"

    def _locate(self, name, download):
        folders = [self.raw_folder, f"{self.root}/{self._name()}", self.root]
        found = find_file(folders, name)
        if found is not None:
            return found
        if self.shipped and name.startswith("t10k"):
            return data_files.path(f"{self.shipped}/{name}.gz")
        where = self.raw_folder
        alt = ("; or use teachtorch.vision.datasets.mnist_t10k_split(train=True), a "
               "seeded 8000/2000 split of the shipped t10k images"
               if isinstance(self, MNIST) and self.shipped else "")
        if download:
            raise RuntimeError(
                _errors.hint(f"Error downloading {name}.gz: teachtorch downloads nothing.", "put "
                f"{name}.gz (or the unzipped {name}) in {where}/ yourself{alt}."))
        raise RuntimeError(
            _errors.hint("Dataset not found. You can use download=True to download it", f"missing {name}.gz (or {name}) in {where}/; nothing downloads here, so "
            f"copy the file there yourself{alt}."))

    def __getitem__(self, index):
        img = Image.fromarray(self.data.numpy()[index])  # 2-D uint8 -> mode 'L'
        target = int(self.targets.numpy()[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data.numpy())

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    # the names of torchvision before 0.3, still there as deprecated properties
    @property
    def train_labels(self):
        warnings.warn("train_labels has been renamed targets")
        return self.targets

    @property
    def test_labels(self):
        warnings.warn("test_labels has been renamed targets")
        return self.targets

    @property
    def train_data(self):
        warnings.warn("train_data has been renamed data")
        return self.data

    @property
    def test_data(self):
        warnings.warn("test_data has been renamed data")
        return self.data

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: 28x28 grey clothes, same IDX files as MNIST.

    Not shipped: put the files in ``root/FashionMNIST/raw/``.
    Mirrors: torchvision.datasets.FashionMNIST
    """

    classes = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
               "Shirt", "Sneaker", "Bag", "Ankle boot")
    shipped = None


class KMNIST(MNIST):
    """Kuzushiji-MNIST: 28x28 grey cursive Japanese characters, MNIST's IDX files.

    Not shipped: put the files in ``root/KMNIST/raw/``.
    Mirrors: torchvision.datasets.KMNIST
    """

    classes = ("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo")
    shipped = None


class _T10kSplit(MNIST):
    """One half of a seeded split of MNIST t10k (made by ``mnist_t10k_split``)."""

    @classmethod
    def _name(cls):
        return "MNIST"

    def extra_repr(self):
        return (f"Split: t10k {'train' if self.train else 'test'} part "
                f"({self.n_train} train / {10000 - self.n_train} test, seed {self.seed})")


def mnist_t10k_split(root=None, train=True, transform=None, target_transform=None,
                     seed=0, n_train=8000):
    """A deterministic train/test split of the 10,000 MNIST t10k images.

    The shipped data has no training split, so chapters train on ``n_train`` images
    of t10k and test on the rest. The same ``seed`` always gives the same split (a
    NumPy permutation of 0..9999, each part kept in file order); the two parts never
    overlap. Accuracy on it is not comparable with published MNIST test accuracy.

        >>> train = mnist_t10k_split(train=True)
        >>> test = mnist_t10k_split(train=False)
        >>> len(train), len(test)
        (8000, 2000)
    """
    full = _T10kSplit(root if root is not None else data_files.asset_dir(), train=False,
                      transform=transform, target_transform=target_transform)
    if not 0 < n_train < len(full):
        raise ValueError(_errors.hint(f"n_train must be between 1 and {len(full) - 1}, got "
                         f"{n_train}", f"the t10k file has {len(full)} images."))
    order = np.random.default_rng(seed).permutation(len(full))
    keep = np.sort(order[:n_train] if train else order[n_train:])
    full.data = teachtorch.from_numpy(np.ascontiguousarray(full.data.numpy()[keep]))
    full.targets = teachtorch.from_numpy(full.targets.numpy()[keep])
    full.train, full.seed, full.n_train = train, seed, n_train
    return full
