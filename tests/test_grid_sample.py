"""F.affine_grid and F.grid_sample against PyTorch: values, gradients for the input
and the grid (theta), warnings and errors.
"""
import warnings

import numpy as np
import pytest
from helpers import assert_close, both

import teachtorch

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(2)
IMAGE = RNG.standard_normal((2, 3, 5, 6))
# reaches outside the image; the odd offsets keep sample points off exact pixel
# positions, where bilinear's slope jumps and one rounding step picks the side
THETA = np.array([[[0.9, -0.3, 0.1137], [0.2, 1.1, -0.2071]],
                  [[1.3, 0.4, 0.3119], [-0.5, 0.7, 0.4213]]])


@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("mode", ["bilinear", "nearest"])
@pytest.mark.parametrize("padding", ["zeros", "border"])
def test_spatial_transformer_like_torch(align, mode, padding):
    def run(lib):
        F = lib.nn.functional
        x = lib.tensor(IMAGE, requires_grad=True)
        theta = lib.tensor(THETA, requires_grad=True)
        grid = F.affine_grid(theta, (2, 3, 4, 7), align_corners=align)
        y = F.grid_sample(x, grid, mode=mode, padding_mode=padding, align_corners=align)
        weights = lib.arange(float(y.numel()), dtype=y.dtype).reshape(y.shape).cos()
        (y * weights).sum().backward()
        return grid, y, x.grad, theta.grad

    for ours, theirs in zip(*both(run)):
        assert_close(ours, theirs, rtol=1e-9, atol=1e-9)


def test_grid_sample_gradcheck():
    x = teachtorch.tensor(IMAGE[:1, :1], requires_grad=True)
    grid = teachtorch.tensor(RNG.uniform(-1.2, 1.2, (1, 3, 2, 2)), requires_grad=True)
    F = teachtorch.nn.functional
    assert teachtorch.autograd.gradcheck(
        lambda a, g: F.grid_sample(a, g, align_corners=False), (x, grid))


def test_float32_and_default_align_corners_warn_like_torch():
    def run(lib):
        F = lib.nn.functional
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            grid = F.affine_grid(lib.tensor(THETA, dtype=lib.float32), (2, 1, 3, 3))
            y = F.grid_sample(lib.tensor(IMAGE[:, :1], dtype=lib.float32), grid)
        return y, [str(w.message) for w in caught]
    (y, w), (ty, tw) = both(run)
    assert_close(y, ty, rtol=1e-5, atol=1e-6)
    assert w == tw and len(w) == 2


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 2, 3), (1, 1, 2),
                                              align_corners=False),
    lambda lib: lib.nn.functional.affine_grid(lib.ones(1, 3, 3), (1, 1, 2, 3),
                                              align_corners=False),
    lambda lib: lib.nn.functional.grid_sample(lib.ones(1, 1, 2, 2),
                                              lib.zeros(1, 2, 2, 2), mode="foo",
                                              align_corners=False),
])
def test_errors_like_torch(call):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(teachtorch)
    assert str(ours.value).split("\nhint:")[0] == str(theirs.value)
