"""RNN / LSTM / GRU and their cells against PyTorch with identical weights: outputs,
h_n/c_n, input and h0 gradients, every parameter gradient, names, repr, init, errors."""
import numpy as np
import pytest
import torch

import teachtorch
from teachtorch.nn.modules import rnn as R
from helpers import assert_close

TOL = dict(rtol=1e-4, atol=1e-5)


def copy_weights(ours, theirs):
    """Load our parameters into the torch module (same names, same order)."""
    names = [n for n, _ in ours.named_parameters()]
    assert names == [n for n, _ in theirs.named_parameters()]
    theirs.load_state_dict({n: torch.tensor(p.detach().numpy().copy())
                            for n, p in ours.named_parameters()})


def pair(shape, rng, requires_grad=True):
    a = rng.standard_normal(shape).astype(np.float32)
    return (teachtorch.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def backward_both(outs, outs_t, rng):
    """Sum of each output times a fixed random weight, backward on both."""
    loss, loss_t = 0, 0
    for o, t in zip(outs, outs_t):
        w = rng.standard_normal(tuple(t.shape)).astype(np.float32)
        loss = loss + (o * teachtorch.tensor(w)).sum()
        loss_t = loss_t + (t * torch.tensor(w)).sum()
    loss.backward()
    loss_t.backward()


def check_param_grads(ours, theirs):
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert p.grad is not None, n
        assert_close(p.grad, q.grad, **TOL)


LAYER_CASES = [
    ("RNN", dict()),
    ("RNN", dict(nonlinearity="relu", num_layers=2)),
    ("RNN", dict(bias=False, batch_first=True)),
    ("LSTM", dict()),
    ("LSTM", dict(num_layers=2, bidirectional=True)),
    ("LSTM", dict(batch_first=True, bias=False, num_layers=3)),
    ("GRU", dict()),
    ("GRU", dict(num_layers=2, bidirectional=True, batch_first=True)),
    ("GRU", dict(bias=False, bidirectional=True)),
]


@pytest.mark.parametrize("with_h0", [False, True])
@pytest.mark.parametrize("name,kw", LAYER_CASES, ids=str)
def test_layer_matches_torch(name, kw, with_h0):
    ours = getattr(R, name)(3, 5, **kw)
    theirs = getattr(torch.nn, name)(3, 5, **kw)
    copy_weights(ours, theirs)
    rng = np.random.default_rng(0)
    x, xt = pair((2, 6, 3) if kw.get("batch_first") else (6, 2, 3), rng)
    states = (kw.get("num_layers", 1) * (2 if kw.get("bidirectional") else 1), 2, 5)
    args, args_t, leaves = [x], [xt], [(x, xt)]
    if with_h0:
        h, ht = pair(states, rng)
        leaves.append((h, ht))
        if name == "LSTM":
            c, ct = pair(states, rng)
            leaves.append((c, ct))
            args.append((h, c))
            args_t.append((ht, ct))
        else:
            args.append(h)
            args_t.append(ht)
    out, hn = ours(*args)
    out_t, hn_t = theirs(*args_t)
    hs, hs_t = (list(hn), list(hn_t)) if name == "LSTM" else ([hn], [hn_t])
    for o, t in zip([out] + hs, [out_t] + hs_t):
        assert_close(o, t, **TOL)
    backward_both([out] + hs, [out_t] + hs_t, rng)
    for o, t in leaves:
        assert_close(o.grad, t.grad, **TOL)
    check_param_grads(ours, theirs)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_unbatched_input(name):
    ours = getattr(R, name)(3, 4, num_layers=2)
    theirs = getattr(torch.nn, name)(3, 4, num_layers=2)
    copy_weights(ours, theirs)
    x, xt = pair((5, 3), np.random.default_rng(1))
    out, hn = ours(x)
    out_t, hn_t = theirs(xt)
    assert_close(out, out_t, **TOL)
    if name == "LSTM":
        hn, hn_t = hn[1], hn_t[1]
    assert_close(hn, hn_t, **TOL)
    out.sum().backward()
    out_t.sum().backward()
    assert_close(x.grad, xt.grad, **TOL)


CELL_CASES = [("RNNCell", dict()), ("RNNCell", dict(nonlinearity="relu")),
              ("RNNCell", dict(bias=False)), ("LSTMCell", dict()),
              ("LSTMCell", dict(bias=False)), ("GRUCell", dict()),
              ("GRUCell", dict(bias=False))]


@pytest.mark.parametrize("name,kw", CELL_CASES, ids=str)
def test_cell_matches_torch_over_a_loop(name, kw):
    ours = getattr(R, name)(3, 4, **kw)
    theirs = getattr(torch.nn, name)(3, 4, **kw)
    copy_weights(ours, theirs)
    rng = np.random.default_rng(2)
    xs = [pair((2, 3), rng) for _ in range(4)]
    h, ht = None, None
    outs, outs_t = [], []
    for x, xt in xs:           # the notes' loop: hidden = cell(input, hidden)
        h = ours(x, h)
        ht = theirs(xt, ht)
        outs.append(h[0] if name == "LSTMCell" else h)
        outs_t.append(ht[0] if name == "LSTMCell" else ht)
    for o, t in zip(outs, outs_t):
        assert_close(o, t, **TOL)
    backward_both(outs, outs_t, rng)
    for x, xt in xs:
        assert_close(x.grad, xt.grad, **TOL)
    check_param_grads(ours, theirs)
    assert repr(ours) == repr(theirs)


def test_cell_unbatched():
    ours, theirs = R.GRUCell(3, 4), torch.nn.GRUCell(3, 4)
    copy_weights(ours, theirs)
    x, xt = pair((3,), np.random.default_rng(3))
    assert_close(ours(x), theirs(xt), **TOL)
    ours, theirs = R.LSTMCell(3, 4), torch.nn.LSTMCell(3, 4)
    copy_weights(ours, theirs)
    h, c = ours(x)
    ht, ct = theirs(xt)
    assert_close(c, ct, **TOL)


def test_state_dict_names_and_shapes_match_torch():
    ours = R.LSTM(3, 5, num_layers=2, bidirectional=True)
    theirs = torch.nn.LSTM(3, 5, num_layers=2, bidirectional=True)
    sd, sd_t = ours.state_dict(), theirs.state_dict()
    assert list(sd) == list(sd_t)
    for k in sd:
        assert tuple(sd[k].shape) == tuple(sd_t[k].shape), k
    ours.flatten_parameters()   # a no-op, as on the CPU in torch


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell",
                                  "GRUCell"])
def test_default_init_is_uniform_in_one_over_sqrt_hidden(name):
    teachtorch.manual_seed(0)
    m = getattr(R, name)(32, 64)
    bound = 1 / np.sqrt(64)
    for n, p in m.named_parameters():
        a = p.detach().numpy()
        assert a.dtype == np.float32
        assert np.abs(a).max() <= bound, n
        assert np.abs(a).max() > 0.8 * bound, n      # spread over the whole interval
        assert abs(a.mean()) < 0.4 * bound, n


def test_dropout_between_layers_only_in_training():
    teachtorch.manual_seed(0)
    m = R.LSTM(3, 8, num_layers=2, dropout=0.5)
    x = teachtorch.randn(4, 2, 3)
    m.eval()
    a, _ = m(x)
    b, _ = m(x)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    m.train()
    c, _ = m(x)
    assert not np.allclose(a.detach().numpy(), c.detach().numpy())
    c.sum().backward()
    assert m.weight_ih_l0.grad is not None
    with pytest.warns(UserWarning, match="dropout option adds dropout"):
        R.GRU(3, 4, dropout=0.3)


def _errors(fn_ours, fn_torch, exc=RuntimeError):
    with pytest.raises(exc) as theirs:
        fn_torch()
    with pytest.raises(exc) as ours:
        fn_ours()
    first, _, rest = str(ours.value).partition("\nhint:")
    assert first == str(theirs.value)
    assert rest.strip()


def test_errors_are_torchs_plus_hint():
    m, mt = R.LSTM(10, 20, 2), torch.nn.LSTM(10, 20, 2)
    _errors(lambda: m(teachtorch.randn(5, 3, 7)), lambda: mt(torch.randn(5, 3, 7)))
    _errors(lambda: m(teachtorch.randn(5, 3, 10), (teachtorch.randn(1, 3, 20),
                                                   teachtorch.randn(2, 3, 20))),
            lambda: mt(torch.randn(5, 3, 10), (torch.randn(1, 3, 20),
                                               torch.randn(2, 3, 20))))
    _errors(lambda: m(teachtorch.randn(2, 5, 3, 10)),
            lambda: mt(torch.randn(2, 5, 3, 10)), ValueError)
    g, gt = R.GRU(10, 20), torch.nn.GRU(10, 20)
    _errors(lambda: g(teachtorch.randn(5, 3, 10), teachtorch.randn(2, 3, 20)),
            lambda: gt(torch.randn(5, 3, 10), torch.randn(2, 3, 20)))
    _errors(lambda: g(teachtorch.randn(5, 10), teachtorch.randn(1, 3, 20)),
            lambda: gt(torch.randn(5, 10), torch.randn(1, 3, 20)))
    c, ct = R.RNNCell(10, 20), torch.nn.RNNCell(10, 20)
    _errors(lambda: c(teachtorch.randn(3, 7)), lambda: ct(torch.randn(3, 7)))
    _errors(lambda: c(teachtorch.randn(3, 10), teachtorch.randn(2, 20)),
            lambda: ct(torch.randn(3, 10), torch.randn(2, 20)))
    _errors(lambda: c(teachtorch.randn(3, 10), teachtorch.randn(3, 21)),
            lambda: ct(torch.randn(3, 10), torch.randn(3, 21)))
    _errors(lambda: c(teachtorch.randn(2, 3, 10)), lambda: ct(torch.randn(2, 3, 10)),
            ValueError)
    _errors(lambda: m(teachtorch.randn(5, 3, 10).double()),
            lambda: mt(torch.randn(5, 3, 10).double()), ValueError)
    _errors(lambda: R.RNN(3, 4, nonlinearity="foo"),
            lambda: torch.nn.RNN(3, 4, nonlinearity="foo"), ValueError)
