"""torch.softmax / torch.log_softmax and F.softmax / F.log_softmax share one kernel:
the same values, gradients, grad_fn names and errors as torch for each front end,
including F's legacy dim=None rule and integer inputs."""
import warnings

import numpy as np
import pytest
import torch

import teachtorch

FRONT_ENDS = [
    lambda lib: lib.softmax,
    lambda lib: lib.log_softmax,
    lambda lib: lib.nn.functional.softmax,
    lambda lib: lib.nn.functional.log_softmax,
    lambda lib: lib.Tensor.softmax,
    lambda lib: lib.Tensor.log_softmax,
]


@pytest.mark.parametrize("k", range(len(FRONT_ENDS)))
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_values_grads_and_nodes_like_torch(k, dim):
    x = np.array([[1.0, -2.0, 30.0], [0.5, 0.5, -100.0]], dtype=np.float32)
    w = np.array([[0.3, -1.0, 2.0], [1.5, 0.1, -0.7]], dtype=np.float32)
    got = []
    for lib in (torch, teachtorch):
        t = lib.tensor(x, requires_grad=True)
        y = FRONT_ENDS[k](lib)(t, dim)
        (y * lib.tensor(w)).sum().backward()
        got.append((y.detach().numpy(), t.grad.numpy(), type(y.grad_fn).__name__))
    np.testing.assert_allclose(got[1][0], got[0][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got[1][1], got[0][1], rtol=1e-5, atol=1e-6)
    assert got[1][2] == got[0][2]


@pytest.mark.parametrize("k", range(4))
def test_integer_scores_get_torchs_error(k):
    with pytest.raises(NotImplementedError) as theirs:
        FRONT_ENDS[k](torch)(torch.tensor([1, 2]), 0)
    with pytest.raises(NotImplementedError) as ours:
        FRONT_ENDS[k](teachtorch)(teachtorch.tensor([1, 2]), 0)
    message, hint = str(ours.value).split("\nhint: ")
    assert message == str(theirs.value) and hint


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 3, 4)])
def test_functional_dim_none_legacy_rule(k, shape):
    x = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) / 7
    out = []
    for lib in (torch, teachtorch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y = FRONT_ENDS[k](lib)(lib.tensor(x))
        assert any("Implicit dimension choice" in str(c.message) for c in caught)
        out.append(y.numpy())
    np.testing.assert_allclose(out[1], out[0], rtol=1e-5, atol=1e-6)
