"""CIFAR-10 and CIFAR-100: 32x32 colour images in python-pickle batches.

The real files (``cifar-10-batches-py/data_batch_1`` ... ``test_batch``,
``batches.meta``; ``cifar-100-python/train``, ``test``, ``meta``) are pickled dicts:
``data`` is a uint8 array (N, 3072) holding each image's R plane, then G, then B
(32 rows of 32 each), ``labels`` (CIFAR-100: ``fine_labels``) a list of ints.
They are read with ``_files.load_pickle``, which refuses any pickle that would call
code other than NumPy's array rebuilder. Not shipped: put the folder under ``root``.
Chapter 10 (CNN basics) opens this file.
"""
import os

import numpy as np
from PIL import Image

from teachtorch import _errors
from teachtorch.vision.datasets._files import load_pickle
from teachtorch.vision.datasets.vision import VisionDataset


class CIFAR10(VisionDataset):
    """CIFAR-10: items are ``(PIL RGB image, int label)``.

    ``data`` is a uint8 NumPy array (N, 32, 32, 3) and ``targets`` a list of ints,
    as in torchvision. Unlike torchvision, the files' MD5 sums are not checked (so
    batches you write yourself in the same format load too).

    Mirrors: torchvision.datasets.CIFAR10
    """

    base_folder = "cifar-10-batches-py"
    train_list = tuple(f"data_batch_{i}" for i in range(1, 6))
    test_list = ("test_batch",)
    meta = ("batches.meta", "label_names")  # file, key of the class names
    labels_key = "labels"

    def __init__(self, root, train=True, transform=None, target_transform=None,
                 download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        folder = os.path.join(self.root, self.base_folder)
        names = self.train_list if train else self.test_list
        missing = [n for n in (*names, self.meta[0])
                   if not os.path.isfile(os.path.join(folder, n))]
        if missing:
            what = "Error downloading" if download else "Dataset not found or corrupted."
            raise RuntimeError(
                _errors.hint(f"{what} You can use download=True to download it", "missing "
                f"{', '.join(missing)} in {folder}/; nothing downloads here, so copy "
                f"the extracted {self.base_folder} folder into {self.root}/."))
        data, targets = [], []
        for name in names:
            batch = load_pickle(os.path.join(folder, name))
            data.append(np.asarray(batch["data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
            targets.extend(int(t) for t in batch[self.labels_key])
        # CHW planes -> HWC, the layout PIL and torchvision's .data use
        self.data = np.ascontiguousarray(np.concatenate(data).transpose(0, 2, 3, 1))
        self.targets = targets
        meta = load_pickle(os.path.join(folder, self.meta[0]))
        self.classes = [c.decode() if isinstance(c, bytes) else c
                        for c in meta[self.meta[1]]]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def __getitem__(self, index):
        img, target = Image.fromarray(self.data[index]), self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train is True else 'Test'}"

    # torchvision's CIFAR10 dropped these old names (MNIST kept them): say the new ones
    @property
    def train_data(self):
        raise _renamed(self, "train_data", "data")

    @property
    def test_data(self):
        raise _renamed(self, "test_data", "data")

    @property
    def train_labels(self):
        raise _renamed(self, "train_labels", "targets")

    @property
    def test_labels(self):
        raise _renamed(self, "test_labels", "targets")


def _renamed(dataset, old, new):
    from teachtorch._errors import hint

    return AttributeError(hint(
        f"'{type(dataset).__name__}' object has no attribute '{old}'",
        f"torchvision renamed {old} to .{new} (version 0.3); write dataset.{new}."))


class CIFAR100(CIFAR10):
    """CIFAR-100: 100 fine classes (labels from ``fine_labels``).

    Mirrors: torchvision.datasets.CIFAR100
    """

    base_folder = "cifar-100-python"
    train_list = ("train",)
    test_list = ("test",)
    meta = ("meta", "fine_label_names")
    labels_key = "fine_labels"


CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                   "horse", "ship", "truck")


def write_cifar10(root, images, labels, train=False, classes=CIFAR10_CLASSES):
    """Write images in the real CIFAR-10 batch format, so ``CIFAR10(root)`` reads them.

    For chapters without the real download: ``images`` is uint8 (N, 32, 32, 3)
    (HWC, as ``CIFAR10.data``), ``labels`` N ints. ``train=False`` writes
    ``test_batch``; ``train=True`` splits the images over ``data_batch_1..5``.
    The files are protocol-2 pickles with bytes keys, like the original python 2 ones.
    Returns the folder written.
    """
    import pickle

    images = np.asarray(images)
    if images.dtype != np.uint8 or images.shape[1:] != (32, 32, 3):
        raise ValueError(_errors.hint("images must be uint8 of shape (N, 32, 32, 3), got "
                         f"{images.dtype} {images.shape}", "CIFAR-10 images are "
                         "32x32 RGB; resize and convert with np.uint8 first."))
    labels = [int(v) for v in labels]
    if len(labels) != len(images):
        raise ValueError(f"{len(images)} images but {len(labels)} labels")
    folder = os.path.join(root, CIFAR10.base_folder)
    os.makedirs(folder, exist_ok=True)
    rows = images.transpose(0, 3, 1, 2).reshape(len(images), 3072)  # R, G, B planes
    names = CIFAR10.train_list if train else CIFAR10.test_list
    for name, part in zip(names, np.array_split(np.arange(len(images)), len(names))):
        batch = {b"batch_label": name.encode(), b"data": rows[part],
                 b"labels": [labels[i] for i in part]}
        with open(os.path.join(folder, name), "wb") as f:
            pickle.dump(batch, f, protocol=2)
    with open(os.path.join(folder, CIFAR10.meta[0]), "wb") as f:
        pickle.dump({b"label_names": [c.encode() for c in classes],
                     b"num_cases_per_batch": len(images) // len(names),
                     b"num_vis": 3072}, f, protocol=2)
    return folder
