"""Shared helpers for parity tests: run the same code on torch and teachtorch."""
import numpy as np

import teachtorch

try:
    import torch
except ImportError:  # pragma: no cover - torch is installed by `make test`
    torch = None


def to_np(x):
    """A NumPy array from a torch or teachtorch tensor (detached)."""
    if isinstance(x, teachtorch.Tensor):  # .cpu(): a GPU array never converts implicitly
        return np.array(x.detach().cpu()._data)
    return x.detach().cpu().numpy()


def assert_close(ours, theirs, rtol=1e-5, atol=1e-6, check_dtype=True):
    """Compare a teachtorch tensor with a torch tensor: shape, dtype, values."""
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    if check_dtype:
        assert str(ours.dtype) == str(theirs.dtype), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(to_np(ours), to_np(theirs), rtol=rtol, atol=atol)


def both(fn):
    """Run fn(lib) with lib = teachtorch and lib = torch; return (ours, theirs)."""
    return fn(teachtorch), fn(torch)
