"""Optimizers: the reference update (Tensor ops, first in each optimizer's file) and the
fast array kernel (optim/_kernels.py) leave the same parameters and state after
several steps, for every option; the reference path matches PyTorch."""
import numpy as np
import pytest
import torch
from helpers import assert_close

import teachtorch
from teachtorch.reference import reference_of

CASES = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.2, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1, "maximize": True}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5, "weight_decay": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1,
                 "initial_accumulator_value": 0.1}),
    ("Adadelta", {"lr": 1.0, "rho": 0.8, "weight_decay": 0.1}),
    ("Adamax", {"lr": 0.01, "weight_decay": 0.1, "maximize": True}),
    ("ASGD", {"lr": 0.01, "t0": 2, "weight_decay": 0.1}),
    ("Rprop", {"lr": 0.01, "etas": (0.4, 1.5), "step_sizes": (1e-4, 0.05)}),
]


def _params(lib, dtype, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal((3, 4)), rng.standard_normal(4),
              rng.standard_normal((2, 2)).T]          # a non-contiguous one too
    return [lib.tensor(np.ascontiguousarray(a).astype(dtype), requires_grad=True)
            for a in arrays]


def _loss(lib, params, k):
    w, b, m = params
    x = lib.tensor(np.linspace(-1, 1, 6).reshape(2, 3) * (k + 1))
    x = x.to(w.dtype)
    return ((x @ w + b).tanh() ** 2).sum() + (m * m * m).sum()


def _train(lib, name, kw, dtype, steps=6, groups=False):
    params = _params(lib, dtype)
    if groups:      # two param groups, the second with its own lr
        opt = getattr(lib.optim, name)([{"params": params[:2]},
                                        {"params": params[2:], "lr": kw["lr"] / 2}],
                                       **kw)
    else:
        opt = getattr(lib.optim, name)(params, **kw)
    for k in range(steps):
        opt.zero_grad()
        _loss(lib, params, k).backward()
        if k == 2:
            params[1].grad = None                      # a parameter skipped once
        opt.step()
    return params, opt


def _state_arrays(opt, params):
    return [(key, v) for p in params for key, v in sorted(opt.state[p].items())
            if isinstance(v, teachtorch.Tensor)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name,kw", CASES, ids=str)
def test_reference_and_kernel_agree(name, kw, dtype):
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == np.float32 else {"rtol": 1e-11,
                                                                     "atol": 1e-13}
    for groups in (False, True):
        with teachtorch.reference_mode(False):
            fast, fast_opt = _train(teachtorch, name, kw, dtype, groups=groups)
        with teachtorch.reference_mode(True):
            ref, ref_opt = _train(teachtorch, name, kw, dtype, groups=groups)
        for a, b in zip(fast, ref):
            assert a.dtype == b.dtype
            assert_close(a, b, **tol)
        fast_state, ref_state = (_state_arrays(fast_opt, fast),
                                 _state_arrays(ref_opt, ref))
        assert [k for k, _ in fast_state] == [k for k, _ in ref_state]
        for (key, a), (_, b) in zip(fast_state, ref_state):
            assert a.dtype == b.dtype, key
            assert_close(a, b, **tol)


@pytest.mark.parametrize("name,kw", CASES, ids=str)
def test_reference_matches_torch(name, kw):
    with teachtorch.reference_mode():
        ours, _ = _train(teachtorch, name, kw, np.float64)
    theirs, _ = _train(torch, name, kw, np.float64)
    for a, b in zip(ours, theirs):
        assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_references_are_published():
    from teachtorch.optim import adam, sgd

    assert reference_of(teachtorch.optim.SGD) is sgd.sgd_update
    assert reference_of(teachtorch.optim.Adam) is adam.adam_update
    assert reference_of(teachtorch.optim.AdamW) is adam.adam_update
    for name in ("RMSprop", "Adagrad", "Adadelta", "Adamax", "ASGD", "Rprop"):
        assert callable(reference_of(getattr(teachtorch.optim, name))), name
