"""layer_norm, batch_norm, group_norm, instance_norm: the reference (Tensor ops) and the
fast kernel give the same values, gradients, second derivatives and running
statistics; the references pass gradgradcheck and match PyTorch."""
import numpy as np
import pytest
import torch
from helpers import assert_close

import teachtorch
import teachtorch.nn.functional as TF
from teachtorch.reference import reference_of


def _tensor(a, grad=True):
    return teachtorch.tensor(a, requires_grad=grad)


def _run(fn, arrays, reference):
    ts = [_tensor(a) for a in arrays]
    with teachtorch.reference_mode(reference):
        y = fn(*ts)
        w = teachtorch.tensor(np.linspace(-1, 2, y.numel()).reshape(tuple(y.shape))
                              .astype(arrays[0].dtype))
        grads = teachtorch.autograd.grad((y * w).sum() + (y ** 3).sum(), ts,
                                         create_graph=True)
        penalty = sum((g * g).sum() for g in grads)
        second = teachtorch.autograd.grad(penalty, ts)
    return [y, *grads, *second]


def _check(fn, arrays):
    tol = ({"rtol": 1e-8, "atol": 1e-9} if arrays[0].dtype == np.float64
           else {"rtol": 2e-3, "atol": 2e-4})
    for a, b in zip(_run(fn, arrays, False), _run(fn, arrays, True)):
        assert a.shape == b.shape and a.dtype == b.dtype
        assert_close(a, b, **tol)


DTYPES = [np.float32, np.float64]


def _x(rng, shape, dtype, strided):
    a = rng.standard_normal(shape).astype(dtype)
    return np.asfortranarray(a) if strided else a


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,n_norm", [((4, 6), 1), ((2, 3, 5), 2),
                                          ((3, 2, 2, 4), 1)])
def test_layer_norm(shape, n_norm, dtype):
    rng = np.random.default_rng(len(shape) + n_norm)
    norm_shape = shape[len(shape) - n_norm:]
    w = rng.uniform(0.5, 1.5, norm_shape).astype(dtype)
    b = rng.standard_normal(norm_shape).astype(dtype)
    for strided in (False, True):
        x = _x(rng, shape, dtype, strided)
        _check(lambda x, w, b: TF.layer_norm(x, norm_shape, w, b), [x, w, b])
        _check(lambda x: TF.layer_norm(x, norm_shape), [x])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (2, 3, 4, 4)])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm(shape, training, dtype):
    rng = np.random.default_rng(len(shape))
    c = shape[1]
    w = rng.uniform(0.5, 1.5, c).astype(dtype)
    b = rng.standard_normal(c).astype(dtype)
    mean0 = rng.standard_normal(c).astype(dtype)
    var0 = rng.uniform(0.5, 2.0, c).astype(dtype)
    stats = []
    for strided in (False, True):
        x = _x(rng, shape, dtype, strided)
        for reference in (False, True):
            rm, rv = teachtorch.tensor(mean0.copy()), teachtorch.tensor(var0.copy())
            with teachtorch.reference_mode(reference):
                TF.batch_norm(_tensor(x), rm, rv, _tensor(w), _tensor(b), training,
                              0.3, 1e-5)
            stats.append((rm, rv))
        _check(lambda x, w, b: TF.batch_norm(
            x, teachtorch.tensor(mean0.copy()), teachtorch.tensor(var0.copy()), w, b,
            training, 0.1, 1e-5), [x, w, b])
    for (m1, v1), (m2, v2) in zip(stats[::2], stats[1::2]):
        assert_close(m1, m2, rtol=1e-5, atol=1e-6)
        assert_close(v1, v2, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,groups", [((2, 6, 3), 3), ((3, 4, 2, 2), 2),
                                          ((2, 4), 4)])
def test_group_and_instance_norm(shape, groups, dtype):
    rng = np.random.default_rng(groups)
    c = shape[1]
    w = rng.uniform(0.5, 1.5, c).astype(dtype)
    b = rng.standard_normal(c).astype(dtype)
    for strided in (False, True):
        x = _x(rng, shape, dtype, strided)
        _check(lambda x, w, b: TF.group_norm(x, groups, w, b), [x, w, b])
        if len(shape) > 2:
            _check(lambda x, w, b: TF.instance_norm(x, weight=w, bias=b), [x, w, b])


def test_references_pass_gradgradcheck():
    rng = np.random.default_rng(0)
    x = _tensor(rng.standard_normal((4, 3, 2)))
    w, b = _tensor(rng.uniform(0.5, 1.5, 3)), _tensor(rng.standard_normal(3))
    with teachtorch.reference_mode():
        assert teachtorch.autograd.gradgradcheck(
            lambda x, w, b: TF.batch_norm(x, None, None, w, b, True), (x, w, b))
        assert teachtorch.autograd.gradgradcheck(
            lambda x, w, b: TF.group_norm(x, 3, w, b), (x, w, b))
        assert teachtorch.autograd.gradgradcheck(
            lambda x: TF.layer_norm(x, (3, 2)), (x,))


def test_reference_modules_match_torch():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((4, 3, 5)).astype(np.float32)
    for make in (lambda nn: nn.BatchNorm1d(3), lambda nn: nn.LayerNorm(5),
                 lambda nn: nn.GroupNorm(3, 3),
                 lambda nn: nn.InstanceNorm1d(3, affine=True)):
        ours, theirs = make(teachtorch.nn), make(torch.nn)
        x, xt = _tensor(a), torch.tensor(a, requires_grad=True)
        with teachtorch.reference_mode():
            y = ours(x)
            (y * y * y).sum().backward()
        yt = theirs(xt)
        (yt * yt * yt).sum().backward()
        assert_close(y, yt, rtol=1e-4, atol=1e-5)
        assert_close(x.grad, xt.grad, rtol=1e-3, atol=1e-4)
        for name, buf in theirs.named_buffers():
            if buf.dtype.is_floating_point:
                assert_close(getattr(ours, name), buf, rtol=1e-5, atol=1e-6)


def test_batch_norm_second_derivative_sees_the_batch_statistics():
    """d/dx of |dL/dx|^2 through training-mode batch_norm equals torch's."""
    a = np.random.default_rng(3).standard_normal((5, 2))
    x, xt = _tensor(a), torch.tensor(a, requires_grad=True)
    y, yt = TF.batch_norm(x, None, None, training=True), torch.nn.functional.batch_norm(
        xt, None, None, training=True)
    (g,) = teachtorch.autograd.grad((y ** 3).sum(), x, create_graph=True)
    (gt,) = torch.autograd.grad((yt ** 3).sum(), xt, create_graph=True)
    (gg,) = teachtorch.autograd.grad((g * g).sum(), x)
    (ggt,) = torch.autograd.grad((gt * gt).sum(), xt)
    assert_close(gg, ggt, rtol=1e-8, atol=1e-10)


def test_references_are_published():
    for fn in (TF.layer_norm, TF.batch_norm, TF.group_norm):
        assert callable(reference_of(fn))
    nn = teachtorch.nn
    for cls, fn in ((nn.BatchNorm1d, TF.batch_norm), (nn.BatchNorm2d, TF.batch_norm),
                    (nn.LayerNorm, TF.layer_norm), (nn.GroupNorm, TF.group_norm),
                    (nn.InstanceNorm2d, TF.group_norm)):
        assert reference_of(cls) is reference_of(fn), cls
