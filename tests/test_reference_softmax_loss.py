"""softmax, log_softmax, cross_entropy, nll_loss, BCE (plain and with logits), GELU and
Mish: the reference (Tensor ops) and the fast kernel give the same values, gradients
and second derivatives; the references pass gradgradcheck and match PyTorch."""
import numpy as np
import pytest
import torch
from helpers import assert_close

import teachtorch
import teachtorch.nn.functional as TF
from teachtorch.reference import reference_of


def _both(fn, arrays, grad_idx=(0,)):
    """(values, grads, second-order grads) of fn on the fast path and the reference."""
    results = []
    for reference in (False, True):
        ts = [teachtorch.tensor(a, requires_grad=i in grad_idx)
              if a.dtype.kind == "f" else teachtorch.tensor(a)
              for i, a in enumerate(arrays)]
        with teachtorch.reference_mode(reference):
            y = fn(*ts)
            wrt = [ts[i] for i in grad_idx]
            w = teachtorch.tensor(np.linspace(0.5, 1.5, y.numel()).reshape(
                tuple(y.shape)).astype(arrays[0].dtype))
            grads = teachtorch.autograd.grad((y * y * w).sum(), wrt, create_graph=True)
            penalty = sum((g * g).sum() for g in grads)
            second = teachtorch.autograd.grad(penalty, wrt, allow_unused=True)
        results.append((y, grads, second))
    return results


def _check(fn, arrays, grad_idx=(0,)):
    (y1, g1, s1), (y2, g2, s2) = _both(fn, arrays, grad_idx)
    f64 = arrays[0].dtype == np.float64
    tol = {"rtol": 1e-9, "atol": 1e-11} if f64 else {"rtol": 2e-4, "atol": 2e-5}
    assert y1.dtype == y2.dtype and y1.shape == y2.shape
    assert_close(y1, y2, **tol)
    for a, b in zip(g1 + s1, g2 + s2):
        assert (a is None) == (b is None)
        if a is not None:
            assert_close(a, b, **tol)


def _x(rng, shape, dtype, strided=False, scale=2.0):
    a = (rng.standard_normal(shape) * scale).astype(dtype)
    return np.asfortranarray(a) if strided else a


DTYPES = [np.float32, np.float64]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,dim", [((4, 7), 1), ((3, 5, 2), 0), ((2, 3, 4), -1),
                                       ((6,), 0)])
def test_softmax_and_log_softmax(shape, dim, dtype):
    rng = np.random.default_rng(sum(shape))
    for strided in (False, True):
        x = _x(rng, shape, dtype, strided)
        _check(lambda t: TF.softmax(t, dim), [x])
        _check(lambda t: TF.log_softmax(t, dim), [x])
        _check(lambda t: t.softmax(dim), [x])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kw", [{}, {"reduction": "sum"}, {"reduction": "none"},
                                {"ignore_index": 1}, {"label_smoothing": 0.2},
                                {"weight": True, "label_smoothing": 0.1},
                                {"weight": True, "ignore_index": 0,
                                 "reduction": "none"}], ids=str)
@pytest.mark.parametrize("shape", [(5, 4), (3, 4, 2, 2), (4,)])
def test_cross_entropy_and_nll(shape, kw, dtype):
    rng = np.random.default_rng(len(shape) + len(kw))
    x = _x(rng, shape, dtype)
    c = shape[1] if len(shape) > 1 else shape[0]
    target_shape = (shape[0],) + shape[2:] if len(shape) > 1 else ()
    t = rng.integers(0, c, target_shape).astype(np.int64)
    if "ignore_index" in kw and t.size > 1:
        t.reshape(-1)[0] = kw["ignore_index"]     # at least one row is ignored
        t.reshape(-1)[1] = (kw["ignore_index"] + 1) % c   # and one is not
    w = rng.uniform(0.5, 2.0, c).astype(dtype)
    kw = dict(kw)
    if kw.pop("weight", False):
        _check(lambda a, b, w: TF.cross_entropy(a, b, weight=w, **kw), [x, t, w])
        _check(lambda a, b, w: TF.nll_loss(a.log_softmax(-1 if a.dim() == 1 else 1),
                                           b, weight=w, **{k: v for k, v in kw.items()
                                                           if k != "label_smoothing"}),
               [x, t, w])
    else:
        _check(lambda a, b: TF.cross_entropy(a, b, **kw), [x, t])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy(reduction, dtype):
    rng = np.random.default_rng(4)
    x = _x(rng, (4, 3), dtype)
    y = rng.uniform(0, 1, (4, 3)).astype(dtype)
    w = rng.uniform(0.5, 2.0, (4, 3)).astype(dtype)
    pw = rng.uniform(0.5, 2.0, (3,)).astype(dtype)
    _check(lambda a, b: TF.binary_cross_entropy(a.sigmoid(), b, reduction=reduction),
           [x, y], grad_idx=(0, 1))
    _check(lambda a, b, w: TF.binary_cross_entropy(a.sigmoid(), b, weight=w,
                                                   reduction=reduction), [x, y, w])
    _check(lambda a, b, w, pw: TF.binary_cross_entropy_with_logits(
        a, b, weight=w, pos_weight=pw, reduction=reduction), [x, y, w, pw],
        grad_idx=(0, 1))
    _check(lambda a, b: TF.binary_cross_entropy_with_logits(a, b, reduction=reduction),
           [x, y])


@pytest.mark.parametrize("dtype", DTYPES)
def test_gelu_and_mish(dtype):
    rng = np.random.default_rng(8)
    for strided in (False, True):
        x = _x(rng, (5, 6), dtype, strided)
        _check(lambda t: TF.gelu(t), [x])
        _check(lambda t: TF.gelu(t, approximate="tanh"), [x])
        _check(lambda t: TF.mish(t), [x])


@pytest.mark.parametrize("fn", [
    lambda t: TF.softmax(t, 1), lambda t: TF.log_softmax(t, 0),
    lambda t: TF.cross_entropy(t, teachtorch.tensor([2, 0, 1]), label_smoothing=0.1),
    lambda t: TF.binary_cross_entropy(t.sigmoid(), teachtorch.tensor(
        np.full((3, 3), 0.3))),
    lambda t: TF.binary_cross_entropy_with_logits(t, teachtorch.tensor(
        np.full((3, 3), 0.3)), pos_weight=teachtorch.tensor(np.array([1., 2., 3.]))),
    lambda t: TF.gelu(t), lambda t: TF.mish(t)])
def test_references_pass_gradgradcheck(fn):
    x = teachtorch.tensor(np.random.default_rng(2).standard_normal((3, 3)),
                          requires_grad=True)
    with teachtorch.reference_mode():
        assert teachtorch.autograd.gradgradcheck(fn, (x,))


def test_references_match_torch():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((4, 5)).astype(np.float32)
    t = np.array([1, 4, 0, 2])
    y = rng.uniform(0, 1, (4, 5)).astype(np.float32)
    cases = [
        lambda F, lib, a: F.cross_entropy(a, lib.tensor(t), label_smoothing=0.1,
                                          ignore_index=0),
        lambda F, lib, a: F.binary_cross_entropy_with_logits(a, lib.tensor(y)),
        lambda F, lib, a: F.binary_cross_entropy(a.sigmoid(), lib.tensor(y)),
        lambda F, lib, a: (F.log_softmax(a, 1) * F.softmax(a, 0)).sum(),
        lambda F, lib, a: F.gelu(a).sum() + F.mish(a).sum(),
    ]
    for case in cases:
        a, at = teachtorch.tensor(x, requires_grad=True), torch.tensor(
            x, requires_grad=True)
        with teachtorch.reference_mode():
            out = case(TF, teachtorch, a)
            out.backward()
        out_t = case(torch.nn.functional, torch, at)
        out_t.backward()
        assert_close(out, out_t, rtol=1e-5, atol=1e-6)
        assert_close(a.grad, at.grad, rtol=1e-4, atol=1e-6)


def test_bce_reference_at_saturated_probabilities_is_finite():
    p = teachtorch.tensor([[0.0, 1.0, 0.5]], requires_grad=True)
    y = teachtorch.tensor([[1.0, 0.0, 1.0]])
    with teachtorch.reference_mode():
        loss = TF.binary_cross_entropy(p, y)
        loss.backward()
    expected = torch.nn.functional.binary_cross_entropy(
        torch.tensor([[0.0, 1.0, 0.5]]), torch.tensor([[1.0, 0.0, 1.0]]))
    assert_close(loss, expected)
    assert np.isfinite(p.grad.numpy()).all()


def test_references_are_published():
    for fn in (TF.softmax, TF.log_softmax, teachtorch.softmax, TF.cross_entropy,
               TF.nll_loss, TF.binary_cross_entropy,
               TF.binary_cross_entropy_with_logits, TF.gelu, TF.mish):
        assert callable(reference_of(fn)), fn
    nn = teachtorch.nn
    for cls, fn in ((nn.Softmax, TF.softmax), (nn.LogSoftmax, TF.log_softmax),
                    (nn.CrossEntropyLoss, TF.cross_entropy), (nn.NLLLoss, TF.nll_loss),
                    (nn.BCELoss, TF.binary_cross_entropy),
                    (nn.BCEWithLogitsLoss, TF.binary_cross_entropy_with_logits),
                    (nn.GELU, TF.gelu), (nn.Mish, TF.mish)):
        assert reference_of(cls) is reference_of(fn), cls


@pytest.mark.parametrize("reference", [False, True])
def test_target_out_of_range_raises_torch_error_in_both_paths(reference):
    with pytest.raises(IndexError, match="Target 5 is out of bounds.") as ours:
        with teachtorch.reference_mode(reference):
            TF.cross_entropy(teachtorch.zeros(2, 3), teachtorch.tensor([0, 5]))
    with pytest.raises(IndexError, match="Target 5 is out of bounds."):
        torch.nn.functional.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 5]))
    assert "hint:" in str(ours.value)
