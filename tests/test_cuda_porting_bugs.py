"""More ops on the device, each one a porting bug the GPU simulation once found.

Runs on the CPU, and on 'cuda' when a GPU is present or simulated
(``TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/``). Values and gradients are compared
with torch on the CPU; the result must stay on the input's device.
"""
import numpy as np
import pytest
import torch

import teachtorch
from tests.helpers import assert_close

RNG = np.random.default_rng(4)
A = RNG.standard_normal((4, 6)).astype(np.float32)
IDX = np.array([0, 2, 1, 0])

OPS = {
    "flip": lambda lib, x, i: x.flip(0, 1),
    "trace": lambda lib, x, i: x[:, :4].trace(),
    "contiguous_t": lambda lib, x, i: x.t().contiguous(),
    "repeat_interleave": lambda lib, x, i: x.repeat_interleave(2, dim=0),
    "repeat_interleave_tensor": lambda lib, x, i: x.repeat_interleave(i, dim=0),
    "masked_fill": lambda lib, x, i: x.masked_fill(x > 0, 0.5),
    "scatter": lambda lib, x, i: lib.zeros_like(x).scatter(1, i.view(4, 1), x[:, :1]),
    "index_add": lambda lib, x, i: lib.zeros_like(x).index_add(0, i, x),
    "gather": lambda lib, x, i: x.gather(1, i.view(4, 1)),
    "masked_select": lambda lib, x, i: x.masked_select(x > 0),
    "cumprod": lambda lib, x, i: x.cumprod(1),
    "median": lambda lib, x, i: x.median(1).values,
    "kthvalue": lambda lib, x, i: x.kthvalue(2, 1).values,
    "where_scalar": lambda lib, x, i: lib.where(x > 0, x, 0.0),
    "pixel_shuffle": lambda lib, x, i: lib.nn.functional.pixel_shuffle(
        x.view(1, 4, 2, 3), 2),
    "sdpa_causal": lambda lib, x, i: lib.nn.functional.scaled_dot_product_attention(
        x.view(2, 2, 6), x.view(2, 2, 6) * 0.5, x.view(2, 2, 6), is_causal=True),
    "multi_margin": lambda lib, x, i: lib.nn.functional.multi_margin_loss(x, i),
    "adaptive_max_pool": lambda lib, x, i: lib.nn.functional.adaptive_max_pool2d(
        x.view(1, 1, 4, 6), (2, 3)),
    "max_unpool": lambda lib, x, i: lib.nn.functional.max_unpool2d(
        *lib.nn.functional.max_pool2d(x.view(1, 1, 4, 6), 2, return_indices=True), 2),
    "interpolate": lambda lib, x, i: lib.nn.functional.interpolate(x.view(1, 1, 4, 6),
                                                                   scale_factor=2),
}
NO_GRAD = {
    "unique": lambda lib, x, i: lib.unique(i, return_counts=True)[1],
    "nonzero": lambda lib, x, i: (x > 0).nonzero(),
    "one_hot": lambda lib, x, i: lib.nn.functional.one_hot(i, 4),
    "tensor_copy": lambda lib, x, i: lib.tensor(x),
    "max_pool_indices": lambda lib, x, i: lib.nn.functional.max_pool2d(
        x.view(1, 1, 4, 6), 2, return_indices=True)[1],
}


def _inputs(lib, device, requires_grad):
    kw = {"device": device} if lib is teachtorch else {}
    return (lib.tensor(A, requires_grad=requires_grad, **kw),
            lib.tensor(IDX, **kw))


@pytest.mark.parametrize("name", list(OPS))
def test_op_values_and_grads(name, device):
    (x, i), (tx, ti) = _inputs(teachtorch, device, True), _inputs(torch, None, True)
    out, tout = OPS[name](teachtorch, x, i), OPS[name](torch, tx, ti)
    assert out.device.type == device
    assert_close(out, tout, atol=1e-5)
    w = RNG.standard_normal(tuple(tout.shape)).astype(np.float32)
    (out * teachtorch.tensor(w, device=device)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    assert x.grad.device.type == device
    assert_close(x.grad, tx.grad, atol=1e-5)


@pytest.mark.parametrize("name", list(NO_GRAD))
def test_op_values(name, device):
    (x, i), (tx, ti) = _inputs(teachtorch, device, False), _inputs(torch, None, False)
    out, tout = NO_GRAD[name](teachtorch, x, i), NO_GRAD[name](torch, tx, ti)
    assert out.device.type == device
    assert_close(out, tout)


@pytest.mark.parametrize("make", [
    lambda x: teachtorch.rand_like(x), lambda x: teachtorch.randn_like(x),
    lambda x: teachtorch.bernoulli(x.sigmoid()), lambda x: teachtorch.multinomial(
        x.abs() + 0.1, 2), lambda x: teachtorch.normal(x, 1.0),
    lambda x: teachtorch.nn.functional.dropout(x, 0.5, training=True),
    lambda x: teachtorch.randperm(5, device=x.device),
    lambda x: teachtorch.empty(3, device=x.device).uniform_(),
])
def test_random_ops_stay_on_device(make, device):
    out = make(teachtorch.tensor(A, device=device))
    assert out.device.type == device


def test_clip_grad_norm_on_device(device):
    ours = [teachtorch.tensor(A, device=device, requires_grad=True),
            teachtorch.tensor(A[0], device=device, requires_grad=True)]
    theirs = [torch.tensor(A, requires_grad=True),
              torch.tensor(A[0], requires_grad=True)]
    for ps, lib in ((ours, teachtorch), (theirs, torch)):
        (ps[0] ** 2).sum().add(ps[1].sum() * 3).backward()
    total = teachtorch.nn.utils.clip_grad_norm_(ours, 1.0)
    t_total = torch.nn.utils.clip_grad_norm_(theirs, 1.0)
    assert total.device.type == device
    assert_close(total, t_total)
    for p, q in zip(ours, theirs):
        assert_close(p.grad, q.grad)
