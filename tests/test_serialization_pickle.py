"""Plain pickle / deepcopy of tensors (what DataLoader workers and copy.deepcopy use)."""
import copy
import pickle

import numpy as np
import pytest
from helpers import assert_close, torch

import teachtorch


def roundtrip(obj):
    return pickle.loads(pickle.dumps(obj))


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "int32",
                                   "int16", "int8", "uint8", "bool"])
def test_values_dtype_shape_survive(dtype):
    data = np.arange(-3, 9).reshape(3, 4) % 5
    ours = roundtrip(teachtorch.tensor(data).to(getattr(teachtorch, dtype)))
    theirs = roundtrip(torch.tensor(data).to(getattr(torch, dtype)))
    assert_close(ours, theirs)


def test_views_keep_strides_and_offset():
    def make(lib):
        a = lib.arange(12.0).reshape(3, 4)
        return a, a.t(), a[:, 1::2]

    (a, b, c), (ta, tb, tc) = [roundtrip(make(lib)) for lib in (teachtorch, torch)]
    for ours, theirs in ((a, ta), (b, tb), (c, tc)):
        assert_close(ours, theirs)
        assert ours.stride() == theirs.stride()
        assert ours.storage_offset() == theirs.storage_offset()


def test_small_slice_of_big_tensor_is_pickled_compactly():
    big = teachtorch.zeros(1000, 100)
    assert len(pickle.dumps(big[3])) < 2000
    assert_close(roundtrip(big[3]), torch.zeros(100))


def test_zero_dim_empty_and_expanded():
    for make in (lambda lib: lib.tensor(2.5), lambda lib: lib.zeros(0, 3),
                 lambda lib: lib.tensor([1.0, 2.0]).expand(3, 2)):
        ours, theirs = roundtrip(make(teachtorch)), roundtrip(make(torch))
        assert_close(ours, theirs)


def test_requires_grad_kept_and_result_is_a_leaf():
    ours = roundtrip(teachtorch.ones(2, requires_grad=True))
    theirs = roundtrip(torch.ones(2, requires_grad=True))
    assert ours.requires_grad == theirs.requires_grad is True
    assert ours.is_leaf == theirs.is_leaf is True
    (ours * 3).sum().backward()
    assert_close(ours.grad, torch.full((2,), 3.0))


def test_parameter_stays_a_parameter():
    from teachtorch.nn.parameter import Parameter

    p = roundtrip(Parameter(teachtorch.ones(3)))
    tp = roundtrip(torch.nn.Parameter(torch.ones(3)))
    assert type(p).__name__ == type(tp).__name__ == "Parameter"
    assert p.requires_grad and tp.requires_grad
    assert_close(p.detach(), tp.detach())


def test_deepcopy_gives_independent_memory():
    a = teachtorch.arange(4.0)
    b = copy.deepcopy(a)
    b[0] = 9.0
    assert a[0].item() == 0.0


def test_python_attributes_kept():
    t = teachtorch.ones(2)
    t.note = "hello"
    tt = torch.ones(2)
    tt.note = "hello"
    assert roundtrip(t).note == roundtrip(tt).note == "hello"
