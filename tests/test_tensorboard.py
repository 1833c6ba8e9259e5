"""SummaryWriter: the same calls on torch's writer and ours, read back by TensorBoard.

Files are read with tensorboard's own EventAccumulator, so a wrong byte anywhere (CRC,
protobuf field, PNG) fails the test. tensorboard is a test dependency only.
"""
import io
import os
import re
import time

import numpy as np
import pytest
from helpers import torch

import teachtorch

tb = pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing.event_accumulator import (
    EventAccumulator,
)

from teachtorch.utils.tensorboard import SummaryWriter
from teachtorch.utils.tensorboard.record_writer import masked_crc32c

ALL = {"images": 0, "histograms": 0, "scalars": 0, "tensors": 0}


def read(folder):
    acc = EventAccumulator(str(folder), size_guidance=ALL)
    acc.Reload()
    return acc


def both(tmp_path, fn):
    """Run fn(writer, lib) with torch's writer and ours; return both accumulators."""
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    out = []
    for name, writer_cls, lib in (("ours", SummaryWriter, teachtorch),
                                  ("torch", TorchWriter, torch)):
        with writer_cls(str(tmp_path / name)) as w:
            fn(w, lib)
        out.append(read(tmp_path / name))
    return out


def decode_png(encoded):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(encoded)))


# ----- records and CRCs ----------------------------------------------------------------

@pytest.mark.parametrize("n", [0, 1, 9, 4095, 4096, 100_000, 1_000_003])
def test_crc32c_matches_tensorboard(n):
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import (
        masked_crc32c as reference,
    )

    data = np.random.default_rng(n).integers(0, 256, n, dtype=np.uint8).tobytes()
    if n > 30000:  # tensorboard's pure-Python CRC is slow: check long slices
        for piece in (data[:5000], data[:20000], data[-4096 * 2 - 17:]):
            assert masked_crc32c(piece) == reference(piece)
    else:
        assert masked_crc32c(data) == reference(data)


def test_crc_of_a_megabyte_is_fast():
    data = os.urandom(1 << 20)
    t0 = time.perf_counter()
    masked_crc32c(data)
    assert time.perf_counter() - t0 < 1.0


# ----- scalars ---------------------------------------------------------------------------

def test_scalars_like_torch(tmp_path):
    def log(w, lib):
        for i in range(5):
            w.add_scalar("data/loss", 10 - i ** 0.5, i)
            w.add_scalar("data/acc", lib.tensor(i / 10), global_step=i)
        w.add_scalar("no_step", 3.0)
    ours, theirs = both(tmp_path, log)
    assert ours.Tags()["scalars"] == theirs.Tags()["scalars"]
    for tag in theirs.Tags()["scalars"]:
        assert [(e.step, e.value) for e in ours.Scalars(tag)] == \
            [(e.step, e.value) for e in theirs.Scalars(tag)]


def test_add_scalars_makes_the_same_sub_runs(tmp_path):
    def log(w, lib):
        for i in range(3):
            w.add_scalars("run/train", {"loss": 1.0 / (i + 1), "acc": i * 0.3}, i)
    both(tmp_path, log)
    subdirs = [sorted(d.name for d in (tmp_path / n).iterdir() if d.is_dir())
               for n in ("ours", "torch")]
    assert subdirs[0] == subdirs[1] == ["run_train_acc", "run_train_loss"]
    for sub in subdirs[0]:
        a, b = read(tmp_path / "ours" / sub), read(tmp_path / "torch" / sub)
        assert [(e.step, e.value) for e in a.Scalars("run/train")] == \
            [(e.step, e.value) for e in b.Scalars("run/train")]


def test_scalar_must_be_one_number(tmp_path):
    with SummaryWriter(str(tmp_path)) as w, \
            pytest.raises(AssertionError, match="scalar should be 0D"):
        w.add_scalar("x", teachtorch.ones(3))


# ----- images ----------------------------------------------------------------------------

IMAGE_CASES = {
    "chw-float": (lambda lib: lib.rand(3, 20, 30), {}),
    "hwc-uint8": (lambda lib: lib.tensor(np.random.default_rng(1).integers(
        0, 256, (12, 7, 3), dtype=np.uint8)), {"dataformats": "HWC"}),
    "hw": (lambda lib: lib.rand(9, 11), {"dataformats": "HW"}),
    "1hw": (lambda lib: lib.rand(1, 9, 11), {}),
    "out-of-range": (lambda lib: lib.linspace(-1, 2, 3 * 4 * 5).reshape(3, 4, 5), {}),
}


@pytest.mark.parametrize("case", list(IMAGE_CASES))
def test_add_image_like_torch(tmp_path, case):
    make, kwargs = IMAGE_CASES[case]
    rng_state = np.random.default_rng(0).random((3, 20, 30))

    def log(w, lib):
        lib.manual_seed(0)
        img = make(lib) if case != "chw-float" else lib.tensor(rng_state.astype("f4"))
        w.add_image("img", img, 1, **kwargs)
    ours, theirs = both(tmp_path, log)
    a, b = ours.Images("img")[0], theirs.Images("img")[0]
    assert (a.width, a.height, a.step) == (b.width, b.height, b.step)
    if case in ("hwc-uint8", "chw-float"):
        np.testing.assert_array_equal(decode_png(a.encoded_image_string),
                                      decode_png(b.encoded_image_string))


def test_add_images_grid_like_torch(tmp_path):
    batch = np.random.default_rng(2).random((10, 3, 8, 9)).astype("f4")

    def log(w, lib):
        w.add_images("batch", lib.tensor(batch), 2)
        w.add_images("gray", lib.tensor(batch[:3, :1]), 2)
    ours, theirs = both(tmp_path, log)
    for tag in ("batch", "gray"):
        a, b = ours.Images(tag)[0], theirs.Images(tag)[0]
        assert (a.width, a.height) == (b.width, b.height)
        np.testing.assert_array_equal(decode_png(a.encoded_image_string),
                                      decode_png(b.encoded_image_string))


def test_wrong_dataformats_is_refused(tmp_path):
    with SummaryWriter(str(tmp_path)) as w, pytest.raises(AssertionError, match="hint:"):
        w.add_image("x", teachtorch.rand(3, 4, 5), dataformats="HW")


def test_add_figure_like_torch(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def log(w, lib):
        fig = plt.figure(figsize=(3, 2), dpi=50)
        plt.plot([0, 1], [1, 0])
        w.add_figure("fig", fig, 0)
    ours, theirs = both(tmp_path, log)
    a, b = ours.Images("fig")[0], theirs.Images("fig")[0]
    assert (a.width, a.height) == (b.width, b.height) == (150, 100)


# ----- histograms, text, hparams -----------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"bins": "auto"}, {"bins": 10, "max_bins": 4}])
def test_histogram_like_torch(tmp_path, kwargs):
    values = np.random.default_rng(3).normal(size=1000).astype("f4")

    def log(w, lib):
        w.add_histogram("w", lib.tensor(values), 4, **kwargs)
    ours, theirs = both(tmp_path, log)
    a = ours.Histograms("w")[0].histogram_value
    b = theirs.Histograms("w")[0].histogram_value
    for field in ("min", "max", "num", "sum", "sum_squares"):
        assert getattr(a, field) == pytest.approx(getattr(b, field), rel=1e-9)
    assert a.bucket == b.bucket
    np.testing.assert_allclose(a.bucket_limit, b.bucket_limit, rtol=1e-12)


def test_text_like_torch(tmp_path):
    ours, theirs = both(tmp_path, lambda w, lib: w.add_text("note", "hello **world**", 5))
    assert ours.Tags()["tensors"] == theirs.Tags()["tensors"] == ["note/text_summary"]
    a, b = ours.Tensors("note/text_summary")[0], theirs.Tensors("note/text_summary")[0]
    assert a.tensor_proto.string_val == b.tensor_proto.string_val
    assert ours.SummaryMetadata("note/text_summary").plugin_data.plugin_name == "text"


def test_hparams_like_torch(tmp_path):
    from google.protobuf.json_format import MessageToDict
    from tensorboard.plugins.hparams import plugin_data_pb2

    def log(w, lib):
        w.add_hparams({"lr": 0.1, "bsize": 32, "opt": "sgd"}, {"hparam/acc": 0.9},
                      run_name="hp")
    both(tmp_path, log)
    a, b = read(tmp_path / "ours" / "hp"), read(tmp_path / "torch" / "hp")
    assert a.Tags()["scalars"] == b.Tags()["scalars"] == ["hparam/acc"]
    for tag in ("_hparams_/experiment", "_hparams_/session_start_info",
                "_hparams_/session_end_info"):
        parsed = []
        for acc in (a, b):
            data = plugin_data_pb2.HParamsPluginData.FromString(
                acc.SummaryMetadata(tag).plugin_data.content)
            parsed.append(MessageToDict(data))
        parsed[0].get("sessionStartInfo", {}).pop("startTimeSecs", None)
        parsed[1].get("sessionStartInfo", {}).pop("startTimeSecs", None)
        assert parsed[0] == parsed[1], tag


# ----- embedding -------------------------------------------------------------------------

def test_embedding_files_like_torch(tmp_path):
    mat = np.random.default_rng(4).normal(size=(20, 5)).astype("f4")
    imgs = np.random.default_rng(5).random((20, 3, 4, 6)).astype("f4")

    def log(w, lib):
        w.add_embedding(lib.tensor(mat), metadata=[f"p{i}" for i in range(20)],
                        label_img=lib.tensor(imgs), tag="feat/x")
        w.add_embedding(lib.tensor(mat), global_step=3)
    both(tmp_path, log)
    ours, theirs = tmp_path / "ours", tmp_path / "torch"
    assert (ours / "projector_config.pbtxt").read_text() == \
        (theirs / "projector_config.pbtxt").read_text()
    for rel in ("00000/feat%2fx/tensors.tsv", "00000/feat%2fx/metadata.tsv",
                "00003/default/tensors.tsv"):
        assert (ours / rel).read_text() == (theirs / rel).read_text(), rel
    np.testing.assert_array_equal(
        decode_png((ours / "00000/feat%2fx/sprite.png").read_bytes()),
        decode_png((theirs / "00000/feat%2fx/sprite.png").read_bytes()))


# ----- graph -------------------------------------------------------------------------

def _net(lib):
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = lib.nn.Linear(4, 8)
            self.act = lib.nn.ReLU()
            self.head = lib.nn.Sequential(lib.nn.Linear(8, 3), lib.nn.Softmax(dim=1))

        def forward(self, x):
            return self.head(self.act(self.fc1(x)) * 2)
    return Net()


def test_add_graph_readable_by_tensorboard(tmp_path):
    model = _net(teachtorch)
    with SummaryWriter(str(tmp_path / "g")) as w:
        w.add_graph(model, teachtorch.randn(2, 4))
    acc = read(tmp_path / "g")
    assert acc.Tags()["graph"] is True
    graph = acc.Graph()
    names = [n.name for n in graph.node]
    assert len(names) == len(set(names))
    for n in graph.node:  # every edge points at a node that exists
        assert all(i in names for i in n.input), (n.name, list(n.input))
    assert "input/input.0" in names and "output/output.0" in names
    for p in ("Net/Linear[fc1]/weight", "Net/Linear[fc1]/bias",
              "Net/Sequential[head]/Linear[0]/weight"):
        assert p in names
    ops = [n for n in graph.node if n.op not in ("IO Node", "Parameter")]
    assert len(ops) >= 5  # linear, relu, mul, linear, softmax (plus transposes)
    assert any(n.name.startswith("Net/Linear[fc1]/") for n in ops)
    assert any(n.name.startswith("Net/Sequential[head]/Softmax[1]/") for n in ops)
    # torch's traced graph uses the same module scopes
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    with TorchWriter(str(tmp_path / "t")) as w:
        w.add_graph(_net(torch), torch.randn(2, 4))
    theirs = read(tmp_path / "t").Graph()
    scopes = {n.name.rsplit("/", 1)[0] for n in theirs.node if n.name.startswith("Net/")}
    ours_scopes = {n.name.rsplit("/", 1)[0] for n in ops}
    assert ours_scopes <= scopes | {"Net"}


# ----- the writer itself ---------------------------------------------------------------

def test_default_log_dir_like_torch(tmp_path, monkeypatch):
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    monkeypatch.chdir(tmp_path)
    SummaryWriter(comment="_lr0.1").close()
    TorchWriter(comment="_lr0.1").close()
    names = sorted(os.listdir(tmp_path / "runs"))
    pattern = r"[A-Z][a-z]{2}\d\d_\d\d-\d\d-\d\d_.+_lr0\.1"
    assert len(names) in (1, 2) and all(re.fullmatch(pattern, n) for n in names)


def test_event_file_name_and_suffix(tmp_path):
    with SummaryWriter(str(tmp_path), filename_suffix=".v2") as w:
        w.add_scalar("x", 1.0, 0)
    (name,) = os.listdir(tmp_path)
    assert re.fullmatch(r"events\.out\.tfevents\.\d{10}\..+\.\d+\.\d+\.v2", name)


def test_flush_secs_makes_points_visible_without_close(tmp_path):
    w = SummaryWriter(str(tmp_path), flush_secs=1)
    w.add_scalar("live", 1.5, 7)
    deadline = time.time() + 5
    seen = []
    while time.time() < deadline and not seen:
        time.sleep(0.3)
        acc = read(tmp_path)
        seen = acc.Scalars("live") if "live" in acc.Tags()["scalars"] else []
    w.close()
    assert [(e.step, e.value) for e in seen] == [(7, 1.5)]


def test_add_after_close_is_an_error(tmp_path):
    w = SummaryWriter(str(tmp_path))
    w.close()
    with pytest.raises(RuntimeError, match="hint:"):
        w.add_scalar("x", 1.0)


def test_points_reach_disk_when_a_script_never_closes(tmp_path):
    import subprocess
    import sys

    code = ("from teachtorch.utils.tensorboard import SummaryWriter\n"
            f"logger = SummaryWriter(log_dir={str(tmp_path)!r}, flush_secs=120)\n"
            "for ii in range(10):\n"
            "    logger.add_scalar('data/loss', 10 - ii ** 0.5, ii)\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    values = [e.value for e in read(tmp_path).Scalars("data/loss")]
    assert values == pytest.approx([10 - i ** 0.5 for i in range(10)], rel=1e-6)
