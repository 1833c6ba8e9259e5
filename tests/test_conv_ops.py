"""conv1d / conv2d / conv_transpose2d kernels against PyTorch: values, every gradient,
grad_fn names, errors; and the naive loop twin against the im2col kernel."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import teachtorch
from teachtorch.ops import conv as C
from helpers import assert_close


def _pair_tensors(shape, rng, requires_grad=True):
    a = rng.standard_normal(shape).astype(np.float32)
    return (teachtorch.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def _run_both(fn_ours, fn_torch, shapes, bias_shape=None, **kw):
    rng = np.random.default_rng(0)
    ins = [_pair_tensors(s, rng) for s in shapes]
    if bias_shape is not None:
        ins.append(_pair_tensors(bias_shape, rng))
    ours = fn_ours(*[p[0] for p in ins], **kw)
    theirs = fn_torch(*[p[1] for p in ins], **kw)
    assert_close(ours, theirs, rtol=1e-4, atol=1e-4)
    g = rng.standard_normal(tuple(theirs.shape)).astype(np.float32)
    ours.backward(teachtorch.tensor(g))
    theirs.backward(torch.tensor(g))
    for o, t in ins:
        assert_close(o.grad, t.grad, rtol=1e-4, atol=1e-4)
    return ours, theirs


CONV2D_CASES = [
    dict(x=(2, 3, 7, 7), w=(4, 3, 3, 3)),
    dict(x=(2, 3, 8, 9), w=(4, 3, 3, 2), stride=2, padding=1),
    dict(x=(1, 2, 9, 8), w=(3, 2, 3, 3), stride=(2, 1), padding=(0, 2), dilation=2),
    dict(x=(2, 4, 6, 6), w=(6, 2, 3, 3), groups=2, padding=1),
    dict(x=(2, 4, 6, 6), w=(4, 1, 3, 3), groups=4),
    dict(x=(1, 3, 7, 7), w=(2, 3, 4, 4), padding="same"),
    dict(x=(1, 3, 7, 7), w=(2, 3, 3, 3), padding="same", dilation=2),
    dict(x=(1, 3, 5, 5), w=(2, 3, 3, 3), padding="valid"),
    dict(x=(3, 5, 5), w=(2, 3, 3, 3), padding=1),   # unbatched
]


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("case", CONV2D_CASES, ids=str)
def test_conv2d_matches_torch(case, bias):
    case = dict(case)
    xs, ws = case.pop("x"), case.pop("w")
    b = (ws[0],) if bias else None
    ours, theirs = _run_both(C.conv2d, TF.conv2d, [xs, ws], b, **case)
    assert ours.grad_fn.name() == theirs.grad_fn.name()
    assert ours.is_contiguous()


@pytest.mark.parametrize("case", [
    dict(x=(2, 3, 10), w=(4, 3, 3)),
    dict(x=(2, 4, 11), w=(6, 2, 3), stride=2, padding=2, dilation=2, groups=2),
    dict(x=(2, 3, 10), w=(4, 3, 4), padding="same"),
    dict(x=(3, 10), w=(4, 3, 3)),
], ids=str)
def test_conv1d_matches_torch(case):
    case = dict(case)
    xs, ws = case.pop("x"), case.pop("w")
    ours, theirs = _run_both(C.conv1d, TF.conv1d, [xs, ws], (ws[0],), **case)
    assert ours.grad_fn.name() == theirs.grad_fn.name()


@pytest.mark.parametrize("case", [
    dict(x=(2, 3, 4, 4), w=(3, 2, 3, 3)),
    dict(x=(2, 3, 4, 5), w=(3, 2, 3, 3), stride=2, padding=1, output_padding=1),
    dict(x=(1, 4, 3, 3), w=(4, 3, 2, 3), stride=(2, 3), groups=2),
    dict(x=(1, 2, 4, 4), w=(2, 3, 3, 3), dilation=2, padding=2, stride=2,
         output_padding=1),
    dict(x=(2, 4, 4), w=(2, 3, 3, 3)),
], ids=str)
def test_conv_transpose2d_matches_torch(case):
    case = dict(case)
    xs, ws = case.pop("x"), case.pop("w")
    if len(xs) == 3:
        ws = (xs[0], 3, 3, 3)
    groups = case.get("groups", 1)
    ours, theirs = _run_both(C.conv_transpose2d, TF.conv_transpose2d, [xs, ws],
                             (ws[1] * groups,), **case)
    assert ours.grad_fn.name() == theirs.grad_fn.name()


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
@pytest.mark.parametrize("nd", [1, 2])
def test_mode_padding_and_its_gradient(mode, nd):
    shape = (2, 3, 6) if nd == 1 else (2, 3, 5, 6)
    pads = ((2, 1),) if nd == 1 else ((1, 2), (2, 3))
    # torch lists pads last axis first
    torch_pad = tuple(v for p in reversed(pads) for v in p)

    def ours(x):
        return C.pad_mode(x, pads, mode)

    def theirs(x):
        return TF.pad(x, torch_pad, mode=mode)
    o, t = _run_both(ours, theirs, [shape])
    if mode != "circular":
        assert o.grad_fn.name() == t.grad_fn.name()


def test_naive_twin_agrees_with_im2col():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 8, 7)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    fast = C.conv2d(teachtorch.tensor(x), teachtorch.tensor(w), teachtorch.tensor(b),
                    stride=2, padding=1)
    slow = C.conv2d_naive(x, w, b, stride=2, padding=1)
    np.testing.assert_allclose(fast.numpy(), slow, rtol=1e-5, atol=1e-5)
    ref = TF.conv2d(torch.tensor(x), torch.tensor(w), torch.tensor(b), 2, 1).numpy()
    np.testing.assert_allclose(slow, ref, rtol=1e-5, atol=1e-5)


def test_float32_stays_float32_and_float64_works():
    x = teachtorch.randn(1, 2, 5, 5)
    w = teachtorch.randn(3, 2, 3, 3)
    assert C.conv2d(x, w).dtype == teachtorch.float32
    y = C.conv2d(x.double(), w.double())
    assert y.dtype == teachtorch.float64


def _error_pair(fn_ours, fn_torch, xs, ws, **kw):
    with pytest.raises(RuntimeError) as theirs:
        fn_torch(torch.zeros(xs), torch.zeros(ws), **kw)
    with pytest.raises(RuntimeError) as ours:
        fn_ours(teachtorch.zeros(xs), teachtorch.zeros(ws), **kw)
    text = str(ours.value)
    first, _, rest = text.partition("\nhint:")
    assert first == str(theirs.value)
    assert rest.strip()
    return text


@pytest.mark.parametrize("xs,ws,kw", [
    ((1, 3, 2, 2), (4, 3, 3, 3), {}),
    ((1, 2, 5, 5), (4, 3, 3, 3), {}),
    ((5, 5), (4, 3, 3, 3), {}),
    ((1, 3, 5, 5), (4, 3, 3, 3), dict(stride=2, padding="same")),
    ((1, 4, 5, 5), (4, 3, 3, 3), dict(groups=2)),
    ((1, 4, 5, 5), (3, 2, 3, 3), dict(groups=2)),
], ids=str)
def test_conv2d_errors_are_torchs_plus_hint(xs, ws, kw):
    _error_pair(C.conv2d, TF.conv2d, xs, ws, **kw)


def test_conv1d_and_transpose_errors():
    _error_pair(C.conv1d, TF.conv1d, (1, 3, 2), (4, 3, 3))
    _error_pair(C.conv1d, TF.conv1d, (2, 5, 5), (4, 3, 3))
    _error_pair(C.conv_transpose2d, TF.conv_transpose2d, (1, 2, 5, 5), (3, 2, 3, 3))
    _error_pair(C.conv_transpose2d, TF.conv_transpose2d, (1, 2, 5, 5), (2, 2, 3, 3),
                output_padding=1)


def test_dtype_mismatch_errors_are_torchs():
    cases = [((1, 3, 5, 5), "float64", (4, 3, 3, 3), "float32", None),
             ((1, 3, 5, 5), "float32", (4, 3, 3, 3), "float32", "float64")]
    for xs, xd, ws, wd, bd in cases:
        args_t = [torch.zeros(xs, dtype=getattr(torch, xd)),
                  torch.zeros(ws, dtype=getattr(torch, wd))]
        args = [teachtorch.zeros(xs, dtype=getattr(teachtorch, xd)),
                teachtorch.zeros(ws, dtype=getattr(teachtorch, wd))]
        if bd:
            args_t.append(torch.zeros(ws[0], dtype=getattr(torch, bd)))
            args.append(teachtorch.zeros(ws[0], dtype=getattr(teachtorch, bd)))
        with pytest.raises(RuntimeError) as theirs:
            TF.conv2d(*args_t)
        with pytest.raises(RuntimeError) as ours:
            C.conv2d(*args)
        first, _, rest = str(ours.value).partition("\nhint:")
        assert first == str(theirs.value)
        assert "float" in rest


@pytest.mark.parametrize("op", ["conv2d", "conv_transpose2d"])
def test_results_survive_later_calls(op):
    """The kernels reuse scratch buffers from call to call; what they return must
    not live in them (batch 1 and no padding: the cases where a view would slip out)."""
    rng = np.random.default_rng(7)
    w = rng.standard_normal((2, 2, 3, 3)).astype(np.float32)
    inputs = [rng.standard_normal((1, 2, 5, 5)).astype(np.float32) for _ in range(2)]
    ours = []
    for a in inputs:
        x = teachtorch.tensor(a, requires_grad=True)
        wt = teachtorch.tensor(w, requires_grad=True)
        y = getattr(C, op)(x, wt)
        y.sum().backward()
        ours.append((y, x.grad, wt.grad))
    for a, (y, gx, gw) in zip(inputs, ours):
        x = torch.tensor(a, requires_grad=True)
        wt = torch.tensor(w, requires_grad=True)
        yt = getattr(TF, op)(x, wt)
        yt.sum().backward()
        assert_close(y, yt, rtol=1e-5, atol=1e-5)
        assert_close(gx, x.grad, rtol=1e-5, atol=1e-5)
        assert_close(gw, wt.grad, rtol=1e-5, atol=1e-5)


def test_weight_grad_right_when_another_conv_reused_the_columns():
    """Backward reuses forward's columns only if no conv of the same size has
    overwritten them since; here the second conv does, for the first one."""
    rng = np.random.default_rng(8)
    arrays = [rng.standard_normal(s).astype(np.float32)
              for s in [(2, 3, 6, 6), (3, 3, 3, 3), (2, 3, 6, 6), (3, 3, 3, 3)]]
    grads = {}
    for lib, F in ((teachtorch, C), (torch, TF)):
        x1, w1, x2, w2 = (lib.tensor(a, requires_grad=True) for a in arrays)
        y1 = F.conv2d(x1, w1, padding=1)
        y2 = F.conv2d(x2, w2, padding=1)
        (y1 * y1).sum().backward()           # y1's columns were overwritten by y2's
        (y2 * 2).sum().backward()            # y2's are still in the buffer
        grads[lib.__name__] = [t.grad for t in (x1, w1, x2, w2)]
    for ours, theirs in zip(grads["teachtorch"], grads["torch"]):
        assert_close(ours, theirs, rtol=1e-4, atol=1e-4)
