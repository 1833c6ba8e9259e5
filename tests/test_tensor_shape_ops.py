"""Every op of tests/op_specs_shape.py against torch: values, dtypes, grad_fn names,
gradients, second derivatives (create_graph) and "inputs not mutated"."""
import zlib

import numpy as np
import pytest
import torch

import teachtorch
from tests.helpers import assert_close, to_np
from tests.op_specs_shape import SPECS


def _run(lib, shapes, fn, seed, dtype=np.float32, create_graph=False):
    rng = np.random.default_rng(seed)
    xs = [lib.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True)
          for s in shapes]
    before = [to_np(x).copy() for x in xs]
    out = fn(lib, *xs)
    outs = out if isinstance(out, tuple) else (out,)
    floats = [o for o in outs if o.dtype.is_floating_point and o.requires_grad]
    loss = sum((o * lib.tensor(rng.standard_normal(tuple(o.shape)).astype(dtype))).sum()
               for o in floats)
    grads = []
    if floats:
        grads = lib.autograd.grad(loss, xs, create_graph=create_graph, allow_unused=True)
    return xs, before, outs, grads


@pytest.mark.parametrize("name,shapes,fn", SPECS, ids=[s[0] for s in SPECS])
def test_op_like_torch(name, shapes, fn):
    seed = zlib.crc32(name.encode()) % 1000
    xo, before, oo, go = _run(teachtorch, shapes, fn, seed)
    _, _, ot, gt = _run(torch, shapes, fn, seed)
    assert len(oo) == len(ot)
    assert type(oo).__name__ == type(ot).__name__ or not isinstance(ot, tuple) or \
        type(ot).__name__ == "tuple"
    for a, b in zip(oo, ot):
        assert_close(a, b)
        assert (a.grad_fn is None) == (b.grad_fn is None)
        if b.grad_fn is not None:
            assert a.grad_fn.name() == b.grad_fn.name()
    for a, b in zip(go, gt):
        assert (a is None) == (b is None)
        if b is not None:
            assert_close(a, b)
    for x, b in zip(xo, before):
        np.testing.assert_array_equal(to_np(x), b)  # inputs not mutated


SECOND = ["cat 1", "stack", "split", "gather 0", "scatter src", "scatter_add",
          "index_select", "index_add", "masked_fill", "masked_select", "sort", "topk",
          "flip", "roll dims", "repeat", "tril", "diag 1d", "trace", "diagonal",
          "take_along_dim"]


@pytest.mark.parametrize("name", SECOND)
def test_second_derivative_like_torch(name):
    """create_graph=True: the backward is itself differentiable (float64)."""
    spec = next(s for s in SPECS if s[0] == name)
    _, shapes, fn = spec
    res = {}
    for lib in (torch, teachtorch):
        xs, _, _, grads = _run(lib, shapes, lambda L, *a: fn(L, *[t * t for t in a]), 7,
                               np.float64, create_graph=True)
        total = sum((g * g).sum() for g in grads if g is not None)
        res[lib] = lib.autograd.grad(total, xs, allow_unused=True)
    for a, b in zip(res[teachtorch], res[torch]):
        assert (a is None) == (b is None)
        if b is not None:
            assert_close(a, b, rtol=1e-7, atol=1e-9)


def test_sort_returns_named_tuple():
    for lib in (torch, teachtorch):
        r = lib.tensor([[3.0, 1.0, 2.0]]).sort(descending=True)
        values, indices = r
        assert r.values is values and r.indices is indices
        assert indices.dtype == lib.int64
        if lib is torch:
            expected = repr(r)
        else:
            assert repr(r) == expected
    k = teachtorch.tensor([4.0, 1.0, 3.0]).topk(2)
    assert type(k).__name__ == "topk" and k.indices.tolist() == [0, 2]


@pytest.mark.parametrize("expr", [
    "lib.tensor([3, 1, 2, 1]).sort()", "lib.tensor([3, 1, 2, 1]).sort(stable=True, descending=True)",
    "lib.tensor([True, False, True]).sort()", "lib.unique(lib.tensor([3, 1, 3, 2, 1]))",
    "lib.unique(lib.tensor([3, 1, 3, 2]), return_inverse=True, return_counts=True)",
    "lib.unique(lib.tensor([[1, 2], [1, 2], [0, 5]]), dim=0)",
    "lib.tensor([[0, 1], [2, 0]]).nonzero()", "lib.nonzero(lib.tensor([0., 3, 0, 1]), as_tuple=True)",
    "lib.argwhere(lib.tensor([[1, 0], [0, 1]]))", "lib.tensor(5).nonzero()",
    "one_hot(lib)(lib.tensor([0, 2, 1]))",
    "one_hot(lib)(lib.tensor([[0], [1]]), num_classes=4)",
    "lib.zeros(3, 4).gather(0, lib.tensor([[0]], dtype=lib.int32))", "lib.tensor([1, 2, 3]).flip(0)", "lib.tensor([[1, 2], [3, 4]]).roll(1, 0)",
    "lib.cat([lib.tensor([1, 2]), lib.tensor([1.5])])",
    "lib.cat([lib.tensor([1, 2]), lib.tensor([], dtype=lib.float32)])",
    "lib.stack([lib.tensor(1), lib.tensor(2)])",
    "lib.tensor([[1, 2], [3, 4]]).repeat(2, 2)",
    "lib.tensor([1, 2, 3]).kthvalue(1)", "lib.tensor([[1, 5, 2]]).topk(1, largest=False)",
    "lib.tensor([[1., 2.], [3., 4.]]).diag()", "lib.tensor([[1, 2], [3, 4]]).trace()",
    "lib.zeros(3).scatter_(0, lib.tensor([2, 0]), lib.tensor([5., 6.]))",
    "lib.zeros(2, 2).index_add_(0, lib.tensor([1, 1]), lib.ones(2, 2))",
    "lib.ones(3).scatter_(0, lib.tensor([1, 1]), 3.0, reduce='multiply')",
    "lib.zeros(2, 3).masked_fill_(lib.tensor([True, False, True]), lib.tensor(4.))",
    "lib.arange(6).view(2, 3).index_fill_(1, lib.tensor([0]), -1)",
    "lib.arange(6).new_zeros(2, 3)", "lib.ones(2, dtype=lib.float64).new_tensor([1, 2])",
    "lib.ones(2).new_full((2,), 7)", "lib.ones(2, dtype=lib.int32).new_ones((3,))",
    "lib.ones(2).new_empty(0)", "lib.arange(12.).view(3, 4).index_fill(1, lib.tensor([-1]), 2.)",
    "lib.arange(12.).view(3, 4).take(lib.tensor([-1]))",
    "lib.take_along_dim(lib.arange(12.).view(3, 4), lib.tensor([[-1]]), 1)",
    "lib.zeros(3).index_put_((lib.tensor([0, 0, 2]),), lib.tensor([1., 2., 3.]), True)",
])
def test_no_grad_results_like_torch(expr):
    out = []
    for lib in (torch, teachtorch):
        r = eval(expr)
        rs = r if isinstance(r, tuple) else (r,)
        out.append([(x.tolist(), str(x.dtype), tuple(x.shape)) for x in rs])
    assert out[0] == out[1]


@pytest.mark.parametrize("expr", [
    "lib.cat([lib.zeros(2, 3), lib.zeros(2, 4)])", "lib.cat([lib.zeros(2), lib.zeros(2, 1)])",
    "lib.cat([])", "lib.cat(lib.zeros(2))", "lib.cat([lib.tensor(1.), lib.tensor(2.)])",
    "lib.stack([lib.zeros(2), lib.zeros(3)])", "lib.zeros(5).split([2, 2])",
    "lib.zeros(5).chunk(0)", "lib.zeros(3, 4).gather(0, lib.tensor([[0.]]))",
    "lib.zeros(3, 4).gather(1, lib.tensor([[4]]))", "lib.zeros(3, 4).gather(1, lib.tensor([1]))",
    "lib.zeros(3).index_select(0, lib.tensor([3]))", "lib.zeros(3).scatter(0, lib.tensor([0.]), 1.)",
    "lib.zeros(3).masked_fill(lib.tensor([1, 0, 1]), 1.)",
    "lib.zeros(3).topk(4)", "lib.zeros(3).kthvalue(0)", "lib.zeros(3).tril()",
    "lib.zeros(2, 2, 2).trace()", "lib.zeros(2, 2, 2).diag()",
    "one_hot(lib)(lib.tensor([0, 3]), 3)",
    "one_hot(lib)(lib.tensor([-1]))", "one_hot(lib)(lib.tensor([1.]))",
    "lib.zeros(2, 3).repeat(2)", "lib.zeros(3).roll((1, 2), (0,))",
    "lib.zeros(3).scatter(0, lib.tensor([0]), lib.ones(1, dtype=lib.float64))",
    "lib.arange(6.).as_strided((3, 3), (1, 1), 5)", "lib.zeros(4).take(lib.tensor([4]))",
    "lib.zeros(3, 4).gather(1, lib.tensor([[-1]]))",
    "lib.zeros(3, 4).scatter(1, lib.tensor([[-1]]), 1.)",
    "lib.zeros(3, 4).index_select(1, lib.tensor([-1]))",
    "lib.zeros(3, 4).index_add(1, lib.tensor([-1]), lib.ones(3, 1))",
])
def test_errors_like_torch(expr):
    errs = []
    for lib in (torch, teachtorch):
        with pytest.raises(Exception) as e:
            eval(expr)
        errs.append((type(e.value), str(e.value).split("\nhint:")[0]))
    assert errs[1][0] is errs[0][0], errs
    assert errs[1][1] == errs[0][1] or errs[1][1].split(":")[0] == errs[0][1].split(":")[0], errs


def one_hot(lib):
    """torch.nn.functional.one_hot; teachtorch's op lives in ops/gather.py."""
    return lib.nn.functional.one_hot if lib is torch else teachtorch.ops.one_hot


def test_cat_promotes_and_keeps_float32():
    a = teachtorch.ones(2)
    assert teachtorch.cat([a, a]).dtype is teachtorch.float32
    assert teachtorch.cat([a, a.double()]).dtype is teachtorch.float64
    assert teachtorch.cat([a.long(), a.long()]).dtype is teachtorch.int64


def _run_noncontiguous(lib, shapes, fn, seed):
    """Inputs are every other column of a wider leaf (stride 2), or a transpose."""
    rng = np.random.default_rng(seed)
    leaves, xs = [], []
    for s in shapes:
        if len(s) >= 2:
            leaf = lib.tensor(rng.standard_normal(s[:-2] + (s[-1], s[-2]))
                              .astype(np.float32), requires_grad=True)
            x = leaf.transpose(-1, -2)
        elif not s:  # a 0-d tensor: one element picked out of a longer leaf
            leaf = lib.tensor(rng.standard_normal(3).astype(np.float32), requires_grad=True)
            x = leaf[1]
        else:
            leaf = lib.tensor(rng.standard_normal(s[:-1] + (2 * s[-1],))
                              .astype(np.float32), requires_grad=True)
            x = leaf[..., ::2]
        leaves.append(leaf)
        xs.append(x)
    out = fn(lib, *xs)
    outs = out if isinstance(out, tuple) else (out,)
    floats = [o for o in outs if o.dtype.is_floating_point and o.requires_grad]
    loss = sum((o * lib.tensor(rng.standard_normal(tuple(o.shape)).astype(np.float32)))
               .sum() for o in floats)
    grads = lib.autograd.grad(loss, leaves, allow_unused=True) if floats else []
    return outs, grads, [x.is_contiguous() for x in xs]


@pytest.mark.parametrize("name,shapes,fn", SPECS, ids=[s[0] for s in SPECS])
def test_op_on_non_contiguous_inputs_like_torch(name, shapes, fn):
    seed = zlib.crc32(name.encode()) % 1000 + 1
    try:
        ot, gt, ct = _run_noncontiguous(torch, shapes, fn, seed)
    except RuntimeError as e:  # torch refuses some (take_along_dim flat uses view)
        with pytest.raises(RuntimeError) as ours:
            _run_noncontiguous(teachtorch, shapes, fn, seed)
        assert str(ours.value).split("\nhint:")[0] == str(e)
        return
    oo, go, co = _run_noncontiguous(teachtorch, shapes, fn, seed)
    assert co == ct
    for a, b in zip(oo, ot):
        assert_close(a, b)
    for a, b in zip(go, gt):
        assert (a is None) == (b is None)
        if b is not None:
            assert_close(a, b)
