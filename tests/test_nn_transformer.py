"""nn.Transformer and its parts against PyTorch: state_dict keys and shapes, repr,
the construction warning, and with the same weights the same outputs and gradients
(masks, padding masks, batch_first, norm_first, gelu)."""
import warnings

import numpy as np
import pytest
from helpers import assert_close

import teachtorch

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(8)
SRC = RNG.standard_normal((5, 2, 8)).astype(np.float32)
TGT = RNG.standard_normal((4, 2, 8)).astype(np.float32)


def _pair(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours, theirs = make(teachtorch), make(torch)
    theirs.load_state_dict({k: torch.tensor(v.detach().numpy())
                            for k, v in ours.state_dict().items()})
    return ours, theirs


def _same_keys(ours, theirs):
    assert [(k, tuple(v.shape)) for k, v in ours.state_dict().items()] == \
        [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]


CASES = {
    "encoder_layer": (lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0),
                      lambda lib, m, s, t: m(s)),
    "encoder_layer_masks": (
        lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16, 0.0, norm_first=True,
                                                   activation="gelu"),
        lambda lib, m, s, t: m(s, src_mask=lib.nn.Transformer
                               .generate_square_subsequent_mask(5),
                               src_key_padding_mask=lib.tensor(
                                   [[False] * 5, [False] * 3 + [True] * 2]))),
    "decoder_layer": (lambda lib: lib.nn.TransformerDecoderLayer(8, 2, 16, 0.0),
                      lambda lib, m, s, t: m(t, s)),
    "encoder_stack": (
        lambda lib: lib.nn.TransformerEncoder(
            lib.nn.TransformerEncoderLayer(8, 2, 16, 0.0, batch_first=True), 2,
            lib.nn.LayerNorm(8)),
        lambda lib, m, s, t: m(s.transpose(0, 1))),
    "transformer": (
        lambda lib: lib.nn.Transformer(8, 2, 2, 2, 16, dropout=0.0),
        lambda lib, m, s, t: m(s, t, tgt_mask=lib.nn.Transformer
                               .generate_square_subsequent_mask(4))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_weights_same_outputs_and_gradients(name):
    make, call = CASES[name]
    ours, theirs = _pair(make)
    _same_keys(ours, theirs)
    results = []
    for lib, m in ((teachtorch, ours), (torch, theirs)):
        s = lib.tensor(SRC, requires_grad=True)
        t = lib.tensor(TGT, requires_grad=True)
        y = call(lib, m, s, t)
        (y * lib.tensor(np.cos(np.arange(y.numel())).reshape(tuple(y.shape)),
                        dtype=lib.float32)).sum().backward()
        grads = [p.grad for p in m.parameters()]
        results.append((y, s.grad, grads))
    (y, g, pg), (ty, tg, tpg) = results
    assert_close(y, ty, rtol=1e-4, atol=1e-5)
    assert_close(g, tg, rtol=1e-4, atol=1e-5)
    for a, b in zip(pg, tpg):
        assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_parameter_count_repr_and_warning_like_torch():
    def build(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            m = lib.nn.Transformer(16, 4, 1, 1, 32)
        return m, [str(w.message) for w in caught]
    (ours, w), (theirs, tw) = build(teachtorch), build(torch)
    assert w == tw and len(w) == 1
    assert sum(p.numel() for p in ours.parameters()) == \
        sum(p.numel() for p in theirs.parameters())
    assert repr(ours.encoder.layers[0]) == repr(theirs.encoder.layers[0])


def test_square_subsequent_mask_like_torch():
    ours = teachtorch.nn.Transformer.generate_square_subsequent_mask(4)
    theirs = torch.nn.Transformer.generate_square_subsequent_mask(4)
    assert_close(ours, theirs)
