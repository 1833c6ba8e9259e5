"""teachtorch.vision.transforms against independent references.

torchvision cannot be installed beside the torch used here, so each deterministic
transform is checked against what torchvision is documented to compute, written out
with NumPy / PIL / real torch operations in this file (torch.nn.functional.interpolate
is what torchvision's tensor Resize calls; torch.nn.functional.pad what its Pad calls).
"""
import colorsys

import numpy as np
import pytest
import torch
from PIL import Image, ImageEnhance

import teachtorch
from teachtorch.vision import transforms as T
from teachtorch.vision.transforms import functional as F
from teachtorch.vision.transforms import v2

RNG = np.random.default_rng(0)
HWC = RNG.integers(0, 256, (20, 30, 3), dtype=np.uint8)
IMG = Image.fromarray(HWC)
CHW = np.ascontiguousarray(HWC.transpose(2, 0, 1))


def tt(a):
    return teachtorch.from_numpy(np.ascontiguousarray(a))


def arr(x):
    return np.asarray(x) if isinstance(x, Image.Image) else x.numpy()


def test_to_tensor_and_pil_to_tensor():
    x = T.ToTensor()(IMG)
    assert x.dtype == teachtorch.float32 and tuple(x.shape) == (3, 20, 30)
    np.testing.assert_array_equal(x.numpy(), CHW.astype(np.float32) / np.float32(255))
    g = T.ToTensor()(IMG.convert("L"))
    assert tuple(g.shape) == (1, 20, 30)
    f = T.ToTensor()(HWC.astype(np.float64))  # non-uint8 ndarrays are not scaled
    assert f.dtype == teachtorch.float64 and float(f.numpy().max()) == HWC.max()
    p = T.PILToTensor()(IMG)
    assert p.dtype == teachtorch.uint8
    np.testing.assert_array_equal(p.numpy(), CHW)
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        T.ToTensor()(p)
    b = T.ToTensor()(IMG.convert("L").point(lambda v: 255 * (v > 128)).convert("1"))
    assert b.dtype == teachtorch.float32 and set(np.unique(b.numpy())) <= {0.0, 1.0}
    i16 = Image.fromarray(np.array([[1, 300], [4000, 7]], np.uint16))
    assert i16.mode == "I;16"
    t16 = T.PILToTensor()(i16)
    assert t16.dtype == teachtorch.int16 and t16.numpy().tolist() == [[[1, 300], [4000, 7]]]
    fimg = Image.fromarray(np.array([[0.25, 2.0]], np.float32))
    f32 = T.ToTensor()(fimg)  # float images are not scaled
    assert f32.dtype == teachtorch.float32 and f32.numpy().tolist() == [[[0.25, 2.0]]]


def test_to_pil_image_truncates_like_byte():
    x = tt(np.array([[[0.0, 0.5, 0.999, 1.0]]], np.float32))
    img = T.ToPILImage()(x)
    assert img.mode == "L"
    ref = (torch.tensor([[0.0, 0.5, 0.999, 1.0]]).mul(255).byte()).numpy()
    np.testing.assert_array_equal(np.asarray(img), ref)
    rgb = T.ToPILImage()(T.ToTensor()(IMG))
    assert rgb.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(rgb), HWC)  # x/255*255 truncates back
    np.testing.assert_array_equal(np.asarray(T.ToPILImage()(tt(CHW))), HWC)
    with pytest.raises(ValueError, match="pic should not have > 4 channels"):
        T.ToPILImage()(teachtorch.zeros(5, 2, 2))


def test_normalize_matches_formula_and_torch():
    x = np.random.default_rng(1).random((3, 4, 5), dtype=np.float32)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    out = T.Normalize(mean, std)(tt(x))
    ref = (torch.from_numpy(x) - torch.tensor(mean).view(-1, 1, 1)) / \
        torch.tensor(std).view(-1, 1, 1)
    assert out.dtype == teachtorch.float32
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-6, atol=1e-7)
    one = T.Normalize(0.1307, 0.3081)(tt(x[:1]))
    np.testing.assert_allclose(one.numpy(), (x[:1] - np.float32(0.1307)) /
                               np.float32(0.3081), rtol=1e-6)
    y = tt(x.copy())
    assert T.Normalize(mean, std, inplace=True)(y) is y
    np.testing.assert_allclose(y.numpy(), ref.numpy(), rtol=1e-6, atol=1e-7)
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        T.Normalize(0.5, 0.5)(tt(CHW))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize(0.5, 0.0)(tt(x))
    with pytest.raises(TypeError, match="img should be Tensor Image"):
        T.Normalize(0.5, 0.5)(IMG)


def test_normalize_is_differentiable():
    x = teachtorch.ones(1, 2, 2, requires_grad=True)
    T.Normalize(0.5, 0.25)(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((1, 2, 2), 4.0))


def test_resize_size_rule_and_pil():
    assert T.Resize(10)(IMG).size == (15, 10)  # shorter edge 20 -> 10, 30 -> 15
    assert T.Resize(7)(IMG).size == (10, 7)  # int(7 * 30 / 20) = 10
    assert T.Resize((5, 8))(IMG).size == (8, 5)
    assert T.Resize(10, max_size=12)(IMG).size == (12, 8)
    ref = IMG.resize((15, 10), Image.BILINEAR)
    np.testing.assert_array_equal(np.asarray(T.Resize(10)(IMG)), np.asarray(ref))
    assert repr(T.Resize(10)) == ("Resize(size=10, interpolation=bilinear, "
                                  "max_size=None, antialias=True)")


@pytest.mark.parametrize("size", [(7, 9), (33, 41), (20, 11)])
def test_tensor_resize_matches_torch_interpolate(size):
    x = np.random.default_rng(2).random((2, 3, 20, 30), dtype=np.float32)
    for antialias in (True, False):
        ours = F.resize(tt(x), list(size), antialias=antialias).numpy()
        ref = torch.nn.functional.interpolate(torch.from_numpy(x), size=size,
                                              mode="bilinear", align_corners=False,
                                              antialias=antialias).numpy()
        np.testing.assert_allclose(ours, ref, atol=2e-5 if antialias else 1e-5)
    for mode, name in ((T.InterpolationMode.NEAREST, "nearest"),
                       (T.InterpolationMode.NEAREST_EXACT, "nearest-exact")):
        ours = F.resize(tt(x), list(size), interpolation=mode).numpy()
        ref = torch.nn.functional.interpolate(torch.from_numpy(x), size=size,
                                              mode=name).numpy()
        np.testing.assert_array_equal(ours, ref)


def test_uint8_tensor_resize_rounds():
    out = T.Resize((7, 9))(tt(CHW))
    assert out.dtype == teachtorch.uint8
    ref = torch.nn.functional.interpolate(torch.from_numpy(CHW[None]).float(),
                                          size=(7, 9), mode="bilinear",
                                          antialias=True).round().clamp(0, 255)
    assert np.abs(out.numpy().astype(int) - ref[0].numpy().astype(int)).max() <= 1


def test_center_crop_offsets_and_padding():
    for th, tw in [(8, 8), (7, 10), (19, 29), (20, 30)]:
        top, left = round((20 - th) / 2.0), round((30 - tw) / 2.0)
        np.testing.assert_array_equal(np.asarray(T.CenterCrop((th, tw))(IMG)),
                                      HWC[top:top + th, left:left + tw])
        np.testing.assert_array_equal(T.CenterCrop((th, tw))(tt(CHW)).numpy(),
                                      CHW[:, top:top + th, left:left + tw])
    big = T.CenterCrop((24, 33))(tt(CHW)).numpy()  # larger: zero border, (2,2)/(1,2)
    ref = np.pad(CHW, [(0, 0), (2, 2), (1, 2)])
    np.testing.assert_array_equal(big, ref)
    np.testing.assert_array_equal(np.asarray(T.CenterCrop((24, 33))(IMG)),
                                  ref.transpose(1, 2, 0))


@pytest.mark.parametrize("mode,torch_mode", [("constant", "constant"),
                                             ("edge", "replicate"),
                                             ("reflect", "reflect")])
def test_pad_matches_torch(mode, torch_mode):
    x = np.random.default_rng(3).random((3, 5, 6), dtype=np.float32)
    ours = T.Pad((1, 2, 3, 4), padding_mode=mode)(tt(x)).numpy()
    ref = torch.nn.functional.pad(torch.from_numpy(x)[None], (1, 3, 2, 4),
                                  mode=torch_mode)[0].numpy()
    np.testing.assert_array_equal(ours, ref)
    np.testing.assert_array_equal(
        np.asarray(T.Pad((1, 2, 3, 4), padding_mode=mode)(IMG)).transpose(2, 0, 1),
        torch.nn.functional.pad(torch.from_numpy(CHW)[None].float(), (1, 3, 2, 4),
                                mode=torch_mode)[0].byte().numpy())


def test_pad_fill_and_symmetric():
    out = T.Pad(2, fill=(9, 8, 7))(IMG)
    a = np.asarray(out)
    assert a.shape == (24, 34, 3) and a[0, 0].tolist() == [9, 8, 7]
    np.testing.assert_array_equal(a[2:-2, 2:-2], HWC)
    s = T.Pad([1, 2], padding_mode="symmetric")(tt(CHW)).numpy()
    np.testing.assert_array_equal(s, np.pad(CHW, [(0, 0), (2, 2), (1, 1)],
                                            mode="symmetric"))
    with pytest.raises(ValueError, match="Padding must be an int or a 1, 2, or 4"):
        T.Pad((1, 2, 3))


def test_flips_match_torch_flip():
    x = torch.from_numpy(CHW)
    np.testing.assert_array_equal(T.RandomHorizontalFlip(1.0)(tt(CHW)).numpy(),
                                  x.flip(-1).numpy())
    np.testing.assert_array_equal(T.RandomVerticalFlip(1.0)(tt(CHW)).numpy(),
                                  x.flip(-2).numpy())
    np.testing.assert_array_equal(np.asarray(T.RandomHorizontalFlip(1.0)(IMG)),
                                  HWC[:, ::-1])
    assert T.RandomHorizontalFlip(0.0)(IMG) is IMG


def test_random_crop_padding_and_seed():
    teachtorch.manual_seed(5)
    a = T.RandomCrop(10, padding=4)(tt(CHW)).numpy()
    teachtorch.manual_seed(5)
    b = T.RandomCrop(10, padding=4)(tt(CHW)).numpy()
    np.testing.assert_array_equal(a, b)
    padded = np.pad(CHW, [(0, 0), (4, 4), (4, 4)])
    hits = [(i, j) for i in range(padded.shape[1] - 9) for j in range(padded.shape[2] - 9)
            if np.array_equal(padded[:, i:i + 10, j:j + 10], a)]
    assert hits  # the output is one window of the padded image
    out = T.RandomCrop((25, 32), pad_if_needed=True)(IMG)
    assert out.size == (32, 25)
    with pytest.raises(ValueError, match=r"Required crop size \(25, 32\) is larger"):
        T.RandomCrop((25, 32))(IMG)
    seen = set()
    for _ in range(40):
        i, j, _, _ = T.RandomCrop.get_params(IMG, (18, 28))
        seen.add((i, j))
    assert seen == {(i, j) for i in range(3) for j in range(3)}


def test_random_resized_crop_params_inside_image():
    teachtorch.manual_seed(0)
    for _ in range(50):
        i, j, h, w = T.RandomResizedCrop.get_params(IMG, (0.08, 1.0), (3 / 4, 4 / 3))
        assert 0 <= i and 0 <= j and i + h <= 20 and j + w <= 30 and h > 0 and w > 0
    i, j, h, w = T.RandomResizedCrop.get_params(IMG, (2.0, 2.0), (1.0, 1.0))
    assert (i, j, h, w) == (0, 5, 20, 20)  # fallback: centred, ratio clamped to 1
    out = T.RandomResizedCrop(16)(IMG)
    assert out.size == (16, 16)


def test_rotation_matches_pil_and_seed():
    ref = IMG.rotate(30.0, Image.NEAREST)
    np.testing.assert_array_equal(np.asarray(F.rotate(IMG, 30.0)), np.asarray(ref))
    ours = F.rotate(tt(CHW), 30.0).numpy()
    np.testing.assert_array_equal(ours, np.asarray(ref).transpose(2, 0, 1))
    teachtorch.manual_seed(1)
    a = np.asarray(T.RandomRotation(45)(IMG))
    teachtorch.manual_seed(1)
    b = np.asarray(T.RandomRotation(45)(IMG))
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="must be positive"):
        T.RandomRotation(-3)


def test_grayscale():
    ref = (0.2989 * CHW[0].astype(np.float32) + 0.587 * CHW[1] + 0.114 * CHW[2])
    f = T.Grayscale()(tt(CHW.astype(np.float32) / 255)).numpy()
    np.testing.assert_allclose(f[0], ref / 255, rtol=1e-5)
    u = T.Grayscale(3)(tt(CHW)).numpy()
    assert u.shape == (3, 20, 30) and (u[0] == u[2]).all()
    assert np.abs(u[0].astype(int) - ref.astype(int)).max() == 0
    np.testing.assert_array_equal(np.asarray(T.Grayscale()(IMG)),
                                  np.asarray(IMG.convert("L")))
    assert T.Grayscale(3)(IMG).mode == "RGB"


def test_colour_functions_on_tensors():
    x = np.random.default_rng(4).random((3, 6, 7), dtype=np.float32)
    np.testing.assert_allclose(F.adjust_brightness(tt(x), 1.7).numpy(),
                               np.clip(x * 1.7, 0, 1), rtol=1e-6)
    gray = 0.2989 * x[0] + 0.587 * x[1] + 0.114 * x[2]
    m = gray.mean()
    np.testing.assert_allclose(F.adjust_contrast(tt(x), 0.3).numpy(),
                               np.clip(0.3 * x + 0.7 * m, 0, 1), rtol=1e-5)
    np.testing.assert_allclose(F.adjust_saturation(tt(x), 1.5).numpy(),
                               np.clip(1.5 * x - 0.5 * gray, 0, 1), rtol=1e-5, atol=1e-6)
    out = F.adjust_hue(tt(x), 0.2).numpy()
    for y, xx in [(0, 0), (3, 5), (5, 6)]:
        h, s, v = colorsys.rgb_to_hsv(*x[:, y, xx])
        np.testing.assert_allclose(out[:, y, xx], colorsys.hsv_to_rgb((h + 0.2) % 1, s, v),
                                   atol=1e-5)
    with pytest.raises(ValueError, match=r"hue_factor \(0.7\) is not in \[-0.5, 0.5\]"):
        F.adjust_hue(tt(x), 0.7)


def test_colour_functions_on_pil_use_imageenhance():
    np.testing.assert_array_equal(np.asarray(F.adjust_brightness(IMG, 1.3)),
                                  np.asarray(ImageEnhance.Brightness(IMG).enhance(1.3)))
    np.testing.assert_array_equal(np.asarray(F.adjust_contrast(IMG, 0.5)),
                                  np.asarray(ImageEnhance.Contrast(IMG).enhance(0.5)))
    np.testing.assert_array_equal(np.asarray(F.adjust_saturation(IMG, 0.0)),
                                  np.asarray(ImageEnhance.Color(IMG).enhance(0.0)))
    h = np.asarray(F.adjust_hue(IMG, 0.25).convert("HSV"))[..., 0].astype(int)
    h0 = np.asarray(IMG.convert("HSV"))[..., 0].astype(int)
    assert np.abs((h - h0) % 256 - 63).max() <= 2  # 0.25 turn = 63 of 256 steps


def test_color_jitter_seeded_and_ranges():
    cj = T.ColorJitter(brightness=0.5, contrast=(0.2, 0.9), hue=0.1)
    assert cj.brightness == (0.5, 1.5) and cj.saturation is None
    teachtorch.manual_seed(3)
    a = cj(tt(CHW)).numpy()
    teachtorch.manual_seed(3)
    b = cj(tt(CHW)).numpy()
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="must be non negative"):
        T.ColorJitter(brightness=-1)
    with pytest.raises(ValueError, match="hue values should be between"):
        T.ColorJitter(hue=(0, 0.8))


def test_compose_lambda_random_apply_choice_order():
    t = T.Compose([T.ToTensor(), T.Normalize(0.1307, 0.3081)])
    assert repr(t) == "Compose(\n    ToTensor()\n    Normalize(mean=0.1307, std=0.3081)\n)"
    add1 = T.Lambda(lambda v: v + 1)
    assert T.Compose([add1, add1])(1) == 3
    assert T.RandomApply([add1], p=1.0)(1) == 2 and T.RandomApply([add1], p=0.0)(1) == 1
    assert T.RandomChoice([add1, T.Lambda(lambda v: v * 10)], p=[0, 1])(2) == 20
    counts = {T.RandomChoice([add1, T.Lambda(lambda v: v * 10)])(2) for _ in range(30)}
    assert counts == {3, 20}
    results = {T.RandomOrder([add1, T.Lambda(lambda v: v * 10)])(1) for _ in range(30)}
    assert results == {11, 20}
    with pytest.raises(TypeError, match="Argument lambd should be callable"):
        T.Lambda(3)


def test_v2_to_image_to_dtype_as_in_the_notes():
    image_2_tensor = v2.Compose([v2.ToImage(), v2.ToDtype(teachtorch.float32, scale=True)])
    x = image_2_tensor(IMG)
    assert x.dtype == teachtorch.float32 and tuple(x.shape) == (3, 20, 30)
    np.testing.assert_array_equal(x.numpy(), CHW.astype(np.float32) / np.float32(255))
    raw = v2.ToDtype(teachtorch.float32)(v2.ToImage()(IMG))
    assert float(raw.numpy().max()) == CHW.max()  # scale=False: values kept
    back = v2.ToDtype(teachtorch.uint8, scale=True)(x)
    np.testing.assert_array_equal(back.numpy(), CHW)
    assert v2.ToImage()(HWC).dtype == teachtorch.uint8


def test_v2_same_random_crop_for_every_image_in_a_sample():
    mask = Image.fromarray(HWC[..., 0])
    teachtorch.manual_seed(0)
    img_out, mask_out, label = v2.RandomCrop(8)((IMG, mask, 3))
    assert label == 3
    np.testing.assert_array_equal(np.asarray(img_out)[..., 0], np.asarray(mask_out))
    d = v2.RandomHorizontalFlip(1.0)({"image": tt(CHW), "label": 5})
    assert d["label"] == 5
    np.testing.assert_array_equal(d["image"].numpy(), CHW[..., ::-1])
    assert v2.Lambda(lambda v: v * 2, int)((3, "a")) == (6, "a")
