"""PackedSequence utilities and RNNs on packed input, against PyTorch."""
import numpy as np
import pytest
import torch
from torch.nn.utils import rnn as trnn

import teachtorch
from teachtorch.nn.modules import rnn as R
from teachtorch.nn.utils import rnn as U
from helpers import assert_close
from test_rnn_layers import TOL, backward_both, check_param_grads, copy_weights, pair


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("lengths,enforce", [([5, 3, 2], True), ([3, 5, 2, 5], False),
                                             ([1, 4, 2], False), ([4, 4, 4], True)])
def test_pack_and_pad_roundtrip_match_torch(lengths, enforce, batch_first):
    rng = np.random.default_rng(0)
    t_max = max(lengths) + 1          # padded a step longer than the longest sequence
    shape = (len(lengths), t_max, 2) if batch_first else (t_max, len(lengths), 2)
    x, xt = pair(shape, rng)
    p = U.pack_padded_sequence(x, lengths, batch_first=batch_first,
                               enforce_sorted=enforce)
    pt = trnn.pack_padded_sequence(xt, torch.tensor(lengths), batch_first=batch_first,
                                   enforce_sorted=enforce)
    assert_close(p.data, pt.data)
    assert p.batch_sizes.tolist() == pt.batch_sizes.tolist()
    for a, b in ((p.sorted_indices, pt.sorted_indices),
                 (p.unsorted_indices, pt.unsorted_indices)):
        assert (a is None) == (b is None)
        if a is not None:
            assert a.tolist() == b.tolist()
    for total in (None, t_max + 2):
        out, lens = U.pad_packed_sequence(p, batch_first=batch_first,
                                          padding_value=-1.0, total_length=total)
        out_t, lens_t = trnn.pad_packed_sequence(pt, batch_first=batch_first,
                                                 padding_value=-1.0, total_length=total)
        assert_close(out, out_t)
        assert lens.tolist() == lens_t.tolist() and str(lens.dtype) == str(lens_t.dtype)
    w = rng.standard_normal(tuple(out_t.shape)).astype(np.float32)
    (out * teachtorch.tensor(w)).sum().backward()
    (out_t * torch.tensor(w)).sum().backward()
    assert_close(x.grad, xt.grad)


def test_pad_sequence_and_pack_sequence():
    rng = np.random.default_rng(1)
    seqs = [pair((n, 3), rng) for n in (2, 4, 3)]
    for kw in (dict(), dict(batch_first=True, padding_value=7.0),
               dict(padding_side="left")):
        out = U.pad_sequence([s[0] for s in seqs], **kw)
        out_t = trnn.pad_sequence([s[1] for s in seqs], **kw)
        assert_close(out, out_t)
    w = rng.standard_normal(tuple(out_t.shape)).astype(np.float32)
    (out * teachtorch.tensor(w)).sum().backward()
    (out_t * torch.tensor(w)).sum().backward()
    for a, b in seqs:
        assert_close(a.grad, b.grad)
    p = U.pack_sequence([s[0] for s in seqs], enforce_sorted=False)
    pt = trnn.pack_sequence([s[1] for s in seqs], enforce_sorted=False)
    assert_close(p.data, pt.data)
    assert p.batch_sizes.tolist() == pt.batch_sizes.tolist()
    back = U.unpack_sequence(p)
    for b, (s, _) in zip(back, seqs):
        np.testing.assert_array_equal(b.detach().numpy(), s.detach().numpy())


def test_pack_errors_are_torchs_plus_hint():
    x = np.zeros((5, 3, 2), np.float32)
    with pytest.raises(RuntimeError) as theirs:
        trnn.pack_padded_sequence(torch.tensor(x), [3, 5, 2])
    with pytest.raises(RuntimeError) as ours:
        U.pack_padded_sequence(teachtorch.tensor(x), [3, 5, 2])
    first, _, rest = str(ours.value).partition("\nhint:")
    assert first == str(theirs.value) and "enforce_sorted=False" in rest
    p = U.pack_padded_sequence(teachtorch.tensor(x), [5, 3, 2])
    pt = trnn.pack_padded_sequence(torch.tensor(x), [5, 3, 2])
    with pytest.raises(ValueError) as theirs:
        trnn.pad_packed_sequence(pt, total_length=3)
    with pytest.raises(ValueError) as ours:
        U.pad_packed_sequence(p, total_length=3)
    assert str(ours.value).partition("\nhint:")[0] == str(theirs.value)


@pytest.mark.parametrize("name,kw", [
    ("LSTM", dict(num_layers=2, bidirectional=True)),
    ("GRU", dict(num_layers=2, bidirectional=True)),
    ("RNN", dict(batch_first=True)),
    ("LSTM", dict(batch_first=True, bidirectional=True)),
], ids=str)
@pytest.mark.parametrize("enforce", [True, False])
def test_rnn_on_packed_input_matches_torch(name, kw, enforce):
    """Final states come from each sequence's own length; packed output too."""
    ours = getattr(R, name)(3, 4, **kw)
    theirs = getattr(torch.nn, name)(3, 4, **kw)
    copy_weights(ours, theirs)
    rng = np.random.default_rng(2)
    lengths = [6, 4, 4, 1] if enforce else [4, 6, 1, 4]
    bf = kw.get("batch_first", False)
    x, xt = pair((4, 6, 3) if bf else (6, 4, 3), rng)
    dirs = 2 if kw.get("bidirectional") else 1
    h, ht = pair((kw.get("num_layers", 1) * dirs, 4, 4), rng)
    p = U.pack_padded_sequence(x, lengths, batch_first=bf, enforce_sorted=enforce)
    pt = trnn.pack_padded_sequence(xt, lengths, batch_first=bf, enforce_sorted=enforce)
    if name == "LSTM":
        c, ct = pair(tuple(h.shape), rng)
        out, (hn, cn) = ours(p, (h, c))
        out_t, (hn_t, cn_t) = theirs(pt, (ht, ct))
        states, states_t = [hn, cn], [hn_t, cn_t]
    else:
        out, hn = ours(p, h)
        out_t, hn_t = theirs(pt, ht)
        states, states_t = [hn], [hn_t]
    assert isinstance(out, U.PackedSequence)
    assert out.batch_sizes.tolist() == out_t.batch_sizes.tolist()
    assert_close(out.data, out_t.data, **TOL)
    for a, b in zip(states, states_t):
        assert_close(a, b, **TOL)
    padded, _ = U.pad_packed_sequence(out, batch_first=bf)
    padded_t, _ = trnn.pad_packed_sequence(out_t, batch_first=bf)
    backward_both([padded] + states, [padded_t] + states_t, rng)
    assert_close(x.grad, xt.grad, **TOL)
    assert_close(h.grad, ht.grad, **TOL)
    check_param_grads(ours, theirs)


def test_packed_sequence_repr_and_tuple_behaviour_match_torch():
    x = np.arange(12, dtype=np.float32).reshape(4, 3, 1)
    for lengths, enforce in (([4, 2, 1], True), ([2, 4, 1], False)):
        p = U.pack_padded_sequence(teachtorch.tensor(x), lengths,
                                   enforce_sorted=enforce)
        pt = trnn.pack_padded_sequence(torch.tensor(x), lengths, enforce_sorted=enforce)
        assert repr(p) == repr(pt)
        data, batch_sizes, sorted_indices, unsorted_indices = p   # a named tuple
        assert batch_sizes.tolist() == pt.batch_sizes.tolist()


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_float64_packed_bidirectional_is_exact(name):
    """In float64 the fused kernels agree with torch to ~1e-12 (no float32 noise)."""
    ours = getattr(R, name)(3, 4, num_layers=2, bidirectional=True).double()
    theirs = getattr(torch.nn, name)(3, 4, num_layers=2, bidirectional=True).double()
    theirs.load_state_dict({k: torch.tensor(v.numpy().copy())
                            for k, v in ours.state_dict().items()})
    a = np.random.default_rng(5).standard_normal((6, 3, 3))
    x = teachtorch.tensor(a, requires_grad=True)
    xt = torch.tensor(a, requires_grad=True)
    p = U.pack_padded_sequence(x, [4, 6, 2], enforce_sorted=False)
    pt = trnn.pack_padded_sequence(xt, [4, 6, 2], enforce_sorted=False)
    out, hn = ours(p)
    out_t, hn_t = theirs(pt)
    if name == "LSTM":
        hn, hn_t = hn[0] + 2 * hn[1], hn_t[0] + 2 * hn_t[1]
    tight = dict(rtol=1e-10, atol=1e-12)
    assert_close(out.data, out_t.data, **tight)
    (out.data.sum() + (hn * hn).sum()).backward()
    (out_t.data.sum() + (hn_t * hn_t).sum()).backward()
    assert_close(x.grad, xt.grad, **tight)
    for (n, q), (_, qt) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(q.grad, qt.grad, **tight)
