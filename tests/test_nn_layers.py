"""nn layers and nn.functional vs PyTorch: forward, input grad, parameter grads, repr,
grad_fn names, default init distributions, train/eval behaviour."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import assert_close, to_np

import teachtorch
import teachtorch.nn as tnn
import teachtorch.nn.functional as TF

RNG = np.random.default_rng(0)


def copy_params(src, dst):
    theirs = dict(src.state_dict())
    for name, t in dst.state_dict(keep_vars=True).items():
        t._data[...] = theirs[name].detach().numpy()


def check_layer(make, shape, *, dtype=np.float32, atol=1e-5, rtol=1e-5, n_inputs=1,
                train=True):
    """Same layer in both libraries, same weights and input: compare everything."""
    ours, theirs = make(tnn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    assert [n for n, _ in ours.named_parameters()] == [
        n for n, _ in theirs.named_parameters()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    copy_params(theirs, ours)
    ours.train(train)
    theirs.train(train)
    xs = [RNG.standard_normal(shape).astype(dtype) for _ in range(n_inputs)]
    xo = [teachtorch.tensor(x, requires_grad=True) for x in xs]
    xt = [torch.tensor(x, requires_grad=True) for x in xs]
    yo, yt = ours(*xo), theirs(*xt)
    assert_close(yo, yt, rtol=rtol, atol=atol)
    if yt.grad_fn is None:
        assert yo.grad_fn is None
        return ours, theirs
    assert yo.grad_fn.name() == yt.grad_fn.name()
    g = RNG.standard_normal(tuple(yt.shape)).astype(dtype)
    yo.backward(teachtorch.tensor(g))
    yt.backward(torch.tensor(g))
    for a, b in zip(xo, xt):
        assert_close(a.grad, b.grad, rtol=rtol, atol=atol)
    for (name, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p.grad, q.grad, rtol=rtol, atol=atol * 10)
    for (name, b), (_, c) in zip(ours.named_buffers(), theirs.named_buffers()):
        assert_close(b, c, rtol=rtol, atol=atol)
    return ours, theirs


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.Linear(4, 3), (5, 4)),
    (lambda nn: nn.Linear(4, 3), (2, 5, 4)),
    (lambda nn: nn.Linear(4, 3, bias=False), (5, 4)),
    (lambda nn: nn.Identity(), (2, 3)),
    (lambda nn: nn.Flatten(), (2, 3, 4)),
    (lambda nn: nn.Unflatten(1, (2, 3)), (4, 6)),
    (lambda nn: nn.LayerNorm(4), (3, 5, 4)),
    (lambda nn: nn.LayerNorm((5, 4), elementwise_affine=False), (3, 5, 4)),
    (lambda nn: nn.GroupNorm(2, 4), (3, 4, 5)),
    (lambda nn: nn.BatchNorm1d(4), (6, 4)),
    (lambda nn: nn.BatchNorm1d(4), (6, 4, 3)),
    (lambda nn: nn.BatchNorm2d(3, momentum=None), (4, 3, 2, 2)),
    (lambda nn: nn.BatchNorm2d(3, affine=False), (4, 3, 2, 2)),
    (lambda nn: nn.PReLU(), (3, 4)),
    (lambda nn: nn.PReLU(4), (3, 4, 2)),
])
def test_layer_parity(make, shape):
    check_layer(make, shape)


def _names(node):
    return [n.name().replace("torch::autograd::", "") if n else None
            for n, _ in node.next_functions]


def test_linear_grad_fn_chain_like_torch():
    lo, lt = tnn.Linear(3, 2), torch.nn.Linear(3, 2)
    yo = lo(teachtorch.ones(4, 3, requires_grad=True))
    yt = lt(torch.ones(4, 3, requires_grad=True))
    assert _names(yo.grad_fn) == _names(yt.grad_fn)
    y1o, y1t = lo(teachtorch.ones(3)), lt(torch.ones(3))
    assert y1o.shape == y1t.shape and y1o.grad_fn.name() == y1t.grad_fn.name()


def test_linear_wrong_in_features_error():
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.Linear(4, 3)(torch.ones(2, 5))
    with pytest.raises(RuntimeError) as ours:
        tnn.Linear(4, 3)(teachtorch.ones(2, 5))
    assert str(ours.value).startswith(str(theirs.value))
    assert "hint:" in str(ours.value)


def test_bilinear_parity():
    check_layer(lambda nn: nn.Bilinear(3, 3, 2), (4, 3), n_inputs=2, atol=1e-5)


def test_batchnorm_eval_and_running_stats():
    ours, theirs = check_layer(lambda nn: nn.BatchNorm1d(3), (8, 3))
    x = RNG.standard_normal((5, 3)).astype(np.float32)
    ours.eval()
    theirs.eval()
    assert_close(ours(teachtorch.tensor(x)), theirs(torch.tensor(x)), atol=1e-5)
    assert int(ours.num_batches_tracked) == int(theirs.num_batches_tracked) == 1
    check_layer(lambda nn: nn.BatchNorm2d(3), (4, 3, 2, 2), train=False)


def test_batchnorm_single_value_error_and_dims():
    with pytest.raises(ValueError) as theirs:
        torch.nn.BatchNorm1d(3)(torch.ones(1, 3))
    with pytest.raises(ValueError) as ours:
        tnn.BatchNorm1d(3)(teachtorch.ones(1, 3))
    assert str(ours.value).startswith(str(theirs.value)) and "hint:" in str(ours.value)
    tnn.BatchNorm1d(3).eval()(teachtorch.ones(1, 3))  # fine in eval mode
    for nn, lib in ((tnn, teachtorch), (torch.nn, torch)):
        with pytest.raises(ValueError, match=r"expected 4D input \(got 3D input\)"):
            nn.BatchNorm2d(3)(lib.ones(3, 2, 2))


def test_dropout_train_eval_and_seed():
    d = tnn.Dropout(0.5)
    x = teachtorch.ones(1000, 10, requires_grad=True)
    teachtorch.manual_seed(3)
    y1 = d(x)
    teachtorch.manual_seed(3)
    y2 = d(x)
    assert np.array_equal(to_np(y1), to_np(y2))
    vals = set(np.unique(to_np(y1)).tolist())
    assert vals == {0.0, 2.0}
    assert 0.45 < (to_np(y1) == 0).mean() < 0.55
    assert y1.grad_fn.name() == torch.nn.Dropout()(
        torch.ones(2, requires_grad=True)).grad_fn.name()
    y1.sum().backward()
    assert np.array_equal(to_np(x.grad), to_np(y1))
    d.eval()
    assert d(x) is x
    assert repr(d) == repr(torch.nn.Dropout(0.5))
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        tnn.Dropout(1.5)


def test_dropout2d_zeroes_whole_channels():
    y = to_np(tnn.Dropout2d(0.5)(teachtorch.ones(8, 16, 3, 3)))
    per_channel = y.reshape(8, 16, 9)
    assert np.all((per_channel == 0).all(-1) | (per_channel == 2).all(-1))
    assert repr(tnn.Dropout2d(0.2)) == repr(torch.nn.Dropout2d(0.2))


def test_embedding_parity_padding_and_from_pretrained():
    def make(nn):
        return nn.Embedding(10, 3, padding_idx=0)
    ours, theirs = make(tnn), make(torch.nn)
    assert repr(ours) == repr(theirs)
    assert float(ours.weight[0].abs().sum()) == 0.0
    copy_params(theirs, ours)
    idx = np.array([[1, 0, 4], [4, 4, 9]])
    yo, yt = ours(teachtorch.tensor(idx)), theirs(torch.tensor(idx))
    assert_close(yo, yt)
    assert yo.grad_fn.name() == yt.grad_fn.name()
    g = RNG.standard_normal((2, 3, 3)).astype(np.float32)
    yo.backward(teachtorch.tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(ours.weight.grad, theirs.weight.grad, atol=1e-6)
    w = RNG.standard_normal((4, 2)).astype(np.float32)
    eo = tnn.Embedding.from_pretrained(teachtorch.tensor(w))
    et = torch.nn.Embedding.from_pretrained(torch.tensor(w))
    assert eo.weight.requires_grad == et.weight.requires_grad is False
    assert_close(eo(teachtorch.tensor([3, 1])), et(torch.tensor([3, 1])))


def test_embedding_scale_grad_by_freq_and_sparse():
    w = RNG.standard_normal((5, 3)).astype(np.float32)
    idx = np.array([[1, 1, 4], [1, 0, 4]])
    grads = []
    for nn, lib in ((tnn, teachtorch), (torch.nn, torch)):
        e = nn.Embedding(5, 3, scale_grad_by_freq=True)
        with (torch.no_grad() if lib is torch else teachtorch.no_grad()):
            e.weight.copy_(lib.tensor(w))
        (e(lib.tensor(idx)) ** 2).sum().backward()
        grads.append(e.weight.grad)
        assert "scale_grad_by_freq=True" in repr(e)
    assert_close(*grads, atol=1e-6)
    with pytest.raises(NotImplementedError, match="hint:"):
        tnn.Embedding(5, 3, sparse=True)(teachtorch.tensor([1]))


def test_embedding_max_norm_renormalises_rows():
    w = (RNG.standard_normal((5, 3)) * 3).astype(np.float32)
    eo = tnn.Embedding.from_pretrained(teachtorch.tensor(w.copy()), max_norm=1.0)
    et = torch.nn.Embedding.from_pretrained(torch.tensor(w.copy()), max_norm=1.0)
    assert repr(eo) == repr(et)
    assert_close(eo(teachtorch.tensor([0, 2])), et(torch.tensor([0, 2])), atol=1e-5)
    assert_close(eo.weight, et.weight, atol=1e-5)


def test_embedding_bad_index_errors():
    with pytest.raises(IndexError, match="index out of range in self"):
        tnn.Embedding(3, 2)(teachtorch.tensor([3]))
    with pytest.raises(RuntimeError, match="Expected tensor for argument #1 'indices'"):
        tnn.Embedding(3, 2)(teachtorch.tensor([1.0]))


# ----- activations ------------------------------------------------------------------
ACTIVATIONS = [
    lambda nn: nn.ReLU(), lambda nn: nn.ReLU6(), lambda nn: nn.LeakyReLU(),
    lambda nn: nn.LeakyReLU(0.2), lambda nn: nn.ELU(), lambda nn: nn.ELU(0.5),
    lambda nn: nn.GELU(), lambda nn: nn.GELU("tanh"), lambda nn: nn.SiLU(),
    lambda nn: nn.Sigmoid(), lambda nn: nn.Tanh(), lambda nn: nn.Softplus(),
    lambda nn: nn.Softplus(2.0, 1.0), lambda nn: nn.Softmax(dim=1),
    lambda nn: nn.LogSoftmax(dim=1), lambda nn: nn.Softmin(dim=1),
    lambda nn: nn.Hardtanh(), lambda nn: nn.Hardtanh(-2.0, 0.5),
    lambda nn: nn.Threshold(0.1, 20.0), lambda nn: nn.Mish(), lambda nn: nn.SELU(),
    lambda nn: nn.CELU(0.7), lambda nn: nn.LogSigmoid(),
]


@pytest.mark.parametrize("make", ACTIVATIONS)
def test_activation_parity(make):
    check_layer(make, (4, 5), atol=1e-6)


@pytest.mark.parametrize("make", ACTIVATIONS[:16])
def test_activation_parity_float64(make):
    check_layer(make, (3, 4), dtype=np.float64, atol=1e-6)


@pytest.mark.parametrize("make", [
    lambda nn: nn.LeakyReLU(0.1, inplace=True), lambda nn: nn.ELU(inplace=True),
    lambda nn: nn.ReLU6(inplace=True), lambda nn: nn.SiLU(inplace=True),
    lambda nn: nn.Hardtanh(inplace=True), lambda nn: nn.Threshold(0.2, 1.0, True),
])
def test_inplace_activations_modify_input_and_backprop(make):
    x = RNG.standard_normal((3, 4)).astype(np.float32) * 3
    outs = []
    for nn, lib in ((tnn, teachtorch), (torch.nn, torch)):
        leaf = lib.tensor(x, requires_grad=True)
        h = leaf * 1.0
        y = make(nn)(h)
        assert y is h or y.data_ptr() == h.data_ptr()
        (y * y).sum().backward()
        outs.append((h, leaf.grad, y.grad_fn.name(), repr(make(nn))))
    (ho, go, no, ro), (ht, gt, nt, rt) = outs
    assert_close(ho, ht, atol=1e-6)
    assert_close(go, gt, atol=1e-5)
    assert no == nt and ro == rt


def test_relu_inplace():
    for nn, lib in ((tnn, teachtorch), (torch.nn, torch)):
        x = lib.tensor([-1.0, 2.0])
        y = nn.ReLU(inplace=True)(x)
        assert x.tolist() == [0.0, 2.0] and y.tolist() == [0.0, 2.0]
    assert repr(tnn.ReLU(inplace=True)) == repr(torch.nn.ReLU(inplace=True))


def test_softmax_is_stable_and_sums_to_one():
    x = teachtorch.tensor([[1000.0, 0.0, -1000.0]])
    p = TF.softmax(x, dim=1)
    assert np.isfinite(to_np(p)).all() and abs(float(p.sum()) - 1) < 1e-6
    assert np.isfinite(to_np(TF.log_softmax(x, dim=1))).all()
    assert_close(TF.log_softmax(x, dim=1), F.log_softmax(torch.tensor([[1000.0, 0.0,
                                                                          -1000.0]]), 1))


def test_softmax_double_backward():
    def run(lib, Fn):
        x = lib.tensor([[0.1, 0.5, -0.3]], dtype=lib.float64, requires_grad=True)
        y = Fn.log_softmax(x, dim=1)[0, 0] + (Fn.softmax(x, dim=1) ** 2).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (h,) = lib.autograd.grad(g.sum(), x)
        return h
    assert_close(run(teachtorch, TF), run(torch, F), atol=1e-10)


# ----- init ----------------------------------------------------------------------------
def test_linear_default_init_bounds_and_spread():
    lin = tnn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = to_np(lin.weight), to_np(lin.bias)
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert abs(w.std() - bound / math.sqrt(3)) < 0.02 * bound  # U(-a, a): std a/sqrt(3)
    assert abs(w.mean()) < 0.01 * bound
    assert w.dtype == np.float32
    wt = torch.nn.Linear(400, 300).weight.detach().numpy()
    assert abs(wt.std() - w.std()) < 0.02 * bound


@pytest.mark.parametrize("name,kwargs,expected_std", [
    ("kaiming_uniform_", {}, math.sqrt(2 / (1 + 0.01 ** 2)) / math.sqrt(200)),
    ("kaiming_normal_", {"nonlinearity": "relu"}, math.sqrt(2) / math.sqrt(200)),
    ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"},
     math.sqrt(2) / math.sqrt(300)),
    ("xavier_uniform_", {}, math.sqrt(2 / 500)),
    ("xavier_normal_", {"gain": 2.0}, 2 * math.sqrt(2 / 500)),
    ("normal_", {"std": 0.3}, 0.3),
    ("trunc_normal_", {"std": 1.0}, None),
])
def test_init_distributions_match_torch(name, kwargs, expected_std):
    ours = getattr(tnn.init, name)(teachtorch.empty(300, 200), **kwargs)
    theirs = getattr(torch.nn.init, name)(torch.empty(300, 200), **kwargs)
    so, st = to_np(ours).std(), to_np(theirs).std()
    assert abs(so - st) < 0.03 * st
    if expected_std is not None:
        assert abs(so - expected_std) < 0.03 * expected_std
    if name == "trunc_normal_":
        assert to_np(ours).min() >= -2 and to_np(ours).max() <= 2


def test_init_misc_and_gain_and_fans():
    for nonlin, param in [("relu", None), ("tanh", None), ("leaky_relu", 0.2),
                          ("sigmoid", None), ("selu", None), ("conv2d", None)]:
        assert tnn.init.calculate_gain(nonlin, param) == pytest.approx(
            torch.nn.init.calculate_gain(nonlin, param))
    t = teachtorch.empty(6, 3, 5, 5)
    assert tnn.init._calculate_fan_in_and_fan_out(t) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(6, 3, 5, 5))
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        tnn.init.xavier_uniform_(teachtorch.empty(3))
    with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
        tnn.init.calculate_gain("foo")
    q = to_np(tnn.init.orthogonal_(teachtorch.empty(4, 6)))
    np.testing.assert_allclose(q @ q.T, np.eye(4), atol=1e-5)
    assert np.array_equal(to_np(tnn.init.eye_(teachtorch.empty(2, 3))), np.eye(2, 3))
    assert to_np(tnn.init.constant_(teachtorch.empty(2), 0.5)).tolist() == [0.5, 0.5]
    p = tnn.Parameter(teachtorch.empty(2, 2))
    tnn.init.ones_(p)
    assert p.is_leaf and p.requires_grad and to_np(p).sum() == 4


# ----- functional odds and ends -----------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda F, x: F.pad(x, (1, 2)),
    lambda F, x: F.pad(x, (1, 1, 2, 0), value=3.0),
    lambda F, x: F.pad(x, (-1, 1)),
    lambda F, x: F.pad(x, (2, 1), mode="reflect"),
    lambda F, x: F.pad(x, (1, 2, 2, 1), mode="reflect"),
    lambda F, x: F.pad(x, (3, 1, 1, 0), mode="replicate"),
    lambda F, x: F.pad(x, (3, 1, 1, 0), mode="circular"),
    lambda F, x: F.pad(x, (4, 0), mode="circular"),
    lambda F, x: F.normalize(x, dim=1),
    lambda F, x: F.normalize(x, p=1, dim=-1),
    lambda F, x: F.cosine_similarity(x, x * 2 + 1, dim=1),
    lambda F, x: F.pairwise_distance(x[0], x[1]),
    lambda F, x: F.linear(x, x[0] * 0.5),
    lambda F, x: F.linear(x[0], x[1] * 0.5, x[1, 0, :3]),
    lambda F, x: F.gelu(x, approximate="tanh"),
    lambda F, x: F.one_hot((x.abs() * 2).long().view(-1)).sum(0).float(),
])
def test_functional_parity(fn):
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    xo = teachtorch.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    yo, yt = fn(TF, xo), fn(F, xt)
    assert_close(yo, yt, atol=1e-5)
    if yt.requires_grad:
        # norm's node name is A's op (ops/norm.py); torch's circular pad writes
        # slices in place (CopySlices), ours is one IndexPad node
        if "Norm" not in yt.grad_fn.name() and "CopySlices" not in yt.grad_fn.name():
            assert yo.grad_fn.name() == yt.grad_fn.name()
        g = RNG.standard_normal(tuple(yt.shape)).astype(np.float32)
        yo.backward(teachtorch.tensor(g))
        yt.backward(torch.tensor(g))
        assert_close(xo.grad, xt.grad, atol=1e-5)


def test_pad_errors():
    for Fn, lib in ((TF, teachtorch), (F, torch)):
        with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
            Fn.pad(lib.ones(2, 2), (1,))
    with pytest.raises(RuntimeError) as theirs:
        F.pad(torch.ones(1, 2, 3), (3, 3), mode="reflect")
    with pytest.raises(RuntimeError) as ours:
        TF.pad(teachtorch.ones(1, 2, 3), (3, 3), mode="reflect")
    assert "Padding size should be less than the corresponding input dimension" in str(
        theirs.value) and "Padding size should be less than" in str(ours.value)


def test_layer_norm_shape_error():
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.LayerNorm(4)(torch.ones(2, 3))
    with pytest.raises(RuntimeError) as ours:
        tnn.LayerNorm(4)(teachtorch.ones(2, 3))
    assert str(ours.value).startswith(str(theirs.value))


def test_cosine_and_pairwise_modules():
    a = RNG.standard_normal((4, 6)).astype(np.float32)
    b = RNG.standard_normal((4, 6)).astype(np.float32)
    assert_close(tnn.CosineSimilarity()(teachtorch.tensor(a), teachtorch.tensor(b)),
                 torch.nn.CosineSimilarity()(torch.tensor(a), torch.tensor(b)))
    assert_close(tnn.PairwiseDistance(p=1.0)(teachtorch.tensor(a), teachtorch.tensor(b)),
                 torch.nn.PairwiseDistance(p=1.0)(torch.tensor(a), torch.tensor(b)),
                 atol=1e-5)


def test_default_init_of_other_layers_matches_torch():
    bo, bt = tnn.Bilinear(30, 20, 400), torch.nn.Bilinear(30, 20, 400)
    bound = 1 / math.sqrt(30)
    expected = bound / math.sqrt(3)  # std of U(-bound, bound)
    # tolerances are > 4 standard errors: 240000 weights, 400 biases
    for p, q, tol in ((bo.weight, bt.weight, 0.02), (bo.bias, bt.bias, 0.15)):
        a, b = to_np(p), q.detach().numpy()
        assert np.abs(a).max() <= bound and np.abs(b).max() <= bound
        assert abs(a.std() - expected) < tol * expected
        assert abs(b.std() - expected) < tol * expected
    e = to_np(tnn.Embedding(1000, 50).weight)
    assert abs(e.mean()) < 0.02 and abs(e.std() - 1) < 0.02  # N(0, 1)
    for make in (lambda nn: nn.BatchNorm2d(4), lambda nn: nn.LayerNorm(4),
                 lambda nn: nn.GroupNorm(2, 4), lambda nn: nn.PReLU(3)):
        for (n1, p), (n2, q) in zip(make(tnn).state_dict().items(),
                                    make(torch.nn).state_dict().items()):
            assert n1 == n2
            assert_close(p, q)


def test_small_model_on_device_matches_cpu(device):
    """Move a model with most layer kinds to the device; results equal the CPU run."""
    def build():
        teachtorch.manual_seed(0)
        return tnn.Sequential(tnn.Linear(6, 8), tnn.BatchNorm1d(8), tnn.GELU(),
                              tnn.LayerNorm(8), tnn.LeakyReLU(0.1), tnn.Linear(8, 3))
    x = RNG.standard_normal((5, 6)).astype(np.float32)
    labels = np.array([0, 2, 1, 1, 0])
    results = []
    for dev in ("cpu", device):
        model = build().to(dev)
        out = model(teachtorch.tensor(x).to(dev))
        loss = tnn.CrossEntropyLoss()(out, teachtorch.tensor(labels).to(dev))
        loss.backward()
        assert out.device.type == dev and model[0].weight.grad.device.type == dev
        results.append((loss.cpu(), model[0].weight.grad.cpu(), model[1].running_var.cpu()))
    for a, b in zip(*results):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-4, atol=1e-6)
