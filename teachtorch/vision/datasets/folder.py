"""DatasetFolder and ImageFolder: one sub-folder per class.

    root/dog/xxx.png        ->  (image, class_to_idx["dog"])
    root/cat/123.png        ->  (image, class_to_idx["cat"])

Classes are the sub-folder names in sorted order; files are walked in sorted order,
so ``samples`` is the same on every machine.
Chapter 16 (vision tools) opens this file.
"""
import os

from PIL import Image

from teachtorch import _errors
from teachtorch.vision.datasets.vision import VisionDataset

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff",
                  ".webp")


def has_file_allowed_extension(filename, extensions):
    """True when filename ends with one of extensions (case-insensitive)."""
    ext = extensions if isinstance(extensions, str) else tuple(extensions)
    return filename.lower().endswith(ext)


def is_image_file(filename):
    return has_file_allowed_extension(filename, IMG_EXTENSIONS)


def find_classes(directory):
    """Sorted class-folder names and the map name -> index.

    Mirrors: torchvision.datasets.folder.find_classes
    """
    classes = sorted(e.name for e in os.scandir(directory) if e.is_dir())
    if not classes:
        raise FileNotFoundError(_errors.hint(f"Couldn't find any class folder in {directory}.", "put each class's files in its own sub-folder, e.g. "
                                "root/cat/1.png and root/dog/2.png."))
    return classes, {name: i for i, name in enumerate(classes)}


def make_dataset(directory, class_to_idx=None, extensions=None, is_valid_file=None,
                 allow_empty=False):
    """The list of (path, class index) under directory, in sorted order.

    Mirrors: torchvision.datasets.folder.make_dataset
    """
    directory = os.path.expanduser(directory)
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    if (extensions is None) == (is_valid_file is None):
        raise ValueError(_errors.hint("Both extensions and is_valid_file cannot be None or not None "
                         "at the same time", "pass exactly one of them."))
    if extensions is not None:
        def is_valid_file(path):
            return has_file_allowed_extension(path, extensions)
    instances, found = [], set()
    for target_class in sorted(class_to_idx):
        target_dir = os.path.join(directory, target_class)
        if not os.path.isdir(target_dir):
            continue
        for folder, _, fnames in sorted(os.walk(target_dir, followlinks=True)):
            for fname in sorted(fnames):
                path = os.path.join(folder, fname)
                if is_valid_file(path):
                    instances.append((path, class_to_idx[target_class]))
                    found.add(target_class)
    empty = sorted(set(class_to_idx) - found)
    if empty and not allow_empty:
        msg = f"Found no valid file for the classes {', '.join(empty)}. "
        if extensions is not None:
            ext = extensions if isinstance(extensions, str) else ", ".join(extensions)
            msg += f"Supported extensions are: {ext}"
        raise FileNotFoundError(msg + _errors.hint_line("add files to those folders, remove "
                                "them, or pass allow_empty=True."))
    return instances


def pil_loader(path):
    """Open an image file and convert it to RGB (the file is closed afterwards)."""
    with open(path, "rb") as f:
        return Image.open(f).convert("RGB")


default_loader = pil_loader


class DatasetFolder(VisionDataset):
    """Samples in ``root/<class>/...`` read with ``loader``.

    Mirrors: torchvision.datasets.DatasetFolder
    """

    def __init__(self, root, loader, extensions=None, transform=None,
                 target_transform=None, is_valid_file=None, allow_empty=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        samples = self.make_dataset(self.root, class_to_idx, extensions, is_valid_file,
                                    allow_empty=allow_empty)
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.samples = samples
        self.targets = [s[1] for s in samples]

    @staticmethod
    def make_dataset(directory, class_to_idx, extensions=None, is_valid_file=None,
                     allow_empty=False):
        return make_dataset(directory, class_to_idx, extensions, is_valid_file,
                            allow_empty=allow_empty)

    def find_classes(self, directory):
        return find_classes(directory)

    def __getitem__(self, index):
        path, target = self.samples[index]
        sample = self.loader(path)
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __len__(self):
        return len(self.samples)


class ImageFolder(DatasetFolder):
    """Images in ``root/<class>/...``, opened as RGB PIL images.

    Mirrors: torchvision.datasets.ImageFolder
    """

    def __init__(self, root, transform=None, target_transform=None,
                 loader=default_loader, is_valid_file=None, allow_empty=False):
        super().__init__(root, loader, IMG_EXTENSIONS if is_valid_file is None else None,
                         transform=transform, target_transform=target_transform,
                         is_valid_file=is_valid_file, allow_empty=allow_empty)
        self.imgs = self.samples
