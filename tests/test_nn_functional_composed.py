"""The extra activations, padding layers, InstanceNorm and margin/probabilistic
losses vs PyTorch: values, input gradients, reprs."""
import math

import numpy as np
import pytest
import torch
from helpers import assert_close

import teachtorch
import teachtorch.nn as tnn

RNG = np.random.default_rng(1)


def run_both(make, arrays, call=None, grad=(0,), atol=1e-5):
    """make(nn, lib) -> module; call(module, *tensors) -> output; compare."""
    outs = []
    for nn, lib in ((tnn, teachtorch), (torch.nn, torch)):
        m = make(nn, lib)
        ts = [lib.tensor(a, requires_grad=i in grad and a.dtype.kind == "f")
              for i, a in enumerate(arrays)]
        y = call(m, *ts) if call else m(*ts)
        g = np.random.default_rng(5).standard_normal(tuple(y.shape)).astype(
            np.float32)
        y.backward(lib.tensor(g))
        outs.append((repr(m), y, [ts[i].grad for i in grad]))
    (ro, yo, go), (rt, yt, gt) = outs
    assert ro == rt
    assert_close(yo, yt, atol=atol)
    for a, b in zip(go, gt):
        assert_close(a, b, atol=atol)


X = RNG.standard_normal((3, 4, 5)).astype(np.float32) * 2


@pytest.mark.parametrize("make", [
    lambda nn, lib: nn.Hardsigmoid(), lambda nn, lib: nn.Hardswish(),
    lambda nn, lib: nn.Softsign(), lambda nn, lib: nn.Tanhshrink(),
    lambda nn, lib: nn.Softshrink(), lambda nn, lib: nn.Hardshrink(0.3),
    lambda nn, lib: nn.GLU(), lambda nn, lib: nn.GLU(dim=1),
    lambda nn, lib: nn.Softmax2d(),
    lambda nn, lib: nn.ZeroPad2d((1, 2, 0, 3)), lambda nn, lib: nn.ZeroPad1d(2),
    lambda nn, lib: nn.ConstantPad1d(2, 3.5), lambda nn, lib: nn.ConstantPad2d(1, -1.0),
    lambda nn, lib: nn.ReflectionPad1d((2, 3)), lambda nn, lib: nn.ReflectionPad2d(1),
    lambda nn, lib: nn.ReplicationPad1d(2), lambda nn, lib: nn.ReplicationPad2d(
        (1, 0, 2, 3)),
    lambda nn, lib: nn.CircularPad1d(3), lambda nn, lib: nn.CircularPad2d((1, 0, 2, 3)),
    lambda nn, lib: nn.InstanceNorm1d(4), lambda nn, lib: nn.InstanceNorm1d(
        4, affine=True),
])
def test_layer(make):
    x = X[:, :, :4] if "GLU" in repr(make(tnn, teachtorch)) else X
    run_both(make, [x])


def test_instance_norm_2d_running_stats_and_errors():
    x = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    run_both(lambda nn, lib: nn.InstanceNorm2d(3, track_running_stats=True), [x])
    mo = tnn.InstanceNorm2d(3, track_running_stats=True)
    mt = torch.nn.InstanceNorm2d(3, track_running_stats=True)
    mo(teachtorch.tensor(x))
    mt(torch.tensor(x))
    assert_close(mo.running_mean, mt.running_mean, atol=1e-6)
    assert_close(mo.running_var, mt.running_var, atol=1e-6)
    mo.eval()
    mt.eval()
    assert_close(mo(teachtorch.tensor(x)), mt(torch.tensor(x)), atol=1e-5)
    with pytest.raises(RuntimeError, match="Halving dimension must be even"):
        tnn.GLU()(teachtorch.ones(2, 3))


N, C = 5, 4
A = RNG.standard_normal((N, C)).astype(np.float32)
B = RNG.standard_normal((N, C)).astype(np.float32)
Z = RNG.standard_normal((N, C)).astype(np.float32)
SIGN = np.where(RNG.random(N) > 0.5, 1.0, -1.0).astype(np.float32)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("make,arrays,grad", [
    (lambda nn, r: nn.MarginRankingLoss(0.3, reduction=r), [A[:, 0], B[:, 0], SIGN],
     (0, 1)),
    (lambda nn, r: nn.HingeEmbeddingLoss(0.5, reduction=r),
     [A, np.sign(B).astype(np.float32)], (0,)),
    (lambda nn, r: nn.SoftMarginLoss(reduction=r), [A, np.sign(B).astype(np.float32)],
     (0,)),
    (lambda nn, r: nn.CosineEmbeddingLoss(0.1, reduction=r), [A, B, SIGN], (0, 1)),
    (lambda nn, r: nn.TripletMarginLoss(reduction=r), [A, B, Z], (0, 1, 2)),
    (lambda nn, r: nn.TripletMarginLoss(margin=2.0, p=1, swap=True, reduction=r),
     [A, B, Z], (0, 1, 2)),
    (lambda nn, r: nn.PoissonNLLLoss(reduction=r), [A, np.abs(B) * 3], (0,)),
    (lambda nn, r: nn.PoissonNLLLoss(log_input=False, full=True, reduction=r),
     [np.abs(A) + 0.1, np.abs(B) * 3], (0,)),
    (lambda nn, r: nn.GaussianNLLLoss(reduction=r), [A, B, np.abs(Z) + 0.1], (0, 2)),
    (lambda nn, r: nn.GaussianNLLLoss(full=True, reduction=r),
     [A, B, np.abs(Z[:, :1]) + 0.1], (0, 2)),
    (lambda nn, r: nn.MultiLabelSoftMarginLoss(reduction=r),
     [A, (B > 0).astype(np.float32)], (0,)),
    (lambda nn, r: nn.MultiMarginLoss(reduction=r), [A, np.array([0, 3, 1, 1, 2])],
     (0,)),
    (lambda nn, r: nn.MultiMarginLoss(p=2, margin=0.5, reduction=r),
     [A, np.array([0, 3, 1, 1, 2])], (0,)),
])
def test_losses(make, arrays, grad, reduction):
    run_both(lambda nn, lib: make(nn, reduction), arrays, grad=grad)


IMG = RNG.standard_normal((2, 3, 5, 7)).astype(np.float32)
SEQ = RNG.standard_normal((2, 3, 6)).astype(np.float32)
VOL = RNG.standard_normal((1, 2, 3, 4, 2)).astype(np.float32)


@pytest.mark.parametrize("make,x", [
    (lambda nn, lib: nn.Upsample(scale_factor=2), IMG),
    (lambda nn, lib: nn.Upsample(size=(4, 9)), IMG),
    (lambda nn, lib: nn.Upsample(scale_factor=1.5), IMG),
    (lambda nn, lib: nn.Upsample(scale_factor=2, mode="bilinear"), IMG),
    (lambda nn, lib: nn.Upsample(scale_factor=(1.5, 2.5), mode="bilinear"), IMG),
    (lambda nn, lib: nn.Upsample(size=(3, 4), mode="bilinear"), IMG),
    (lambda nn, lib: nn.Upsample(size=(8, 11), mode="bilinear", align_corners=True),
     IMG),
    (lambda nn, lib: nn.UpsamplingBilinear2d(scale_factor=2), IMG),
    (lambda nn, lib: nn.UpsamplingNearest2d(size=(10, 3)), IMG),
    (lambda nn, lib: nn.Upsample(scale_factor=3, mode="linear"), SEQ),
    (lambda nn, lib: nn.Upsample(size=4), SEQ),
    (lambda nn, lib: nn.Upsample(scale_factor=2, mode="trilinear"), VOL),
    (lambda nn, lib: nn.Upsample(size=(3, 2, 5)), VOL),
    (lambda nn, lib: nn.PixelShuffle(2), RNG.standard_normal((2, 8, 3, 4)).astype(
        np.float32)),
    (lambda nn, lib: nn.PixelUnshuffle(2), RNG.standard_normal((2, 2, 4, 6)).astype(
        np.float32)),
    (lambda nn, lib: nn.RMSNorm(7), IMG),
    (lambda nn, lib: nn.RMSNorm((5, 7), eps=1e-3, elementwise_affine=False), IMG),
])
def test_resize_and_rmsnorm(make, x):
    run_both(make, [x])


def test_nearest_node_name_and_interpolate_errors():
    import torch.nn.functional as F

    import teachtorch.nn.functional as TF
    xo = teachtorch.tensor(IMG, requires_grad=True)
    xt = torch.tensor(IMG, requires_grad=True)
    assert TF.interpolate(xo, scale_factor=2).grad_fn.name() == F.interpolate(
        xt, scale_factor=2).grad_fn.name()
    for Fn, lib in ((TF, teachtorch), (F, torch)):
        x = lib.tensor(IMG)
        with pytest.raises(ValueError, match="either size or scale_factor should"):
            Fn.interpolate(x)
        with pytest.raises(ValueError, match="only one of size or scale_factor"):
            Fn.interpolate(x, size=3, scale_factor=2)
        with pytest.raises(ValueError, match="align_corners option can only be set"):
            Fn.interpolate(x, scale_factor=2, align_corners=True)
        with pytest.raises(RuntimeError, match="divisible by the square of "
                           "upscale_factor"):
            Fn.pixel_shuffle(x, 2)


def test_inplace_functional_spellings():
    import torch.nn.functional as F

    import teachtorch.nn.functional as TF
    for name, args in [("elu_", ()), ("leaky_relu_", (0.2,)), ("selu_", ()),
                       ("celu_", (0.5,)), ("threshold_", (0.1, 2.0)),
                       ("hardtanh_", (-0.5, 0.5))]:
        xo, xt = teachtorch.tensor(A.copy()), torch.tensor(A.copy())
        yo = getattr(TF, name)(xo, *args)
        getattr(F, name)(xt, *args)
        assert yo is xo
        assert_close(xo, xt, atol=1e-6)


@pytest.mark.parametrize("kwargs", [
    {}, {"is_causal": True}, {"scale": 0.3},
    {"attn_mask": np.tril(np.ones((4, 6), bool), 2)},
    {"attn_mask": RNG.standard_normal((4, 6)).astype(np.float32)},
])
def test_scaled_dot_product_attention(kwargs):
    import torch.nn.functional as F

    import teachtorch.nn.functional as TF
    q = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    k = RNG.standard_normal((2, 3, 6, 5)).astype(np.float32)
    v = RNG.standard_normal((2, 3, 6, 2)).astype(np.float32)
    results = []
    for Fn, lib in ((TF, teachtorch), (F, torch)):
        ts = [lib.tensor(a, requires_grad=True) for a in (q, k, v)]
        kw = {n: (lib.tensor(a) if isinstance(a, np.ndarray) else a)
              for n, a in kwargs.items()}
        out = Fn.scaled_dot_product_attention(*ts, **kw)
        (out * out).sum().backward()
        results.append([out] + [t.grad for t in ts])
    for a, b in zip(*results):
        assert_close(a, b, atol=1e-5)


@pytest.mark.parametrize("kwargs,call", [
    ({}, {}),
    ({"batch_first": True}, {}),
    ({}, {"average_attn_weights": False}),
    ({"bias": False}, {"need_weights": False}),
    ({}, {"attn_mask": np.triu(np.ones((4, 6), bool), 1)}),
    ({"batch_first": True}, {"key_padding_mask": np.array([[0, 0, 0, 0, 1, 1],
                                                           [0, 0, 0, 0, 0, 1]], bool)}),
    ({}, {"attn_mask": RNG.standard_normal((4, 6)).astype(np.float32)}),
])
def test_multihead_attention(kwargs, call):
    shape_q, shape_kv = ((2, 4, 8), (2, 6, 8)) if kwargs.get("batch_first") else \
        ((4, 2, 8), (6, 2, 8))
    q = RNG.standard_normal(shape_q).astype(np.float32)
    kv = RNG.standard_normal(shape_kv).astype(np.float32)
    torch.manual_seed(0)
    mt = torch.nn.MultiheadAttention(8, 2, **kwargs)
    mo = tnn.MultiheadAttention(8, 2, **kwargs)
    assert repr(mo) == repr(mt)
    assert list(mo.state_dict()) == list(mt.state_dict())
    mo.load_state_dict({k: teachtorch.tensor(v.numpy()) for k, v in
                        mt.state_dict().items()})
    outs = []
    for m, lib in ((mo, teachtorch), (mt, torch)):
        xq = lib.tensor(q, requires_grad=True)
        xkv = lib.tensor(kv, requires_grad=True)
        kw = {n: lib.tensor(a) for n, a in call.items() if isinstance(a, np.ndarray)}
        kw.update({n: a for n, a in call.items() if not isinstance(a, np.ndarray)})
        out, w = m(xq, xkv, xkv, **kw)
        (out * out).sum().backward()
        outs.append((out, w, xq.grad, xkv.grad, m.in_proj_weight.grad))
    for a, b in zip(*outs):
        if b is None:
            assert a is None
        else:
            assert_close(a, b, atol=1e-5)


def test_multihead_attention_default_init():
    m = tnn.MultiheadAttention(64, 4)
    bound = math.sqrt(6 / (64 + 192))  # xavier_uniform_ on the (3E, E) packed weight
    w = m.in_proj_weight.detach().numpy()
    assert np.abs(w).max() <= bound and abs(w.std() - bound / math.sqrt(3)) < 0.05 * bound
    assert float(m.in_proj_bias.abs().sum()) == 0 == float(m.out_proj.bias.abs().sum())


def test_multihead_attention_unbatched_and_causal():
    q = RNG.standard_normal((5, 8)).astype(np.float32)
    torch.manual_seed(1)
    mt = torch.nn.MultiheadAttention(8, 4)
    mo = tnn.MultiheadAttention(8, 4)
    mo.load_state_dict({k: teachtorch.tensor(v.numpy()) for k, v in
                        mt.state_dict().items()})
    mask = np.triu(np.ones((5, 5), bool), 1)
    oo, wo = mo(*[teachtorch.tensor(q)] * 3, attn_mask=teachtorch.tensor(mask))
    ot, wt = mt(*[torch.tensor(q)] * 3, attn_mask=torch.tensor(mask))
    assert_close(oo, ot, atol=1e-5)
    assert_close(wo, wt, atol=1e-6)
