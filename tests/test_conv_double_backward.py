"""Second derivatives through conv1d / conv2d / conv_transpose2d (create_graph=True) against torch: a
gradient penalty's gradients for input, weight and bias, and gradgradcheck."""
import numpy as np
import pytest
import torch

import teachtorch

CASES = [
    ("conv2d", (2, 3, 6, 7), (4, 3, 3, 3), {}),
    ("conv2d", (2, 3, 6, 7), (4, 3, 3, 2), {"stride": 2, "padding": 1}),
    ("conv2d", (2, 4, 7, 7), (6, 2, 3, 3), {"groups": 2, "dilation": 2, "padding": 2}),
    ("conv2d", (1, 2, 5, 6), (3, 2, 2, 3), {"padding": "same"}),
    ("conv2d", (3, 5, 6), (2, 3, 3, 3), {"stride": (1, 2)}),          # unbatched
    ("conv1d", (2, 3, 9), (4, 3, 3), {"stride": 2, "padding": 1}),
]


def _penalty(lib, fn, x, w, kw):
    F = lib.nn.functional
    xt = lib.tensor(x, requires_grad=True)
    wt = lib.tensor(w, requires_grad=True)
    bt = lib.tensor(np.linspace(-1, 1, w.shape[0]), requires_grad=True)
    y = getattr(F, fn)(xt, wt, bt, **kw)
    v = lib.tensor(np.cos(np.arange(y.numel())).reshape(tuple(y.shape)))
    gx, gw = lib.autograd.grad((y * y * v).sum(), (xt, wt), create_graph=True)
    ((gx * gx).sum() + (gw ** 3).sum()).backward()
    return [xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy(), gx.detach().numpy()]


@pytest.mark.parametrize("fn,xs,ws,kw", CASES)
def test_gradient_penalty_like_torch(fn, xs, ws, kw):
    rng = np.random.default_rng(len(xs) + ws[0])
    x, w = rng.standard_normal(xs), rng.standard_normal(ws) * 0.5
    ours = _penalty(teachtorch, fn, x, w, kw)
    theirs = _penalty(torch, fn, x, w, kw)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


def test_gradgradcheck_conv2d():
    rng = np.random.default_rng(5)
    x = teachtorch.tensor(rng.standard_normal((1, 2, 4, 5)), requires_grad=True)
    w = teachtorch.tensor(rng.standard_normal((3, 2, 2, 2)), requires_grad=True)
    f = lambda a, b: teachtorch.nn.functional.conv2d(a, b, stride=(1, 2), padding=1)
    assert teachtorch.autograd.gradgradcheck(f, (x, w))


def test_plain_backward_still_takes_the_fast_path_and_agrees():
    """Without create_graph the raw-array backward runs; both give torch's grads."""
    rng = np.random.default_rng(6)
    x, w = rng.standard_normal((2, 3, 6, 6)), rng.standard_normal((4, 3, 3, 3))
    grads = []
    for lib in (teachtorch, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        lib.nn.functional.conv2d(xt, wt, padding=1).pow(2).sum().backward()
        grads.append((xt.grad.numpy(), wt.grad.numpy()))
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-9)


@pytest.mark.parametrize("kw", [
    {},
    {"stride": 2, "padding": 1, "output_padding": 1},
    {"stride": (2, 1), "dilation": 2, "padding": (1, 2)},
    {"groups": 2, "stride": 2},
])
def test_conv_transpose2d_gradient_penalty_like_torch(kw):
    rng = np.random.default_rng(len(kw) + 20)
    x = rng.standard_normal((2, 4, 4, 5))
    w = rng.standard_normal((4, 3, 3, 3)) * 0.5   # (in, out / groups, kh, kw)
    results = []
    for lib in (teachtorch, torch):
        xt = lib.tensor(x, requires_grad=True)
        wt = lib.tensor(w, requires_grad=True)
        bt = lib.tensor(np.linspace(-1, 1, w.shape[1] * kw.get("groups", 1)),
                        requires_grad=True)
        y = lib.nn.functional.conv_transpose2d(xt, wt, bt, **kw)
        v = lib.tensor(np.cos(np.arange(y.numel())).reshape(tuple(y.shape)))
        gx, gw = lib.autograd.grad((y * y * v).sum(), (xt, wt), create_graph=True)
        ((gx * gx).sum() + (gw ** 3).sum()).backward()
        results.append([gx.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(),
                        bt.grad.numpy()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)
