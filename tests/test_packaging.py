"""``pip install teachtorch`` brings the whole course: chapters, data, the lab command.

The slow test plays a learner without the repository: build the sdist, build the wheel
from that sdist, install it in a fresh virtual environment under a temporary folder,
let ``teachtorch lab --dir X --copy-only`` copy the chapters out, and run chapter 08
(it opens a shipped MNIST file) from the copy in that environment's own kernel. Its
printed text must equal the text stored in the notebook. The quick tests check the
copying rules of ``teachtorch lab`` (never overwrite an edited notebook).
"""
import json
import os
import pathlib
import subprocess
import sys
import tarfile
import zipfile

import pytest

from teachtorch import cli, data_files

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))

RUN_CHAPTER = """
import sys
import nbformat
from nbclient import NotebookClient
path = sys.argv[1]
stored = nbformat.read(path, as_version=4)
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": str(sys.argv[2])}}).execute()
def stdout(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("name") == "stdout")
for k, (old, new) in enumerate(zip(stored.cells, nb.cells)):
    if old.cell_type == "code" and stdout(old) != stdout(new):
        sys.exit(f"cell {k} printed something else:\\n{stdout(new)}\\nstored:\\n"
                 f"{stdout(old)}")
print("ran", path, "cells", len(nb.cells))
"""


def _run(cmd, **kw):
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)
    assert out.returncode == 0, f"{cmd}\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.mark.slow
def test_wheel_from_sdist_is_a_complete_course(tmp_path):
    # 1. sdist: the course's files travel with the source
    dist = tmp_path / "dist"
    _run([sys.executable, "setup.py", "-q", "egg_info", "--egg-base", str(tmp_path),
          "sdist", "--dist-dir", str(dist)], cwd=ROOT, timeout=600)
    (sdist,) = dist.glob("teachtorch-*.tar.gz")
    with tarfile.open(sdist) as tar:
        members = {m.split("/", 1)[1] for m in tar.getnames() if "/" in m}
    assert {f"chapters/{c}" for c in CHAPTERS} <= members
    assert {f"assets/data/{n}" for n in data_files.FILES} <= members
    assert "assets/DATA.md" in members

    # 2. the wheel, built from that sdist, carries them inside the package
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist),
          str(sdist)], timeout=600, cwd=tmp_path)
    (wheel,) = dist.glob("teachtorch-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"teachtorch/_course/chapters/{c}" for c in CHAPTERS} <= names
    assert {f"teachtorch/_course/data/{n}" for n in data_files.FILES} <= names
    assert "teachtorch/_course/data/DATA.md" in names

    # 3. a fresh venv outside the repository; pip's cache keeps repeat runs quick
    venv = tmp_path / "learner-venv"
    _run([sys.executable, "-m", "venv", str(venv)], timeout=300)
    bin_dir = venv / "bin"
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "OPENBLAS_NUM_THREADS", "TEACHTORCH_FAST")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env['PATH']}", VIRTUAL_ENV=str(venv),
               HOME=str(tmp_path / "home"))
    _run([str(bin_dir / "python"), "-m", "pip", "install", "-q",
          "--cache-dir", os.path.expanduser("~/.cache/pip"), str(wheel),
          "nbclient", "ipykernel"], env=env, cwd=tmp_path, timeout=900)
    code = "import teachtorch; print(teachtorch.__file__)"
    probe = _run([str(bin_dir / "python"), "-c", code], env=env, cwd=tmp_path)
    assert probe.stdout.strip().startswith(str(venv))

    # 4. teachtorch doctor finds the shipped data (hashes checked) and chapters
    doctor = subprocess.run([str(bin_dir / "teachtorch"), "doctor"], env=env,
                            cwd=tmp_path, capture_output=True, text=True, check=False)
    for name in data_files.FILES:
        assert f"OK   data {name}: {venv}" in doctor.stdout, doctor.stdout
    assert f"OK   chapters: {len(CHAPTERS)} notebooks in {venv}" in doctor.stdout

    # 5. the chapters are copied to the learner's folder, then one of them runs there
    mine = tmp_path / "my-chapters"
    out = _run([str(bin_dir / "teachtorch"), "lab", "--dir", str(mine), "--copy-only"],
               env=env, cwd=tmp_path)
    assert f"chapters in {mine}: {len(CHAPTERS)} copied" in out.stdout
    assert sorted(p.name for p in mine.glob("*.ipynb")) == CHAPTERS
    chapter = mine / "08_dataset_dataloader.ipynb"
    python = str(bin_dir / "python")  # in the environment teachtorch lab gives kernels
    ran = _run([python, "-m", "teachtorch._kernel_env", python, "-c", RUN_CHAPTER,
                str(chapter), str(mine)], env=env, cwd=tmp_path, timeout=900)
    assert "ran" in ran.stdout


def _notebook(folder, name, text):
    path = folder / name
    path.write_text(json.dumps({"cells": [], "metadata": {"note": text},
                                "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_lab_copies_chapters_and_keeps_edited_ones(tmp_path, capsys):
    course, mine = tmp_path / "course", tmp_path / "mine"
    course.mkdir()
    _notebook(course, "01_a.ipynb", "v1")
    _notebook(course, "02_b.ipynb", "v1")
    assert cli.copy_chapters(course, mine) == []
    assert (mine / "01_a.ipynb").read_bytes() == (course / "01_a.ipynb").read_bytes()
    assert "2 copied" in capsys.readouterr().out

    # the learner edits 01; the course ships a new 01 and a new 02
    _notebook(mine, "01_a.ipynb", "my notes")
    _notebook(course, "01_a.ipynb", "v2")
    _notebook(course, "02_b.ipynb", "v2")
    assert cli.copy_chapters(course, mine) == ["01_a.ipynb"]
    said = capsys.readouterr().out
    assert "kept your edited 01_a.ipynb" in said and "--overwrite" in said
    assert "my notes" in (mine / "01_a.ipynb").read_text()  # never overwritten
    assert "v2" in (mine / "02_b.ipynb").read_text()  # untouched copy: updated

    # asking explicitly replaces it and keeps the learner's version beside it
    assert cli.copy_chapters(course, mine, overwrite=True) == []
    assert "v2" in (mine / "01_a.ipynb").read_text()
    assert "my notes" in (mine / "01_a.mine.ipynb").read_text()
    assert "01_a.mine.ipynb" in capsys.readouterr().out


def test_a_folder_the_learner_made_is_never_overwritten(tmp_path, capsys):
    """No record of a copy: a different notebook there counts as the learner's."""
    course, mine = tmp_path / "course", tmp_path / "mine"
    course.mkdir()
    mine.mkdir()
    _notebook(course, "01_a.ipynb", "course")
    _notebook(mine, "01_a.ipynb", "learner")
    assert cli.copy_chapters(course, mine) == ["01_a.ipynb"]
    assert "learner" in (mine / "01_a.ipynb").read_text()


def test_lab_command_as_root_adds_allow_root(monkeypatch, capsys):
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    cmd = cli.lab_command(pathlib.Path("/x"), 8888, True)
    assert "--allow-root" in cmd and "--ServerApp.ip=127.0.0.1" in cmd
    assert "running as root" in capsys.readouterr().out
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    cmd = cli.lab_command(pathlib.Path("/x"), 8888, True)
    assert "--allow-root" not in cmd and "--ServerApp.ip=127.0.0.1" in cmd
    assert not any("token" in part.lower() for part in cmd)  # the server makes its own
    assert capsys.readouterr().out == ""
