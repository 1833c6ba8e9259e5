"""Optimizers: the same model, data and options on torch and teachtorch give the same
parameters after every step (float64), plus state_dict layout, repr and errors."""

import numpy as np
import pytest
from helpers import to_np

import teachtorch

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
W0 = RNG.standard_normal((3, 4))
B0 = RNG.standard_normal(3)
X = RNG.standard_normal((8, 4))
Y = RNG.standard_normal((8, 3))


def make_problem(lib, dtype="float64"):
    """A small tanh regression: parameters w, b and a closure computing the loss."""
    dt = getattr(lib, dtype)
    w = lib.tensor(W0, dtype=dt, requires_grad=True)
    b = lib.tensor(B0, dtype=dt, requires_grad=True)
    x, y = lib.tensor(X, dtype=dt), lib.tensor(Y, dtype=dt)

    def loss_fn():
        return ((lib.tanh(x @ w.t() + b) - y) ** 2).mean()

    return [w, b], loss_fn


CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "maximize": True}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.05, "betas": (0.3, 0.8), "weight_decay": 0.1, "amsgrad": True}),
    (
        "Adam",
        {
            "lr": 0.05,
            "maximize": True,
            "decoupled_weight_decay": True,
            "weight_decay": 0.1,
        },
    ),
    ("AdamW", {"lr": 0.05}),
    ("AdamW", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.5}),
    ("RMSprop", {"lr": 0.01}),
    (
        "RMSprop",
        {
            "lr": 0.01,
            "alpha": 0.9,
            "centered": True,
            "momentum": 0.5,
            "weight_decay": 0.1,
        },
    ),
    ("RMSprop", {"lr": 0.01, "centered": True, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    (
        "Adagrad",
        {
            "lr": 0.1,
            "lr_decay": 0.01,
            "weight_decay": 0.1,
            "initial_accumulator_value": 0.5,
        },
    ),
    ("Adadelta", {}),
    ("Adadelta", {"lr": 0.5, "rho": 0.8, "weight_decay": 0.1, "maximize": True}),
    ("Adamax", {"lr": 0.05}),
    ("Adamax", {"lr": 0.05, "betas": (0.7, 0.9), "weight_decay": 0.1}),
    ("ASGD", {"lr": 0.1}),
    ("ASGD", {"lr": 0.1, "lambd": 0.01, "alpha": 0.5, "t0": 5, "weight_decay": 0.1}),
    ("Rprop", {"lr": 0.01}),
    (
        "Rprop",
        {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-3, 0.2), "maximize": True},
    ),
]


def run_steps(lib, name, kwargs, steps=20, dtype="float64"):
    params, loss_fn = make_problem(lib, dtype)
    opt = getattr(lib.optim, name)(params, **kwargs)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return params, losses, opt


@pytest.mark.parametrize(
    "name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)]
)
def test_twenty_steps_match_torch(name, kwargs):
    ours, our_losses, our_opt = run_steps(teachtorch, name, kwargs)
    theirs, their_losses, their_opt = run_steps(torch, name, kwargs)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-10)
    assert our_losses[-1] != our_losses[0]
    # the state has PyTorch's keys, dtypes and values
    ours_sd, theirs_sd = our_opt.state_dict(), their_opt.state_dict()
    assert ours_sd["param_groups"] == theirs_sd["param_groups"]
    assert ours_sd["state"].keys() == theirs_sd["state"].keys()
    for k, st in theirs_sd["state"].items():
        assert list(ours_sd["state"][k].keys()) == list(st.keys())
        for key, value in st.items():
            mine = ours_sd["state"][k][key]
            assert str(mine.dtype) == str(value.dtype), key
            np.testing.assert_allclose(
                to_np(mine), to_np(value), rtol=1e-10, atol=1e-13, err_msg=key
            )


@pytest.mark.parametrize(
    "name,kwargs",
    [c for c in CASES if not c[1]]
    + [("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"lr": 0.05})],
)
def test_float32_stays_float32(name, kwargs):
    ours, _, opt = run_steps(teachtorch, name, kwargs, steps=3, dtype="float32")
    theirs, _, _ = run_steps(torch, name, kwargs, steps=3, dtype="float32")
    for a, b in zip(ours, theirs):
        assert a.dtype == teachtorch.float32
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-5, atol=1e-6)
    for st in opt.state.values():
        for key, value in st.items():
            if key not in ("step", "eta", "mu"):
                assert value.dtype == teachtorch.float32, key
