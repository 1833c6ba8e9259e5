"""Pooling (max/avg 1d/2d, adaptive, max_unpool2d): reference and fast kernel agree.

Outputs (indices too), first and second derivatives on both paths over padding,
stride, dilation, ceil_mode, count_include_pad and divisor_override, float32 and
float64, contiguous and strided inputs; gradgradcheck through the references; the
references alone against torch.
"""
import numpy as np
import pytest
from helpers import to_np, torch
from reference_paths import both_paths

import teachtorch
from teachtorch.ops.pool import (
    AvgPool2dReference,
    MaxPool2dReference,
    MaxUnpool2dReference,
)
from teachtorch.ops.pool_adaptive import (
    AdaptiveAvgPool2dReference,
    AdaptiveMaxPool2dReference,
)
from teachtorch.reference import reference_of

F = teachtorch.nn.functional

MAX_CASES = [
    {"kernel_size": 2},
    {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 0), "ceil_mode": True},
    {"kernel_size": 3, "stride": 2, "dilation": 2, "padding": 2, "ceil_mode": True},
    {"kernel_size": 2, "stride": 3, "return_indices": True},
    {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
     "return_indices": True},
]
AVG_CASES = [
    {"kernel_size": 2},
    {"kernel_size": 3, "stride": 2, "padding": 1},
    {"kernel_size": 3, "stride": 2, "padding": 1, "count_include_pad": False},
    {"kernel_size": (3, 2), "stride": 2, "padding": (1, 1), "ceil_mode": True},
    {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
     "count_include_pad": False},
    {"kernel_size": 2, "stride": 1, "divisor_override": 3},
]


def _input(shape, strided, dtype, seed):
    """Distinct values (no ties for max), optionally read through a transposed view."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    values = (rng.permutation(n) / n - 0.5).astype(dtype)
    if not strided:
        return values.reshape(shape), None
    return (values.reshape(shape[:-2] + (shape[-1], shape[-2])),
            lambda t: t.transpose(-1, -2))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("strided", [False, True])
@pytest.mark.parametrize("kw", MAX_CASES)
def test_max_pool2d_fast_and_reference_agree(kw, strided, dtype):
    x, view = _input((2, 3, 7, 8), strided, dtype, len(kw))
    both_paths(lambda t: F.max_pool2d(t, **kw), [x], MaxPool2dReference, views=[view])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("strided", [False, True])
@pytest.mark.parametrize("kw", AVG_CASES)
def test_avg_pool2d_fast_and_reference_agree(kw, strided, dtype):
    x, view = _input((2, 3, 7, 8), strided, dtype, len(kw))
    both_paths(lambda t: F.avg_pool2d(t, **kw), [x], AvgPool2dReference, views=[view])


def test_pool1d_and_unbatched_agree():
    x, _ = _input((2, 3, 11), False, np.float64, 1)
    both_paths(lambda t: F.max_pool1d(t, 3, 2, 1, ceil_mode=True), [x],
               MaxPool2dReference)
    both_paths(lambda t: F.avg_pool1d(t, 4, 3, 2, count_include_pad=False), [x],
               AvgPool2dReference)
    x, _ = _input((3, 6, 5), False, np.float64, 2)
    both_paths(lambda t: F.max_pool2d(t, 2, return_indices=True), [x],
               MaxPool2dReference)
    both_paths(lambda t: F.avg_pool2d(t, 3, 1, 1), [x], AvgPool2dReference)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("size,out", [((7, 8), (3, 3)), ((5, 9), (2, 4)),
                                      ((6, 6), (6, 6)), ((7, 5), (4, None))])
def test_adaptive_pools_fast_and_reference_agree(size, out, dtype):
    x, view = _input((2, 3) + size, True, dtype, size[0])
    both_paths(lambda t: F.adaptive_avg_pool2d(t, out), [x], AdaptiveAvgPool2dReference,
               views=[view])
    both_paths(lambda t: F.adaptive_max_pool2d(t, out, return_indices=True), [x],
               AdaptiveMaxPool2dReference, views=[view])
    x1, _ = _input((2, 3, size[0]), False, dtype, 3)
    both_paths(lambda t: F.adaptive_avg_pool1d(t, out[0]), [x1],
               AdaptiveAvgPool2dReference)


@pytest.mark.parametrize("kw", [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2,
                                                     "padding": 1}])
def test_max_unpool2d_fast_and_reference_agree(kw):
    x, _ = _input((2, 3, 7, 6), False, np.float64, 5)
    _, idx = F.max_pool2d(teachtorch.tensor(x), return_indices=True, **kw)
    y = np.cos(np.arange(idx.numel())).reshape(tuple(idx.shape))
    both_paths(lambda t, i: F.max_unpool2d(t, i, output_size=(7, 6), **kw),
               [y, to_np(idx)], MaxUnpool2dReference)


def test_reference_of_pool_functions_and_modules():
    assert reference_of(F.max_pool2d) is MaxPool2dReference
    assert reference_of(teachtorch.nn.MaxPool2d) is MaxPool2dReference
    assert reference_of(teachtorch.nn.AvgPool2d) is AvgPool2dReference
    assert reference_of(teachtorch.nn.AdaptiveAvgPool2d) is AdaptiveAvgPool2dReference
    assert reference_of(teachtorch.nn.AdaptiveMaxPool2d) is AdaptiveMaxPool2dReference
    assert reference_of(teachtorch.nn.MaxUnpool2d) is MaxUnpool2dReference


@pytest.mark.parametrize("fn", [
    lambda t: F.max_pool2d(t, 3, 2, 1, ceil_mode=True),
    lambda t: F.avg_pool2d(t, 3, 2, 1, ceil_mode=True, count_include_pad=False),
    lambda t: F.adaptive_avg_pool2d(t, (2, 3)),
    lambda t: F.adaptive_max_pool2d(t, (3, 2)),
])
def test_gradgradcheck_through_the_reference(fn):
    x, _ = _input((1, 2, 5, 6), False, np.float64, 9)
    xt = teachtorch.tensor(x, requires_grad=True)
    with teachtorch.reference_mode():
        assert teachtorch.autograd.gradgradcheck(lambda t: fn(t) ** 2, (xt,))


def test_gradgradcheck_max_unpool2d_reference():
    x, _ = _input((1, 2, 4, 4), False, np.float64, 4)
    _, idx = F.max_pool2d(teachtorch.tensor(x), 2, return_indices=True)
    y = teachtorch.tensor(np.cos(np.arange(8.0)).reshape(1, 2, 2, 2),
                          requires_grad=True)
    with teachtorch.reference_mode():
        assert teachtorch.autograd.gradgradcheck(
            lambda t: F.max_unpool2d(t, idx, 2) ** 2, (y,))


@pytest.mark.parametrize("name,kw", [
    ("max_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                    "return_indices": True}),
    ("avg_pool2d", {"kernel_size": 3, "stride": 2, "padding": 1, "ceil_mode": True,
                    "count_include_pad": False}),
    ("avg_pool2d", {"kernel_size": 2, "divisor_override": 3}),
    ("adaptive_avg_pool2d", {"output_size": (3, 4)}),
    ("adaptive_max_pool2d", {"output_size": (4, 3), "return_indices": True}),
])
def test_reference_matches_torch(name, kw):
    x, _ = _input((2, 3, 7, 8), False, np.float64, 11)
    results = []
    for lib in (teachtorch, torch):
        xt = lib.tensor(x, requires_grad=True)
        with teachtorch.reference_mode(lib is teachtorch):
            out = getattr(lib.nn.functional, name)(xt, **kw)
            y = out[0] if isinstance(out, tuple) else out
            (y * y).sum().backward()
        results.append([y.detach(), xt.grad] + ([out[1]] if isinstance(out, tuple)
                                                else []))
    for a, b in zip(*results):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-12, atol=1e-12)


def test_both_paths_agree_on_the_device(device):
    """The references use only device-correct Tensor ops (also on the simulated GPU)."""
    x, _ = _input((2, 3, 7, 6), False, np.float64, 12)
    for fn, ref in [
        (lambda t: F.max_pool2d(t, 3, 2, 1, ceil_mode=True, return_indices=True),
         MaxPool2dReference),
        (lambda t: F.avg_pool2d(t, 3, 2, 1, ceil_mode=True, count_include_pad=False),
         AvgPool2dReference),
        (lambda t: F.adaptive_max_pool2d(t, (3, 4), return_indices=True),
         AdaptiveMaxPool2dReference),
        (lambda t: F.adaptive_avg_pool2d(t, (3, 4)), AdaptiveAvgPool2dReference),
    ]:
        both_paths(fn, [x], ref, device=device)
