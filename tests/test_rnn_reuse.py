"""The recurrent kernels reuse scratch arrays between calls (ops/_kernels/workspace.py) and
skip work nobody asked for. These tests check that none of it changes a result: graphs
kept alive side by side, backward twice with retain_graph, a training loop, an initial
state that needs no gradient, and the same model on the GPU."""
import weakref

import numpy as np
import pytest
import torch

import teachtorch
from teachtorch.nn.modules import rnn as R
from teachtorch.ops._kernels.workspace import Workspace
from helpers import assert_close

TOL = dict(rtol=1e-4, atol=1e-5)


def twins(name, **kw):
    ours = getattr(R, name)(3, 5, **kw)
    theirs = getattr(torch.nn, name)(3, 5, **kw)
    theirs.load_state_dict({n: torch.tensor(p.detach().numpy().copy())
                            for n, p in ours.named_parameters()})
    return ours, theirs


def inputs(seed, shape=(6, 2, 3)):
    a = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return teachtorch.tensor(a), torch.tensor(a)


def check_grads(ours, theirs):
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p.grad, q.grad, **TOL)


def test_workspace_hands_out_only_arrays_nobody_holds():
    ws = Workspace(limit=4)
    f32 = np.dtype(np.float32)
    a = ws.empty((3, 4), f32, np)
    first = weakref.ref(a)
    b = ws.empty((3, 4), f32, np)
    assert a is not b                        # a is still in use
    view = a[1:]
    del a
    c = ws.empty((3, 4), f32, np)
    assert c is not first() and c is not b   # a view of it is still alive
    del view, c
    assert ws.empty((3, 4), f32, np) is first()   # nobody holds it now: reused
    for k in range(10):                      # many shapes: never more than the limit
        ws.empty((k + 5,), f32, np)
    assert sum(len(v) for v in ws._arrays.values()) <= 4
    small = Workspace(limit=100, max_bytes=1000)
    held = [small.empty((100,), f32, np) for _ in range(5)]   # 400 bytes each
    assert len({id(a) for a in held}) == 5
    assert sum(a.nbytes for v in small._arrays.values() for a in v) <= 1000


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_two_graphs_alive_then_backward_each(name):
    """Two forwards before any backward: the second must not reuse the first's
    saved arrays."""
    ours, theirs = twins(name, num_layers=2, bidirectional=True)
    (x1, x1t), (x2, x2t) = inputs(1), inputs(2, (4, 3, 3))
    y1, y2 = ours(x1)[0], ours(x2)[0]
    y1t, y2t = theirs(x1t)[0], theirs(x2t)[0]
    (y1 * y1).sum().backward()
    (y1t * y1t).sum().backward()
    check_grads(ours, theirs)
    y2.sum().backward()
    y2t.sum().backward()
    check_grads(ours, theirs)
    assert_close(y1, y1t, **TOL)
    assert_close(y2, y2t, **TOL)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_backward_twice_with_retain_graph(name):
    ours, theirs = twins(name, num_layers=2)
    x, xt = inputs(3)
    loss, loss_t = ours(x)[0].pow(2).sum(), theirs(xt)[0].pow(2).sum()
    ours(inputs(4)[0])              # another call in between reuses free arrays only
    for _ in range(2):
        loss.backward(retain_graph=True)
        loss_t.backward(retain_graph=True)
    check_grads(ours, theirs)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_training_loop_matches_torch(name):
    """Same shapes every step, as in a training loop: buffers are reused each step."""
    ours, theirs = twins(name, batch_first=True)
    opt = teachtorch.optim.SGD(ours.parameters(), lr=0.1)
    opt_t = torch.optim.SGD(theirs.parameters(), lr=0.1)
    for step in range(4):
        x, xt = inputs(10 + step, (2, 6, 3))
        out, out_t = ours(x)[0], theirs(xt)[0]
        assert_close(out, out_t, **TOL)
        opt.zero_grad()
        opt_t.zero_grad()
        out[:, -1].pow(2).sum().backward()
        out_t[:, -1].pow(2).sum().backward()
        opt.step()
        opt_t.step()
    check_grads(ours, theirs)


def test_lstm_h0_without_grad_c0_with_grad():
    """h0 given but not differentiated (its GEMM is skipped), c0 differentiated."""
    ours, theirs = twins("LSTM", num_layers=2)
    x, xt = inputs(5)
    rng = np.random.default_rng(6)
    h = rng.standard_normal((2, 2, 5)).astype(np.float32)
    c = rng.standard_normal((2, 2, 5)).astype(np.float32)
    h0, h0t = teachtorch.tensor(h), torch.tensor(h)
    c0, c0t = teachtorch.tensor(c, requires_grad=True), torch.tensor(c,
                                                                    requires_grad=True)
    out, (_, cn) = ours(x, (h0, c0))
    out_t, (_, cn_t) = theirs(xt, (h0t, c0t))
    (out.sum() + cn.pow(2).sum()).backward()
    (out_t.sum() + cn_t.pow(2).sum()).backward()
    assert h0.grad is None
    assert_close(c0.grad, c0t.grad, **TOL)
    check_grads(ours, theirs)


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_on_device_matches_cpu(name, device):
    """The kernels take xp from the input, so the same model runs on the GPU."""
    results = []
    for dev in ("cpu", device):
        teachtorch.manual_seed(0)
        model = getattr(R, name)(3, 5, num_layers=2, bidirectional=True).to(dev)
        x = inputs(7)[0].to(dev).requires_grad_()
        out, _ = model(x)
        out.pow(2).sum().backward()
        assert out.device.type == dev and x.grad.device.type == dev
        results.append([out.cpu().detach().numpy(), x.grad.cpu().numpy()] +
                       [p.grad.cpu().numpy() for p in model.parameters()])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_packed_gru_on_device_matches_cpu(device):
    """pad_sequence -> pack_padded_sequence -> GRU -> pad_packed_sequence on device."""
    from teachtorch.nn.utils import rnn as U

    results = []
    for dev in ("cpu", device):
        teachtorch.manual_seed(0)
        model = R.GRU(3, 4, bidirectional=True).to(dev)
        seqs = [teachtorch.randn(n, 3).to(dev).requires_grad_() for n in (2, 5, 3)]
        padded = U.pad_sequence(seqs)
        packed = U.pack_padded_sequence(padded, [2, 5, 3], enforce_sorted=False)
        out, h = model(packed)
        out, lengths = U.pad_packed_sequence(out, batch_first=True)
        (out.pow(2).sum() + h.sum()).backward()
        assert out.device.type == dev and lengths.tolist() == [2, 5, 3]
        results.append([out.cpu().detach().numpy(), h.cpu().detach().numpy()] +
                       [s.grad.cpu().numpy() for s in seqs])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
