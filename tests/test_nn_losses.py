"""Losses vs PyTorch: values, input/target grads, grad_fn names, errors and hints."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import assert_close

import teachtorch
import teachtorch.nn as tnn
import teachtorch.nn.functional as TF

RNG = np.random.default_rng(0)
N, C = 6, 4
LOGITS = RNG.standard_normal((N, C)).astype(np.float32) * 2
LABELS = np.array([0, 3, 1, 1, 2, 0])
PROBS = RNG.random((N, C)).astype(np.float32)
PROBS /= PROBS.sum(1, keepdims=True)
WEIGHT = np.array([0.5, 2.0, 1.0, 1.5], np.float32)


def compare(fn, inputs, grad_inputs=(0,), atol=1e-6, rtol=1e-5):
    """fn(lib, nn, F, *tensors) in both libraries; compare value, grad_fn, grads."""
    to = [teachtorch.tensor(a, requires_grad=i in grad_inputs) for i, a in
          enumerate(inputs)]
    tt = [torch.tensor(a, requires_grad=i in grad_inputs) for i, a in enumerate(inputs)]
    lo = fn(teachtorch, tnn, TF, *to)
    lt = fn(torch, torch.nn, F, *tt)
    assert_close(lo, lt, atol=atol, rtol=rtol)
    # torch's C++ cross_entropy divides by a Scalar (DivBackward1); from Python,
    # tensor / number is DivBackward0 in both libraries, which is what we record.
    assert lo.grad_fn.name() == lt.grad_fn.name().replace("DivBackward1", "DivBackward0")
    g = RNG.standard_normal(tuple(lt.shape)).astype(np.float32)
    lo.backward(teachtorch.tensor(g))
    lt.backward(torch.tensor(g))
    for i in grad_inputs:
        assert_close(to[i].grad, tt[i].grad, atol=atol, rtol=rtol)
    return lo, lt


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("kwargs", [
    {}, {"weight": WEIGHT}, {"ignore_index": 1}, {"weight": WEIGHT, "ignore_index": 0},
    {"label_smoothing": 0.1}, {"label_smoothing": 0.2, "weight": WEIGHT},
])
def test_cross_entropy_class_indices(reduction, kwargs):
    def fn(lib, nn, Fn, x, t):
        kw = dict(kwargs)
        if "weight" in kw:
            kw["weight"] = lib.tensor(kw["weight"])
        return nn.CrossEntropyLoss(reduction=reduction, **kw)(x, t)
    lo, lt = compare(fn, [LOGITS, LABELS])
    if not kwargs.get("label_smoothing"):
        nxt = lo.grad_fn.next_functions
        assert [n.name() for n, _ in nxt] == [
            n.name() for n, _ in lt.grad_fn.next_functions] == ["LogSoftmaxBackward0"]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("kwargs", [{}, {"weight": WEIGHT}, {"label_smoothing": 0.3}])
def test_cross_entropy_probabilities(reduction, kwargs):
    def fn(lib, nn, Fn, x, t):
        kw = dict(kwargs)
        if "weight" in kw:
            kw["weight"] = lib.tensor(kw["weight"])
        return Fn.cross_entropy(x, t, reduction=reduction, **kw)
    compare(fn, [LOGITS, PROBS], grad_inputs=(0, 1))


@pytest.mark.parametrize("reduction", ["mean", "none"])
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (2, 3, 4), (2, 3, 2, 2, 2)])
def test_cross_entropy_spatial_inputs(reduction, shape):
    x = RNG.standard_normal(shape).astype(np.float32)
    t = RNG.integers(0, 3, (shape[0],) + shape[2:])
    t.reshape(-1)[0] = -100
    lo, lt = compare(lambda lib, nn, Fn, a, b: Fn.cross_entropy(
        a, b, reduction=reduction, weight=lib.tensor([1.0, 2.0, 0.5])), [x, t])
    assert [n.name() for n, _ in lo.grad_fn.next_functions] == [
        n.name() for n, _ in lt.grad_fn.next_functions]


def test_cross_entropy_note_000_snippet():
    def run(t, nn):
        t.manual_seed(0)
        score = t.tensor([[0.2, -1.0], [1.5, 0.3], [-0.4, 0.9]], requires_grad=True)
        label = t.Tensor([1, 0, 1]).long()
        criterion = nn.CrossEntropyLoss()
        loss = criterion(score, label)
        loss.backward()
        return loss, score.grad, repr(criterion)
    (lo, go, ro), (lt, gt, rt) = run(teachtorch, tnn), run(torch, torch.nn)
    assert_close(lo, lt)
    assert_close(go, gt)
    assert ro == rt
    assert repr(lo).split("grad_fn")[1] == repr(lt).split("grad_fn")[1]


def test_cross_entropy_is_stable_for_huge_logits():
    x = np.array([[1e4, -1e4, 0.0], [0.0, 0.0, 1e4]], np.float32)
    compare(lambda lib, nn, Fn, a, b: Fn.cross_entropy(a, b), [x, np.array([1, 2])])


def test_cross_entropy_naive_twin_agrees_then_overflows():
    from teachtorch.nn._loss_functions import cross_entropy_naive

    xo = teachtorch.tensor(LOGITS, requires_grad=True)
    xn = teachtorch.tensor(LOGITS, requires_grad=True)
    fused = TF.cross_entropy(xo, teachtorch.tensor(LABELS))
    naive = cross_entropy_naive(xn, teachtorch.tensor(LABELS))
    assert_close(fused, naive, atol=1e-6)
    fused.backward()
    naive.backward()
    assert_close(xo.grad, xn.grad, atol=1e-6)
    big = teachtorch.tensor([[100.0, 0.0]])
    with np.errstate(over="ignore", invalid="ignore"):
        assert not np.isfinite(cross_entropy_naive(big, teachtorch.tensor([0])).item())
    assert float(TF.cross_entropy(big, teachtorch.tensor([0]))) == 0.0


def test_nll_loss_after_log_softmax():
    compare(lambda lib, nn, Fn, x, t: nn.NLLLoss(weight=lib.tensor(WEIGHT))(
        Fn.log_softmax(x, dim=1), t), [LOGITS, LABELS])
    compare(lambda lib, nn, Fn, x, t: Fn.nll_loss(x, t), [LOGITS[0], np.array(2)])


@pytest.mark.parametrize("bad,exc", [
    (lambda lib: lib.tensor(LABELS).float(), RuntimeError),
    (lambda lib: lib.tensor(LABELS).int(), RuntimeError),
    (lambda lib: lib.tensor(LABELS[:4]), ValueError),
    (lambda lib: lib.tensor([0, 1, 2, 3, 4, 0]), IndexError),
    (lambda lib: lib.tensor(LABELS).view(N, 1), RuntimeError),
    (lambda lib: lib.zeros(N, C, dtype=lib.long), RuntimeError),
    (lambda lib: lib.tensor([0, 1, 2, 3, -1, 0]), IndexError),
])
def test_cross_entropy_bad_target_errors_with_hint(bad, exc):
    with pytest.raises(exc) as theirs:
        F.cross_entropy(torch.tensor(LOGITS), bad(torch))
    with pytest.raises(exc) as ours:
        TF.cross_entropy(teachtorch.tensor(LOGITS), bad(teachtorch))
    msg = str(ours.value)
    assert msg.startswith(str(theirs.value).strip("'"))
    assert "hint:" in msg
    if exc is not IndexError:
        assert "input (N, C) raw logits" in msg and "target (N,) int64 class indices" in msg


def test_cross_entropy_other_errors():
    for Fn, lib in ((TF, teachtorch), (F, torch)):
        with pytest.raises(ValueError, match="bad is not a valid value for reduction"):
            Fn.cross_entropy(lib.tensor(LOGITS), lib.tensor(LABELS), reduction="bad")
        with pytest.raises(RuntimeError, match="weight tensor should be defined either "
                           "for all 4 classes or no classes"):
            Fn.cross_entropy(lib.tensor(LOGITS), lib.tensor(LABELS),
                             weight=lib.ones(2))
    with pytest.raises(NotImplementedError, match="not implemented for 'Long'"):
        TF.cross_entropy(teachtorch.tensor(LABELS), teachtorch.tensor(LABELS))


def test_legacy_size_average_reduce_args():
    for size_average, reduce, name in [(False, None, "sum"), (None, False, "none"),
                                       (True, True, "mean")]:
        outs = []
        for lib, nn in ((teachtorch, tnn), (torch, torch.nn)):
            with warnings.catch_warnings(record=True) as w:
                warnings.simplefilter("always")
                crit = nn.MSELoss(size_average=size_average, reduce=reduce)
                loss = crit(lib.tensor(LOGITS), lib.tensor(PROBS))
            assert crit.reduction == name
            assert any(f"reduction='{name}'" in str(x.message) for x in w)
            outs.append(loss)
        assert_close(*outs)


REG_PAIRS = [LOGITS, RNG.standard_normal((N, C)).astype(np.float32)]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("make", [
    lambda nn, r: nn.MSELoss(reduction=r), lambda nn, r: nn.L1Loss(reduction=r),
    lambda nn, r: nn.SmoothL1Loss(reduction=r),
    lambda nn, r: nn.SmoothL1Loss(reduction=r, beta=0.5),
    lambda nn, r: nn.HuberLoss(reduction=r), lambda nn, r: nn.HuberLoss(r, delta=2.0),
])
def test_regression_losses(make, reduction):
    compare(lambda lib, nn, Fn, x, y: make(nn, reduction)(x, y), REG_PAIRS,
            grad_inputs=(0, 1))


def test_mse_broadcast_warning_like_torch():
    for lib, nn in ((teachtorch, tnn), (torch, torch.nn)):
        with pytest.warns(UserWarning, match="Using a target size"):
            nn.MSELoss()(lib.ones(3, 1), lib.ones(3))


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_and_bce_with_logits(reduction):
    y = (RNG.random((N, C)) > 0.5).astype(np.float32)
    compare(lambda lib, nn, Fn, x, t: nn.BCELoss(reduction=reduction)(x.sigmoid(), t),
            [LOGITS, y], grad_inputs=(0, 1), atol=1e-5)
    compare(lambda lib, nn, Fn, x, t: nn.BCELoss(weight=lib.tensor(WEIGHT),
                                                 reduction=reduction)(x.sigmoid(), t),
            [LOGITS, y], atol=1e-5)
    compare(lambda lib, nn, Fn, x, t: nn.BCEWithLogitsLoss(reduction=reduction)(x, t),
            [LOGITS, y], grad_inputs=(0, 1), atol=1e-5)
    compare(lambda lib, nn, Fn, x, t: nn.BCEWithLogitsLoss(
        reduction=reduction, pos_weight=lib.tensor(WEIGHT),
        weight=lib.tensor(WEIGHT[::-1].copy()))(x, t),
        [LOGITS, PROBS], grad_inputs=(0, 1), atol=1e-5)


def test_bce_saturated_probabilities_stay_finite():
    p = np.array([[0.0, 1.0, 0.5]], np.float32)
    y = np.array([[1.0, 0.0, 1.0]], np.float32)
    lo = TF.binary_cross_entropy(teachtorch.tensor(p), teachtorch.tensor(y))
    lt = F.binary_cross_entropy(torch.tensor(p), torch.tensor(y))
    assert_close(lo, lt)
    x = np.array([[80.0, -80.0]], np.float32)
    compare(lambda lib, nn, Fn, a, b: Fn.binary_cross_entropy_with_logits(a, b),
            [x, np.array([[0.0, 1.0]], np.float32)])


def test_bce_errors():
    for Fn, lib in ((TF, teachtorch), (F, torch)):
        with pytest.raises(RuntimeError, match="all elements of input should be between"):
            Fn.binary_cross_entropy(lib.tensor([1.5]), lib.tensor([1.0]))
        with pytest.raises(ValueError, match="Using a target size"):
            Fn.binary_cross_entropy(lib.tensor([[0.5]]), lib.tensor([1.0]))
        with pytest.raises(ValueError, match=r"Target size \(torch.Size\(\[1\]\)\) must "
                           "be the same as input size"):
            Fn.binary_cross_entropy_with_logits(lib.tensor([[0.5]]), lib.tensor([1.0]))


@pytest.mark.parametrize("reduction", ["batchmean", "sum", "none", "mean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    target = np.log(PROBS) if log_target else PROBS.copy()
    target[0, 0] = np.log(1e-30) if log_target else 0.0

    def fn(lib, nn, Fn, x, t):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nn.KLDivLoss(reduction=reduction, log_target=log_target)(
                Fn.log_softmax(x, 1), t)
    compare(fn, [LOGITS, target])


def test_loss_reprs():
    for make in [lambda nn: nn.CrossEntropyLoss(), lambda nn: nn.MSELoss(),
                 lambda nn: nn.BCEWithLogitsLoss(), lambda nn: nn.KLDivLoss(),
                 lambda nn: nn.NLLLoss(), lambda nn: nn.HuberLoss()]:
        assert repr(make(tnn)) == repr(make(torch.nn))
    wo = tnn.CrossEntropyLoss(weight=teachtorch.ones(3))
    wt = torch.nn.CrossEntropyLoss(weight=torch.ones(3))
    assert list(wo.state_dict()) == list(wt.state_dict())
