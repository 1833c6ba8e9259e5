"""VisionDataset: the base of every teachtorch.vision data set.

It keeps ``root``, ``transform`` (applied to the image) and ``target_transform``
(applied to the label), and prints itself the way torchvision's data sets do.
Chapter 08 (Dataset/DataLoader) opens this file.
"""
import os

try:  # C's Dataset (teachtorch.utils.data); a stand-in until it exists
    from teachtorch.utils.data import Dataset
except ImportError:  # pragma: no cover - only while utils.data is being written
    class Dataset:
        """Stand-in for teachtorch.utils.data.Dataset."""


class StandardTransform:
    """Apply ``transform`` to the input and ``target_transform`` to the target.

    Mirrors: torchvision.datasets.vision.StandardTransform
    """

    def __init__(self, transform=None, target_transform=None):
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    @staticmethod
    def _format(transform, head):
        lines = repr(transform).splitlines()
        return [head + lines[0]] + [" " * len(head) + line for line in lines[1:]]

    def __repr__(self):
        body = [type(self).__name__]
        if self.transform is not None:
            body += self._format(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += self._format(self.target_transform, "Target transform: ")
        return "\n".join(body)


class VisionDataset(Dataset):
    """A data set stored under ``root``, with optional transforms.

    Mirrors: torchvision.datasets.VisionDataset
    """

    def __init__(self, root=None, transforms=None, transform=None,
                 target_transform=None):
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        has_separate = transform is not None or target_transform is not None
        if transforms is not None and has_separate:
            raise ValueError("Only transforms or transform/target_transform can be "
                             "passed as argument")
        self.transform = transform
        self.target_transform = target_transform
        if has_separate:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def extra_repr(self):
        return ""

    @classmethod
    def _name(cls):
        """The data set's name in repr and folder names."""
        return cls.__name__

    def __repr__(self):
        body = [f"Number of datapoints: {len(self)}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if self.transforms is not None:
            body.append(repr(self.transforms))  # as torchvision: only line 1 indented
        return "\n".join(["Dataset " + self._name()] + ["    " + b for b in body])
