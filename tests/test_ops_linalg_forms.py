"""Parity with PyTorch for the linear algebra, distances and small torch.X functions
added by the API audit (values, gradients, warnings, errors)."""
import warnings

import numpy as np
import pytest
from helpers import assert_close, both

import teachtorch

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(3)
M = RNG.standard_normal((3, 3)) + 3 * np.eye(3)
BATCH = RNG.standard_normal((2, 3, 3)) + 3 * np.eye(3)
X = RNG.standard_normal((4, 3))
Y = RNG.standard_normal((5, 3))

GRADS = {
    "inverse": lambda lib, a: lib.inverse(a),
    "inverse_batch": lambda lib, a: lib.inverse(a * lib.tensor(BATCH)),
    "det": lambda lib, a: lib.det(a),
    "det_batch": lambda lib, a: lib.det(a * lib.tensor(BATCH)),
    "logdet": lambda lib, a: lib.logdet(a),
    "slogdet": lambda lib, a: lib.slogdet(-a).logabsdet,
    "matrix_power": lambda lib, a: lib.matrix_power(a, 3),
    "matrix_power_neg": lambda lib, a: lib.matrix_power(a, -2),
    "addmv": lambda lib, a: lib.addmv(a[0], a, a[1], beta=0.5, alpha=2),
    "addr": lambda lib, a: lib.addr(a, a[0], a[1], alpha=3),
    "addbmm": lambda lib, a: lib.addbmm(a, a.expand(2, 3, 3), a.expand(2, 3, 3)),
    "baddbmm": lambda lib, a: lib.baddbmm(a, a.expand(2, 3, 3), a.expand(2, 3, 3)),
    "cdist": lambda lib, a: lib.cdist(a, lib.tensor(Y)),
    "cdist_p1": lambda lib, a: lib.cdist(a, lib.tensor(Y), p=1),
    "cdist_p3": lambda lib, a: lib.cdist(a.unsqueeze(0), lib.tensor(X).unsqueeze(0), p=3),
    "cdist_self": lambda lib, a: lib.cdist(a, a),
    "dist": lambda lib, a: lib.dist(a, lib.tensor(M).t()),
    "pdist": lambda lib, a: lib.pdist(a),
    "combinations": lambda lib, a: lib.combinations(a[0], 2),
    "trapezoid": lambda lib, a: lib.trapezoid(a, lib.tensor([0.0, 0.5, 2.0],
                                                              dtype=lib.float64)),
    "trapz_dx": lambda lib, a: lib.trapz(a, dx=0.3, dim=0),
    "cumulative_trapezoid": lambda lib, a: lib.cumulative_trapezoid(a),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_values_and_gradients_like_torch(name):
    def run(lib):
        a = lib.tensor(M, requires_grad=True)
        y = GRADS[name](lib, a)
        weights = lib.arange(float(y.numel()), dtype=y.dtype).reshape(y.shape) + 1
        (y * weights).sum().backward()
        return y, a.grad
    for ours, theirs in zip(*both(run)):
        assert_close(ours, theirs, rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("name", ["inverse", "det", "matrix_power_neg", "cdist"])
def test_gradcheck(name):
    a = teachtorch.tensor(M, requires_grad=True)
    assert teachtorch.autograd.gradcheck(lambda t: GRADS[name](teachtorch, t), (a,))


def test_vander_values_like_torch_and_gradcheck():
    # torch's own vander backward fails (an in-place cumprod), so only values here
    ours, theirs = both(lambda lib: [lib.vander(lib.tensor(X[0]), 4),
                                     lib.vander(lib.tensor([1, 2, 3]), increasing=True)])
    for o, t in zip(ours, theirs):
        assert_close(o, t)
    x = teachtorch.tensor(X[0], requires_grad=True)
    assert teachtorch.autograd.gradcheck(lambda t: teachtorch.vander(t, 4), (x,))


def test_singular_inverse_raises_like_torch():
    for m in ([[1.0, 2], [2, 4]], [[0.0, 0], [0, 1]], [[[1.0, 0], [0, 1]], [[1, 2], [2, 4]]]):
        with pytest.raises(RuntimeError) as theirs:
            torch.inverse(torch.tensor(m))
        with pytest.raises(RuntimeError) as ours:
            teachtorch.inverse(teachtorch.tensor(m))
        assert str(ours.value).split("\nhint:")[0] == str(theirs.value)


FORMS = {
    "range": lambda lib: lib.range(1, 2.5, 0.5),
    "scalar_tensor": lambda lib: lib.scalar_tensor(3),
    "broadcast_shapes": lambda lib: lib.tensor(list(lib.broadcast_shapes((2, 1), (3,),
                                                                         1))),
    "split_with_sizes": lambda lib: lib.split_with_sizes(lib.arange(6), [2, 4])[1],
    "unravel_index": lambda lib: lib.stack(lib.unravel_index(lib.tensor([5, 7]), (2, 4))),
    "positive": lambda lib: lib.positive(lib.tensor([-1.0, 2])),
    "fill": lambda lib: lib.fill(lib.ones(2, 2), 3.5),
    "shifts": lambda lib: lib.stack([lib.bitwise_left_shift(lib.tensor([1, 3]), 2),
                                     lib.bitwise_right_shift(lib.tensor([8, 7]), 1)]),
    "chain_matmul": lambda lib: lib.chain_matmul(lib.eye(2), lib.ones(2, 2) * 2,
                                                 lib.ones(2, 1)),
    "tensor_methods": lambda lib: lib.stack([lib.tensor([1.0, 4]).log2_(),
                                             lib.tensor([3.0, 1]).ge_(2),
                                             lib.tensor([2.0, 3]).cumsum_(0)]),
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_function_forms_like_torch(name):
    def run(lib):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = FORMS[name](lib)
        return r, [str(w.message).split(" (Triggered")[0] for w in caught]
    (r, w), (tr, tw) = both(run)
    assert_close(r, tr)
    assert w == tw


def test_queries_like_torch():
    def run(lib):
        x = lib.tensor([[1, 2]])
        return [lib.is_nonzero(lib.tensor([0.5])), lib.is_same_size(x, x.t()),
                lib.is_signed(x), lib.is_signed(x.byte()), x.get_device(),
                lib.can_cast(lib.float32, lib.int32), lib.can_cast(lib.int8, lib.float16),
                lib.can_cast(lib.bool, lib.uint8), lib.pi, lib.e, lib.inf,
                repr(lib.finfo(lib.float32)), repr(lib.finfo(lib.float16)),
                repr(lib.iinfo(lib.int32)), lib.finfo().eps, lib.iinfo(lib.uint8).max,
                lib.are_deterministic_algorithms_enabled(), x.is_cpu]
    ours, theirs = both(run)
    assert ours == theirs


def test_broadcast_shapes_error_like_torch():
    with pytest.raises(RuntimeError) as theirs:
        torch.broadcast_shapes((2, 3), (4,))
    with pytest.raises(RuntimeError) as ours:
        teachtorch.broadcast_shapes((2, 3), (4,))
    assert str(ours.value).split("\nhint:")[0] == str(theirs.value)


def test_apply_and_map_run_python_functions_in_place():
    def run(lib):
        x = lib.tensor([1.0, 2, 3])
        x.apply_(lambda v: v * v + 1)
        y = lib.tensor([1.0, 2, 3])
        y.map_(lib.tensor([10.0, 20, 30]), lambda a, b: a + b)
        return x, y
    for ours, theirs in zip(*both(run)):
        assert_close(ours, theirs)


def test_random_fills_have_the_right_distribution():
    teachtorch.manual_seed(0)
    x = teachtorch.empty(20000)
    assert abs(float(x.log_normal_(0.0, 0.5).log().std()) - 0.5) < 0.02
    assert abs(float(x.geometric_(0.25).mean()) - 4.0) < 0.15
    assert abs(float(x.cauchy_(1.0, 0.1).median()) - 1.0) < 0.01
