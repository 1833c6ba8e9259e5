"""Arithmetic, element-wise ops, reductions, softmax and matmul against PyTorch:
type promotion, errors (type and wording), in-place forms, out=, tricky gradients."""

import itertools

import numpy as np
import pytest
import torch
from op_specs import check_like_torch

import teachtorch

LIBS = (teachtorch, torch)
DT = [
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "float32",
    "float64",
]


def _t(lib, dtype, dim=True):
    v = [[1, 2, 3], [4, 5, 6]] if dim else 3
    if dtype == "bool":
        return lib.tensor(v, dtype=lib.int64).bool() if dim else lib.tensor(True)
    return lib.tensor(v, dtype=getattr(lib, dtype))


def _both(fn):
    """(our result or exception type, torch's result or exception type)."""
    out = []
    for lib in LIBS:
        try:
            out.append(fn(lib))
        except Exception as e:  # noqa: BLE001 - the type is what we compare
            out.append(type(e))
    return out


# ----- type promotion -----------------------------------------------------------------
@pytest.mark.parametrize("a,b", list(itertools.product(DT, DT)))
def test_promotion_tensor_tensor(a, b):
    ours, theirs = _both(lambda lib: _t(lib, a) + _t(lib, b))
    if isinstance(theirs, type):
        assert ours is theirs
    else:
        assert str(ours.dtype) == str(theirs.dtype)
        np.testing.assert_allclose(
            ours.numpy().astype(float), theirs.numpy().astype(float)
        )


@pytest.mark.parametrize("a,b", list(itertools.product(DT, DT)))
def test_promotion_tensor_zero_dim(a, b):
    ours, theirs = _both(lambda lib: _t(lib, a) * _t(lib, b, dim=False))
    if isinstance(theirs, type):
        assert ours is theirs
    else:
        assert str(ours.dtype) == str(theirs.dtype)


@pytest.mark.parametrize("a", DT)
@pytest.mark.parametrize("scalar", [2, 2.5, True, -1])
@pytest.mark.parametrize("op", ["add", "mul", "sub", "truediv", "rtruediv", "pow"])
def test_promotion_tensor_python_scalar(a, scalar, op):
    fns = {
        "add": lambda x: x + scalar,
        "mul": lambda x: x * scalar,
        "sub": lambda x: x - scalar,
        "truediv": lambda x: x / scalar,
        "rtruediv": lambda x: scalar / x,
        "pow": lambda x: x**scalar,
    }
    ours, theirs = _both(lambda lib: fns[op](_t(lib, a)))
    if isinstance(theirs, type):
        assert isinstance(ours, type) and issubclass(ours, Exception)
        return
    assert not isinstance(ours, type), ours
    assert str(ours.dtype) == str(theirs.dtype)
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(
            ours.numpy().astype(float), theirs.numpy().astype(float), rtol=1e-3
        )


@pytest.mark.parametrize("a", ["int64", "int32", "uint8", "bool", "float64"])
@pytest.mark.parametrize(
    "fn",
    [
        "exp",
        "log",
        "sqrt",
        "sin",
        "sigmoid",
        "tanh",
        "rsqrt",
        "reciprocal",
        "erf",
        "log1p",
        "expm1",
        "exp2",
    ],
)
def test_integer_inputs_give_float(a, fn):
    ours, theirs = _both(lambda lib: getattr(_t(lib, a), fn)())
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5)


@pytest.mark.parametrize("a", DT)
@pytest.mark.parametrize(
    "fn",
    [
        "sum",
        "prod",
        "cumsum",
        "abs",
        "neg",
        "sign",
        "floor",
        "relu",
        "max",
        "amax",
        "argmax",
        "all",
        "any",
        "count_nonzero",
        "mean",
        "square",
    ],
)
def test_dtype_of_results(a, fn):
    calls = {
        "cumsum": lambda x: x.cumsum(0),
        "amax": lambda x: x.amax(1),
        "max": lambda x: x.max(1),
    }
    call = calls.get(fn, lambda x, _f=fn: getattr(x, _f)())
    ours, theirs = _both(lambda lib: call(_t(lib, a)))
    if isinstance(theirs, type):
        assert ours is theirs, (ours, theirs)
        return
    if isinstance(theirs, tuple):
        ours, theirs = ours.values, theirs.values
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(
        ours.numpy().astype(float), theirs.numpy().astype(float), rtol=1e-3
    )


def test_int_division_modes():
    a = [[7, -7, 5], [-5, 0, 9]]
    b = [[2, 2, -3], [3, 1, -4]]
    for mode in (None, "floor", "trunc"):
        check_like_torch(
            lambda lib, x, y, m=mode: lib.div(x, y, rounding_mode=m),
            [np.array(a), np.array(b)],
            grad=False,
        )
    for fn in (
        lambda lib, x, y: x // y,
        lambda lib, x, y: x % y,
        lambda lib, x, y: lib.fmod(x, y),
        lambda lib, x, y: lib.remainder(x, 3),
    ):
        check_like_torch(fn, [np.array(a), np.array(b)], grad=False)


# ----- errors: PyTorch's type and first line, then a hint -----------------------------
def _error(fn):
    """(our exception, torch's exception) for fn(lib); both must raise."""
    raised = []
    for lib in LIBS:
        with pytest.raises(Exception) as info:
            fn(lib)
        raised.append(info.value)
    return raised


ERRORS = {
    "mm_dtype": lambda lib: lib.ones(2, 2) @ lib.ones(2, 2, dtype=lib.float64),
    "mm_long": lambda lib: lib.ones(2, 2, dtype=lib.long) @ lib.ones(2, 2),
    "mm_shape": lambda lib: lib.ones(2, 3) @ lib.ones(2, 2),
    "mm_fold": lambda lib: lib.ones(2, 3, 4) @ lib.ones(3, 4),
    "bmm_shape": lambda lib: lib.ones(2, 3, 4) @ lib.ones(2, 3, 4),
    "bmm_fn": lambda lib: lib.bmm(lib.ones(2, 2, 3), lib.ones(2, 4, 2)),
    "bmm_dtype": lambda lib: lib.bmm(lib.ones(2, 2, 3), lib.ones(2, 3, 2).double()),
    "bmm_rank": lambda lib: lib.bmm(lib.ones(2, 3), lib.ones(3, 2)),
    "batch_bcast": lambda lib: lib.ones(5, 2, 3) @ lib.ones(4, 3, 2),
    "dot_size": lambda lib: lib.ones(3) @ lib.ones(4),
    "dot_dtype": lambda lib: lib.dot(lib.ones(3, dtype=lib.float64), lib.ones(3)),
    "dot_rank": lambda lib: lib.dot(lib.ones(2, 3), lib.ones(2, 3)),
    "mv_size": lambda lib: lib.mv(lib.ones(2, 3), lib.ones(4)),
    "mv_dtype": lambda lib: lib.mv(lib.ones(2, 3).double(), lib.ones(3)),
    "matvec_fold": lambda lib: lib.ones(2, 3, 4) @ lib.ones(5),
    "vec_batch": lambda lib: lib.ones(5) @ lib.ones(2, 4, 5),
    "mat_batch": lambda lib: lib.ones(3, 5) @ lib.ones(2, 4, 5),
    "vecmat": lambda lib: lib.ones(3) @ lib.ones(4, 2),
    "mm_rank": lambda lib: lib.mm(lib.ones(3), lib.ones(3, 2)),
    "matmul_0d": lambda lib: lib.ones(()) @ lib.ones(3),
    "addmm_shape": lambda lib: lib.addmm(lib.ones(2), lib.ones(2, 3), lib.ones(4, 2)),
    "broadcast": lambda lib: lib.ones(2, 3) + lib.ones(4, 3),
    "broadcast_mul": lambda lib: lib.ones(2, 3, 1) * lib.ones(2, 4),
    "mean_long": lambda lib: lib.arange(4).mean(),
    "var_long": lambda lib: lib.arange(4).var(),
    "where_cond": lambda lib: lib.where(lib.ones(3), lib.ones(3), lib.zeros(3)),
    "clamp_none": lambda lib: lib.clamp(lib.ones(3)),
    "neg_bool": lambda lib: -lib.ones(3).bool(),
    "sub_bool": lambda lib: lib.ones(3).bool() - lib.ones(3).bool(),
    "int_neg_pow": lambda lib: lib.arange(3) ** -1,
    "dim_range": lambda lib: lib.ones(2, 3).sum(2),
    "max_dim_range": lambda lib: lib.ones(2, 3).max(-3),
    "add_inplace_promote": lambda lib: lib.arange(3).add_(1.5),
    "div_mode": lambda lib: lib.div(lib.ones(2), 2, rounding_mode="round"),
    "addcdiv_int": lambda lib: lib.addcdiv(
        lib.ones(2), lib.arange(2), lib.arange(1, 3)
    ),
    "leaf_inplace": lambda lib: lib.ones(2, requires_grad=True).mul_(2),
    "softmax_long": lambda lib: lib.arange(3).softmax(0),
    "log_softmax_long": lambda lib: lib.arange(3).log_softmax(0),
    "inplace_shape": lambda lib: lib.ones(3).add_(lib.ones(2, 3)),
    "mm_rank2": lambda lib: lib.mm(lib.ones(2, 3), lib.ones(3)),
    "std_int": lambda lib: lib.arange(3).std(),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(name):
    ours, theirs = _error(ERRORS[name])
    assert type(ours) is type(theirs), (ours, theirs)
    first, _, rest = str(ours).partition("\nhint:")
    assert first == str(theirs), (first, str(theirs))
    assert rest.strip(), "every teachtorch error adds a hint line"


# ----- in-place ops and out= ----------------------------------------------------------
INPLACE = {
    "add_": lambda x, y: x.add_(y, alpha=2),
    "sub_": lambda x, y: x.sub_(y),
    "mul_": lambda x, y: x.mul_(y),
    "div_": lambda x, y: x.div_(y),
    "pow_": lambda x, y: x.pow_(2),
    "clamp_": lambda x, y: x.clamp_(-0.5, 0.5),
    "clamp_t": lambda x, y: x.clamp_(min=y),
    "sigmoid_": lambda x, y: x.sigmoid_(),
    "exp_": lambda x, y: x.exp_(),
    "tanh_": lambda x, y: x.tanh_(),
    "relu_": lambda x, y: x.relu_(),
    "neg_": lambda x, y: x.neg_(),
    "abs_": lambda x, y: x.abs_(),
    "floor_": lambda x, y: x.floor_(),
    "addcmul_": lambda x, y: x.addcmul_(y, y, value=0.5),
    "addcdiv_": lambda x, y: x.addcdiv_(y, y + 3),
    "lerp_": lambda x, y: x.lerp_(y, 0.25),
    "iadd": lambda x, y: x.__iadd__(y),
    "imul": lambda x, y: x.__imul__(y),
    "itruediv": lambda x, y: x.__itruediv__(y + 3),
    "ipow": lambda x, y: x.__ipow__(3),
    "reciprocal_": lambda x, y: x.reciprocal_(),
    "sqrt_": lambda x, y: x.abs().sqrt_(),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_values_version_grad(name):
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (2, 3)).astype(np.float32)
    b = rng.uniform(0.5, 1, (3,)).astype(np.float32)
    res = []
    for lib in LIBS:
        leaf = lib.tensor(a, requires_grad=True)
        x = leaf * 1.0
        y = lib.tensor(b, requires_grad=True)
        v0 = x._version
        out = INPLACE[name](x, y)
        (out * lib.arange(6.0).reshape(2, 3)).sum().backward()
        res.append(
            (
                out,
                x._version - v0,
                type(out.grad_fn).__name__,
                leaf.grad,
                y.grad,
                out is x or out._base is x,
            )
        )
    (o, dv, gf, gl, gy, same), (to, tdv, tgf, tgl, tgy, tsame) = res
    np.testing.assert_allclose(o.detach().numpy(), to.detach().numpy(), rtol=1e-5)
    assert (dv, gf, same) == (tdv, tgf, tsame)
    np.testing.assert_allclose(gl.numpy(), tgl.numpy(), rtol=1e-4, atol=1e-6)
    assert (gy is None) == (tgy is None)
    if gy is not None:
        np.testing.assert_allclose(gy.numpy(), tgy.numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(
    "fn",
    [
        lambda lib, x, y, out: lib.add(x, y, out=out),
        lambda lib, x, y, out: lib.mul(x, 2, out=out),
        lambda lib, x, y, out: lib.div(x, y, out=out),
        lambda lib, x, y, out: lib.exp(x, out=out),
        lambda lib, x, y, out: lib.clamp(x, 0, 1, out=out),
        lambda lib, x, y, out: lib.sum(x, 0, out=out),
        lambda lib, x, y, out: lib.matmul(x, y.t(), out=out),
        lambda lib, x, y, out: lib.where(x > 0, x, y, out=out),
    ],
)
def test_out_argument(fn):
    a = np.array([[1.0, -2.0, 3.0], [0.5, 4.0, -1.0]], np.float32)
    b = np.array([[2.0, 1.0, -1.0], [1.0, 3.0, 2.0]], np.float32)
    res = []
    for lib in LIBS:
        out = lib.zeros(0)  # an empty out is resized to the result's shape
        r = fn(lib, lib.tensor(a), lib.tensor(b), out)
        again = fn(
            lib, lib.tensor(a), lib.tensor(b), out
        )  # right shape: written in place
        res.append((r is out, again is out, out.shape, out.numpy().copy()))
    assert res[0][:2] == res[1][:2] == (True, True)
    assert tuple(res[0][2]) == tuple(res[1][2])
    np.testing.assert_allclose(res[0][3], res[1][3], rtol=1e-6)


# ----- gradients with ties, zeros and second derivatives ------------------------------
GRADS = {
    "max_ties": lambda lib, x: x.max(),
    "amax_ties": lambda lib, x: x.amax(1),
    "max_dim_ties": lambda lib, x: x.max(1).values,
    "min_dim": lambda lib, x: x.min(0, keepdim=True)[0],
    "amin": lambda lib, x: x.amin(0),
    "median": lambda lib, x: x.reshape(-1)[:5].median(),
    "norm_inf": lambda lib, x: x.norm(float("inf")),
    "maximum_ties": lambda lib, x: lib.maximum(x, x.detach().flip(1)),
    "prod_zero": lambda lib, x: (x * (x > 1)).prod(1),
    "prod_all_zero": lambda lib, x: (x - 2).prod(),
    "cumprod_zero": lambda lib, x: (x - 2).cumprod(1),
    "clamp_edges": lambda lib, x: x.clamp(1, 3),
    "relu_zero": lambda lib, x: (x - 2).relu(),
    "abs_zero": lambda lib, x: (x - 2).abs(),
    "sqrt_zero": lambda lib, x: (x - 1).sqrt(),
    "norm_zero": lambda lib, x: (x * 0).norm(),
    "pow_zero_base": lambda lib, x: (x - 1) ** (x - 1),
    "where_both": lambda lib, x: lib.where(x > 2, x * 2, x**2),
    "var_unbiased0": lambda lib, x: x.var(1, unbiased=False),
    "std_correction": lambda lib, x: x.std(dim=(0, 1), correction=2),
    "logsumexp_inf": lambda lib, x: (x * 1000).logsumexp(1),
    "softmax_big": lambda lib, x: (x * 1000).softmax(0),
    "log_softmax_dtype": lambda lib, x: x.log_softmax(1, dtype=lib.float64),
    "norm_dim_keep": lambda lib, x: x.norm(dim=1, keepdim=True),
    "frac_neg": lambda lib, x: (x - 2.5).frac(),
    "round_dec": lambda lib, x: (x / 3).round(decimals=2),
    "nan_to_num": lambda lib, x: (x - 2).log().nan_to_num(),
    "div_rounding": lambda lib, x: lib.div(x, 0.7, rounding_mode="floor"),
    "float_power": lambda lib, x: lib.float_power(x, 2),
}


@pytest.mark.parametrize("name", list(GRADS))
def test_special_gradients(name):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 3.0], [1.0, 2.0, 2.0]], np.float32)
    with np.errstate(all="ignore"):
        check_like_torch(GRADS[name], [x])


def test_second_derivatives_like_torch():
    x = np.array([0.3, -1.2, 2.0], np.float64)
    for f in (
        lambda lib, t: (t.sin() * t.exp()).sum(),
        lambda lib, t: (t**3).sum(),
        lambda lib, t: t.softmax(0)[0],
        lambda lib, t: t.sigmoid().prod(),
        lambda lib, t: lib.logsumexp(t, 0),
        lambda lib, t: t.tanh().sum(),
        lambda lib, t: t.norm(),
        lambda lib, t: t.erf().sum(),
    ):
        got = []
        for lib in LIBS:
            t = lib.tensor(x, requires_grad=True)
            (g,) = lib.autograd.grad(f(lib, t), t, create_graph=True)
            (gg,) = lib.autograd.grad(g.sum(), t)
            got.append(gg.detach().numpy())
        np.testing.assert_allclose(got[0], got[1], rtol=1e-6, atol=1e-9)


def test_gradgradcheck_on_ops():
    x = teachtorch.tensor(
        [[0.3, -1.2, 2.0], [0.5, 0.1, -0.7]],
        dtype=teachtorch.float64,
        requires_grad=True,
    )
    w = teachtorch.tensor(
        [[1.0, 2.0], [0.5, -1.0], [0.2, 0.3]],
        dtype=teachtorch.float64,
        requires_grad=True,
    )
    for f in (
        lambda a, b: (a @ b).tanh(),
        lambda a, b: a.softmax(1) @ b,
        lambda a, b: a.log_softmax(0).sum() * b,
        lambda a, b: a.var(1) * b.sum(),
        lambda a, b: teachtorch.einsum("ij,jk->ik", a, b).sigmoid(),
    ):
        assert teachtorch.autograd.gradgradcheck(f, (x, w))


# ----- softmax: fused vs naive, stability ---------------------------------------------
def test_softmax_fused_agrees_with_naive_twin():
    rng = np.random.default_rng(3)
    for shape, dim in [((4, 10), 1), ((3, 5, 2), 0), ((7,), -1), ((2, 3, 4), -2)]:
        x = teachtorch.tensor(rng.standard_normal(shape), requires_grad=True)
        fused = teachtorch.softmax(x, dim)
        naive = teachtorch.ops.softmax_naive(x, dim)
        np.testing.assert_allclose(
            fused.detach().numpy(), naive.detach().numpy(), rtol=1e-12
        )
        w = teachtorch.tensor(rng.standard_normal(shape))
        (g1,) = teachtorch.autograd.grad((fused * w).sum(), x)
        (g2,) = teachtorch.autograd.grad((naive * w).sum(), x)
        np.testing.assert_allclose(g1.numpy(), g2.numpy(), rtol=1e-10, atol=1e-12)


def test_softmax_stable_where_naive_overflows():
    x = teachtorch.tensor([[1000.0, 1001.0, 999.0]])
    with np.errstate(all="ignore"):
        assert teachtorch.ops.softmax_naive(x, 1).isnan().any()
    ours = teachtorch.softmax(x, 1)
    theirs = torch.softmax(torch.tensor([[1000.0, 1001.0, 999.0]]), 1)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
    assert teachtorch.log_softmax(x, 1).isfinite().all()


def test_named_tuple_behaves_like_torch():
    v = np.array([[1.0, 5.0, 2.0], [7.0, -1.0, 7.0]], np.float32)
    ours = teachtorch.tensor(v).max(dim=1, keepdim=True)
    theirs = torch.tensor(v).max(dim=1, keepdim=True)
    assert type(ours).__name__ == type(theirs).__name__ == "max"
    assert len(ours) == 2 and ours._fields == ("values", "indices")
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    _, idx = teachtorch.max(teachtorch.tensor(v), 0)
    assert idx.dtype is teachtorch.int64
    assert teachtorch.max(
        teachtorch.tensor(v), teachtorch.tensor(v[::-1].copy())
    ).shape == (2, 3)


def test_comparisons_broadcast_and_dtype():
    a = np.array([[1, 2, 3]], np.int32)
    b = np.array([[1.5], [2.0]], np.float64)
    for op in ("eq", "ne", "lt", "le", "gt", "ge"):
        check_like_torch(lambda lib, x, y, o=op: getattr(x, o)(y), [a, b], grad=False)
        check_like_torch(lambda lib, x, y, o=op: getattr(x, o)(2), [a, b], grad=False)
        check_like_torch(lambda lib, x, y, o=op: getattr(y, o)(2.5), [a, b], grad=False)
    for op in ("logical_and", "logical_or", "logical_xor"):
        check_like_torch(
            lambda lib, x, y, o=op: getattr(lib, o)(x > 1, y > 1.7), [a, b], grad=False
        )
    check_like_torch(lambda lib, x, y: lib.isclose(y, y + 1e-9), [a, b], grad=False)
    for fn in ("isnan", "isinf", "isfinite"):
        c = np.array([1.0, np.nan, np.inf, -np.inf], np.float32)
        check_like_torch(lambda lib, x, f=fn: getattr(lib, f)(x), [c], grad=False)


def test_named_tuple_pickles_without_torch_module():
    import pickle

    r = teachtorch.tensor([[1.0, 3.0], [4.0, 2.0]]).min(dim=1)
    back = pickle.loads(pickle.dumps(r))
    assert repr(back) == repr(torch.tensor([[1.0, 3.0], [4.0, 2.0]]).min(dim=1))
    assert "torch" not in type(back).__module__.split(".")[0:1]
