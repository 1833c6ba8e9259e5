"""Property tests over the op table (tests/op_specs.py), with hypothesis.

For every op: forward against its NumPy reference, gradcheck in float64 for every
input, broadcast and non-contiguous inputs, inputs not mutated, grad shape == input
shape, and the same lambda on torch (values, grads, dtype, grad_fn name).
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from op_specs import all_specs, check_like_torch, input_arrays

import teachtorch

SPECS = all_specs()
IDS = [s.name for s in SPECS]
FEW = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@FEW
@given(data=st.data())
def test_forward_matches_numpy(spec, data):
    if spec.ref is None:
        pytest.skip("no NumPy reference for this op")
    arrays = input_arrays(spec, data.draw)
    out = spec.fn(teachtorch, *[teachtorch.from_numpy(a) for a in arrays])
    expected = np.asarray(spec.ref(*arrays))
    assert tuple(out.shape) == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize(
    "spec", [s for s in SPECS if s.grad], ids=[s.name for s in SPECS if s.grad]
)
@FEW
@given(data=st.data())
def test_gradcheck_every_input(spec, data):
    arrays = input_arrays(spec, data.draw)
    xs = [teachtorch.from_numpy(a).requires_grad_() for a in arrays]
    assert teachtorch.autograd.gradcheck(lambda *t: spec.fn(teachtorch, *t), xs)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@FEW
@given(data=st.data())
def test_float32_inputs_not_mutated_grad_shapes(spec, data):
    arrays = input_arrays(spec, data.draw, np.float32)
    before = [a.copy() for a in arrays]
    xs = [teachtorch.from_numpy(a).requires_grad_(spec.grad) for a in arrays]
    out = spec.fn(teachtorch, *xs)
    assert out.dtype is teachtorch.float32
    if spec.grad:
        out.sum().backward()
        for x in xs:
            assert x.grad is not None and tuple(x.grad.shape) == tuple(x.shape)
            assert x.grad.dtype is teachtorch.float32
    for a, b in zip(arrays, before):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@FEW
@given(data=st.data())
def test_same_as_torch(spec, data):
    arrays = input_arrays(spec, data.draw, np.float32)
    check_like_torch(spec.fn, arrays, grad=spec.grad, atol=spec.atol, rtol=spec.rtol)


@pytest.mark.parametrize(
    "spec", [s for s in SPECS if s.grad], ids=[s.name for s in SPECS if s.grad]
)
@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_gradgradcheck_backward_is_differentiable(spec, data):
    """Every backward is written in Tensor ops, so second derivatives are right too."""
    arrays = input_arrays(spec, data.draw)
    xs = [teachtorch.from_numpy(a).requires_grad_() for a in arrays]
    assert teachtorch.autograd.gradgradcheck(lambda *t: spec.fn(teachtorch, *t), xs)
