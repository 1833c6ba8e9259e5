"""torch.einsum forms against torch: values, gradients and errors.

'...' (with broadcasting), repeated letters (diagonals), implicit output, any number of
operands.
"""
import numpy as np
import pytest
import torch

import teachtorch

FORMS = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk", [(2, 3, 4), (1, 4, 5)]),        # '...' broadcasts size 1
    ("...ij,jk->...ik", [(6, 2, 3, 4), (4, 5)]),     # '...' of different lengths
    ("i...->...", [(2, 3, 4)]),
    ("...->...", [(2, 3)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),                               # trace
    ("iij->j", [(3, 3, 2)]),
    ("i,i->", [(3,), (3,)]),
    ("ij,ij", [(2, 3), (2, 3)]),
    ("ij->ji", [(2, 3)]),
    ("ba", [(2, 3)]),                               # implicit output sorts letters
    ("i,j->ij", [(2,), (3,)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),                # a letter of size 1 broadcasts
    ("bn,anm,bm->ba", [(2, 3), (4, 3, 5), (2, 5)]),  # bilinear: three operands
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
]


@pytest.mark.parametrize("equation,shapes", FORMS)
def test_einsum_values_and_grads_like_torch(equation, shapes):
    rng = np.random.default_rng(len(equation))
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    results = []
    for lib in (torch, teachtorch):
        xs = [lib.tensor(a, requires_grad=True) for a in arrays]
        y = lib.einsum(equation, *xs)
        w = lib.tensor(np.cos(np.arange(y.numel(), dtype=np.float32)).reshape(tuple(y.shape)))
        (y * w).sum().backward()
        results.append((tuple(y.shape), y.detach().numpy(), [x.grad.numpy() for x in xs]))
    (shape_t, y_t, g_t), (shape_o, y_o, g_o) = results
    assert shape_o == shape_t
    np.testing.assert_allclose(y_o, y_t, rtol=1e-5, atol=1e-5)
    for a, b in zip(g_o, g_t):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


BAD = [
    ("ij,jk", [(2, 3), (4, 5)]),
    ("...ij,...jk", [(2, 3, 4), (3, 4, 5)]),
    ("ijk", [(2, 3)]),
    ("...ijk", [(2, 3)]),
    ("ij,jk", [(2, 3)]),
    ("ij", [(2, 3), (3, 4)]),
]


@pytest.mark.parametrize("equation,shapes", BAD)
def test_einsum_errors_like_torch(equation, shapes):
    with pytest.raises(RuntimeError) as theirs:
        torch.einsum(equation, *[torch.ones(s) for s in shapes])
    with pytest.raises(RuntimeError) as ours:
        teachtorch.einsum(equation, *[teachtorch.ones(s) for s in shapes])
    message, hint = str(ours.value).split("\nhint: ")
    assert message == str(theirs.value)
    assert hint
