"""GPU behaviour that needs the autograd core to know about devices.

Runs on the CPU, and on 'cuda' when a GPU is present or simulated
(``TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/``). Under the simulation these fail
until ``Function.apply`` (autograd/function.py) checks its inputs' devices and runs
forward on their GPU (``_backend.common_device`` and ``_backend.device_guard``).
"""
import numpy as np
import pytest
import torch

import teachtorch
from teachtorch import nn as tnn
from tests.helpers import assert_close, to_np

RNG = np.random.default_rng(2)
X = RNG.standard_normal((8, 6)).astype(np.float32)
Y = RNG.integers(0, 3, 8)


def _copy_weights(ours, theirs):
    with torch.no_grad():
        for p, q in zip(ours.state_dict().values(), theirs.state_dict().values()):
            q.copy_(torch.tensor(to_np(p)))


def test_mixing_devices_is_torchs_error(device):
    if device == "cpu":
        return
    a = teachtorch.ones(3, device="cuda")
    b = teachtorch.ones(3)
    w = a.view(1, 3)
    for fn in (lambda: a + b, lambda: b * a, lambda: a @ b,
               lambda: teachtorch.cat([a, b]),
               lambda: teachtorch.nn.functional.linear(teachtorch.ones(2, 3), w)):
        with pytest.raises(RuntimeError, match=(
                "Expected all tensors to be on the same device, but found at least "
                "two devices, cuda:0 and cpu!")) as info:
            fn()
        assert "hint:" in str(info.value)
    # torch allows a 0-d CPU tensor as a scalar operand of a GPU op
    assert (a * teachtorch.tensor(2.0)).device.type == "cuda"


@pytest.mark.cuda
def test_tensors_on_second_gpu(two_gpus):
    x = teachtorch.ones(2, 3, requires_grad=True)
    y = x.to("cuda:1")
    assert y.device == teachtorch.device("cuda", 1)
    z = (y * 3).exp().sum(1)
    assert z.device == teachtorch.device("cuda", 1)
    z.sum().backward()
    assert x.grad.device.type == "cpu"
    np.testing.assert_allclose(to_np(x.grad), 3 * np.exp(3.0) * np.ones((2, 3)),
                               rtol=1e-6)
    a, b = teachtorch.ones(2, device="cuda:0"), teachtorch.ones(2, device="cuda:1")
    with pytest.raises(RuntimeError,
                       match="found at least two devices, cuda:0 and cuda:1"):
        a + b
    assert teachtorch.zeros(2, device="cuda:1").to("cuda:0").device.index == 0


@pytest.mark.cuda
def test_data_parallel_splits_batch_and_gathers_grads(two_gpus):
    """Same model, same batch: DataParallel on two GPUs vs torch on one CPU."""
    def build(nn):
        return nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 3))
    ours, theirs = build(tnn), build(torch.nn)
    _copy_weights(ours, theirs)
    dp = tnn.DataParallel(ours.cuda(), device_ids=[0, 1])
    seen = []
    ours[0].register_forward_hook(lambda m, i, o: seen.append((str(i[0].device),
                                                               i[0].shape[0])))
    out = dp(teachtorch.tensor(X).cuda())
    assert seen == [("cuda:0", 4), ("cuda:1", 4)]
    assert out.device == teachtorch.device("cuda", 0) and out.shape == (8, 3)
    tout = theirs(torch.tensor(X))
    assert_close(out, tout, atol=1e-6)
    tnn.functional.cross_entropy(out, teachtorch.tensor(Y).cuda()).backward()
    torch.nn.functional.cross_entropy(tout, torch.tensor(Y)).backward()
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.grad.device == teachtorch.device("cuda", 0)
        assert_close(p.grad, q.grad, atol=1e-6)
    assert next(iter(dp.state_dict())) == "module.0.weight"


@pytest.mark.cuda
def test_copies_of_second_gpu_tensors_stay_there(two_gpus, tmp_path):
    import copy
    import pickle

    t = teachtorch.arange(4.0).to("cuda:1")
    for back in (copy.deepcopy(t), pickle.loads(pickle.dumps(t)), copy.copy(t)):
        assert back.device == teachtorch.device("cuda", 1)
        assert back.cpu().tolist() == [0.0, 1.0, 2.0, 3.0]
    teachtorch.save({"t": t}, tmp_path / "t.pt")
    assert teachtorch.load(tmp_path / "t.pt")["t"].device.index == 1
    moved = teachtorch.load(tmp_path / "t.pt", map_location={"cuda:1": "cuda:0"})["t"]
    assert moved.device.index == 0
