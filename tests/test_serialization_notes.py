"""The notes' save/load recipes (notes 000 and 003), run with teachtorch as torch."""
import io

import numpy as np
import pytest
from helpers import assert_close, to_np, torch

import teachtorch


def make(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))


def test_state_dict_method(tmp_path):
    """torch.save(model.state_dict(), PATH); model.load_state_dict(torch.load(PATH))."""
    path = tmp_path / "net.pth"
    net1 = make(teachtorch)
    teachtorch.save(net1.state_dict(), path)
    net2 = teachtorch.nn.Sequential(teachtorch.nn.Linear(3, 4), teachtorch.nn.ReLU(),
                                    teachtorch.nn.Linear(4, 2))
    net2.load_state_dict(teachtorch.load(path))
    x = teachtorch.randn(5, 3)
    np.testing.assert_array_equal(to_np(net1(x)), to_np(net2(x)))
    # the same file drives an identical torch model to the same outputs
    ref = make(torch)
    ref.load_state_dict(torch.load(path))
    assert_close(net2(x), ref(torch.tensor(to_np(x))), rtol=1e-5, atol=1e-6)


def test_whole_model_method(tmp_path):
    """torch.save(model, PATH); model = torch.load(PATH, weights_only=False)."""
    path = tmp_path / "model.pt"
    model = make(teachtorch)
    teachtorch.save(model, path)
    loaded = teachtorch.load(path, weights_only=False)
    assert type(loaded) is type(model)
    assert repr(loaded) == repr(model)
    x = teachtorch.randn(2, 3)
    np.testing.assert_array_equal(to_np(loaded(x)), to_np(model(x)))
    assert all(isinstance(p, teachtorch.nn.Parameter) for p in loaded.parameters())


def test_strict_false_partial_load(tmp_path):
    """modelB.load_state_dict(torch.load(PATH), strict=False) with extra keys."""
    path = tmp_path / "a.pt"
    teachtorch.save(make(teachtorch).state_dict(), path)
    small = teachtorch.nn.Sequential(teachtorch.nn.Linear(3, 4))
    result = small.load_state_dict(teachtorch.load(path), strict=False)
    ref = torch.nn.Sequential(torch.nn.Linear(3, 4)).load_state_dict(
        torch.load(path), strict=False)
    assert list(result.unexpected_keys) == list(ref.unexpected_keys)
    assert list(result.missing_keys) == list(ref.missing_keys) == []


@pytest.mark.parametrize("map_location", ["cpu", None])
def test_load_with_map_location_device(map_location):
    """model.load_state_dict(torch.load(PATH, map_location=device))."""
    buf = io.BytesIO()
    teachtorch.save(make(teachtorch).state_dict(), buf)
    buf.seek(0)
    device = teachtorch.device(map_location) if map_location else None
    sd = teachtorch.load(buf, map_location=device)
    assert all(str(v.device) == "cpu" for v in sd.values())


def test_checkpoint_resume_training(tmp_path):
    """The notes' checkpoint dict: resume gives the same next step as not stopping."""
    path = tmp_path / "ck.tar"
    x, y = teachtorch.randn(8, 3), teachtorch.randn(8, 2)

    def step(model, opt):
        opt.zero_grad()
        loss = teachtorch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss

    model = make(teachtorch)
    opt = teachtorch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss = step(model, opt)
    teachtorch.save({"epoch": 1, "model_state_dict": model.state_dict(),
                     "optimizer_state_dict": opt.state_dict(), "loss": loss}, path)
    step(model, opt)

    model2 = make(teachtorch)
    opt2 = teachtorch.optim.SGD(model2.parameters(), lr=0.1, momentum=0.9)
    ck = teachtorch.load(path)
    model2.load_state_dict(ck["model_state_dict"])
    opt2.load_state_dict(ck["optimizer_state_dict"])
    assert ck["epoch"] == 1 and ck["loss"].item() == pytest.approx(loss.item())
    step(model2, opt2)
    for a, b in zip(model.parameters(), model2.parameters()):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-6, atol=1e-7)
