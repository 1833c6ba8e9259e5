"""Tensors on the GPU: creation, moves, math, views and autograd, compared with torch.

Each test takes the ``device`` fixture: it runs on the CPU, and again on 'cuda' when a
GPU is present or simulated (``TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/``).
"""
import os
import sys

import numpy as np
import pytest
import torch

import teachtorch
from teachtorch import _backend
from tests.helpers import assert_close, to_np

RNG = np.random.default_rng(0)


def _pair(shape, device, requires_grad=False, dtype=np.float32):
    a = RNG.standard_normal(shape).astype(dtype)
    ours = teachtorch.tensor(a, device=device, requires_grad=requires_grad)
    return ours, torch.tensor(a, requires_grad=requires_grad)


def _on(t, device):
    assert t.device.type == device, t.device
    assert t.is_cuda == (device == "cuda")


@pytest.mark.parametrize("make", [
    lambda lib, d: lib.zeros(2, 3, device=d),
    lambda lib, d: lib.ones((2, 3), dtype=lib.float64, device=d),
    lambda lib, d: lib.full((2, 2), 7.0, device=d),
    lambda lib, d: lib.eye(3, device=d),
    lambda lib, d: lib.arange(0, 5, device=d),
    lambda lib, d: lib.linspace(0, 1, 5, device=d),
    lambda lib, d: lib.tensor([[1, 2], [3, 4]], device=d),
    lambda lib, d: lib.zeros_like(lib.ones(2, 2, device=d)),
    lambda lib, d: lib.full_like(lib.ones(2, 2, device=d), 3),
])
def test_creation_with_device(make, device):
    ours, theirs = make(teachtorch, device), make(torch, "cpu")
    _on(ours, device)
    assert_close(ours, theirs)


def test_random_creation_on_device_matches_cpu_stream(device):
    teachtorch.manual_seed(3)
    a = teachtorch.randn(4, 5, device=device)
    teachtorch.manual_seed(3)
    b = teachtorch.randn(4, 5)
    _on(a, device)
    np.testing.assert_array_equal(to_np(a), to_np(b))
    _on(teachtorch.rand(3, device=device), device)
    _on(teachtorch.randint(0, 5, (3,), device=device), device)


def test_to_cuda_cpu_round_trip_with_grads(device):
    x = teachtorch.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    tx = torch.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    y = x.to(device)
    _on(y, device)
    z = (y * y).sum(1).cpu()
    _on(z, "cpu")
    (z * teachtorch.tensor([1.0, 2.0])).sum().backward()
    ((tx * tx).sum(1) * torch.tensor([1.0, 2.0])).sum().backward()
    _on(x.grad, "cpu")
    assert_close(x.grad, tx.grad)
    assert y.grad_fn.name() == "ToCopyBackward0" if device == "cuda" else y is x


def test_device_objects_and_to_variants(device):
    dev = teachtorch.device(device)
    x = teachtorch.ones(2, 2)
    other = teachtorch.zeros(1, device=device)
    for y in (x.to(dev), x.to(device), x.to(device=dev),
              x.to(device, non_blocking=True), x.to(other)):
        _on(y, device)
    if device == "cuda":
        assert x.cuda().device == teachtorch.device("cuda", 0)
        assert x.cuda(non_blocking=True).cpu().device.type == "cpu"
        assert str(x.cuda().device) == "cuda:0"
        y = x.to(device, teachtorch.float64)
        assert y.dtype == teachtorch.float64 and y.is_cuda


def test_cuda_module_functions(device):
    if device == "cpu":
        return
    assert teachtorch.cuda.is_available()
    assert teachtorch.cuda.device_count() >= 1
    assert teachtorch.cuda.current_device() == 0
    teachtorch.cuda.synchronize()
    assert isinstance(teachtorch.cuda.get_device_name(0), str)
    if _backend.SIMULATED:
        assert teachtorch.cuda.get_device_name() == "simulated GPU (NumPy)"


BINARY = [lambda a, b: a + b, lambda a, b: a - b * 2, lambda a, b: a * b / (b * b + 1),
          lambda a, b: a ** 2 + b.abs() ** 0.5, lambda a, b: a @ b.T,
          lambda a, b: a.maximum(b), lambda a, b: a.where(a > b, b)]


@pytest.mark.parametrize("fn", BINARY)
def test_binary_math_and_grads(fn, device):
    a, ta = _pair((3, 4), device, requires_grad=True)
    b, tb = _pair((3, 4), device, requires_grad=True)
    out, tout = fn(a, b), fn(ta, tb)
    _on(out, device)
    assert_close(out, tout, rtol=1e-5, atol=1e-5)
    out.sum().backward()
    tout.sum().backward()
    assert_close(a.grad, ta.grad, rtol=1e-5, atol=1e-5)
    assert_close(b.grad, tb.grad, rtol=1e-5, atol=1e-5)
    _on(a.grad, device)


UNARY = [lambda x: x.exp(), lambda x: x.tanh(), lambda x: x.sigmoid(),
         lambda x: x.relu(), lambda x: x.abs().sqrt(), lambda x: x.clamp(-0.5, 0.5),
         lambda x: x.softmax(1), lambda x: x.log_softmax(-1), lambda x: x.sum(0),
         lambda x: x.mean(1, keepdim=True),
         lambda x: x.var(0), lambda x: x.max(1).values, lambda x: x.amax(),
         lambda x: x.cumsum(1), lambda x: x.norm(), lambda x: x.logsumexp(1),
         lambda x: x.prod(1), lambda x: x.sort(1).values, lambda x: x.topk(2).values]


@pytest.mark.parametrize("fn", UNARY)
def test_unary_and_reductions(fn, device):
    x, tx = _pair((3, 5), device, requires_grad=True)
    out, tout = fn(x), fn(tx)
    _on(out, device)
    assert_close(out, tout, rtol=1e-5, atol=1e-5)
    out.sum().backward()
    tout.sum().backward()
    assert_close(x.grad, tx.grad, rtol=1e-4, atol=1e-5)


def test_argmax_argsort_and_comparisons(device):
    x, tx = _pair((4, 5), device)
    for fn in (lambda t: t.argmax(1), lambda t: t.argsort(0), lambda t: t > 0,
               lambda t: (t > 0).sum(), lambda t: t.eq(t), lambda t: t.max(0).indices):
        out = fn(x)
        _on(out, device)
        assert_close(out, fn(tx))


VIEWS = [lambda x: x[1], lambda x: x[:, 1:3], lambda x: x[..., ::2], lambda x: x[1].T,
         lambda x: x.view(4, 6), lambda x: x.reshape(-1), lambda x: x.transpose(0, 2),
         lambda x: x.permute(2, 0, 1), lambda x: x.unsqueeze(1).expand(2, 5, 3, 4),
         lambda x: x.narrow(2, 1, 2), lambda x: x.flatten(1), lambda x: x.squeeze(),
         lambda x: x.select(1, 0)]


@pytest.mark.parametrize("fn", VIEWS)
def test_views_share_memory_and_pass_grads(fn, device):
    x, tx = _pair((2, 3, 4), device, requires_grad=True)
    out, tout = fn(x), fn(tx)
    _on(out, device)
    assert_close(out, tout)
    assert out.stride() == tout.stride()
    assert out._base is x or out.storage_offset() == tout.storage_offset()
    (out * 2).sum().backward()
    (tout * 2).sum().backward()
    assert_close(x.grad, tx.grad)


@pytest.mark.parametrize("fn", [lambda x: x.chunk(2, 2)[1], lambda x: x[0].unbind(0)[2],
                                lambda x: x.split([1, 3], 2)[0]])
def test_unused_outputs_get_zero_grads_on_device(fn, device):
    """Backward through one output of a multi-output op (chunk/unbind/split)."""
    x, tx = _pair((2, 3, 4), device, requires_grad=True)
    (fn(x) * 2).sum().backward()
    (fn(tx) * 2).sum().backward()
    assert x.grad.device.type == device
    assert_close(x.grad, tx.grad)


INDEXING = [lambda x, i: x[i], lambda x, i: x[:, i], lambda x, i: x[x > 0],
            lambda x, i: x.gather(1, i.view(-1, 1).expand(-1, 2)),
            lambda x, i: x.index_select(0, i), lambda x, i: x[i, 1:]]


@pytest.mark.parametrize("fn", INDEXING)
def test_advanced_indexing_with_device_index(fn, device):
    x, tx = _pair((4, 4), device, requires_grad=True)
    i = teachtorch.tensor([2, 0, 3], device=device)
    out, tout = fn(x, i), fn(tx, torch.tensor([2, 0, 3]))
    _on(out, device)
    assert_close(out, tout)
    out.sum().backward()
    tout.sum().backward()
    assert_close(x.grad, tx.grad)


def test_inplace_and_setitem(device):
    x, tx = _pair((3, 4), device)
    for t, lib in ((x, teachtorch), (tx, torch)):
        t[0] = 1.0
        on = device if lib is teachtorch else "cpu"
        t[:, 1] = lib.tensor([5.0, 6.0, 7.0], device=on)
        t.add_(1).mul_(2)
        t[t > 10] = 0.0
        t.clamp_(max=8)
        t.zero_() if False else t.sub_(t.mean())
    _on(x, device)
    assert_close(x, tx, atol=1e-5)


def test_join_and_split(device):
    a, ta = _pair((2, 3), device, requires_grad=True)
    b, tb = _pair((2, 3), device, requires_grad=True)
    for fn in (lambda lib, p, q: lib.cat([p, q], 1),
               lambda lib, p, q: lib.stack([p, q]),
               lambda lib, p, q: lib.where(p > q, p, q), lambda lib, p, q: lib.einsum(
                   "ij,kj->ik", p, q)):
        out, tout = fn(teachtorch, a, b), fn(torch, ta, tb)
        _on(out, device)
        assert_close(out, tout, atol=1e-5)
        (out ** 2).sum().backward()
        (tout ** 2).sum().backward()
    assert_close(a.grad, ta.grad, atol=1e-5)
    assert_close(b.grad, tb.grad, atol=1e-5)


def test_python_numbers_and_numpy_from_device(device):
    x = teachtorch.tensor([[1.5, 2.0]], device=device)
    assert x.sum().item() == 3.5
    assert x.tolist() == [[1.5, 2.0]]
    assert float(x[0, 0]) == 1.5
    assert isinstance(x.cpu().numpy(), np.ndarray)
    assert "device='cuda:0'" in repr(x) if device == "cuda" else "device" not in repr(x)
    if device == "cuda":  # torch: TypeError, then the advice to call .cpu()
        with pytest.raises(TypeError, match="Use Tensor.cpu"):
            x.numpy()


def test_cuda_without_gpu_is_torchs_error():
    if teachtorch.cuda.is_available():
        pytest.skip("a GPU (or the simulation) is present")
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        teachtorch.ones(2).cuda()
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        teachtorch.zeros(2, device="cuda")


@pytest.mark.cuda
def test_current_device_set_device_and_device_context(two_gpus):
    """Plain 'cuda' means the current GPU, as in torch."""
    x = teachtorch.ones(2, device="cuda")
    assert x.to("cuda") is x and x.cuda() is x
    assert teachtorch.cuda.current_device() == 0
    with teachtorch.cuda.device(1):
        assert teachtorch.cuda.current_device() == 1
        assert teachtorch.zeros(1, device="cuda").device == teachtorch.device("cuda", 1)
        assert teachtorch.ones(1).cuda().device.index == 1
        y = x.to("cuda:1")
        assert y.device.index == 1 and y.cpu().sum().item() == 2
    assert teachtorch.cuda.current_device() == 0
    teachtorch.cuda.set_device(1)
    try:
        assert teachtorch.randn(2, device="cuda").device.index == 1
    finally:
        teachtorch.cuda.set_device(0)


def test_simulation_only_with_its_variable():
    """Without TEACHTORCH_FAKE_CUDA the simulated CuPy is never imported."""
    if os.environ.get("TEACHTORCH_FAKE_CUDA"):
        pytest.skip("the simulation is on in this run")
    assert not _backend.SIMULATED
    assert "simulated_cupy" not in sys.modules
    if _backend._cupy is None:
        assert not teachtorch.cuda.is_available()
        assert teachtorch.cuda.device_count() == 0


def test_invalid_device_ordinal(device):
    if device == "cpu":
        return
    n = teachtorch.cuda.device_count()
    for make in (lambda: teachtorch.ones(2).to(f"cuda:{n}"),
                 lambda: teachtorch.zeros(2, device=f"cuda:{n + 3}"),
                 lambda: teachtorch.ones(2).cuda(n)):
        with pytest.raises(RuntimeError, match="CUDA error: invalid device ordinal"):
            make()
