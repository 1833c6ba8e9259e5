"""Pooling kernels against PyTorch: values, gradients, indices, ceil_mode's rule,
grad_fn names and errors; the naive loop twin against the strided kernel."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import teachtorch
from teachtorch.ops import pool as P
from helpers import assert_close


def _check(fn_ours, fn_torch, shape, seed=0, ties=False, **kw):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape).astype(np.float32)
    if ties:
        a = np.round(a)   # many equal values: the first max must win, as in torch
    x = teachtorch.tensor(a, requires_grad=True)
    xt = torch.tensor(a, requires_grad=True)
    ours, theirs = fn_ours(x, **kw), fn_torch(xt, **kw)
    if isinstance(theirs, tuple):
        assert_close(ours[1], theirs[1])
        ours, theirs = ours[0], theirs[0]
    assert_close(ours, theirs, rtol=1e-5, atol=1e-6)
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    g = rng.standard_normal(tuple(theirs.shape)).astype(np.float32)
    ours.backward(teachtorch.tensor(g))
    theirs.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad, rtol=1e-5, atol=1e-5)
    return ours, theirs


MAX_CASES = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, ceil_mode=True),
    dict(kernel_size=(2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 1)),
    dict(kernel_size=3, stride=1),                     # overlapping windows
    dict(kernel_size=2, stride=2, ceil_mode=True, return_indices=True),
    dict(kernel_size=3, stride=3, padding=1, ceil_mode=True, return_indices=True),
]


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("kw", MAX_CASES, ids=str)
def test_max_pool2d_matches_torch(kw, ties):
    _check(P.max_pool2d, TF.max_pool2d, (2, 3, 7, 8), ties=ties, **kw)
    _check(P.max_pool2d, TF.max_pool2d, (3, 7, 8), ties=ties, **kw)   # unbatched


@pytest.mark.parametrize("size", range(4, 12))
@pytest.mark.parametrize("k,s,p", [(2, 2, 0), (3, 2, 1), (3, 3, 1), (4, 3, 2),
                                   (2, 3, 1)])
def test_ceil_mode_last_window_rule(size, k, s, p):
    """With ceil_mode the last window must start inside the input or left padding."""
    x = np.zeros((1, 1, size, size), np.float32)
    ours = P.max_pool2d(teachtorch.tensor(x), k, s, p, ceil_mode=True)
    theirs = TF.max_pool2d(torch.tensor(x), k, s, p, ceil_mode=True)
    assert tuple(ours.shape) == tuple(theirs.shape)
    ours = P.avg_pool2d(teachtorch.tensor(x), k, s, p, ceil_mode=True)
    theirs = TF.avg_pool2d(torch.tensor(x), k, s, p, ceil_mode=True)
    assert tuple(ours.shape) == tuple(theirs.shape)


AVG_CASES = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=3, stride=2, padding=1, count_include_pad=False),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    dict(kernel_size=(3, 2), stride=1, divisor_override=5),
    dict(kernel_size=2, stride=3, ceil_mode=True),
]


@pytest.mark.parametrize("kw", AVG_CASES, ids=str)
def test_avg_pool2d_matches_torch(kw):
    _check(P.avg_pool2d, TF.avg_pool2d, (2, 3, 7, 8), **kw)
    _check(P.avg_pool2d, TF.avg_pool2d, (3, 7, 8), **kw)


@pytest.mark.parametrize("kw", [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=3, stride=1, dilation=2, return_indices=True),
], ids=str)
def test_max_pool1d_matches_torch(kw):
    _check(P.max_pool1d, TF.max_pool1d, (2, 3, 11), **kw)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2,
                                padding=1, count_include_pad=False, ceil_mode=True)],
                         ids=str)
def test_avg_pool1d_matches_torch(kw):
    _check(P.avg_pool1d, TF.avg_pool1d, (2, 3, 11), **kw)


@pytest.mark.parametrize("out", [(2, 3), 3, (5, 7), (4, None), 1, (1, 1), (7, 1)],
                         ids=str)
def test_adaptive_pools_match_torch(out):
    _check(P.adaptive_avg_pool2d, TF.adaptive_avg_pool2d, (2, 3, 7, 9), output_size=out)
    _check(P.adaptive_max_pool2d, TF.adaptive_max_pool2d, (2, 3, 7, 9), output_size=out)
    _check(P.adaptive_max_pool2d, TF.adaptive_max_pool2d, (2, 3, 7, 9), ties=True,
           output_size=out, return_indices=True)


@pytest.mark.parametrize("out", [1, 3, 4, 9])
def test_adaptive_avg_pool1d_matches_torch(out):
    _check(P.adaptive_avg_pool1d, TF.adaptive_avg_pool1d, (2, 3, 9), output_size=out)


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=2,
                                                          padding=1)], ids=str)
def test_max_unpool2d_matches_torch(kw):
    rng = np.random.default_rng(3)
    a = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    y, idx = P.max_pool2d(teachtorch.tensor(a), return_indices=True, **kw)
    yt, idxt = TF.max_pool2d(torch.tensor(a), return_indices=True, **kw)
    y.requires_grad_()
    yt.requires_grad_()
    for size in ((None, (8, 8)) if len(kw) == 1 else ((8, 8), (2, 3, 8, 8))):
        ours = P.max_unpool2d(y, idx, output_size=size, **kw)
        theirs = TF.max_unpool2d(yt, idxt, output_size=size, **kw)
        assert_close(ours, theirs)
        assert ours.grad_fn.name() == theirs.grad_fn.name()
        g = rng.standard_normal(tuple(theirs.shape)).astype(np.float32)
        ours.backward(teachtorch.tensor(g))
        theirs.backward(torch.tensor(g))
        assert_close(y.grad, yt.grad)
        y.grad = yt.grad = None


def test_naive_twin_agrees():
    a = np.random.default_rng(4).standard_normal((2, 3, 9, 8)).astype(np.float32)
    fast = P.max_pool2d(teachtorch.tensor(a), 3, 2).numpy()
    np.testing.assert_array_equal(fast, P.max_pool2d_naive(a, 3, 2))
    np.testing.assert_array_equal(fast, TF.max_pool2d(torch.tensor(a), 3, 2).numpy())


def test_float32_stays_float32():
    x = teachtorch.randn(1, 2, 6, 6)
    for y in (P.max_pool2d(x, 2), P.avg_pool2d(x, 2), P.adaptive_avg_pool2d(x, 4),
              P.adaptive_max_pool2d(x, 4)):
        assert y.dtype == teachtorch.float32


def test_nan_propagates_like_torch():
    a = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    a[0, 0, 0, 1] = np.nan
    ours = P.max_pool2d(teachtorch.tensor(a), 2, return_indices=True)
    theirs = TF.max_pool2d(torch.tensor(a), 2, return_indices=True)
    np.testing.assert_array_equal(ours[0].numpy(), theirs[0].numpy())
    np.testing.assert_array_equal(ours[1].numpy(), theirs[1].numpy())


@pytest.mark.parametrize("fn,shape,kw", [
    ("max_pool2d", (1, 4, 2, 2), dict(kernel_size=3)),
    ("max_pool2d", (1, 4, 5, 5), dict(kernel_size=3, padding=2)),
    ("avg_pool2d", (1, 4, 2, 2), dict(kernel_size=3)),
    ("avg_pool2d", (1, 4, 5, 5), dict(kernel_size=3, padding=2)),
    ("max_pool2d", (4, 5), dict(kernel_size=2)),
], ids=str)
def test_errors_are_torchs_plus_hint(fn, shape, kw):
    with pytest.raises(RuntimeError) as theirs:
        getattr(TF, fn)(torch.zeros(shape), **kw)
    with pytest.raises(RuntimeError) as ours:
        getattr(P, fn)(teachtorch.zeros(shape), **kw)
    first, _, rest = str(ours.value).partition("\nhint:")
    assert first == str(theirs.value)
    assert rest.strip()


def test_max_unpool2d_invalid_index_error():
    a = np.random.default_rng(5).standard_normal((2, 3, 8, 7)).astype(np.float32)
    y, idx = P.max_pool2d(teachtorch.tensor(a), 2, return_indices=True)
    yt, idxt = TF.max_pool2d(torch.tensor(a), 2, return_indices=True)
    with pytest.raises(RuntimeError) as theirs:
        TF.max_unpool2d(yt, idxt, 2)
    with pytest.raises(RuntimeError) as ours:
        P.max_unpool2d(y, idx, 2)
    first, _, rest = str(ours.value).partition("\nhint:")
    assert first.split(":")[0] == str(theirs.value).split(":")[0]
    assert first.endswith("(output volumes are of size 8x6)")
    assert "output_size" in rest


@pytest.mark.parametrize("shape,k", [((2, 3, 8, 6), 2), ((1, 2, 9, 6), 3)])
def test_max_pool_gradient_when_windows_tile_the_input(shape, k):
    """Windows that cover every pixel exactly once take the no-zeroing path."""
    for ties in (False, True):
        _check(P.max_pool2d, TF.max_pool2d, shape, ties=ties, kernel_size=k)
