"""The course's programs with optimizers: linear regression y = 2x with every
optimizer, the notes' per-layer param groups, Adam on the diabetes network, and an
optimizer checkpoint; each compared step by step with torch (float64)."""

import numpy as np
import pytest
from helpers import to_np

import teachtorch

torch = pytest.importorskip("torch")

OPTIMIZERS = [
    ("SGD", {"lr": 0.01}),
    ("SGD", {"lr": 0.01, "momentum": 0.9}),
    ("Adam", {"lr": 0.1}),
    ("AdamW", {"lr": 0.1}),
    ("RMSprop", {"lr": 0.01}),
    ("Adagrad", {"lr": 0.5}),
    ("Adadelta", {"lr": 1.0}),
    ("Adamax", {"lr": 0.1}),
    ("ASGD", {"lr": 0.01}),
    ("Rprop", {"lr": 0.01}),
    ("LBFGS", {"lr": 0.1}),
]


def linear_regression(lib, name, kwargs, epochs=100):
    """The notes' program: Linear(1, 1), MSELoss, 100 epochs on y = 2x."""
    lib.manual_seed(0)
    x_data = lib.tensor(np.array([[1.0], [2.0], [3.0]]))
    y_data = lib.tensor(np.array([[2.0], [4.0], [6.0]]))
    model = lib.nn.Linear(1, 1).double()
    with lib.no_grad():  # the same start in both libraries
        model.weight.copy_(lib.tensor(np.array([[0.3]])))
        model.bias.copy_(lib.tensor(np.array([-0.2])))
    criterion = lib.nn.MSELoss(reduction="sum")
    optimizer = getattr(lib.optim, name)(model.parameters(), **kwargs)
    losses = []
    for _ in range(epochs):

        def closure():
            optimizer.zero_grad()
            loss = criterion(model(x_data), y_data)
            loss.backward()
            return loss

        if name == "LBFGS":
            losses.append(optimizer.step(closure).item())
        else:
            loss = closure()
            optimizer.step()
            losses.append(loss.item())
    x_test = lib.tensor(np.array([[4.0]]))
    return model, losses, model(x_test).item()


@pytest.mark.parametrize(
    "name,kwargs", OPTIMIZERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(OPTIMIZERS)]
)
def test_linear_regression_like_the_course(name, kwargs):
    epochs = 10 if name == "LBFGS" else 100
    ours, our_losses, our_pred = linear_regression(teachtorch, name, kwargs, epochs)
    theirs, their_losses, their_pred = linear_regression(torch, name, kwargs, epochs)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(to_np(ours.weight), to_np(theirs.weight), rtol=1e-9)
    np.testing.assert_allclose(
        to_np(ours.bias), to_np(theirs.bias), rtol=1e-9, atol=1e-12
    )
    assert our_pred == pytest.approx(their_pred, rel=1e-9)
    assert our_losses[-1] < our_losses[0]


class Net:
    """The notes' net.features / net.classifier, built for either library."""

    @staticmethod
    def make(lib):
        class N(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.features = lib.nn.Sequential(lib.nn.Linear(4, 6), lib.nn.Tanh())
                self.classifier = lib.nn.Linear(6, 2)

            def forward(self, x):
                return self.classifier(self.features(x))

        return N().double()


def test_per_layer_param_groups_from_the_notes():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((5, 4))
    y = rng.standard_normal((5, 2))

    def run(lib):
        net = Net.make(lib)
        with lib.no_grad():
            for i, p in enumerate(net.parameters()):
                p.copy_(
                    lib.tensor(
                        np.linspace(-1, 1, p.numel()).reshape(tuple(p.shape))
                        * (i + 1)
                        / 3
                    )
                )
        optimizer = lib.optim.SGD(
            [
                {"params": net.features.parameters()},  # lr 1e-5
                {"params": net.classifier.parameters(), "lr": 1e-2},
            ],
            lr=1e-5,
        )
        for _ in range(20):
            optimizer.zero_grad()
            loss = lib.nn.functional.mse_loss(net(lib.tensor(x)), lib.tensor(y))
            loss.backward()
            optimizer.step()
        return net, optimizer

    ours, our_opt = run(teachtorch)
    theirs, their_opt = run(torch)
    for (name, a), (_, b) in zip(ours.named_parameters(), theirs.named_parameters()):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-10, err_msg=name)
    assert repr(our_opt) == repr(their_opt)
    assert (
        our_opt.state_dict()["param_groups"] == their_opt.state_dict()["param_groups"]
    )


def test_optimizer_state_dict_saves_and_loads_with_teachtorch_save(tmp_path):
    """checkpoint = {'model': ..., 'optimizer': optimizer.state_dict()} round trip."""
    model = teachtorch.nn.Linear(3, 2).double()
    opt = teachtorch.optim.Adam(model.parameters(), lr=0.01)
    x = teachtorch.ones(4, 3, dtype=teachtorch.float64)
    for _ in range(3):
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        opt.step()
    path = tmp_path / "ckpt.pth"
    teachtorch.save({"model": model.state_dict(), "optimizer": opt.state_dict()}, path)
    ckpt = teachtorch.load(path)
    opt2 = teachtorch.optim.Adam(model.parameters(), lr=0.5)
    opt2.load_state_dict(ckpt["optimizer"])
    assert opt2.param_groups[0]["lr"] == 0.01
    st = opt2.state[model.weight]
    np.testing.assert_array_equal(
        to_np(st["exp_avg"]), to_np(opt.state[model.weight]["exp_avg"])
    )
    assert st["step"].item() == 3
    # torch reads the same file and loads it into a torch optimizer
    tmodel = torch.nn.Linear(3, 2).double()
    tmodel.load_state_dict(torch.load(path, weights_only=True)["model"])
    topt = torch.optim.Adam(tmodel.parameters())
    topt.load_state_dict(torch.load(path, weights_only=True)["optimizer"])
    assert topt.state_dict()["param_groups"] == opt.state_dict()["param_groups"]
