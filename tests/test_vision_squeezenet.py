"""SqueezeNet 1.0 / 1.1 match torchvision: parameter names, shapes and counts, and
with the same weights the same outputs as the architecture built in real torch.nn.

torchvision is not installed here: the counts are torchvision's published figures
(1,248,424 and 1,235,496 parameters), and the torch twin below is written from
torchvision's architecture description.
"""
import numpy as np
import pytest

import teachtorch
from teachtorch.vision import models

torch = pytest.importorskip("torch")
tnn = torch.nn

PUBLISHED_PARAMETERS = {"squeezenet1_0": 1_248_424, "squeezenet1_1": 1_235_496}


class TorchFire(tnn.Module):
    def __init__(self, cin, s, e1, e3):
        super().__init__()
        self.squeeze = tnn.Conv2d(cin, s, 1)
        self.squeeze_activation = tnn.ReLU()
        self.expand1x1 = tnn.Conv2d(s, e1, 1)
        self.expand1x1_activation = tnn.ReLU()
        self.expand3x3 = tnn.Conv2d(s, e3, 3, padding=1)
        self.expand3x3_activation = tnn.ReLU()

    def forward(self, x):
        x = self.squeeze_activation(self.squeeze(x))
        return torch.cat([self.expand1x1_activation(self.expand1x1(x)),
                          self.expand3x3_activation(self.expand3x3(x))], 1)


def torch_squeezenet(version, num_classes=1000):
    pool = [tnn.MaxPool2d(3, 2, ceil_mode=True)]
    fires = {"1_0": [(96, 16, 64, 64), (128, 16, 64, 64), (128, 32, 128, 128), "M",
                     (256, 32, 128, 128), (256, 48, 192, 192), (384, 48, 192, 192),
                     (384, 64, 256, 256), "M", (512, 64, 256, 256)],
             "1_1": [(64, 16, 64, 64), (128, 16, 64, 64), "M", (128, 32, 128, 128),
                     (256, 32, 128, 128), "M", (256, 48, 192, 192), (384, 48, 192, 192),
                     (384, 64, 256, 256), (512, 64, 256, 256)]}[version]
    stem = tnn.Conv2d(3, 96, 7, 2) if version == "1_0" else tnn.Conv2d(3, 64, 3, 2)
    layers = [stem, tnn.ReLU()] + pool
    for f in fires:
        layers += [tnn.MaxPool2d(3, 2, ceil_mode=True)] if f == "M" else [TorchFire(*f)]
    net = tnn.Sequential()
    net.add_module("features", tnn.Sequential(*layers))
    net.add_module("classifier", tnn.Sequential(
        tnn.Dropout(), tnn.Conv2d(512, num_classes, 1), tnn.ReLU(),
        tnn.AdaptiveAvgPool2d((1, 1))))
    net.add_module("flatten", tnn.Flatten())
    return net


@pytest.mark.parametrize("arch", ["squeezenet1_0", "squeezenet1_1"])
def test_parameter_names_shapes_and_count_like_torchvision(arch):
    ours = getattr(models, arch)()
    theirs = torch_squeezenet(arch[-3:])
    ours_shapes = {k: tuple(v.shape) for k, v in ours.state_dict().items()}
    theirs_shapes = {k: tuple(v.shape) for k, v in theirs.state_dict().items()}
    assert ours_shapes == theirs_shapes
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert sum(p.numel() for p in ours.parameters()) == PUBLISHED_PARAMETERS[arch]


@pytest.mark.parametrize("arch", ["squeezenet1_0", "squeezenet1_1"])
def test_same_weights_same_outputs(arch):
    teachtorch.manual_seed(0)
    ours = getattr(models, arch)(num_classes=10).eval()
    theirs = torch_squeezenet(arch[-3:], 10).eval()
    theirs.load_state_dict({k: torch.tensor(v.numpy())
                            for k, v in ours.state_dict().items()})
    x = np.random.default_rng(0).standard_normal((2, 3, 64, 64)).astype(np.float32)
    y = ours(teachtorch.tensor(x))
    with torch.no_grad():
        ty = theirs(torch.tensor(x))
    assert tuple(y.shape) == (2, 10)
    np.testing.assert_allclose(y.detach().numpy(), ty.numpy(), rtol=1e-4, atol=1e-5)


def test_initialisation_like_torchvision():
    teachtorch.manual_seed(0)
    net = models.squeezenet1_1()
    final = net.classifier[1].weight.detach().numpy()
    assert abs(final.std() - 0.01) < 0.001
    assert all(float(m.bias.abs().sum()) == 0 for m in net.modules()
               if isinstance(m, teachtorch.nn.Conv2d))
    with pytest.raises(RuntimeError, match="cannot be downloaded"):
        models.squeezenet1_0(weights="DEFAULT")


# torchvision's published parameter counts of the deeper classic models
DEEPER = {"resnet101": 44_549_160, "resnet152": 60_192_808, "vgg13_bn": 133_053_736,
          "vgg19_bn": 143_678_248}


@pytest.mark.parametrize("arch", sorted(DEEPER))
def test_deeper_classics_have_torchvisions_parameter_counts(arch):
    net = getattr(models, arch)()
    assert sum(p.numel() for p in net.parameters()) == DEEPER[arch]
