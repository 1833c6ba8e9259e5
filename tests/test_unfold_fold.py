"""F.unfold / F.fold (im2col / col2im) and nn.Unfold / nn.Fold against torch: values,
first and second derivatives, grad_fn names, module repr, unbatched inputs, errors;
and the chapter's claim that a convolution is unfold followed by one matrix product."""
import numpy as np
import pytest
import torch

import teachtorch

SETTINGS = [
    {"kernel_size": 2},
    {"kernel_size": (2, 3), "stride": (2, 1)},
    {"kernel_size": 3, "padding": 1},
    {"kernel_size": (2, 3), "dilation": (1, 2), "padding": 1, "stride": (2, 1)},
    {"kernel_size": 2, "stride": 3},                # windows that skip pixels
]


def _arr(shape, seed):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("kw", SETTINGS)
@pytest.mark.parametrize("unbatched", [False, True])
def test_unfold_then_fold_values_grads_and_double_backward(kw, unbatched):
    shape = (3, 5, 6) if unbatched else (2, 3, 5, 6)
    x = _arr(shape, 0)
    got = []
    for lib in (torch, teachtorch):
        F = lib.nn.functional
        t = lib.tensor(x, requires_grad=True)        # float64 for the 2nd derivative
        cols = F.unfold(t, **kw)
        back = F.fold(cols * cols, shape[-2:], **kw)  # squares: 2nd derivative != 0
        w = lib.tensor(_arr(tuple(back.shape), 1))
        (g,) = lib.autograd.grad((back * w).sum(), t, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), t)
        got.append([cols.detach().numpy(), back.detach().numpy(), g.detach().numpy(),
                    gg.numpy(), type(cols.grad_fn).__name__ if not unbatched else "",
                    type(back.grad_fn).__name__ if not unbatched else ""])
    for a, b in zip(got[1], got[0]):
        if isinstance(a, str):
            assert a == b
        else:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_gradcheck_and_gradgradcheck():
    F = teachtorch.nn.functional
    x = teachtorch.tensor(_arr((1, 2, 4, 5), 2), requires_grad=True)
    kw = {"kernel_size": (2, 2), "padding": 1, "stride": (1, 2)}
    assert teachtorch.autograd.gradcheck(lambda t: F.unfold(t, **kw), (x,))
    assert teachtorch.autograd.gradgradcheck(
        lambda t: F.fold(F.unfold(t, **kw) ** 2, (4, 5), **kw), (x,))


def test_conv2d_is_unfold_and_one_matmul():
    F = teachtorch.nn.functional
    x = teachtorch.tensor(_arr((2, 3, 6, 7), 3).astype(np.float32))
    w = teachtorch.tensor(_arr((4, 3, 3, 3), 4).astype(np.float32))
    cols = F.unfold(x, 3, padding=1, stride=2)                     # (2, 27, L)
    out = (w.view(4, -1) @ cols).view(2, 4, 3, 4)
    ref = torch.nn.functional.conv2d(torch.tensor(x.numpy()), torch.tensor(w.numpy()),
                                     padding=1, stride=2)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-5, atol=1e-5)


def test_modules_like_torch():
    x = _arr((2, 3, 4, 5), 5).astype(np.float32)
    for make in ("lib.nn.Unfold(2, stride=2)", "lib.nn.Unfold((2, 3), dilation=1, padding=1)"):
        a = eval(make, {"lib": torch})
        b = eval(make, {"lib": teachtorch})
        assert repr(b) == repr(a)
        np.testing.assert_allclose(b(teachtorch.tensor(x)).numpy(),
                                   a(torch.tensor(x)).numpy())
    a, b = torch.nn.Fold((4, 5), 2), teachtorch.nn.Fold((4, 5), 2)
    assert repr(b) == repr(a)
    cols = _arr((2, 12, 12), 6).astype(np.float32)
    np.testing.assert_allclose(b(teachtorch.tensor(cols)).numpy(),
                               a(torch.tensor(cols)).numpy(), rtol=1e-6)


ERRORS = [
    "F.fold(lib.ones(1, 8, 10), (4, 5), 2)",
    "F.fold(lib.ones(1, 7, 12), (4, 5), 2)",
    "F.fold(lib.ones(2, 3, 4, 5), (4, 5), 2)",
    "F.unfold(lib.ones(1, 1, 2, 2), 3)",
    "F.unfold(lib.ones(1, 1, 4, 4), 2, stride=0)",
]


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_like_torch(expr):
    with pytest.raises(RuntimeError) as theirs:
        eval(expr, {"lib": torch, "F": torch.nn.functional})
    with pytest.raises(RuntimeError) as ours:
        eval(expr, {"lib": teachtorch, "F": teachtorch.nn.functional})
    message, hint = str(ours.value).split("\nhint: ")
    assert message == str(theirs.value) and hint


def test_unfold_fold_on_device(device):
    F = teachtorch.nn.functional
    x = _arr((2, 3, 5, 6), 7).astype(np.float32)
    t = teachtorch.tensor(x, device=device, requires_grad=True)
    back = F.fold(F.unfold(t, 2, padding=1) * 2, (5, 6), 2, padding=1)
    back.sum().backward()
    assert back.device.type == device and t.grad.device.type == device
    tt = torch.tensor(x, requires_grad=True)
    ref = torch.nn.functional.fold(torch.nn.functional.unfold(tt, 2, padding=1) * 2,
                                   (5, 6), 2, padding=1)
    ref.sum().backward()
    np.testing.assert_allclose(back.detach().cpu().numpy(), ref.detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(t.grad.cpu().numpy(), tt.grad.numpy(), rtol=1e-6)


def test_unfold_between_conv_forward_and_backward():
    """unfold uses conv's im2col scratch buffer; a conv whose columns it overwrote
    must still get torch's gradients (the ticket check in _kernels/scratch.py)."""
    rng = np.random.default_rng(8)
    x, w, z = (rng.standard_normal(s).astype(np.float32)
               for s in ((2, 3, 6, 6), (4, 3, 3, 3), (2, 3, 6, 6)))
    grads = []
    for lib in (torch, teachtorch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = lib.nn.functional.conv2d(xt, wt, padding=1)
        cols = lib.nn.functional.unfold(lib.tensor(z), 3, padding=1)  # same geometry
        (y * y).sum().backward()
        grads.append((wt.grad.numpy(), xt.grad.numpy(), cols.numpy()))
    for a, b in zip(grads[1], grads[0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-4)
