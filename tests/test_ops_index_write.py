"""Parity with PyTorch for index_copy, put, masked_scatter, fill_diagonal_, renorm,
sum_to_size, gradient and histogram: values and gradients."""
import numpy as np
import pytest
from helpers import assert_close, both

import teachtorch

torch = pytest.importorskip("torch")

A = np.random.default_rng(6).standard_normal((4, 3))
S = np.random.default_rng(7).standard_normal((2, 3))

CASES = {
    "index_copy": lambda lib, x, s: x.index_copy(0, lib.tensor([3, 1]), s),
    "index_copy_dim1": lambda lib, x, s: x.index_copy(1, lib.tensor([2, 0]), s[:, :2]
                                                      .t().repeat(2, 1)),
    "put": lambda lib, x, s: x.put(lib.tensor([0, -1, 5]), s[0]),
    "put_accumulate": lambda lib, x, s: x.put(lib.tensor([1, 1, 7]), s[1],
                                              accumulate=True),
    "masked_scatter": lambda lib, x, s: x.masked_scatter(
        lib.tensor([[True, False, True]]), s.reshape(-1).repeat(2)),
    "renorm": lambda lib, x, s: x.renorm(2, 0, 1.0),
    "renorm_p1_dim1": lambda lib, x, s: lib.renorm(x, 1, 1, 2.0),
    "sum_to_size": lambda lib, x, s: x.sum_to_size(1, 3),
    "sum_to_size_lead": lambda lib, x, s: x.reshape(2, 2, 3).sum_to_size((2, 1)),
    "gradient": lambda lib, x, s: lib.stack(lib.gradient(x, spacing=0.5)),
    "gradient_dim": lambda lib, x, s: lib.gradient(x, dim=1)[0],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_like_torch(name):
    def run(lib):
        x = lib.tensor(A, requires_grad=True)
        s = lib.tensor(S, requires_grad=True)
        y = CASES[name](lib, x, s)
        (y * y.detach().sin()).sum().backward()
        return y, x.grad, s.grad
    for ours, theirs in zip(*both(run)):
        if theirs is None:
            assert ours is None
        else:
            assert_close(ours, theirs, rtol=1e-9, atol=1e-9)


def test_in_place_forms_like_torch():
    def run(lib):
        a = lib.zeros(3, 4)
        a.fill_diagonal_(2.0)
        b = lib.zeros(5, 2)
        b.fill_diagonal_(1.0, wrap=True)
        c = lib.zeros(2, 3)
        c.index_copy_(1, lib.tensor([2]), lib.ones(2, 1))
        d = lib.tensor([float("nan"), 1.0])
        lib.nan_to_num_(d, nan=7.0)
        e = lib.ones(2, 3).swapaxes_(0, 1)
        return a, b, c, d, e
    for ours, theirs in zip(*both(run)):
        assert_close(ours, theirs)


def test_histogram_like_torch():
    def run(lib):
        x = lib.tensor(A.reshape(-1))
        h = lib.histogram(x, bins=4, range=(-2.0, 2.0))
        w = lib.histogram(x, bins=lib.tensor([-3.0, 0.0, 1.0, 3.0], dtype=lib.float64),
                          weight=lib.tensor(np.abs(A.reshape(-1))), density=True)
        return h.hist, h.bin_edges, w.hist, w.bin_edges
    for ours, theirs in zip(*both(run)):
        assert_close(ours, theirs)


@pytest.mark.parametrize("call", [
    lambda lib: lib.zeros(2, 3).sum_to_size(3, 3),
    lambda lib: lib.zeros(4).put(lib.tensor([4]), lib.ones(1)),
    lambda lib: lib.zeros(3).fill_diagonal_(1.0),
    lambda lib: lib.zeros(2, 3, 4).fill_diagonal_(1.0),
])
def test_errors_like_torch(call):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(teachtorch)
    assert str(ours.value).split("\nhint:")[0] == str(theirs.value)


@pytest.mark.parametrize("reduce", ["sum", "mean", "amax", "amin", "prod"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_like_torch(reduce, include_self):
    index = [[0, 1, 0], [3, 3, 1], [1, 0, 0]]

    def run(lib):
        x = lib.tensor(np.round(A * 2) / 2, requires_grad=True)  # ties for amax/amin
        s = lib.tensor(np.round(np.vstack([S, S[:1] * 3]) * 2) / 2, requires_grad=True)
        y = x.scatter_reduce(0, lib.tensor(index), s, reduce, include_self=include_self)
        if reduce == "prod":
            return y, None, None
        (y * lib.tensor(np.cos(np.arange(12.0)).reshape(4, 3))).sum().backward()
        return y, x.grad, s.grad
    for ours, theirs in zip(*both(run)):
        if theirs is not None:
            assert_close(ours, theirs, rtol=1e-9, atol=1e-9)


def test_scatter_reduce_integers_and_partial_index_like_torch():
    def run(lib):
        x = lib.tensor([[1, 2, 3], [4, 5, 6]])
        return [x.scatter_reduce(1, lib.tensor([[0, 0], [2, 1]]),
                                 lib.tensor([[7, 9, 1], [2, 2, 2]]), "mean"),
                x.scatter_reduce(0, lib.tensor([[1, 1, 0]]), x * 2, "amax",
                                 include_self=False)]
    for ours, theirs in zip(*both(run)):
        assert_close(ours, theirs)
