"""Training on the device: model.cuda() + optimizers, checkpoints, DataParallel.

Runs on the CPU, and on 'cuda' when a GPU is present or simulated
(``TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/``: two simulated GPUs).
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


def _net(nn):
    # (no BatchNorm right after a Linear: that bias's gradient is rounding noise, which
    # Adam would scale up into full-size steps that differ between libraries)
    return nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.BatchNorm1d(8), nn.Linear(8, 3))


def _copy_weights(ours, theirs):
    with torch.no_grad():
        for p, q in zip(ours.state_dict().values(), theirs.state_dict().values()):
            q.copy_(torch.tensor(to_np(p)))


@pytest.mark.parametrize("opt", [
    lambda optim, ps: optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-3),
    lambda optim, ps: optim.Adam(ps, lr=0.01),
    lambda optim, ps: optim.AdamW(ps, lr=0.01, amsgrad=True),
    lambda optim, ps: optim.RMSprop(ps, lr=0.01),
])
def test_model_cuda_and_optimizer_steps_match_torch(opt, device):
    ours, theirs = _net(tnn), _net(torch.nn)
    _copy_weights(ours, theirs)
    ours = ours.cuda() if device == "cuda" else ours
    o_opt, t_opt = opt(teachtorch.optim, ours.parameters()), opt(torch.optim,
                                                                 theirs.parameters())
    x, y = teachtorch.tensor(X).to(device), teachtorch.tensor(Y).to(device)
    for _ in range(3):
        for model, optimizer, lib, a, b in ((ours, o_opt, teachtorch, x, y),
                                            (theirs, t_opt, torch, torch.tensor(X),
                                             torch.tensor(Y))):
            optimizer.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(a), b)
            loss.backward()
            optimizer.step()
    for (name, p), q in zip(ours.state_dict().items(), theirs.state_dict().values()):
        assert p.device.type == device, name
        assert_close(p, q, rtol=1e-4, atol=1e-5)
    for state in o_opt.state.values():
        for v in state.values():
            if isinstance(v, teachtorch.Tensor) and v.dim():
                assert v.device.type == device


def test_optimizer_state_dict_moves_with_load(device, tmp_path):
    model = _net(tnn).to(device)
    opt = teachtorch.optim.Adam(model.parameters(), lr=0.01)
    tnn.functional.cross_entropy(model(teachtorch.tensor(X, device=device)),
                                 teachtorch.tensor(Y, device=device)).backward()
    opt.step()
    teachtorch.save({"model": model.state_dict(), "opt": opt.state_dict()},
                    tmp_path / "ckpt.pt")
    ckpt = teachtorch.load(tmp_path / "ckpt.pt", map_location="cpu")
    fresh = _net(tnn)
    fresh.load_state_dict(ckpt["model"])
    fresh_opt = teachtorch.optim.Adam(fresh.parameters(), lr=0.01)
    fresh_opt.load_state_dict(ckpt["opt"])
    for p, q in zip(fresh.parameters(), model.parameters()):
        assert p.device.type == "cpu"
        np.testing.assert_array_equal(to_np(p), to_np(q))
    for st in fresh_opt.state.values():
        assert st["exp_avg"].device.type == "cpu"


@pytest.mark.parametrize("map_location", [None, "cpu", "cuda", "cuda:0",
                                          {"cuda:0": "cpu"}, "device"])
def test_save_cuda_tensor_load_with_map_location(map_location, device, tmp_path):
    t = teachtorch.arange(6.0).view(2, 3).to(device)
    teachtorch.save({"t": t, "v": t[:, 1]}, tmp_path / "t.pt")
    if map_location in ("cuda", "cuda:0") and device == "cpu":
        target = "cuda"
    elif map_location == "device":
        map_location = teachtorch.device(device)
        target = device
    else:
        target = device if map_location is None else "cpu" if not isinstance(
            map_location, str) or map_location == "cpu" else "cuda"
    if target == "cuda" and not teachtorch.cuda.is_available():
        pytest.skip("loading onto cuda needs a GPU (or the simulation)")
    out = teachtorch.load(tmp_path / "t.pt", map_location=map_location)
    assert out["t"].device.type == target and out["v"].device.type == target
    np.testing.assert_array_equal(to_np(out["t"]), np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(to_np(out["v"]), [1.0, 4.0])


class _Scaled(tnn.Module):
    """A model with a keyword tensor argument (DataParallel scatters those too)."""

    def __init__(self):
        super().__init__()
        self.fc = tnn.Linear(6, 3)

    def forward(self, x, *, scale):
        return self.fc(x) * scale


@pytest.mark.cuda
def test_data_parallel_forward_scatters_args_and_kwargs(two_gpus):
    model = _Scaled()
    x, scale = teachtorch.tensor(X), teachtorch.arange(8.0).view(8, 1)
    with teachtorch.no_grad():
        expected = model(x, scale=scale)
        dp = tnn.DataParallel(model.cuda(), device_ids=[0, 1])
        seen = []
        model.fc.register_forward_hook(lambda m, i, o: seen.append(
            (str(i[0].device), str(m.weight.device), i[0].shape[0])))
        out = dp(x.cuda(), scale=scale.cuda())
    assert seen == [("cuda:0", "cuda:0", 4), ("cuda:1", "cuda:1", 4)]
    assert out.device == teachtorch.device("cuda", 0)
    np.testing.assert_allclose(to_np(out), to_np(expected), rtol=1e-6, atol=1e-6)
    to_cpu = tnn.DataParallel(model, device_ids=[0, 1], output_device=-1)
    with teachtorch.no_grad():
        assert to_cpu(x.cuda(), scale=scale.cuda()).device.type == "cpu"


@pytest.mark.cuda
def test_data_parallel_needs_model_on_first_gpu(two_gpus):
    dp = tnn.DataParallel(tnn.Linear(6, 3), device_ids=[0, 1])
    with pytest.raises(RuntimeError, match="module must have its parameters and "
                                           "buffers on device cuda:0"):
        dp(teachtorch.tensor(X).cuda())


def test_data_parallel_without_gpus_calls_module():
    if teachtorch.cuda.is_available():
        pytest.skip("GPUs (or the simulation) present")
    net = tnn.Linear(6, 3)
    dp = tnn.DataParallel(net)
    x = teachtorch.tensor(X)
    np.testing.assert_array_equal(to_np(dp(x)), to_np(net(x)))
