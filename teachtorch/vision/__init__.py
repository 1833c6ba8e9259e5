"""teachtorch.vision: torchvision's API (datasets, transforms, utils, models).

``from teachtorch.vision import datasets, transforms`` reads like the notes'
``from torchvision import datasets, transforms``. Nothing downloads: see
``assets/DATA.md`` for the shipped files. Chapter 16 (vision tools) opens this file.
"""
from teachtorch.vision import (  # noqa: F401
    datasets,
    models,
    transforms,
    utils,
)
