"""Parity with PyTorch for the math the API audit found missing.

Every op runs on both libraries on the same data: values, dtypes, gradients against
torch's, and teachtorch's own float64 gradcheck where the op is differentiable.
"""
import numpy as np
import pytest
from helpers import assert_close, both

import teachtorch

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
# each op's input domain: values the op is smooth on (gradcheck needs that)
UNARY = {
    "asin": (-0.9, 0.9), "acos": (-0.9, 0.9), "atan": (-3, 3), "sinh": (-3, 3),
    "cosh": (-3, 3), "asinh": (-3, 3), "acosh": (1.1, 4), "atanh": (-0.9, 0.9),
    "sinc": (-2, 2), "deg2rad": (-200, 200), "rad2deg": (-4, 4), "erfc": (-4, 6),
    "erfinv": (-0.99, 0.99), "lgamma": (0.1, 12), "digamma": (0.2, 12),
    "logit": (0.05, 0.95), "sgn": (-2, 2), "arcsin": (-0.9, 0.9), "arctanh": (-0.5, 0.5),
}
BINARY = {
    "atan2": ((-2, 2), (-2, 2)), "hypot": ((-3, 3), (-3, 3)),
    "logaddexp": ((-5, 5), (-5, 5)), "logaddexp2": ((-5, 5), (-5, 5)),
    "xlogy": ((-2, 2), (0.1, 3)), "copysign": ((0.2, 2), (-2, 2)),
    "fmax": ((-2, 2), (-2, 2)), "fmin": ((-2, 2), (-2, 2)),
}


def _data(lo, hi, shape=(3, 4)):
    return RNG.uniform(lo, hi, size=shape)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_values_and_grads_like_torch(name, dtype):
    a = _data(*UNARY[name])

    def run(lib):
        x = lib.tensor(a, dtype=getattr(lib, dtype), requires_grad=True)
        y = getattr(lib, name)(x)
        (y * lib.arange(12.0, dtype=y.dtype).reshape(3, 4)).sum().backward()
        method = getattr(x.detach(), name)()
        return y, x.grad, method

    (y, g, m), (ty, tg, tm) = both(run)
    tol = {"rtol": 1e-5, "atol": 1e-5} if dtype == "float32" else {"rtol": 1e-9, "atol": 1e-9}
    assert_close(y, ty, **tol)
    assert_close(m, tm, **tol)
    if name != "sgn":
        assert_close(g, tg, **tol)


@pytest.mark.parametrize("name", sorted(set(UNARY) - {"sgn"}))
def test_unary_gradcheck(name):
    x = teachtorch.tensor(_data(*UNARY[name], shape=(5,)), dtype=teachtorch.float64,
                          requires_grad=True)
    assert teachtorch.autograd.gradcheck(getattr(teachtorch, name), (x,))


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_values_grads_and_broadcasting_like_torch(name):
    (lo1, hi1), (lo2, hi2) = BINARY[name]
    a, b = _data(lo1, hi1, (3, 4)), _data(lo2, hi2, (4,))

    def run(lib):
        x = lib.tensor(a, requires_grad=True)
        w = lib.tensor(b, requires_grad=True)
        y = getattr(lib, name)(x, w)
        (y * y).sum().backward()
        return y, x.grad, w.grad

    ours, theirs = both(run)
    for o, t in zip(ours, theirs):
        assert_close(o, t, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradcheck(name):
    (lo1, hi1), (lo2, hi2) = BINARY[name]
    x = teachtorch.tensor(_data(lo1, hi1, (4,)), dtype=teachtorch.float64,
                          requires_grad=True)
    w = teachtorch.tensor(_data(lo2, hi2, (4,)), dtype=teachtorch.float64,
                          requires_grad=True)
    assert teachtorch.autograd.gradcheck(getattr(teachtorch, name), (x, w))


@pytest.mark.parametrize("name", ["asin", "atan", "sinh", "deg2rad", "erfc", "lgamma",
                                  "erfinv", "digamma", "sinc", "logit", "sgn", "atan2",
                                  "xlogy", "copysign", "fmax", "fmin"])
def test_integer_inputs_give_torchs_dtype(name):
    def run(lib):
        x = lib.tensor([0, 1, 2])
        return getattr(lib, name)(x, x) if name in BINARY else getattr(lib, name)(x)
    ours, theirs = both(run)
    assert_close(ours, theirs, rtol=1e-6)


@pytest.mark.parametrize("name", ["hypot", "logaddexp", "logaddexp2"])
def test_integer_inputs_refused_like_torch(name):
    x = teachtorch.tensor([0, 1, 2])
    with pytest.raises(NotImplementedError) as ours:
        getattr(teachtorch, name)(x, x)
    with pytest.raises(NotImplementedError) as theirs:
        getattr(torch, name)(torch.tensor([0, 1, 2]), torch.tensor([0, 1, 2]))
    assert str(ours.value).split("\nhint:")[0] == str(theirs.value)


def test_edges_match_torch():
    def run(lib):
        nan, inf = float("nan"), float("inf")
        return [lib.asin(lib.tensor([2.0, -1.0])), lib.acosh(lib.tensor([0.5, 1.0])),
                lib.atanh(lib.tensor([1.0, -1.0])), lib.erfinv(lib.tensor([1.0, -1.0, 2.0])),
                lib.lgamma(lib.tensor([0.0, -1.0, -2.5, inf])),
                lib.digamma(lib.tensor([0.0, -1.0, -2.5, 1.0])),
                lib.erfc(lib.tensor([-30.0, 0.0, 9.0, 27.0], dtype=lib.float64)),
                lib.xlogy(lib.tensor([0.0, 0.0, 2.0]), lib.tensor([0.0, nan, 0.0])),
                lib.sinc(lib.tensor([0.0, 1.0, -0.5])),
                lib.fmax(lib.tensor([nan, 1.0, nan]), lib.tensor([2.0, nan, nan])),
                lib.signbit(lib.tensor([-0.0, 0.0, -1.0])),
                lib.logit(lib.tensor([0.0, 0.5, 1.0]), eps=1e-6)]
    for o, t in zip(*both(run)):
        assert_close(o, t, rtol=1e-5, atol=1e-6)


def test_lgamma_double_backward_goes_through_digamma():
    def run(lib):
        x = lib.tensor([0.7, 2.5, 6.0], dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(lib.lgamma(x).sum(), x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), x)
        return g, gg
    for o, t in zip(*both(run)):
        assert_close(o, t, rtol=1e-8)


def test_inplace_forms_and_torch_functions():
    def run(lib):
        a = lib.tensor([0.1, 0.4])
        b = a.clone().asin_()
        c = lib.tensor([0.1, 0.4])
        lib.exp_(c)
        d = lib.tensor([1.0, -3.0])
        lib.clamp_(d, min=-1)
        return b, c, d
    for o, t in zip(*both(run)):
        assert_close(o, t)


def test_gcd_lcm_heaviside():
    def run(lib):
        a, b = lib.tensor([12, 18, -4]), lib.tensor([8, 27, 6])
        h = lib.heaviside(lib.tensor([-1.0, 0.0, 3.0]), lib.tensor([0.5]))
        return lib.gcd(a, b), lib.lcm(a, b), h
    for o, t in zip(*both(run)):
        assert_close(o, t)
    with pytest.raises(RuntimeError, match="not implemented for 'Float'"):
        teachtorch.gcd(teachtorch.tensor([1.0]), teachtorch.tensor([2.0]))


@pytest.mark.parametrize("name", ["asin", "sinc", "erfinv", "lgamma", "logcumsumexp"])
def test_runs_on_the_device_like_on_the_cpu(device, name):
    x = teachtorch.tensor([0.1, 0.5, 0.9], requires_grad=True)

    def call(t):
        return teachtorch.logcumsumexp(t, 0) if name == "logcumsumexp" else \
            getattr(teachtorch, name)(t)
    y = call(x.to(device))
    assert y.device.type == teachtorch.device(device).type
    y.sum().backward()
    cpu = teachtorch.tensor([0.1, 0.5, 0.9], requires_grad=True)
    call(cpu).sum().backward()
    np.testing.assert_allclose(y.detach().cpu().numpy(), call(cpu).detach().numpy(),
                               rtol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), cpu.grad.numpy(), rtol=1e-6)
