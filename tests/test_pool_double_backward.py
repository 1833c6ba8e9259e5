"""Second derivatives through max_pool2d / avg_pool2d (create_graph=True) against
torch: a gradient penalty on a small conv + pool model, and gradgradcheck."""
import numpy as np
import pytest
import torch

import teachtorch

POOLS = [
    ("max_pool2d", {"kernel_size": 2}),
    ("max_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("max_pool2d", {"kernel_size": 3, "stride": 1}),                 # overlapping
    ("max_pool2d", {"kernel_size": 2, "stride": 2, "ceil_mode": True}),
    ("avg_pool2d", {"kernel_size": 2}),
    ("avg_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("avg_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1,
                    "count_include_pad": False, "ceil_mode": True}),
    ("avg_pool2d", {"kernel_size": 2, "divisor_override": 3}),
]


def _penalty(lib, pool, kw, x, w):
    F = lib.nn.functional
    xt = lib.tensor(x, requires_grad=True)
    wt = lib.tensor(w, requires_grad=True)
    y = getattr(F, pool)(F.conv2d(xt, wt, padding=1), **kw)
    v = lib.tensor(np.sin(np.arange(y.numel())).reshape(tuple(y.shape)))
    (gx,) = lib.autograd.grad((y * y * v).sum(), xt, create_graph=True)
    (gx * gx).sum().backward()
    return [gx.detach().numpy(), xt.grad.numpy(), wt.grad.numpy()]


@pytest.mark.parametrize("pool,kw", POOLS)
def test_gradient_penalty_through_pooling_like_torch(pool, kw):
    rng = np.random.default_rng(len(kw))
    x, w = rng.standard_normal((2, 2, 7, 7)), rng.standard_normal((3, 2, 3, 3))
    for a, b in zip(_penalty(teachtorch, pool, kw, x, w), _penalty(torch, pool, kw, x, w)):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("pool,kw", [POOLS[1], POOLS[5]])
def test_gradgradcheck_pooling(pool, kw):
    x = teachtorch.tensor(np.random.default_rng(9).standard_normal((1, 2, 5, 5)),
                          requires_grad=True)
    f = getattr(teachtorch.nn.functional, pool)
    assert teachtorch.autograd.gradgradcheck(lambda t: f(t, **kw) ** 2, (x,))
