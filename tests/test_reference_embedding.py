"""F.embedding: the reference (plain indexing) and the fast kernel (scatter-add
backward) give the same values, gradients and second derivatives, with padding_idx
and scale_grad_by_freq; the reference matches PyTorch."""
import numpy as np
import pytest
import torch
from helpers import assert_close

import teachtorch
import teachtorch.nn.functional as TF
from teachtorch.reference import reference_of

OPTIONS = [{}, {"padding_idx": 2}, {"scale_grad_by_freq": True},
           {"padding_idx": 0, "scale_grad_by_freq": True}]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kw", OPTIONS, ids=str)
def test_reference_and_kernel_agree(kw, dtype):
    rng = np.random.default_rng(1)
    w0 = rng.standard_normal((6, 3)).astype(dtype)
    idx = teachtorch.tensor(rng.integers(0, 6, (4, 5)))
    results = []
    for reference in (False, True):
        w = teachtorch.tensor(w0, requires_grad=True)
        with teachtorch.reference_mode(reference):
            y = TF.embedding(idx, w, **kw)
            (g,) = teachtorch.autograd.grad((y ** 3).sum(), w, create_graph=True)
            (gg,) = teachtorch.autograd.grad((g * g).sum(), w)
        results.append((y, g, gg))
    for a, b in zip(*results):
        assert a.dtype == b.dtype
        assert_close(a, b, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kw", OPTIONS, ids=str)
def test_reference_matches_torch_and_gradgradcheck(kw):
    rng = np.random.default_rng(2)
    w0 = rng.standard_normal((6, 3))
    i0 = rng.integers(0, 6, (3, 4))
    w, wt = (teachtorch.tensor(w0, requires_grad=True),
             torch.tensor(w0, requires_grad=True))
    with teachtorch.reference_mode():
        y = TF.embedding(teachtorch.tensor(i0), w, **kw)
        (y ** 2).sum().backward()
        fresh = teachtorch.tensor(w0, requires_grad=True)
        assert teachtorch.autograd.gradgradcheck(
            lambda w: TF.embedding(teachtorch.tensor(i0), w, **kw), (fresh,))
    yt = torch.nn.functional.embedding(torch.tensor(i0), wt, **kw)
    (yt ** 2).sum().backward()
    assert_close(y, yt)
    assert_close(w.grad, wt.grad)


def test_reference_is_published():
    assert reference_of(TF.embedding) is reference_of(teachtorch.nn.Embedding)
    assert callable(reference_of(TF.embedding))
