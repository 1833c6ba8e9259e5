"""The notes' models, run on torch and teachtorch with the same weights and data:
TwoLayerNet (note 003), the diabetes 8-6-4-1 sigmoid network and the MNIST MLP
784-512-256-128-64-10 (note 002), the linear-regression loop (note 002)."""
import gzip
import os

import numpy as np
import torch
from helpers import assert_close

import teachtorch
import teachtorch.nn as tnn

DATA = os.path.join(os.path.dirname(__file__), "..", "assets", "data")


def copy_params(src, dst):
    theirs = dict(src.state_dict())
    for name, t in dst.state_dict(keep_vars=True).items():
        t._data[...] = theirs[name].detach().numpy()


def compare_grads(ours, theirs, rtol=1e-4, atol=1e-6):
    for (n1, p), (n2, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert n1 == n2
        assert_close(p.grad, q.grad, rtol=rtol, atol=atol)


def two_layer_net(torch):
    class TwoLayerNet(torch.nn.Module):
        def __init__(self, D_in, H, D_out):
            super().__init__()
            self.linear1 = torch.nn.Linear(D_in, H)
            self.linear2 = torch.nn.Linear(H, D_out)

        def forward(self, x):
            h_relu = self.linear1(x).clamp(min=0)
            y_pred = self.linear2(h_relu)
            return y_pred
    return TwoLayerNet


def test_two_layer_net_note_003():
    N, D_in, H, D_out = 64, 100, 50, 10
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, D_in)).astype(np.float32)
    y = rng.standard_normal((N, D_out)).astype(np.float32)
    torch.manual_seed(0)
    mt = two_layer_net(torch)(D_in, H, D_out)
    mo = two_layer_net(teachtorch)(D_in, H, D_out)
    assert repr(mo) == repr(mt)
    copy_params(mt, mo)
    crit_t = torch.nn.MSELoss(reduction="sum")
    crit_o = tnn.MSELoss(reduction="sum")
    lt = crit_t(mt(torch.tensor(x)), torch.tensor(y))
    lo = crit_o(mo(teachtorch.tensor(x)), teachtorch.tensor(y))
    assert_close(lo, lt, rtol=1e-5)
    lt.backward()
    lo.backward()
    compare_grads(mo, mt, atol=2e-5)  # sum loss: grads up to ~20, float32 sums
    # the note's training loop shape: a few SGD steps by hand make the loss fall
    first = float(lo)
    for _ in range(50):
        mo.zero_grad()
        loss = crit_o(mo(teachtorch.tensor(x)), teachtorch.tensor(y))
        loss.backward()
        with teachtorch.no_grad():
            for p in mo.parameters():
                p -= 1e-3 * p.grad
    assert float(loss) < 0.5 * first


def diabetes_model(torch):
    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear1 = torch.nn.Linear(8, 6)
            self.linear2 = torch.nn.Linear(6, 4)
            self.linear3 = torch.nn.Linear(4, 1)
            self.sigmoid = torch.nn.Sigmoid()

        def forward(self, x):
            x = self.sigmoid(self.linear1(x))
            x = self.sigmoid(self.linear2(x))
            x = self.sigmoid(self.linear3(x))
            return x
    return Model()


def test_diabetes_network_forward_backward():
    with gzip.open(os.path.join(DATA, "diabetes", "diabetes.csv.gz"), "rt") as f:
        xy = np.loadtxt(f, delimiter=",", dtype=np.float32)
    x, y = xy[:, :-1], xy[:, [-1]]
    assert x.shape[1] == 8
    mt, mo = diabetes_model(torch), diabetes_model(teachtorch)
    assert repr(mo) == repr(mt)
    copy_params(mt, mo)
    lt = torch.nn.BCELoss()(mt(torch.from_numpy(x)), torch.from_numpy(y))
    lo = tnn.BCELoss()(mo(teachtorch.from_numpy(x)), teachtorch.from_numpy(y))
    assert_close(lo, lt, rtol=1e-5)
    assert lo.grad_fn.name() == lt.grad_fn.name()
    lt.backward()
    lo.backward()
    compare_grads(mo, mt)


def mnist_mlp(torch):
    class MyModule(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.l1 = torch.nn.Linear(784, 512)
            self.l2 = torch.nn.Linear(512, 256)
            self.l3 = torch.nn.Linear(256, 128)
            self.l4 = torch.nn.Linear(128, 64)
            self.l5 = torch.nn.Linear(64, 10)
            self.activate = torch.nn.ReLU()

        def forward(self, x):
            x = x.view(-1, 784)
            x = self.activate(self.l1(x))
            x = self.activate(self.l2(x))
            x = self.activate(self.l3(x))
            x = self.activate(self.l4(x))
            x = self.l5(x)
            return x
    return MyModule()


def _mnist(n):
    with gzip.open(os.path.join(DATA, "mnist", "t10k-images-idx3-ubyte.gz"), "rb") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16)[:n * 784]
    with gzip.open(os.path.join(DATA, "mnist", "t10k-labels-idx1-ubyte.gz"), "rb") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
    x = ((images.reshape(n, 1, 28, 28) / 255.0 - 0.1307) / 0.3081).astype(np.float32)
    return x, labels.astype(np.int64)


def test_mnist_mlp_forward_backward_matches_torch():
    x, labels = _mnist(64)
    torch.manual_seed(0)
    mt, mo = mnist_mlp(torch), mnist_mlp(teachtorch)
    assert repr(mo) == repr(mt)
    assert [n for n, _ in mo.named_parameters()] == [n for n, _ in mt.named_parameters()]
    copy_params(mt, mo)
    outt, outo = mt(torch.from_numpy(x)), mo(teachtorch.from_numpy(x))
    assert_close(outo, outt, rtol=1e-4, atol=1e-5)
    lt = torch.nn.CrossEntropyLoss()(outt, torch.from_numpy(labels))
    lo = tnn.CrossEntropyLoss()(outo, teachtorch.from_numpy(labels))
    assert_close(lo, lt, rtol=1e-5)
    lt.backward()
    lo.backward()
    compare_grads(mo, mt, rtol=1e-3, atol=1e-6)


def test_mnist_mlp_training_follows_torch_step_for_step():
    x, labels = _mnist(256)
    losses = {}
    torch.manual_seed(0)
    start = mnist_mlp(torch)
    for lib in (torch, teachtorch):
        model = mnist_mlp(lib)
        copy_params(start, model) if lib is teachtorch else model.load_state_dict(
            start.state_dict())
        crit = lib.nn.CrossEntropyLoss()
        xt, yt = lib.from_numpy(x), lib.from_numpy(labels)
        losses[lib] = []
        for step in range(30):
            loss = crit(model(xt), yt)
            losses[lib].append(loss.item())
            model.zero_grad()
            loss.backward()
            lib.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            with lib.no_grad():
                for p in model.parameters():
                    p -= 0.2 * p.grad
    np.testing.assert_allclose(losses[teachtorch], losses[torch], rtol=1e-3)
    assert losses[teachtorch][-1] < 0.9 * losses[teachtorch][0]


def test_linear_regression_note_002():
    x_train = teachtorch.Tensor([[1], [2], [3]])
    y_train = teachtorch.Tensor([[2], [4], [6]])
    model = tnn.Linear(1, 1)
    criterion = tnn.MSELoss()
    for epoch in range(300):
        y_pred = model(x_train)
        loss = criterion(y_pred, y_train)
        model.zero_grad()
        loss.backward()
        with teachtorch.no_grad():
            for p in model.parameters():
                p -= 0.05 * p.grad
    assert abs(model.weight.item() - 2) < 0.05
    y_test = model(teachtorch.Tensor([4]))
    t_model = torch.nn.Linear(1, 1)
    assert y_test.grad_fn.name() == t_model(torch.Tensor([4])).grad_fn.name()
    assert abs(y_test.item() - 8) < 0.2


def cifar10_model(nn):
    from collections import OrderedDict

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.model = nn.Sequential(OrderedDict([
                ("conv1", nn.Conv2d(in_channels=3, out_channels=32, kernel_size=5,
                                    padding=2)),
                ("pool1", nn.MaxPool2d(kernel_size=2)),
                ("conv2", nn.Conv2d(in_channels=32, out_channels=32, kernel_size=5,
                                    padding=2)),
                ("pool2", nn.MaxPool2d(kernel_size=2)),
                ("conv3", nn.Conv2d(in_channels=32, out_channels=64, kernel_size=5,
                                    padding=2)),
                ("pool3", nn.MaxPool2d(kernel_size=2)),
                ("flatten", nn.Flatten()),
                ("full_connect1", nn.Linear(1024, 128)),
                ("full_connect2", nn.Linear(128, 10)),
            ]))

        def forward(self, x):
            return self.model(x)
    return Model()


def test_cifar10_sequential_ordereddict_note_001():
    torch.manual_seed(0)
    mt, mo = cifar10_model(torch.nn), cifar10_model(tnn)
    assert repr(mo) == repr(mt)
    assert list(mo.state_dict()) == list(mt.state_dict())
    copy_params(mt, mo)
    x = np.random.default_rng(0).standard_normal((4, 3, 32, 32)).astype(np.float32)
    labels = np.array([3, 1, 0, 9])
    lt = torch.nn.CrossEntropyLoss()(mt(torch.from_numpy(x)), torch.from_numpy(labels))
    lo = tnn.CrossEntropyLoss()(mo(teachtorch.from_numpy(x)),
                                teachtorch.from_numpy(labels))
    assert_close(lo, lt, rtol=1e-5)
    lt.backward()
    lo.backward()
    compare_grads(mo, mt, rtol=1e-3, atol=1e-6)


def test_cross_entropy_snippet_note_001():
    loss = tnn.CrossEntropyLoss()
    input = teachtorch.randn(3, 5, requires_grad=True)
    target = teachtorch.empty(3, dtype=teachtorch.long).random_(5)
    output = loss(input, target)
    output.backward()
    ref = torch.nn.CrossEntropyLoss()(torch.tensor(input.detach().numpy(),
                                                   requires_grad=True),
                                      torch.tensor(target.numpy()))
    assert_close(output, ref)
    assert input.grad.shape == (3, 5)


def the_model_class(torch):
    nn = torch.nn
    F = torch.nn.functional

    class TheModelClass(nn.Module):
        def __init__(self):
            super(TheModelClass, self).__init__()  # noqa: UP008 (as in the note)
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = x.view(-1, 16 * 5 * 5)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            x = self.fc3(x)
            return x
    return TheModelClass()


def test_the_model_class_note_003_state_dict_and_strict_false():

    def listing(model):  # the note prints each key and its size
        return [(k, tuple(v.size())) for k, v in model.state_dict().items()]
    torch.manual_seed(0)
    mt, mo = the_model_class(torch), the_model_class(teachtorch)
    assert listing(mo) == listing(mt)
    assert repr(mo) == repr(mt)
    copy_params(mt, mo)
    x = np.random.default_rng(2).standard_normal((2, 3, 32, 32)).astype(np.float32)
    assert_close(mo(teachtorch.from_numpy(x)), mt(torch.from_numpy(x)), atol=1e-5)
    # modelB.load_state_dict(modelA's, strict=False): only the matching keys load
    ours = tnn.Sequential()
    ours.add_module("conv1", tnn.Conv2d(3, 6, 5))
    theirs = torch.nn.Sequential()
    theirs.add_module("conv1", torch.nn.Conv2d(3, 6, 5))
    ro = ours.load_state_dict(mo.state_dict(), strict=False)
    rt = theirs.load_state_dict(mt.state_dict(), strict=False)
    assert ro.missing_keys == rt.missing_keys == []
    assert ro.unexpected_keys == rt.unexpected_keys
    assert_close(ours.conv1.weight, theirs.conv1.weight)
