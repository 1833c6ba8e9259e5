"""The notes' CNN programs, run as the same code on torch and teachtorch with identical
weights: forward, loss, and every parameter gradient after one backward.

Note 002: the CNN 1->10->20 with fc 320, InceptionA with fc 1408, the residual-block
network; note 001: the CIFAR10 Sequential(OrderedDict) model.
"""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import teachtorch
from helpers import assert_close

TOL = dict(rtol=2e-4, atol=2e-5)


def cnn_model(lib):
    class MyModule(lib.nn.Module):
        def __init__(self):
            super(MyModule, self).__init__()
            self.conv1 = lib.nn.Conv2d(1, 10, 5)
            self.pool1 = lib.nn.MaxPool2d(2)
            self.conv2 = lib.nn.Conv2d(10, 20, 5)
            self.pool2 = lib.nn.MaxPool2d(2)
            self.fc1 = lib.nn.Linear(320, 10)
            self.activate = lib.nn.ReLU()

        def forward(self, x):
            x = self.activate(self.conv1(x))
            x = self.activate(self.pool1(x))
            x = self.activate(self.conv2(x))
            x = self.activate(self.pool2(x))
            x = x.view(-1, 20 * 4 * 4)
            return self.fc1(x)
    return MyModule()


def inception_model(lib):
    nn, F = lib.nn, lib.nn.functional

    class InceptionA(nn.Module):
        def __init__(self, in_channels):
            super(InceptionA, self).__init__()
            self.branch1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)
            self.branch5x5_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
            self.branch5x5_2 = nn.Conv2d(16, 24, kernel_size=5, padding=2)
            self.branch3x3_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
            self.branch3x3_2 = nn.Conv2d(16, 24, kernel_size=3, padding=1)  # noqa: E501
            self.branch3x3_3 = nn.Conv2d(24, 24, kernel_size=3, padding=1)  # noqa: E501
            self.branch_pool = nn.Conv2d(in_channels, 24, kernel_size=1)

        def forward(self, x):
            branch1x1 = self.branch1x1(x)
            branch5x5 = self.branch5x5_2(self.branch5x5_1(x))
            branch3x3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))
            branch_pool = F.avg_pool2d(x, kernel_size=3, stride=1, padding=1)
            branch_pool = self.branch_pool(branch_pool)
            outputs = [branch1x1, branch5x5, branch3x3, branch_pool]
            return lib.cat(outputs, dim=1)

    class Net(nn.Module):
        def __init__(self):
            super(Net, self).__init__()
            self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
            self.conv2 = nn.Conv2d(88, 20, kernel_size=5)
            self.incep1 = InceptionA(in_channels=10)
            self.incep2 = InceptionA(in_channels=20)
            self.mp = nn.MaxPool2d(2)
            self.fc = nn.Linear(1408, 10)

        def forward(self, x):
            in_size = x.size(0)
            x = F.relu(self.mp(self.conv1(x)))
            x = self.incep1(x)
            x = F.relu(self.mp(self.conv2(x)))
            x = self.incep2(x)
            x = x.view(in_size, -1)
            return self.fc(x)
    return Net()


def resnet_model(lib):
    class IdentityBlock(lib.nn.Module):
        def __init__(self, in_channels, out_channels):
            super(IdentityBlock, self).__init__()
            self.conv1 = lib.nn.Conv2d(in_channels, in_channels, kernel_size=3, padding=1)  # noqa: E501
            self.conv2 = lib.nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)  # noqa: E501
            self.conv = lib.nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1)  # noqa: E501
            self.activate = lib.nn.ReLU()

        def forward(self, x):
            y = self.activate(self.conv1(x))
            y = self.conv2(y)
            x = self.conv(x)
            return self.activate(x + y)

    class MyModule(lib.nn.Module):
        def __init__(self):
            super(MyModule, self).__init__()
            self.r1 = IdentityBlock(1, 10)
            self.p1 = lib.nn.MaxPool2d(2)
            self.r2 = IdentityBlock(10, 20)
            self.p2 = lib.nn.MaxPool2d(2)
            self.fc = lib.nn.Linear(20 * 7 * 7, 10)
            self.activate = lib.nn.ReLU()

        def forward(self, x):
            x = self.r1(x)
            x = self.activate(self.p1(x))
            x = self.r2(x)
            x = self.activate(self.p2(x))
            x = x.view(-1, 20 * 7 * 7)
            return self.fc(x)
    return MyModule()


def cifar_model(lib):
    from_nn = lib.nn
    Conv2d, MaxPool2d, Flatten, Linear = (from_nn.Conv2d, from_nn.MaxPool2d,
                                          from_nn.Flatten, from_nn.Linear)

    class Model(from_nn.Module):
        def __init__(self):
            super().__init__()
            self.model = from_nn.Sequential(OrderedDict([
                ('conv1', Conv2d(in_channels=3, out_channels=32, kernel_size=5, padding=2)),  # noqa: E501
                ('pool1', MaxPool2d(kernel_size=2)),
                ('conv2', Conv2d(in_channels=32, out_channels=32, kernel_size=5, padding=2)),  # noqa: E501
                ('pool2', MaxPool2d(kernel_size=2)),
                ('conv3', Conv2d(in_channels=32, out_channels=64, kernel_size=5, padding=2)),  # noqa: E501
                ('pool3', MaxPool2d(kernel_size=2)),
                ('flatten', Flatten()),
                ('full_connect1', Linear(1024, 128)),
                ('full_connect2', Linear(128, 10))
            ]))

        def forward(self, x):
            return self.model(x)
    return Model()


@pytest.mark.parametrize("build,shape", [
    (cnn_model, (8, 1, 28, 28)),
    (inception_model, (4, 1, 28, 28)),
    (resnet_model, (4, 1, 28, 28)),
    (cifar_model, (2, 3, 32, 32)),
], ids=["cnn_320", "inception_1408", "residual", "cifar10_sequential"])
def test_notes_cnn_forward_backward_like_torch(build, shape):
    teachtorch.manual_seed(0)
    ours, theirs = build(teachtorch), build(torch)
    sd = ours.state_dict()
    assert list(sd) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.tensor(v.numpy().copy()) for k, v in sd.items()})
    assert repr(ours) == repr(theirs)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape).astype(np.float32)
    labels = rng.integers(0, 10, shape[0])
    y = ours(teachtorch.tensor(x))
    yt = theirs(torch.tensor(x))
    assert_close(y, yt, **TOL)
    loss = teachtorch.nn.CrossEntropyLoss()(y, teachtorch.tensor(labels))
    loss_t = torch.nn.CrossEntropyLoss()(yt, torch.tensor(labels))
    assert_close(loss, loss_t, **TOL)
    loss.backward()
    loss_t.backward()
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p.grad, q.grad, rtol=1e-3, atol=1e-5)
