"""Parity with PyTorch for the layers and functions added by the API audit:
ConvTranspose1d, 1-D adaptive max pooling and unpooling, LPPool, LocalResponseNorm,
ChannelShuffle, *_with_indices, RReLU / AlphaDropout (eval and statistics),
gumbel_softmax, NLLLoss2d. Same weights, same inputs: values, gradients, reprs.
"""
import warnings

import numpy as np
import pytest
from helpers import assert_close, both

import teachtorch

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(4)
SIG = RNG.standard_normal((2, 4, 9))
IMG = RNG.standard_normal((2, 4, 6, 7))

CASES = {
    "conv_transpose1d": lambda lib, x, w: lib.nn.functional.conv_transpose1d(
        x, w, lib.tensor(np.arange(3.0)), stride=2, padding=1, output_padding=1),
    "conv_transpose1d_groups": lambda lib, x, w: lib.nn.functional.conv_transpose1d(
        x, w.reshape(4, 3, 3)[:, :1].repeat(1, 2, 1), groups=2, dilation=2),
    "adaptive_max_pool1d": lambda lib, x, w: lib.nn.functional.adaptive_max_pool1d(x, 4),
    "max_pool1d_with_indices": lambda lib, x, w: lib.nn.functional.max_pool1d_with_indices(
        x, 3, 2)[0],
    "lp_pool1d": lambda lib, x, w: lib.nn.functional.lp_pool1d(x, 2, 3, 2),
    "lp_pool2d": lambda lib, x, w: lib.nn.functional.lp_pool2d(
        x.reshape(2, 4, 3, 3), 3, 2),
    "local_response_norm": lambda lib, x, w: lib.nn.functional.local_response_norm(
        x, 3, alpha=0.1, beta=0.6, k=2.0),
    "local_response_norm_4d": lambda lib, x, w: lib.nn.functional.local_response_norm(
        x.reshape(2, 4, 3, 3), 2),
    "channel_shuffle": lambda lib, x, w: lib.nn.functional.channel_shuffle(x, 2),
    "rrelu_eval": lambda lib, x, w: lib.nn.functional.rrelu(x, 0.1, 0.3),
    "pdist": lambda lib, x, w: lib.nn.functional.pdist(x[0]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_functions_like_torch(name):
    def run(lib):
        x = lib.tensor(SIG, requires_grad=True)
        w = lib.tensor(RNG_W, requires_grad=True)
        y = CASES[name](lib, x, w)
        (y * y.detach().cos()).sum().backward()
        return y, x.grad, w.grad
    for ours, theirs in zip(*both(run)):
        if theirs is None:
            assert ours is None
        else:
            assert_close(ours, theirs, rtol=1e-8, atol=1e-9)


RNG_W = np.random.default_rng(5).standard_normal((4, 3, 3))


def test_with_indices_and_unpool_like_torch():
    def run(lib):
        F = lib.nn.functional
        x = lib.tensor(SIG)
        y, idx = F.max_pool1d_with_indices(x, 2)
        y2, idx2 = F.max_pool2d_with_indices(lib.tensor(IMG), 2)
        y3, idx3 = F.adaptive_max_pool2d_with_indices(lib.tensor(IMG), (2, 3))
        y4, idx4 = F.adaptive_max_pool1d(x, 3, return_indices=True)
        un = F.max_unpool1d(y, idx, 2, output_size=[9])
        return y, idx, y2, idx2, y3, idx3, y4, idx4, un
    for ours, theirs in zip(*both(run)):
        assert_close(ours, theirs)


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.ConvTranspose1d(4, 6, 3, stride=2, padding=1, bias=False),
    lambda lib: lib.nn.AdaptiveMaxPool1d(3), lambda lib: lib.nn.LPPool1d(2, 3),
    lambda lib: lib.nn.LocalResponseNorm(3), lambda lib: lib.nn.ChannelShuffle(2),
    lambda lib: lib.nn.RReLU(0.1, 0.2), lambda lib: lib.nn.AlphaDropout(0.3),
    lambda lib: lib.nn.FeatureAlphaDropout(0.3),
])
def test_modules_repr_and_eval_output_like_torch(make):
    def run(lib):
        lib.manual_seed(0)
        m = make(lib).eval()
        if hasattr(m, "weight"):
            with lib.no_grad():
                m.weight.copy_(lib.tensor(np.cos(np.arange(m.weight.numel())).reshape(
                    m.weight.shape), dtype=m.weight.dtype))
        return repr(m), m(lib.tensor(SIG, dtype=lib.float32))
    (r, y), (tr, ty) = both(run)
    assert r == tr
    assert_close(y, ty, rtol=1e-5, atol=1e-6)


def test_conv_transpose1d_output_size_and_params_like_torch():
    def run(lib):
        m = lib.nn.ConvTranspose1d(4, 2, 3, stride=2)
        return [tuple(p.shape) for p in m.parameters()], \
            tuple(m(lib.ones(1, 4, 5), output_size=[12]).shape)
    ours, theirs = both(run)
    assert ours == theirs


def test_training_randomness_has_the_right_statistics():
    teachtorch.manual_seed(0)
    x = -teachtorch.ones(100000)
    slopes = -teachtorch.nn.functional.rrelu(x, 0.1, 0.3, training=True)
    assert 0.1 <= float(slopes.min()) and float(slopes.max()) <= 0.3
    assert abs(float(slopes.mean()) - 0.2) < 0.002
    z = teachtorch.randn(200000)
    d = teachtorch.nn.functional.alpha_dropout(z, 0.2, training=True)
    assert abs(float(d.mean())) < 0.01 and abs(float(d.std()) - 1) < 0.01


def test_gumbel_softmax_samples_the_softmax():
    teachtorch.manual_seed(0)
    logits = teachtorch.tensor([[1.0, 2.0, 0.5]]).repeat(20000, 1)
    soft = teachtorch.nn.functional.gumbel_softmax(logits, tau=0.5)
    hard = teachtorch.nn.functional.gumbel_softmax(logits, hard=True)
    assert_close(soft.sum(-1), torch.ones(20000), atol=1e-5)
    freq = hard.mean(0).numpy()
    want = torch.softmax(torch.tensor([1.0, 2.0, 0.5]), 0).numpy()
    np.testing.assert_allclose(freq, want, atol=0.015)
    assert set(np.unique(hard.numpy())) <= {0.0, 1.0}


def test_nllloss2d_warns_like_torch():
    def run(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loss = lib.nn.NLLLoss2d()
        logp = lib.log_softmax(lib.tensor(IMG, dtype=lib.float32), 1)
        target = lib.tensor(np.argmax(IMG, 1) % 4)
        return loss(logp, target), [(w.category.__name__, str(w.message)) for w in caught]
    (l, w), (tl, tw) = both(run)
    assert_close(l, tl, rtol=1e-5)
    assert w == tw


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_multilabel_and_triplet_with_distance_losses_like_torch(reduction):
    def run(lib):
        x = lib.tensor(IMG[0, 0, :3, :5], requires_grad=True)
        target = lib.tensor([[3, 0, -1, 1, 1], [1, 2, 4, -1, 0], [-1, 0, 0, 0, 0]])
        a = lib.nn.MultiLabelMarginLoss(reduction=reduction)(x, target)
        anchor = lib.tensor(SIG[0], requires_grad=True)
        cos = lib.nn.TripletMarginWithDistanceLoss(
            distance_function=lambda u, v: 1 - lib.nn.functional.cosine_similarity(u, v),
            margin=0.5, swap=True, reduction=reduction)
        b = cos(anchor, lib.tensor(SIG[1]), lib.tensor(SIG[0] * 0.5 + SIG[1]))
        c = lib.nn.functional.triplet_margin_with_distance_loss(
            anchor, lib.tensor(SIG[1]), lib.tensor(-SIG[0]), reduction=reduction)
        (a.sum() + b.sum() + c.sum()).backward()
        return a, b, c, x.grad, anchor.grad
    for ours, theirs in zip(*both(run)):
        assert_close(ours, theirs, rtol=1e-8, atol=1e-9)
