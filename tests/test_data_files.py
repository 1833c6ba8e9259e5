"""The shipped data files: present, checksummed, and refused when damaged."""
import gzip
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from teachtorch import data_files

REPO = Path(__file__).resolve().parent.parent

# Written out here from ../shared/data/README.md, independently of data_files.FILES.
EXPECTED = {
    "mnist/t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "mnist/t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    "diabetes/diabetes.csv.gz":
        "398214d0f6b7f4a722f598d8e424f28bc078abbd16ebdeea0f8e264492325aa4",
    "names/names_train.csv.gz":
        "49b4bf41dce5bfeac989b46ca37cf7baccd9a0d2a855df82f86de67a9376268f",
    "names/names_test.csv.gz":
        "57d7758db533a42c99d513b2341a7e7b0f55c1e0e7d233b1ef6a4fa2f1adf753",
}


def test_table_matches_readme_and_files():
    assert data_files.FILES == EXPECTED
    assert data_files.asset_dir() == REPO / "assets" / "data"
    for name, digest in EXPECTED.items():
        p = data_files.path(name)
        assert p == REPO / "assets" / "data" / name
        assert hashlib.sha256(p.read_bytes()).hexdigest() == digest


def test_data_md_lists_every_checksum():
    text = (REPO / "assets" / "DATA.md").read_text()
    for name, digest in EXPECTED.items():
        assert f"{digest}  {name}" in text


def test_row_counts():
    with data_files.open("diabetes/diabetes.csv.gz", "rt") as f:
        rows = np.loadtxt(f, delimiter=",", dtype=np.float32)
    assert rows.shape == (759, 9)
    assert set(np.unique(rows[:, -1])) == {0.0, 1.0}
    with data_files.open("names/names_train.csv.gz", "rt") as f:
        lines = f.read().splitlines()
    assert len(lines) == 13374 and lines[0] == '"Adsit","Czech"'
    with data_files.open("names/names_test.csv.gz", "rt") as f:
        assert len(f.read().splitlines()) == 6700
    with data_files.open("mnist/t10k-labels-idx1-ubyte.gz") as f:
        head = f.read(8)
    assert int.from_bytes(head[:4], "big") == 2049
    assert int.from_bytes(head[4:], "big") == 10000


def test_damaged_copy_is_refused(tmp_path, monkeypatch):
    src = REPO / "assets" / "data" / "diabetes" / "diabetes.csv.gz"
    (tmp_path / "diabetes").mkdir()
    bad = tmp_path / "diabetes" / "diabetes.csv.gz"
    shutil.copy(src, bad)
    with gzip.open(src, "rb") as f:
        good = f.read()
    bad.write_bytes(gzip.compress(good[:-10]))  # truncated content
    monkeypatch.setenv("TEACHTORCH_DATA", str(tmp_path))
    monkeypatch.setattr(data_files, "_verified", {})
    with pytest.raises(RuntimeError, match="SHA-256 mismatch") as e:
        data_files.path("diabetes/diabetes.csv.gz")
    assert "\nhint:" in str(e.value)
    with pytest.raises(FileNotFoundError, match="names_test.csv.gz") as e:
        data_files.path("names/names_test.csv.gz")
    assert "\nhint:" in str(e.value)


def test_unknown_name():
    with pytest.raises(KeyError, match="not a shipped data file"):
        data_files.path("mnist/train-images-idx3-ubyte.gz")


def test_checked_once_per_process(monkeypatch):
    name = "names/names_test.csv.gz"
    data_files.path(name)
    calls = []
    monkeypatch.setattr(data_files, "sha256", lambda f: calls.append(f))
    assert data_files.path(name).name == "names_test.csv.gz"
    assert calls == []
