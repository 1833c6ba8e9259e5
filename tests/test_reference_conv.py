"""conv1d/conv2d/conv_transpose2d/unfold/fold: reference and fast kernel agree.

For random geometries (padding, stride, dilation, groups, 'same'/'valid'), float32
and float64, contiguous and strided inputs: the same outputs, first derivatives and
second derivatives on both paths; gradgradcheck through the reference; and the
reference alone against torch.
"""
import numpy as np
import pytest
from helpers import to_np, torch
from reference_paths import both_paths

import teachtorch
from teachtorch.ops.conv import ConvolutionReference, ConvTransposeReference
from teachtorch.ops.pad_modes import ModePadReference, pad_mode
from teachtorch.ops.unfold import FoldReference, UnfoldReference
from teachtorch.reference import reference_of

F = teachtorch.nn.functional
LAYOUTS = ("contiguous", "transposed", "sliced")


def _random_conv(seed, nd):
    """A random valid conv geometry: (x shape, w shape, kwargs, with bias)."""
    rng = np.random.default_rng(seed)
    groups = int(rng.integers(1, 4))
    cg, og = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    kernel = tuple(int(k) for k in rng.integers(1, 4, nd))
    dilation = tuple(int(d) for d in rng.integers(1, 3, nd))
    choice = rng.integers(0, 4)
    if choice == 0:
        stride, padding = 1, "same"
    elif choice == 1:
        stride, padding = tuple(int(s) for s in rng.integers(1, 4, nd)), "valid"
    else:
        stride = tuple(int(s) for s in rng.integers(1, 4, nd))
        padding = tuple(int(p) for p in rng.integers(0, 3, nd))
    size = tuple(int(rng.integers(d * (k - 1) + 1, d * (k - 1) + 7))
                 for k, d in zip(kernel, dilation))
    n = int(rng.integers(1, 4))
    kw = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    return (n, groups * cg) + size, (groups * og, cg) + kernel, kw, bool(seed % 2)


def _input(shape, layout, dtype, rng):
    """An input array and the view that gives it `shape` (strided when not contiguous)."""
    if layout == "contiguous":
        return rng.standard_normal(shape).astype(dtype), None
    if layout == "transposed":
        a = rng.standard_normal(shape[:-2] + (shape[-1], shape[-2])).astype(dtype)
        return a, lambda t: t.transpose(-1, -2)
    a = rng.standard_normal(shape[:-1] + (2 * shape[-1],)).astype(dtype)
    return a, lambda t: t[..., ::2]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("nd", [2, 1])
def test_conv_fast_and_reference_agree(nd, seed, dtype):
    xs, ws, kw, bias = _random_conv(seed + 10 * nd, nd)
    rng = np.random.default_rng(seed)
    x, view = _input(xs, LAYOUTS[seed % 3], dtype, rng)
    arrays = [x, rng.standard_normal(ws).astype(dtype)]
    if bias:
        arrays.append(rng.standard_normal(ws[0]).astype(dtype))
    conv = F.conv2d if nd == 2 else F.conv1d
    both_paths(lambda *a: conv(*a, **kw), arrays, ConvolutionReference,
               views=[view, None, None])


def test_conv_unbatched_input_agrees():
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal((3, 6, 5)), rng.standard_normal((4, 3, 2, 2))]
    both_paths(lambda x, w: F.conv2d(x, w, padding=1, stride=(2, 1)), arrays,
               ConvolutionReference)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kw", [
    {},
    {"stride": 2, "padding": 1, "output_padding": 1},
    {"stride": (2, 3), "padding": (0, 1), "output_padding": (1, 2), "dilation": 1},
    {"stride": 1, "padding": 2, "dilation": 2, "groups": 2},
    {"stride": 3, "output_padding": 2, "groups": 2, "dilation": (1, 2)},
])
@pytest.mark.parametrize("layout", ["contiguous", "transposed"])
def test_conv_transpose2d_fast_and_reference_agree(kw, layout, dtype):
    rng = np.random.default_rng(len(kw))
    x, view = _input((2, 4, 4, 5), layout, dtype, rng)
    w = rng.standard_normal((4, 3, 3, 2)).astype(dtype)
    b = rng.standard_normal(3 * kw.get("groups", 1)).astype(dtype)
    both_paths(lambda *a: F.conv_transpose2d(*a, **kw), [x, w, b],
               ConvTransposeReference, views=[view, None, None])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kw", [
    {"kernel_size": 2},
    {"kernel_size": (2, 3), "stride": 2, "padding": 1},
    {"kernel_size": 3, "dilation": (2, 1), "padding": (1, 0), "stride": (1, 2)},
])
def test_unfold_and_fold_fast_and_reference_agree(kw, dtype):
    rng = np.random.default_rng(4)
    x, view = _input((2, 3, 7, 6), "transposed", dtype, rng)
    fast, _ = both_paths(lambda t: F.unfold(t, **kw), [x], UnfoldReference,
                         views=[view])
    cols = rng.standard_normal(tuple(fast[0][0].shape)).astype(dtype)
    both_paths(lambda c: F.fold(c, (7, 6), **kw), [cols], FoldReference)


def test_modules_run_the_reference_in_reference_mode():
    conv = teachtorch.nn.Conv2d(2, 3, 3, padding=1)
    x = teachtorch.randn(1, 2, 5, 5, requires_grad=True)
    with teachtorch.reference_mode():
        y = conv(x)
    assert y.grad_fn._forward_cls is ConvolutionReference
    assert conv(x).grad_fn._forward_cls is not ConvolutionReference
    assert reference_of(F.conv2d) is ConvolutionReference
    assert reference_of(teachtorch.nn.Conv2d) is ConvolutionReference
    assert reference_of(teachtorch.nn.ConvTranspose2d) is ConvTransposeReference
    assert reference_of(F.unfold) is UnfoldReference


@pytest.mark.parametrize("fn,xs,ws,kw", [
    (F.conv2d, (1, 2, 4, 5), (4, 1, 2, 2), {"stride": (1, 2), "padding": 1,
                                            "groups": 2}),
    (F.conv2d, (1, 1, 5, 4), (2, 1, 2, 3), {"padding": "same", "dilation": 2}),
    (F.conv1d, (2, 2, 6), (2, 2, 3), {"stride": 2, "padding": 1}),
    (F.conv_transpose2d, (1, 2, 3, 3), (2, 2, 2, 2), {"stride": 2,
                                                      "output_padding": 1}),
])
def test_gradgradcheck_through_the_reference(fn, xs, ws, kw):
    rng = np.random.default_rng(1)
    x = teachtorch.tensor(rng.standard_normal(xs), requires_grad=True)
    w = teachtorch.tensor(rng.standard_normal(ws), requires_grad=True)
    b = teachtorch.tensor(rng.standard_normal(ws[1] if fn is F.conv_transpose2d
                                              else ws[0]), requires_grad=True)
    with teachtorch.reference_mode():
        assert teachtorch.autograd.gradcheck(lambda *a: fn(*a, **kw), (x, w, b))
        assert teachtorch.autograd.gradgradcheck(lambda *a: fn(*a, **kw), (x, w, b))


def test_gradgradcheck_unfold_fold_reference():
    rng = np.random.default_rng(2)
    x = teachtorch.tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    with teachtorch.reference_mode():
        f = lambda t: F.fold(F.unfold(t, 2, padding=1, stride=2) ** 2, (4, 4), 2,
                             padding=1, stride=2)
        assert teachtorch.autograd.gradgradcheck(f, (x,))


@pytest.mark.parametrize("name,xs,ws,kw", [
    ("conv2d", (2, 4, 7, 6), (6, 2, 3, 2), {"stride": 2, "padding": 1, "groups": 2}),
    ("conv2d", (1, 3, 6, 6), (2, 3, 4, 4), {"padding": "same"}),
    ("conv1d", (2, 3, 10), (5, 3, 3), {"dilation": 2, "padding": 2}),
    ("conv_transpose2d", (2, 4, 3, 4), (4, 3, 3, 3),
     {"stride": 2, "padding": 1, "output_padding": 1, "groups": 2}),
])
def test_reference_matches_torch(name, xs, ws, kw):
    rng = np.random.default_rng(7)
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    results = []
    for lib in (teachtorch, torch):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        with teachtorch.reference_mode(lib is teachtorch):
            y = getattr(lib.nn.functional, name)(xt, wt, **kw)
            (y * y).sum().backward()
        results.append([y.detach(), xt.grad, wt.grad])
    for a, b in zip(*results):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-9, atol=1e-10)


def test_both_paths_agree_on_the_device(device):
    """The reference uses only device-correct Tensor ops (also on the simulated GPU)."""
    rng = np.random.default_rng(8)
    x, b = rng.standard_normal((2, 4, 7, 6)), rng.standard_normal(4)
    both_paths(lambda *a: F.conv2d(*a, padding="same", groups=2),
               [x, rng.standard_normal((4, 2, 3, 3)), b], ConvolutionReference,
               device=device)
    both_paths(lambda *a: F.conv_transpose2d(*a, stride=2, output_padding=1, groups=2),
               [x, rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(6)],
               ConvTransposeReference, device=device)
    both_paths(lambda t: F.fold(F.unfold(t, 3, padding=1), (7, 6), 3, padding=1), [x],
               FoldReference, device=device)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_conv_padding_modes_agree(mode):
    """padding_mode: the mode padding and the convolution, on either path."""
    rng = np.random.default_rng(9)
    layer = teachtorch.nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode=mode).double()
    x = rng.standard_normal((2, 2, 5, 6))
    both_paths(layer, [x], ConvolutionReference)
    assert issubclass(reference_of(pad_mode), ModePadReference)
    xt = teachtorch.tensor(x[:1, :, :3, :4], requires_grad=True)
    with teachtorch.reference_mode():
        assert teachtorch.autograd.gradgradcheck(lambda t: layer(t) ** 2, (xt,))


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_conv_padding_mode_gradient_penalty_like_torch(mode):
    """create_graph through a padding_mode layer (the fast path's hand-over)."""
    rng = np.random.default_rng(10)
    x, w = rng.standard_normal((1, 2, 5, 4)), rng.standard_normal((3, 2, 3, 3))
    results = []
    for lib in (teachtorch, torch):
        layer = lib.nn.Conv2d(2, 3, 3, padding=(2, 1), padding_mode=mode).double()
        with lib.no_grad():
            layer.weight.copy_(lib.tensor(w))
            layer.bias.copy_(lib.tensor([0.5, -1.0, 2.0]))
        xt = lib.tensor(x, requires_grad=True)
        (g,) = lib.autograd.grad((layer(xt) ** 2).sum(), xt, create_graph=True)
        (g * g).sum().backward()
        results.append([g.detach(), xt.grad, layer.weight.grad])
    for a, b in zip(*results):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-9, atol=1e-10)
