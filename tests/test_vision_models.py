"""teachtorch.vision.models have torchvision's state_dict keys and shapes.

torchvision cannot be installed here, so the expected architectures are written two
ways in this file: literal key/shape data from torchvision's published models, and the
same architectures built with real torch.nn (on the "meta" device: no memory used).
Our models must equal both, and with the same weights compute the same outputs.
"""
import numpy as np
import pytest
import torch
import torch.nn as tnn

import teachtorch
from teachtorch import nn
from teachtorch.vision import models

NEEDS = ("Conv2d", "MaxPool2d", "AdaptiveAvgPool2d", "BatchNorm2d", "Sequential")
missing = [n for n in NEEDS if not hasattr(nn, n)]
need_nn = pytest.mark.skipif(bool(missing), reason=f"teachtorch.nn lacks {missing}")

# ----- literal data: torchvision's published state_dict keys ---------------------
ALEXNET = {
    "features.0.weight": (64, 3, 11, 11), "features.0.bias": (64,),
    "features.3.weight": (192, 64, 5, 5), "features.3.bias": (192,),
    "features.6.weight": (384, 192, 3, 3), "features.6.bias": (384,),
    "features.8.weight": (256, 384, 3, 3), "features.8.bias": (256,),
    "features.10.weight": (256, 256, 3, 3), "features.10.bias": (256,),
    "classifier.1.weight": (4096, 9216), "classifier.1.bias": (4096,),
    "classifier.4.weight": (4096, 4096), "classifier.4.bias": (4096,),
    "classifier.6.weight": (1000, 4096), "classifier.6.bias": (1000,),
}
VGG16_CONVS = [(0, 3, 64), (2, 64, 64), (5, 64, 128), (7, 128, 128), (10, 128, 256),
               (12, 256, 256), (14, 256, 256), (17, 256, 512), (19, 512, 512),
               (21, 512, 512), (24, 512, 512), (26, 512, 512), (28, 512, 512)]
VGG16 = {}
for i, cin, cout in VGG16_CONVS:
    VGG16[f"features.{i}.weight"] = (cout, cin, 3, 3)
    VGG16[f"features.{i}.bias"] = (cout,)
VGG16.update({"classifier.0.weight": (4096, 25088), "classifier.0.bias": (4096,),
              "classifier.3.weight": (4096, 4096), "classifier.3.bias": (4096,),
              "classifier.6.weight": (1000, 4096), "classifier.6.bias": (1000,)})
RESNET18_SOME = {
    "conv1.weight": (64, 3, 7, 7), "bn1.running_mean": (64,),
    "bn1.num_batches_tracked": (), "layer1.0.conv1.weight": (64, 64, 3, 3),
    "layer1.1.bn2.running_var": (64,), "layer2.0.conv1.weight": (128, 64, 3, 3),
    "layer2.0.downsample.0.weight": (128, 64, 1, 1),
    "layer2.0.downsample.1.running_mean": (128,),
    "layer4.1.conv2.weight": (512, 512, 3, 3), "fc.weight": (1000, 512),
    "fc.bias": (1000,),
}
COUNTS = {"alexnet": 16, "vgg16": 32, "resnet18": 122, "resnet34": 218}


# ----- the same architectures in real torch.nn ------------------------------------
def torch_alexnet():
    return tnn.ModuleDict({
        "features": tnn.Sequential(
            tnn.Conv2d(3, 64, 11, 4, 2), tnn.ReLU(), tnn.MaxPool2d(3, 2),
            tnn.Conv2d(64, 192, 5, padding=2), tnn.ReLU(), tnn.MaxPool2d(3, 2),
            tnn.Conv2d(192, 384, 3, padding=1), tnn.ReLU(),
            tnn.Conv2d(384, 256, 3, padding=1), tnn.ReLU(),
            tnn.Conv2d(256, 256, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(3, 2)),
        "avgpool": tnn.AdaptiveAvgPool2d((6, 6)),
        "classifier": tnn.Sequential(
            tnn.Dropout(), tnn.Linear(9216, 4096), tnn.ReLU(), tnn.Dropout(),
            tnn.Linear(4096, 4096), tnn.ReLU(), tnn.Linear(4096, 1000))})


def torch_vgg16():
    layers, cin = [], 3
    for v in [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
              512, 512, 512, "M"]:
        if v == "M":
            layers.append(tnn.MaxPool2d(2, 2))
        else:
            layers += [tnn.Conv2d(cin, v, 3, padding=1), tnn.ReLU()]
            cin = v
    return tnn.ModuleDict({
        "features": tnn.Sequential(*layers), "avgpool": tnn.AdaptiveAvgPool2d((7, 7)),
        "classifier": tnn.Sequential(
            tnn.Linear(25088, 4096), tnn.ReLU(), tnn.Dropout(), tnn.Linear(4096, 4096),
            tnn.ReLU(), tnn.Dropout(), tnn.Linear(4096, 1000))})


class TorchBlock(tnn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = tnn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = tnn.BatchNorm2d(cout)
        self.relu = tnn.ReLU()
        self.conv2 = tnn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = tnn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = tnn.Sequential(tnn.Conv2d(cin, cout, 1, stride, bias=False),
                                             tnn.BatchNorm2d(cout))

    def forward(self, x):
        idt = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + idt)


class TorchResNet(tnn.Module):
    def __init__(self, blocks):
        super().__init__()
        self.conv1 = tnn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = tnn.BatchNorm2d(64)
        self.relu = tnn.ReLU()
        self.maxpool = tnn.MaxPool2d(3, 2, 1)
        cin = 64
        for k, (cout, n) in enumerate(zip([64, 128, 256, 512], blocks)):
            stage = [TorchBlock(cin, cout, 1 if k == 0 else 2)]
            stage += [TorchBlock(cout, cout, 1) for _ in range(n - 1)]
            setattr(self, f"layer{k + 1}", tnn.Sequential(*stage))
            cin = cout
        self.avgpool = tnn.AdaptiveAvgPool2d((1, 1))
        self.fc = tnn.Linear(512, 1000)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(self.avgpool(x).flatten(1))


def torch_shapes(build):
    with torch.device("meta"):
        model = build()
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def ours_shapes(model):
    return {k: tuple(v.shape) for k, v in model.state_dict().items()}


def test_torch_reference_builds_agree_with_the_literal_data():
    assert torch_shapes(torch_alexnet) == ALEXNET
    assert torch_shapes(torch_vgg16) == VGG16
    r18 = torch_shapes(lambda: TorchResNet([2, 2, 2, 2]))
    assert all(r18[k] == v for k, v in RESNET18_SOME.items())
    assert len(r18) == COUNTS["resnet18"]
    assert len(torch_shapes(lambda: TorchResNet([3, 4, 6, 3]))) == COUNTS["resnet34"]


@need_nn
@pytest.mark.parametrize("name,build,literal", [
    ("alexnet", torch_alexnet, ALEXNET),
    ("resnet18", lambda: TorchResNet([2, 2, 2, 2]), RESNET18_SOME),
    ("resnet34", lambda: TorchResNet([3, 4, 6, 3]), None),
])
def test_state_dict_keys_and_shapes(name, build, literal):
    ours = ours_shapes(getattr(models, name)())
    theirs = torch_shapes(build)
    assert list(ours) == list(theirs)  # same keys, same order
    assert ours == theirs and len(ours) == COUNTS[name]
    if literal is not None:
        assert all(ours[k] == v for k, v in literal.items())


@need_nn
@pytest.mark.slow
def test_vgg16_state_dict():
    model = models.vgg16()
    assert list(ours_shapes(model)) == list(VGG16)
    assert ours_shapes(model) == VGG16
    w = model.classifier[0].weight.detach().numpy()
    assert abs(float(w.std()) - 0.01) < 1e-3 and float(model.features[0].bias.abs().sum()) == 0


def _copy_into_torch(ours, theirs):
    state = {k: torch.from_numpy(np.array(v.detach().numpy()))
             for k, v in ours.state_dict().items()}
    theirs.load_state_dict(state)


@need_nn
def test_resnet18_forward_matches_torch_with_same_weights():
    teachtorch.manual_seed(0)
    ours = models.resnet18().eval()
    theirs = TorchResNet([2, 2, 2, 2]).eval()
    _copy_into_torch(ours, theirs)
    x = np.random.default_rng(0).normal(size=(2, 3, 32, 32)).astype(np.float32)
    with teachtorch.no_grad():
        out = ours(teachtorch.from_numpy(x))
    ref = theirs(torch.from_numpy(x)).detach()
    assert tuple(out.shape) == (2, 1000) and out.dtype == teachtorch.float32
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-4, atol=1e-4)


@need_nn
def test_alexnet_forward_matches_torch_and_loads_a_torch_state_dict():
    theirs = torch_alexnet().eval()
    ours = models.alexnet().eval()
    state = {k: teachtorch.from_numpy(v.detach().numpy().copy())
             for k, v in theirs.state_dict().items()}
    ours.load_state_dict(state)  # a torchvision-keyed state_dict loads
    x = np.random.default_rng(1).normal(size=(1, 3, 64, 64)).astype(np.float32)
    t = torch.from_numpy(x)
    ref = theirs["classifier"](theirs["avgpool"](theirs["features"](t)).flatten(1))
    with teachtorch.no_grad():
        out = ours(teachtorch.from_numpy(x))
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("call", [lambda: models.vgg16(weights="DEFAULT"),
                                  lambda: models.resnet18(pretrained=True),
                                  lambda: models.alexnet(weights="IMAGENET1K_V1")])
def test_pretrained_weights_refused_with_hint(call):
    with pytest.raises(RuntimeError, match="cannot be downloaded") as e:
        call()
    assert "\nhint:" in str(e.value) and "load_state_dict" in str(e.value)
