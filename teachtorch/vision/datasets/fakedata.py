"""FakeData: random images and labels, the same ones every time.

Item ``i`` is drawn from its own generator seeded with ``i + random_offset``, so
``ds[3]`` is identical on every call and machine, whatever the global seed.
"""
import numpy as np
from PIL import Image

from teachtorch import _errors
from teachtorch.vision.datasets.vision import VisionDataset


class FakeData(VisionDataset):
    """``size`` random images of shape ``image_size`` (C, H, W) as PIL images.

    Pixels are uniform in 0..255 (torchvision draws torch.randn and converts it;
    its numbers differ from ours). Labels are uniform in 0..num_classes-1.
    Mirrors: torchvision.datasets.FakeData
    """

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10,
                 transform=None, target_transform=None, random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = tuple(image_size)
        self.random_offset = random_offset
        if len(self.image_size) != 3 or self.image_size[0] not in (1, 3, 4):
            raise ValueError(_errors.hint("image_size must be (C, H, W) with C in 1, 3, 4; got "
                             f"{image_size}", "e.g. image_size=(3, 32, 32)."))

    def __getitem__(self, index):
        if not -self.size <= index < self.size:
            raise IndexError(f"{type(self).__name__} index out of range")
        index %= self.size
        rng = np.random.default_rng(index + self.random_offset)
        target = int(rng.integers(0, self.num_classes))
        pixels = rng.integers(0, 256, size=self.image_size, dtype=np.uint8)
        hwc = pixels.transpose(1, 2, 0)
        img = Image.fromarray(hwc[:, :, 0] if self.image_size[0] == 1 else hwc)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return self.size
