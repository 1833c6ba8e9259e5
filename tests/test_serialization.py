"""teachtorch.save / teachtorch.load in PyTorch's own file format, checked against torch.

Every test runs the real torch.save / torch.load on the other side of the file.
"""
import collections
import io
import os
import pickle
import pickletools
import zipfile

import numpy as np
import pytest
from helpers import assert_close, to_np, torch

import teachtorch

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8",
          "bool"]


def ours_to_torch(obj, **load_kwargs):
    buf = io.BytesIO()
    teachtorch.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=True, **load_kwargs)


def torch_to_ours(obj, **load_kwargs):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return teachtorch.load(buf, **load_kwargs)


def values(dtype):
    data = (np.arange(-6, 6).reshape(3, 4) * 7) % 11
    return data.astype(np.dtype(dtype if dtype != "bool" else "int64")) % 2 \
        if dtype == "bool" else data.astype(dtype)


class TinyNet:
    """The same little model in either library (only Module and Parameter needed)."""

    @staticmethod
    def make(lib):
        class Net(lib.nn.Module):
            def __init__(self):
                super().__init__()
                g = np.random.default_rng(0)
                self.w2 = lib.nn.Parameter(lib.tensor(g.normal(size=(4, 3)).astype("f4")))
                self.b = lib.nn.Parameter(lib.zeros(4))
                self.register_buffer("running", lib.arange(3.0))
                self.a_first = lib.nn.Parameter(lib.ones(2))

            def forward(self, x):
                return x @ self.w2.t() + self.b
        return Net()


# ----- values, dtypes, shapes both ways ---------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_tensor_saved_here_loads_in_torch(dtype):
    data = values(dtype)
    got = ours_to_torch(teachtorch.tensor(data).to(getattr(teachtorch, dtype)))
    assert_close(teachtorch.tensor(data).to(getattr(teachtorch, dtype)), got)
    assert got.dtype == getattr(torch, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_tensor_saved_by_torch_loads_here(dtype):
    theirs = torch.tensor(values(dtype)).to(getattr(torch, dtype))
    ours = torch_to_ours(theirs)
    assert isinstance(ours, teachtorch.Tensor)
    assert_close(ours, theirs)


@pytest.mark.parametrize("make", [
    lambda lib: lib.tensor(3.5),
    lambda lib: lib.tensor(7, dtype=lib.int64),
    lambda lib: lib.zeros(0, 4),
    lambda lib: lib.arange(24.0).reshape(2, 3, 4).permute(2, 0, 1),
    lambda lib: lib.arange(24.0).reshape(4, 6)[1:, ::2],
    lambda lib: lib.tensor([1.0, 2.0, 3.0]).expand(4, 3),
], ids=["0dim-float", "0dim-int", "empty", "permuted", "sliced", "expanded"])
def test_layouts_roundtrip_like_torch(make):
    ours, theirs = make(teachtorch), make(torch)
    for loaded, other in ((ours_to_torch(ours), theirs), (torch_to_ours(theirs), ours)):
        assert tuple(loaded.shape) == tuple(other.shape)
        np.testing.assert_array_equal(to_np(loaded), to_np(other))
    # the layout is stored as is (no copy to contiguous), in both directions
    assert ours_to_torch(ours).stride() == theirs.stride()
    assert torch_to_ours(theirs).stride() == theirs.stride()
    assert torch_to_ours(theirs).storage_offset() == theirs.storage_offset()


def test_requires_grad_and_non_leaf_loss_like_torch():
    def make(lib):
        x = lib.ones(2, requires_grad=True)
        return {"x": x, "loss": (x * 2).sum()}
    for loaded in (ours_to_torch(make(teachtorch)), torch_to_ours(make(torch))):
        assert loaded["x"].requires_grad and loaded["loss"].requires_grad
        assert loaded["loss"].is_leaf
        assert loaded["loss"].detach().item() == 4.0


def test_plain_values_survive():
    obj = {"epoch": 3, "lr": 0.1, "name": "run", "flags": [True, None], "t": (1, 2.5),
           "s": {1, 2}, "b": b"xy", "inf": float("inf")}
    assert ours_to_torch(obj) == obj
    assert torch_to_ours(obj) == obj


def test_device_size_dtype_objects():
    ours = ours_to_torch({"d": teachtorch.device("cpu"), "s": teachtorch.Size([2, 3]),
                          "t": teachtorch.float16})
    assert ours == {"d": torch.device("cpu"), "s": torch.Size([2, 3]), "t": torch.float16}
    back = torch_to_ours({"d": torch.device("cpu"), "s": torch.Size([2, 3]),
                          "t": torch.int8})
    assert back["d"] == teachtorch.device("cpu") and back["t"] is teachtorch.int8
    assert repr(back["s"]) == "torch.Size([2, 3])"


# ----- storage sharing -----------------------------------------------------------------

def test_views_saved_here_share_storage_in_torch():
    a = teachtorch.arange(12.0).reshape(3, 4)
    got = ours_to_torch({"a": a, "t": a.t(), "row": a[1], "tail": a.view(-1)[5:]})
    got["a"][1, 2] = 100.0
    assert got["t"][2, 1].item() == 100.0
    assert got["row"][2].item() == 100.0
    assert got["tail"][1].item() == 100.0
    assert got["row"].untyped_storage().data_ptr() == got["a"].untyped_storage().data_ptr()


def test_views_saved_by_torch_share_storage_here():
    a = torch.arange(12.0).reshape(3, 4)
    got = torch_to_ours({"a": a, "t": a.t(), "row": a[1]})
    got["a"][1, 2] = 100.0
    assert got["t"][2, 1].item() == 100.0
    assert got["row"][2].item() == 100.0
    assert got["row"].storage_offset() == 4
    assert got["row"].untyped_storage() == got["a"].untyped_storage()


def test_one_record_per_storage_like_torch():
    def records(save, lib):
        a = lib.arange(6.0)
        buf = io.BytesIO()
        save({"a": a, "v": a[2:], "b": lib.ones(3), "c": lib.ones(3)}, buf)
        names = zipfile.ZipFile(io.BytesIO(buf.getvalue())).namelist()
        return sorted(n.split("/", 1)[1] for n in names if "/data/" in n)
    assert records(teachtorch.save, teachtorch) == records(torch.save, torch)


def test_pickle_names_the_same_globals_as_torch():
    def globals_in(save, lib):
        buf = io.BytesIO()
        p = lib.nn.Parameter(lib.ones(2))
        save({"w": lib.ones(2, 2), "p": p, "o": collections.OrderedDict(a=lib.zeros(1)),
              "i": lib.zeros(1, dtype=lib.int64)}, buf)
        zf = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
        pkl = zf.read(next(n for n in zf.namelist() if n.endswith("/data.pkl")))
        return {arg for op, arg, _ in pickletools.genops(pkl) if op.name == "GLOBAL"}
    assert globals_in(teachtorch.save, teachtorch) == globals_in(torch.save, torch)


def test_records_are_64_byte_aligned_like_torch():
    buf = io.BytesIO()
    teachtorch.save({"a": teachtorch.ones(3), "b": teachtorch.zeros(5, dtype=teachtorch.int8)},
                    buf)
    raw = buf.getvalue()
    zf = zipfile.ZipFile(io.BytesIO(raw))
    for info in zf.infolist():
        name_len, extra_len = np.frombuffer(raw[info.header_offset + 26:
                                                info.header_offset + 30], "<u2")
        start = info.header_offset + 30 + int(name_len) + int(extra_len)
        assert start % 64 == 0, info.filename


# ----- state_dict, checkpoints ------------------------------------------------------

def test_state_dict_order_and_values_both_ways(tmp_path):
    ours, theirs = TinyNet.make(teachtorch), TinyNet.make(torch)
    teachtorch.save(ours.state_dict(), tmp_path / "ours.pth")
    torch.save(theirs.state_dict(), tmp_path / "theirs.pth")
    in_torch = torch.load(tmp_path / "ours.pth", weights_only=True)
    here = teachtorch.load(tmp_path / "theirs.pth")
    assert type(in_torch) is type(here) is collections.OrderedDict
    assert list(in_torch) == list(here) == list(theirs.state_dict())
    for k in here:
        assert_close(here[k], in_torch[k])
    fresh = TinyNet.make(torch)
    fresh.load_state_dict(in_torch)
    fresh_ours = TinyNet.make(teachtorch)
    fresh_ours.load_state_dict(here)
    assert_close(fresh_ours.w2.detach(), fresh.w2.detach())


def _checkpoint(lib):
    model = TinyNet.make(lib)
    opt = lib.optim.Adam(model.parameters(), lr=0.01)
    x = lib.ones(5, 3)
    loss = model(x).pow(2).mean()
    loss.backward()
    opt.step()
    return model, opt, {"epoch": 7, "model_state_dict": model.state_dict(),
                        "optimizer_state_dict": opt.state_dict(), "loss": loss}


def test_checkpoint_saved_here_resumes_in_torch(tmp_path):
    _, _, ck = _checkpoint(teachtorch)
    _, _, ref = _checkpoint(torch)
    teachtorch.save(ck, tmp_path / "ck.tar")
    got = torch.load(tmp_path / "ck.tar", weights_only=True)
    assert sorted(got) == sorted(ref)
    assert got["epoch"] == 7
    assert_close(ck["loss"].detach(), got["loss"].detach())
    model = TinyNet.make(torch)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    model.load_state_dict(got["model_state_dict"])
    opt.load_state_dict(got["optimizer_state_dict"])
    for k, v in ref["optimizer_state_dict"]["state"][0].items():
        assert_close(got["optimizer_state_dict"]["state"][0][k], v, rtol=1e-4)
    assert got["optimizer_state_dict"]["param_groups"][0]["lr"] == 0.01


def test_checkpoint_saved_by_torch_resumes_here(tmp_path):
    _, _, ref = _checkpoint(torch)
    torch.save(ref, tmp_path / "ck.tar")
    got = teachtorch.load(tmp_path / "ck.tar")
    model = TinyNet.make(teachtorch)
    opt = teachtorch.optim.Adam(model.parameters(), lr=0.01)
    model.load_state_dict(got["model_state_dict"])
    opt.load_state_dict(got["optimizer_state_dict"])
    assert_close(model.w2.detach(), ref["model_state_dict"]["w2"])
    assert_close(got["optimizer_state_dict"]["state"][0]["exp_avg"],
                 ref["optimizer_state_dict"]["state"][0]["exp_avg"])
    assert got["epoch"] == 7


def test_parameter_roundtrip_both_ways():
    got = ours_to_torch(teachtorch.nn.Parameter(teachtorch.ones(3)))
    assert isinstance(got, torch.nn.Parameter) and got.requires_grad
    back = torch_to_ours(torch.nn.Parameter(torch.ones(3), requires_grad=False))
    assert isinstance(back, teachtorch.nn.Parameter) and not back.requires_grad


class WholeModel(teachtorch.nn.Module):
    """Importable (module level), so the whole object can be pickled."""

    def __init__(self):
        super().__init__()
        self.w = teachtorch.nn.Parameter(teachtorch.arange(4.0))


def test_whole_model_needs_weights_only_false(tmp_path):
    path = tmp_path / "model.pt"
    teachtorch.save(WholeModel(), path)
    with pytest.raises(pickle.UnpicklingError, match="Weights only load failed") as err:
        teachtorch.load(path)
    assert "\nhint: " in str(err.value)
    model = teachtorch.load(path, weights_only=False)
    assert isinstance(model, WholeModel)
    assert isinstance(model.w, teachtorch.nn.Parameter)
    np.testing.assert_array_equal(to_np(model.w), [0, 1, 2, 3])


# ----- safety --------------------------------------------------------------------------

class _Hostile:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch {self.path}",))


@pytest.mark.parametrize("lib_save", ["teachtorch", "torch"])
def test_hostile_file_is_refused_and_nothing_runs(tmp_path, lib_save):
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    (teachtorch if lib_save == "teachtorch" else torch).save(
        {"w": torch.ones(1) if lib_save == "torch" else teachtorch.ones(1),
         "x": _Hostile(marker)}, path)
    with pytest.raises(pickle.UnpicklingError) as ours:
        teachtorch.load(path)
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(path)
    assert not marker.exists()
    assert str(ours.value).split("\nhint:")[0] == str(theirs.value)
    assert "whose module posix is blocked" in str(ours.value)


def test_unknown_class_refused_with_torchs_message(tmp_path):
    path = tmp_path / "obj.pt"
    torch.save({"c": collections.defaultdict(int)}, path)
    with pytest.raises(pickle.UnpicklingError) as ours:
        teachtorch.load(path)
    with pytest.raises(pickle.UnpicklingError) as theirs:
        torch.load(path)
    assert str(ours.value).split("\nhint:")[0] == str(theirs.value)


# ----- map_location and devices --------------------------------------------------------

@pytest.fixture
def cuda_file(tmp_path):
    """A checkpoint whose storages say 'cuda:0', as if saved on a GPU by torch."""
    src = io.BytesIO()
    torch.save({"w": torch.arange(4.0), "n": torch.ones(2, dtype=torch.int64)}, src)
    old = zipfile.ZipFile(io.BytesIO(src.getvalue()))
    path = tmp_path / "gpu.pt"
    with zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename.endswith("data.pkl"):
                data = data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
                assert b"cuda:0" in data
            new.writestr(info.filename, data)
    return path


def test_cuda_file_without_map_location_fails_like_torch(cuda_file):
    if teachtorch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(RuntimeError) as ours:
        teachtorch.load(cuda_file)
    with pytest.raises(RuntimeError) as theirs:
        torch.load(cuda_file)
    assert str(ours.value).split("\nhint:")[0] == str(theirs.value)
    assert "map_location='cpu'" in str(ours.value).split("\nhint:")[1]


@pytest.mark.parametrize("map_location", [
    "cpu", lambda lib: lib.device("cpu"), {"cuda:0": "cpu"},
    lambda lib: (lambda storage, loc: storage)],
    ids=["str", "device", "dict", "callable"])
def test_cuda_file_loads_with_map_location(cuda_file, map_location):
    def arg(lib):
        if callable(map_location):
            return map_location(lib)
        return map_location
    ours = teachtorch.load(cuda_file, map_location=arg(teachtorch))
    theirs = torch.load(cuda_file, map_location=arg(torch))
    for k in theirs:
        assert_close(ours[k], theirs[k])
        assert str(ours[k].device) == str(theirs[k].device) == "cpu"


def test_bad_map_location_type():
    buf = io.BytesIO()
    teachtorch.save(teachtorch.ones(1), buf)
    buf.seek(0)
    with pytest.raises(TypeError, match="hint:"):
        teachtorch.load(buf, map_location=3.5)


# ----- files: atomic writes, damage, file objects, mmap --------------------------------

class _Explodes:
    def __reduce__(self):
        raise RuntimeError("pickling failed half way")


def test_failed_save_leaves_old_file_intact(tmp_path):
    path = tmp_path / "model.pth"
    teachtorch.save({"w": teachtorch.arange(3.0)}, path)
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="half way"):
        teachtorch.save({"w": teachtorch.zeros(1000), "x": _Explodes()}, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.pth"]
    np.testing.assert_array_equal(to_np(teachtorch.load(path)["w"]), [0, 1, 2])


def test_save_keeps_file_mode_and_overwrites(tmp_path):
    path = tmp_path / "a.pt"
    path.write_bytes(b"old")
    os.chmod(path, 0o640)
    teachtorch.save(teachtorch.ones(2), path)
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert torch.load(path).tolist() == [1.0, 1.0]


def test_archive_named_after_file_like_torch(tmp_path):
    teachtorch.save(teachtorch.ones(1), tmp_path / "my.model.pt")
    torch.save(torch.ones(1), tmp_path / "ref.model.pt")
    ours = zipfile.ZipFile(tmp_path / "my.model.pt").namelist()
    theirs = zipfile.ZipFile(tmp_path / "ref.model.pt").namelist()
    assert [n.replace("my.model", "X") for n in ours] == \
        [n.replace("ref.model", "X") for n in theirs]


def test_missing_parent_directory_like_torch(tmp_path):
    target = tmp_path / "nope" / "x.pt"
    with pytest.raises(RuntimeError) as ours:
        teachtorch.save(teachtorch.ones(1), target)
    with pytest.raises(RuntimeError) as theirs:
        torch.save(torch.ones(1), target)
    assert str(ours.value).split("\nhint:")[0] == str(theirs.value)


def test_truncated_file_clear_error_like_torch(tmp_path):
    good = tmp_path / "good.pt"
    teachtorch.save({"w": teachtorch.ones(100)}, good)
    bad = tmp_path / "bad.pt"
    bad.write_bytes(good.read_bytes()[:300])
    with pytest.raises(RuntimeError) as ours:
        teachtorch.load(bad)
    with pytest.raises(RuntimeError) as theirs:
        torch.load(bad)
    assert str(ours.value).split("\nhint:")[0] == str(theirs.value)
    assert "\nhint: " in str(ours.value)


def test_flipped_byte_in_data_is_detected(tmp_path):
    path = tmp_path / "w.pt"
    teachtorch.save(teachtorch.zeros(64), path)
    raw = bytearray(path.read_bytes())
    zf = zipfile.ZipFile(path)
    info = next(i for i in zf.infolist() if "/data/" in i.filename)
    name_len, extra_len = np.frombuffer(raw[info.header_offset + 26:
                                            info.header_offset + 30], "<u2")
    raw[info.header_offset + 30 + int(name_len) + int(extra_len) + 10] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(RuntimeError, match="PytorchStreamReader failed reading file"):
        teachtorch.load(path)


def test_mmap_load_matches_and_needs_a_path(tmp_path):
    path = tmp_path / "m.pt"
    a = torch.arange(10.0)
    torch.save({"w": a, "v": a[3:]}, path)
    got = teachtorch.load(path, mmap=True)
    np.testing.assert_array_equal(to_np(got["v"]), np.arange(3.0, 10.0))
    got["w"][3] = -1.0  # copy-on-write: memory changes, the file does not
    assert got["v"][0].item() == -1.0
    assert torch.load(path)["w"][3].item() == 3.0
    with pytest.raises(ValueError) as ours:
        teachtorch.load(io.BytesIO(path.read_bytes()), mmap=True)
    with pytest.raises(ValueError) as theirs:
        torch.load(io.BytesIO(path.read_bytes()), mmap=True)
    assert str(ours.value) == str(theirs.value)


def test_save_speed_is_reasonable(tmp_path):
    import time
    big = {f"w{i}": teachtorch.randn(256, 256) for i in range(32)}  # 8 MiB
    t0 = time.perf_counter()
    teachtorch.save(big, tmp_path / "big.pt")
    back = teachtorch.load(tmp_path / "big.pt")
    elapsed = time.perf_counter() - t0
    assert_close(back["w5"], torch.load(tmp_path / "big.pt")["w5"])
    assert elapsed < 5.0


class Trusted:
    """A plain class a user chooses to trust in weights_only files."""

    def __init__(self, n):
        self.n = n


def test_safe_globals_like_torch(tmp_path):
    from teachtorch import serialization

    path = tmp_path / "obj.pt"
    teachtorch.save({"t": Trusted(3)}, path)
    with pytest.raises(pickle.UnpicklingError, match="add_safe_globals"):
        teachtorch.load(path)
    with serialization.safe_globals([Trusted]):
        assert teachtorch.load(path)["t"].n == 3
    assert serialization.get_safe_globals() == []
    with pytest.raises(pickle.UnpicklingError):
        teachtorch.load(path)
    serialization.add_safe_globals([Trusted])
    try:
        assert teachtorch.load(path)["t"].n == 3
        with torch.serialization.safe_globals([Trusted]):
            assert torch.load(path)["t"].n == 3  # torch agrees the file is fine
    finally:
        serialization.clear_safe_globals()
