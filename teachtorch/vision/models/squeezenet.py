"""SqueezeNet (Iandola et al., 2016): AlexNet's accuracy with 50x fewer parameters.

A Fire module squeezes the channels with 1x1 convs, then expands them again with
1x1 and 3x3 convs side by side (concatenated). Module names and ``state_dict`` keys
match torchvision's (``features.3.squeeze.weight``, ``classifier.1.weight`` ...).
Chapter 11 (Inception and ResNet) opens this file.
"""
from teachtorch import _errors, nn
from teachtorch.ops import cat
from teachtorch.vision.models._utils import check_no_weights


class Fire(nn.Module):
    """Squeeze (1x1 conv) then expand (1x1 and 3x3 convs, concatenated)."""

    def __init__(self, inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes):
        super().__init__()
        self.inplanes = inplanes
        self.squeeze = nn.Conv2d(inplanes, squeeze_planes, kernel_size=1)
        self.squeeze_activation = nn.ReLU(inplace=True)
        self.expand1x1 = nn.Conv2d(squeeze_planes, expand1x1_planes, kernel_size=1)
        self.expand1x1_activation = nn.ReLU(inplace=True)
        self.expand3x3 = nn.Conv2d(squeeze_planes, expand3x3_planes, kernel_size=3,
                                   padding=1)
        self.expand3x3_activation = nn.ReLU(inplace=True)

    def forward(self, x):
        x = self.squeeze_activation(self.squeeze(x))
        return cat([self.expand1x1_activation(self.expand1x1(x)),
                    self.expand3x3_activation(self.expand3x3(x))], 1)


def _features(version):
    def pool():
        return nn.MaxPool2d(kernel_size=3, stride=2, ceil_mode=True)
    if version == "1_0":
        return nn.Sequential(
            nn.Conv2d(3, 96, kernel_size=7, stride=2), nn.ReLU(inplace=True), pool(),
            Fire(96, 16, 64, 64), Fire(128, 16, 64, 64), Fire(128, 32, 128, 128),
            pool(),
            Fire(256, 32, 128, 128), Fire(256, 48, 192, 192), Fire(384, 48, 192, 192),
            Fire(384, 64, 256, 256), pool(),
            Fire(512, 64, 256, 256))
    if version == "1_1":
        return nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=3, stride=2), nn.ReLU(inplace=True), pool(),
            Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), pool(),
            Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), pool(),
            Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256),
            Fire(512, 64, 256, 256))
    raise ValueError(_errors.hint(f"Unsupported SqueezeNet version {version}: 1_0 or 1_1 expected", "use squeezenet1_0() or squeezenet1_1()."))


class SqueezeNet(nn.Module):
    """Fire modules, then a 1x1 conv to the classes and global average pooling.

    Mirrors: torchvision.models.SqueezeNet
    """

    def __init__(self, version="1_0", num_classes=1000, dropout=0.5):
        super().__init__()
        self.num_classes = num_classes
        self.features = _features(version)
        final_conv = nn.Conv2d(512, num_classes, kernel_size=1)
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), final_conv, nn.ReLU(inplace=True),
            nn.AdaptiveAvgPool2d((1, 1)))
        for m in self.modules():  # torchvision's initialisation
            if isinstance(m, nn.Conv2d):
                if m is final_conv:
                    nn.init.normal_(m.weight, mean=0.0, std=0.01)
                else:
                    nn.init.kaiming_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.features(x)
        x = self.classifier(x)
        return x.flatten(1)


def squeezenet1_0(*, weights=None, progress=True, **kwargs):
    """SqueezeNet 1.0 with random weights. Mirrors: torchvision.models.squeezenet1_0"""
    check_no_weights("squeezenet1_0", weights, kwargs)
    return SqueezeNet("1_0", **kwargs)


def squeezenet1_1(*, weights=None, progress=True, **kwargs):
    """SqueezeNet 1.1: the same accuracy with 2.4x less computation.

    Mirrors: torchvision.models.squeezenet1_1
    """
    check_no_weights("squeezenet1_1", weights, kwargs)
    return SqueezeNet("1_1", **kwargs)
