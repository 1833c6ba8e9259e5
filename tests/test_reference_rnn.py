"""nn.RNN / LSTM / GRU: the reference (ops/rnn.py, cell equations looped over time)
and the fast kernel (ops/_kernels/rnn.py) give the same outputs, gradients and second
derivatives; the reference passes gradgradcheck and matches PyTorch."""
import numpy as np
import pytest
import torch
from helpers import assert_close

import teachtorch
from teachtorch.nn.utils.rnn import pack_padded_sequence
from teachtorch.ops.rnn import rnn_reference, rnn_stack
from teachtorch.reference import reference_of

CASES = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2, "bidirectional": True}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"batch_first": True, "bias": False}),
    ("GRU", {"num_layers": 2, "batch_first": True, "bidirectional": True}),
    ("GRU", {"bias": False}),
]


def _model(name, kw, dtype, seed):
    teachtorch.manual_seed(seed)
    m = getattr(teachtorch.nn, name)(3, 4, **kw)
    return m.double() if dtype == "float64" else m


def _inputs(m, rng, dtype, seq=5, batch=3, strided=False):
    shape = (batch, seq, 3) if m.batch_first else (seq, batch, 3)
    a = rng.standard_normal(shape).astype(dtype)
    if strided:                       # a non-contiguous view of a wider leaf
        a = np.concatenate([a, a], axis=-1)
    leaf = teachtorch.tensor(a, requires_grad=True)
    x = leaf[..., ::2] if strided else leaf
    dirs = 2 if m.bidirectional else 1
    h0 = teachtorch.tensor(rng.standard_normal((m.num_layers * dirs, batch, 4))
                           .astype(dtype), requires_grad=True)
    c0 = teachtorch.tensor(rng.standard_normal(h0.shape).astype(dtype),
                           requires_grad=True)
    return leaf, x, (h0, c0) if m.mode == "LSTM" else h0


def _run(m, x, hx, reference):
    with teachtorch.reference_mode(reference):
        out, h = m(x, hx)
    return [out] + (list(h) if m.mode == "LSTM" else [h])


def _grads(outs, wrt, create_graph=False):
    loss = sum((o * o).sum() * (k + 1) for k, o in enumerate(outs))
    return teachtorch.autograd.grad(loss, wrt, create_graph=create_graph)


def _leaves(x, hx, m):
    states = list(hx) if isinstance(hx, tuple) else [hx]
    return [x] + states + list(m.parameters())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kw", CASES, ids=str)
def test_reference_and_kernel_agree(name, kw, dtype):
    rng = np.random.default_rng(len(name) + len(kw))
    m = _model(name, kw, dtype, 1)
    tol = {"rtol": 1e-4, "atol": 1e-5} if dtype == "float32" else {"rtol": 1e-9,
                                                                      "atol": 1e-10}
    for strided in (False, True):
        leaf, x, hx = _inputs(m, rng, dtype, strided=strided)
        fast, ref = _run(m, x, hx, False), _run(m, x, hx, True)
        for a, b in zip(fast, ref):
            assert a.dtype == b.dtype and a.shape == b.shape
            assert_close(a, b, **tol)
        wrt = _leaves(leaf, hx, m)
        for a, b in zip(_grads(fast, wrt), _grads(ref, wrt)):
            assert_close(a, b, **tol)


@pytest.mark.parametrize("name,kw", CASES, ids=str)
def test_second_derivatives_agree(name, kw):
    """A gradient penalty: d/dW of |dL/dx|^2, through the fast kernel (which falls
    back to the reference) and through the reference."""
    rng = np.random.default_rng(7)
    m = _model(name, kw, "float64", 2)
    _, x, hx = _inputs(m, rng, "float64", seq=3, batch=2)
    results = []
    for reference in (False, True):
        outs = _run(m, x, hx, reference)
        (gx,) = _grads(outs, [x], create_graph=True)
        results.append(teachtorch.autograd.grad((gx * gx).sum(), _leaves(x, hx, m)))
    for a, b in zip(*results):
        assert_close(a, b, rtol=1e-8, atol=1e-10)


def test_packed_sequences_and_dropout_agree():
    rng = np.random.default_rng(3)
    teachtorch.manual_seed(0)
    m = teachtorch.nn.LSTM(3, 4, num_layers=3, bidirectional=True, dropout=0.4).double()
    padded = teachtorch.tensor(rng.standard_normal((6, 4, 3)), requires_grad=True)
    lengths = [3, 6, 2, 5]                         # unsorted: uses sorted_indices
    results = []
    for reference in (False, True):
        teachtorch.manual_seed(11)                  # the same dropout masks
        packed = pack_padded_sequence(padded, lengths, enforce_sorted=False)
        outs = _run(m, packed, None, reference)
        outs[0] = outs[0].data
        results.append((outs, _grads(outs, [padded] + list(m.parameters()))))
    for a, b in zip(results[0][0] + list(results[0][1]),
                    results[1][0] + list(results[1][1])):
        assert_close(a, b, rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("mode", ["LSTM", "GRU", "RNN_TANH"])
def test_reference_gradgradcheck(mode):
    rng = np.random.default_rng(5)
    k = {"LSTM": 4, "GRU": 3}.get(mode, 1)

    def t(*shape):
        return teachtorch.tensor(rng.standard_normal(shape) * 0.5, requires_grad=True)
    x, h0, c0 = t(3, 2, 2), t(1, 2, 2), t(1, 2, 2) if mode == "LSTM" else None
    w = [t(2 * k, 2), t(2 * k, 2), t(2 * k), t(2 * k)]

    def f(x, h0, *w):
        out = rnn_reference(mode, x, h0, c0, w, 1, False, True)
        return out[0], out[1]
    assert teachtorch.autograd.gradgradcheck(f, (x, h0, *w))


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_reference_matches_torch(name):
    rng = np.random.default_rng(9)
    ours = getattr(teachtorch.nn, name)(3, 4, num_layers=2, bidirectional=True)
    theirs = getattr(torch.nn, name)(3, 4, num_layers=2, bidirectional=True)
    theirs.load_state_dict({n: torch.tensor(p.detach().numpy())
                            for n, p in ours.named_parameters()})
    a = rng.standard_normal((5, 2, 3)).astype(np.float32)
    x = teachtorch.tensor(a, requires_grad=True)
    xt = torch.tensor(a, requires_grad=True)
    with teachtorch.reference_mode():
        out, _ = ours(x)
    out_t, _ = theirs(xt)
    assert_close(out, out_t, rtol=1e-4, atol=1e-5)
    (out * out).sum().backward()
    (out_t * out_t).sum().backward()
    assert_close(x.grad, xt.grad, rtol=1e-4, atol=1e-5)
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p.grad, q.grad, rtol=1e-4, atol=1e-5)


def test_reference_is_published():
    assert reference_of(rnn_stack) is rnn_reference
    for cls in (teachtorch.nn.RNN, teachtorch.nn.LSTM, teachtorch.nn.GRU):
        assert reference_of(cls) is rnn_reference


@pytest.mark.parametrize("reference", [False, True])
def test_gradient_penalty_through_packed_gru_matches_torch(reference):
    """|d loss / d input|^2 differentiated again, through pack -> GRU -> pad."""
    rng = np.random.default_rng(12)
    a = rng.standard_normal((4, 3, 2))
    lengths = [4, 2, 3]
    results = []
    for lib in (teachtorch, torch):
        lib.manual_seed(0)
        gru = lib.nn.GRU(2, 3, bidirectional=True).double()
        if lib is torch:
            gru.load_state_dict({n: torch.tensor(p.detach().numpy())
                                 for n, p in ours.named_parameters()})
        else:
            ours = gru
        x = lib.tensor(a, requires_grad=True)
        rnn_utils = lib.nn.utils.rnn
        with teachtorch.reference_mode(reference):
            packed = rnn_utils.pack_padded_sequence(x, lengths, enforce_sorted=False)
            out, h = gru(packed)
            padded, _ = rnn_utils.pad_packed_sequence(out)
            loss = (padded ** 2).sum() + (h ** 3).sum()
            (gx,) = lib.autograd.grad(loss, x, create_graph=True)
            grads = lib.autograd.grad((gx ** 2).sum(), [x] + list(gru.parameters()))
        results.append([gx] + list(grads))
    for a_, b_ in zip(*results):
        assert_close(a_, b_, rtol=1e-8, atol=1e-10)
