"""make_grid and save_image against torchvision's published algorithm.

``reference_make_grid`` below is torchvision.utils.make_grid's algorithm written out
with real torch ops (an image copied into each narrow()ed cell of a pad_value grid);
torchvision itself cannot be installed beside this torch.
"""
import math

import numpy as np
import pytest
import torch
from PIL import Image

import teachtorch
from teachtorch.vision import utils


def reference_make_grid(t, nrow=8, padding=2, normalize=False, value_range=None,
                        scale_each=False, pad_value=0.0):
    if isinstance(t, list):
        t = torch.stack(t, 0)
    if t.dim() == 2:
        t = t.unsqueeze(0)
    if t.dim() == 3:
        if t.size(0) == 1:
            t = torch.cat((t, t, t), 0)
        t = t.unsqueeze(0)
    if t.dim() == 4 and t.size(1) == 1:
        t = torch.cat((t, t, t), 1)
    if normalize:
        t = t.clone()

        def norm(img, lo, hi):
            img.clamp_(min=lo, max=hi)
            img.sub_(lo).div_(max(hi - lo, 1e-5))

        def norm_range(img):
            if value_range is not None:
                norm(img, value_range[0], value_range[1])
            else:
                norm(img, float(img.min()), float(img.max()))
        if scale_each:
            for img in t:
                norm_range(img)
        else:
            norm_range(t)
    if t.size(0) == 1:
        return t.squeeze(0)
    nmaps = t.size(0)
    xmaps = min(nrow, nmaps)
    ymaps = math.ceil(float(nmaps) / xmaps)
    height, width = int(t.size(2) + padding), int(t.size(3) + padding)
    grid = t.new_full((t.size(1), height * ymaps + padding, width * xmaps + padding),
                      pad_value)
    k = 0
    for y in range(ymaps):
        for x in range(xmaps):
            if k >= nmaps:
                break
            grid.narrow(1, y * height + padding, height - padding).narrow(
                2, x * width + padding, width - padding).copy_(t[k])
            k += 1
    return grid


def _batch(*shape, seed=0):
    x = np.random.default_rng(seed).normal(size=shape).astype(np.float32)
    return teachtorch.from_numpy(x), torch.from_numpy(x.copy())


@pytest.mark.parametrize("shape,kw", [
    ((5, 3, 4, 6), {}),
    ((5, 3, 4, 6), {"nrow": 2, "padding": 1, "pad_value": 0.5}),
    ((7, 1, 3, 3), {"nrow": 3}),
    ((8, 3, 2, 2), {"nrow": 8, "padding": 0}),
    ((3, 3, 5, 5), {"normalize": True}),
    ((4, 3, 5, 5), {"normalize": True, "scale_each": True, "nrow": 3}),
    ((4, 3, 5, 5), {"normalize": True, "value_range": (-1.0, 1.0)}),
    ((1, 3, 4, 4), {}),
    ((1, 1, 4, 4), {}),
    ((1, 4, 4), {}),
    ((2, 4, 4), {}),
    ((4, 4), {}),
])
def test_make_grid_matches_reference(shape, kw):
    ours, theirs = _batch(*shape)
    out = utils.make_grid(ours, **kw)
    ref = reference_make_grid(theirs, **kw)
    assert tuple(out.shape) == tuple(ref.shape)
    assert str(out.dtype) == str(ref.dtype)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-6, atol=1e-7)


def test_make_grid_list_and_layout_by_hand():
    imgs = [teachtorch.full((3, 2, 2), float(k + 1)) for k in range(3)]
    g = utils.make_grid(imgs, nrow=2, padding=1).numpy()
    # 2 columns, 2 rows: width 2 * 3 + 1 = 7, height 2 * 3 + 1 = 7
    assert g.shape == (3, 7, 7)
    assert g[0, 1, 1] == 1 and g[0, 1, 4] == 2 and g[0, 4, 1] == 3
    assert g[0, 4, 4] == 0 and g[0, 0].sum() == 0 and g[0, :, 3].sum() == 0
    with pytest.raises(TypeError, match="value_range has to be a tuple"):
        utils.make_grid(teachtorch.zeros(2, 3, 2, 2), normalize=True, value_range=[0, 1])


def test_save_image_round_trip(tmp_path):
    ours, theirs = _batch(6, 3, 5, 4, seed=1)
    ours, theirs = ours.sigmoid(), theirs.sigmoid()
    path = tmp_path / "grid.png"
    utils.save_image(ours, str(path), nrow=3, padding=1)
    grid = reference_make_grid(theirs, nrow=3, padding=1)
    ref = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to("cpu",
                                                                    torch.uint8).numpy()
    back = np.asarray(Image.open(path))
    assert back.shape == ref.shape == (2 * 6 + 1, 3 * 5 + 1, 3)
    np.testing.assert_array_equal(back, ref)
    # a file object and an explicit format work too
    with open(tmp_path / "one.jpg", "wb") as f:
        utils.save_image(ours[0], f, format="PNG")
    assert Image.open(tmp_path / "one.jpg").format == "PNG"
