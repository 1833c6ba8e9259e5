"""VGG (Simonyan & Zisserman, 2014): stacks of 3x3 convolutions and 2x2 max-pools.

Built exactly like torchvision's, so module names and ``state_dict`` keys match
(``features.0.weight`` ... ``classifier.6.bias``) and torchvision's weight files load.
Chapter 11 (CNNs: Inception and ResNet) opens this file; the notes use vgg16.
"""
from teachtorch import nn
from teachtorch.vision.models._utils import check_no_weights

# numbers: a 3x3 conv with that many output channels (+ BatchNorm) + ReLU; "M": max-pool
cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512,
          512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
          512, 512, 512, 512, "M"],
}


def make_layers(cfg, batch_norm=False):
    """The ``features`` Sequential for one configuration list."""
    layers, in_channels = [], 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        in_channels = v
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """features -> AdaptiveAvgPool2d((7, 7)) -> flatten -> 3-layer classifier.

    Mirrors: torchvision.models.VGG
    """

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes))
        if init_weights:  # torchvision's initialisation
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out",
                                            nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = x.flatten(1)
        return self.classifier(x)


def _vgg(arch, cfg, batch_norm, weights, kwargs):
    check_no_weights(arch, weights, kwargs)
    kwargs.pop("progress", None)
    return VGG(make_layers(cfgs[cfg], batch_norm), **kwargs)


def vgg11(*, weights=None, progress=True, **kwargs):
    """VGG-11 (configuration A). Mirrors: torchvision.models.vgg11"""
    return _vgg("vgg11", "A", False, weights, kwargs)


def vgg11_bn(*, weights=None, progress=True, **kwargs):
    """VGG-11 with BatchNorm. Mirrors: torchvision.models.vgg11_bn"""
    return _vgg("vgg11_bn", "A", True, weights, kwargs)


def vgg13(*, weights=None, progress=True, **kwargs):
    """VGG-13 (configuration B). Mirrors: torchvision.models.vgg13"""
    return _vgg("vgg13", "B", False, weights, kwargs)


def vgg16(*, weights=None, progress=True, **kwargs):
    """VGG-16 (configuration D), 138M parameters. Mirrors: torchvision.models.vgg16"""
    return _vgg("vgg16", "D", False, weights, kwargs)


def vgg16_bn(*, weights=None, progress=True, **kwargs):
    """VGG-16 with BatchNorm. Mirrors: torchvision.models.vgg16_bn"""
    return _vgg("vgg16_bn", "D", True, weights, kwargs)


def vgg19(*, weights=None, progress=True, **kwargs):
    """VGG-19 (configuration E). Mirrors: torchvision.models.vgg19"""
    return _vgg("vgg19", "E", False, weights, kwargs)


def vgg13_bn(*, weights=None, progress=True, **kwargs):
    """VGG-13 with BatchNorm. Mirrors: torchvision.models.vgg13_bn"""
    return _vgg("vgg13_bn", "B", True, weights, kwargs)


def vgg19_bn(*, weights=None, progress=True, **kwargs):
    """VGG-19 with BatchNorm. Mirrors: torchvision.models.vgg19_bn"""
    return _vgg("vgg19_bn", "E", True, weights, kwargs)
