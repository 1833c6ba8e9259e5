"""Binder builds the course from binder/: check the files, then do what it does.

There is no Docker here, so instead of repo2docker this test follows Binder's steps by
hand: a fresh virtual environment, ``pip install -r binder/requirements.txt``,
``binder/postBuild``, then every chapter executed in that environment's own kernel.
"""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"


def test_binder_files_say_what_binder_needs():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    assert "graphviz" in (BINDER / "apt.txt").read_text().split()
    reqs = [ln.split("=")[0].split(">")[0].split("<")[0].strip().lower()
            for ln in (BINDER / "requirements.txt").read_text().splitlines()
            if ln.strip() and not ln.startswith("#")]
    assert "torch" not in reqs and not any(r.startswith("cupy") for r in reqs)
    assert {"numpy", "ipywidgets", "jupyterlab", "ipykernel"} <= set(reqs)
    post = (BINDER / "postBuild").read_text()
    assert post.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in post
    assert "pip install --no-deps -e ." in post
    assert os.access(BINDER / "postBuild", os.X_OK)
    # binder/start gives the kernels the environment teachtorch lab gives them
    assert os.access(BINDER / "start", os.X_OK)
    from teachtorch import _kernel_env

    clean = {k: v for k, v in os.environ.items()
             if k not in _kernel_env.ONE_THREAD + ("OPENBLAS_CORETYPE",)}
    out = subprocess.run(["bash", str(BINDER / "start"), "env"], env=clean,
                         capture_output=True, text=True, check=True).stdout
    for name, value in _kernel_env.defaults().items():
        assert f"{name}={value}\n" in out


RUN_CHAPTERS = """
import pathlib, sys
import nbformat
from nbclient import NotebookClient
for path in sorted(pathlib.Path("chapters").glob("*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": "chapters"}}).execute()
    print("ran", path.name, flush=True)
"""


@pytest.mark.slow
def test_fresh_binder_environment_runs_every_chapter(tmp_path):
    venv = tmp_path / "binder-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
               VIRTUAL_ENV=str(venv), TEACHTORCH_FAST="1")
    env.pop("PYTHONPATH", None)
    pip = [str(bin_dir / "python"), "-m", "pip", "install", "-q"]
    subprocess.run(pip + ["-r", str(BINDER / "requirements.txt")], check=True, env=env,
                   cwd=ROOT, timeout=900)
    subprocess.run(["bash", str(BINDER / "postBuild")], check=True, env=env, cwd=ROOT,
                   timeout=300)
    # the course runs without the test-only packages
    probe = subprocess.run([str(bin_dir / "python"), "-c",
                            "import importlib.util as u; print(u.find_spec('torch'))"],
                           env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "None"
    run = subprocess.run([str(bin_dir / "python"), "-c", RUN_CHAPTERS], env=env,
                         cwd=ROOT, capture_output=True, text=True, timeout=1500)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    ran = [ln for ln in run.stdout.splitlines() if ln.startswith("ran ")]
    assert len(ran) == len(list((ROOT / "chapters").glob("*.ipynb"))) >= 17


def test_repo2docker_reads_the_binder_config():
    """repo2docker --no-build writes the Dockerfile Binder would build (no Docker needed)."""
    exe = pathlib.Path(sys.executable).parent / "repo2docker"
    assert exe.exists(), "jupyter-repo2docker is a dev dependency (pip install '.[dev]')"
    out = subprocess.run([str(exe), "--no-build", "--no-run", "--debug", str(ROOT)],
                         capture_output=True, text=True, timeout=300)
    text = out.stdout + out.stderr
    assert out.returncode == 0, text[-3000:]
    assert "python=3.11" in text
    assert "apt-get install --yes --no-install-recommends graphviz" in text
    assert 'pip install --no-cache-dir -r "binder/requirements.txt"' in text
    assert "RUN ./binder/postBuild" in text
    assert 'R2D_ENTRYPOINT="${REPO_DIR}/binder/start"' in text
