"""Parity with PyTorch for the matrix-building, rearranging, counting and statistics
functions added by the API audit: values, dtypes, and gradients where torch has one.
"""
import warnings

import numpy as np
import pytest
from helpers import assert_close, both

import teachtorch

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(1)
A = RNG.standard_normal((3, 4))
B = RNG.standard_normal((4, 3))
V3 = RNG.standard_normal((2, 3))
W3 = RNG.standard_normal((2, 3))
NAN = A.copy()
NAN[0, 1] = NAN[2, 3] = np.nan
INTS = np.array([3, 1, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5])

# name -> fn(lib, x) where x is a float64 tensor of A requiring grad (differentiable
# cases), or None (results compared only)
DIFFERENTIABLE = {
    "cross": lambda lib, x: lib.cross(x[:2, :3], lib.tensor(W3), dim=1),
    "cross_default_dim": lambda lib, x: lib.cross(x[:2, :3], lib.tensor(W3)),
    "kron": lambda lib, x: lib.kron(x[:2, :2], lib.tensor([[1.0, 2.0], [0.5, -1.0]],
                                                          dtype=lib.float64)),
    "kron_mixed_dims": lambda lib, x: lib.kron(x[0], x[:2, :3]),
    "tensordot": lambda lib, x: lib.tensordot(x, lib.tensor(B), dims=1),
    "tensordot_pairs": lambda lib, x: lib.tensordot(x, lib.tensor(B), dims=([1], [0])),
    "diag_embed": lambda lib, x: lib.diag_embed(x),
    "diag_embed_offset": lambda lib, x: lib.diag_embed(x, offset=-1, dim1=0, dim2=2),
    "diagflat": lambda lib, x: lib.diagflat(x[:2, :2], 1),
    "block_diag": lambda lib, x: lib.block_diag(x[:2, :2], x[0, 0], x[2, :3]),
    "cartesian_prod": lambda lib, x: lib.cartesian_prod(x[0], x[1, :2]),
    "diff": lambda lib, x: lib.diff(x, n=2, dim=1),
    "diff_prepend": lambda lib, x: lib.diff(x, dim=0, prepend=x[:1] * 2),
    "rot90": lambda lib, x: lib.rot90(x, 1, (0, 1)),
    "rot90_k3": lambda lib, x: lib.rot90(x, -1, (1, 0)),
    "column_stack": lambda lib, x: lib.column_stack([x[0], x[1], x[2]]),
    "dstack": lambda lib, x: lib.dstack([x, x * 2]),
    "hsplit": lambda lib, x: lib.cat(lib.hsplit(x, 2), 0),
    "vsplit": lambda lib, x: lib.cat(lib.vsplit(x, [1])[::-1], 0),
    "quantile": lambda lib, x: lib.quantile(x, 0.3),
    "quantile_dim": lambda lib, x: lib.quantile(x, lib.tensor([0.25, 0.9],
                                                              dtype=lib.float64), dim=1,
                                                keepdim=True),
    "quantile_lower": lambda lib, x: lib.quantile(x, 0.4, dim=0,
                                                  interpolation="lower"),
    "quantile_midpoint": lambda lib, x: lib.quantile(x, 0.4, dim=0,
                                                     interpolation="midpoint"),
    "quantile_nearest": lambda lib, x: lib.quantile(x, 0.5, dim=1,
                                                    interpolation="nearest"),
    "std_mean": lambda lib, x: lib.stack(lib.std_mean(x, dim=1)),
    "var_mean": lambda lib, x: lib.stack(lib.var_mean(x, 0, correction=0)),
    "nansum": lambda lib, x: lib.nansum(x * lib.tensor(NAN / NAN), dim=1),
    "nanmean": lambda lib, x: lib.nanmean(x * lib.tensor(NAN / NAN), dim=0),
    "cummax": lambda lib, x: lib.cummax(x, 1).values,
    "cummin": lambda lib, x: lib.cummin(x, 0).values,
    "logcumsumexp": lambda lib, x: lib.logcumsumexp(x * 10, 1),
    "aminmax": lambda lib, x: lib.stack(lib.aminmax(x, dim=0)),
    "cov": lambda lib, x: lib.cov(x),
    "corrcoef": lambda lib, x: lib.corrcoef(x),
    "mode_values": lambda lib, x: lib.mode(lib.round(x), 1).values,
}


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_values_and_gradients_like_torch(name):
    fn = DIFFERENTIABLE[name]

    def run(lib):
        x = lib.tensor(A, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = fn(lib, x)
        weights = lib.arange(float(y.numel()), dtype=y.dtype).reshape(y.shape)
        (y * weights).sum().backward()
        return y, x.grad

    (y, g), (ty, tg) = both(run)
    assert_close(y, ty, rtol=1e-9, atol=1e-9)
    assert_close(g, tg, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name", ["cross", "kron", "diag_embed_offset", "block_diag",
                                  "diff", "quantile_dim", "logcumsumexp", "cov"])
def test_gradcheck(name):
    x = teachtorch.tensor(A, requires_grad=True)
    assert teachtorch.autograd.gradcheck(lambda t: DIFFERENTIABLE[name](teachtorch, t),
                                         (x,))


def test_cross_without_dim_warns_like_torch():
    a = teachtorch.tensor(V3)
    with pytest.warns(UserWarning, match="Using torch.cross without specifying the dim"):
        teachtorch.cross(a, a)


RESULTS = {
    "tril_indices": lambda lib: lib.tril_indices(3, 4, 1),
    "triu_indices": lambda lib: lib.triu_indices(4, 3, -1),
    "atleast_1d": lambda lib: lib.atleast_1d(lib.tensor(2.0)),
    "atleast_2d": lambda lib: lib.stack(lib.atleast_2d(lib.tensor([1.0, 2]),
                                                       lib.tensor([3.0, 4]))),
    "atleast_3d": lambda lib: lib.atleast_3d(lib.tensor([[1, 2]])),
    "diff_bool": lambda lib: lib.diff(lib.tensor([True, False, False, True])),
    "dsplit": lambda lib: lib.dsplit(lib.arange(16.0).reshape(2, 2, 4), 2)[1],
    "histc": lambda lib: lib.histc(lib.tensor(A, dtype=lib.float32), bins=5, min=-1,
                                   max=1),
    "histc_range": lambda lib: lib.histc(lib.tensor([1.0, 2, 1, 7]), bins=4),
    "bincount": lambda lib: lib.bincount(lib.tensor(INTS)),
    "bincount_weights": lambda lib: lib.bincount(lib.tensor(INTS),
                                                 lib.tensor(INTS / 2, dtype=lib.float32),
                                                 minlength=12),
    "bincount_int_weights": lambda lib: lib.bincount(lib.tensor([0, 2]),
                                                     lib.tensor([3, 4])),
    "bucketize": lambda lib: lib.bucketize(lib.tensor([1, 5, 3, 9]),
                                           lib.tensor([1, 3, 5, 7])),
    "bucketize_right": lambda lib: lib.bucketize(lib.tensor([1, 5, 3, 9]),
                                                 lib.tensor([1, 3, 5, 7]), right=True),
    "searchsorted_rows": lambda lib: lib.searchsorted(
        lib.tensor([[1, 3, 5, 7], [2, 4, 6, 8]]), lib.tensor([[3, 6], [1, 9]])),
    "searchsorted_int32": lambda lib: lib.searchsorted(
        lib.tensor([1.0, 2, 3]), lib.tensor([2.5]), out_int32=True, side="right"),
    "isin": lambda lib: lib.isin(lib.tensor(INTS), lib.tensor([1, 5])),
    "isin_invert": lambda lib: lib.isin(lib.tensor(INTS), lib.tensor([1, 5]),
                                        invert=True),
    "unique_consecutive": lambda lib: lib.stack(lib.unique_consecutive(
        lib.tensor([1, 1, 2, 2, 3, 1, 1, 2]), return_counts=True)[1:] * 2),
    "unique_consecutive_inverse": lambda lib: lib.unique_consecutive(
        lib.tensor([1, 1, 2, 2, 3, 1]), return_inverse=True)[1],
    "mode": lambda lib: lib.stack(lib.mode(lib.tensor([[1, 2, 2, 1, 3], [5, 5, 4, 4, 4]]))),
    "mode_dim0": lambda lib: lib.stack(lib.mode(lib.tensor([[1, 2], [1, 3], [2, 3]]), 0,
                                                keepdim=True)),
    "cummax_indices": lambda lib: lib.cummax(lib.tensor([1.0, 3, 2, 3, 0]), 0).indices,
    "cummin_indices": lambda lib: lib.cummin(lib.tensor([[3, 1, 1, 4], [2, 2, 0, 5]]),
                                             1).indices,
    "nanmedian": lambda lib: lib.nanmedian(lib.tensor(NAN)),
    "nanmedian_dim": lambda lib: lib.stack(lib.nanmedian(lib.tensor(NAN), 1)[0:1] * 1),
    "nanquantile": lambda lib: lib.nanquantile(lib.tensor(NAN), 0.3, dim=1),
    "quantile_nan": lambda lib: lib.quantile(lib.tensor(NAN), 0.3, dim=1),
    "nansum_int": lambda lib: lib.nansum(lib.tensor(INTS)),
    "corrcoef_1d": lambda lib: lib.corrcoef(lib.tensor([1.0, 2, 4])),
}


@pytest.mark.parametrize("name", sorted(RESULTS))
def test_results_like_torch(name):
    ours, theirs = both(RESULTS[name])
    assert_close(ours, theirs, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("call", [
    lambda lib: lib.bincount(lib.tensor([-1, 2])),
    lambda lib: lib.bincount(lib.tensor([[1, 2]])),
    lambda lib: lib.diff(lib.tensor(1.0)),
    lambda lib: lib.rot90(lib.ones(2, 2), 1, (0, 0)),
    lambda lib: lib.quantile(lib.ones(3), 1.5),
    lambda lib: lib.hsplit(lib.ones(2, 3), 2),
    lambda lib: lib.vsplit(lib.ones(3), 3),
    lambda lib: lib.cross(lib.ones(2, 4), lib.ones(2, 4), dim=1),
    lambda lib: lib.histc(lib.tensor([1, 2])),
    lambda lib: lib.nanmean(lib.tensor([1, 2])),
])
def test_errors_like_torch(call):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(teachtorch)
    assert "\nhint: " in str(ours.value)
