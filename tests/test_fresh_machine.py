"""A newcomer's fresh machine: no graphviz, no Chromium, no apt-get, maybe root.

The system programs are hidden by running the test steps with a PATH that lacks them
(a folder of links to everything else on PATH). ``make test``'s steps must still pass,
with one line per skipped group at the end. And ``teachtorch lab`` must start as root
(JupyterLab refuses root unless told) and answer on 127.0.0.1 with a token only.
"""
import os
import re
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
HIDDEN = {"dot", "chromium", "apt-get"}


def _path_without(tmp_path, hidden):
    """A PATH with everything the current one has except the ``hidden`` programs."""
    shadow = tmp_path / "bin"
    shadow.mkdir()
    dirs = [os.path.dirname(sys.executable)] + os.environ["PATH"].split(os.pathsep)
    for folder in dirs:
        if not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            link = shadow / name
            if name not in hidden and not link.exists() and not link.is_symlink():
                link.symlink_to(os.path.join(folder, name))
    return str(shadow)


def _fresh_env(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "TEACHTORCH_FAST",
                        "TEACHTORCH_REQUIRE_SYSTEM", "OMP_NUM_THREADS")}
    env["PATH"] = _path_without(tmp_path, HIDDEN)
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.mark.slow
def test_make_test_steps_pass_without_dot_and_chromium(tmp_path):
    env = _fresh_env(tmp_path)
    code = "import shutil; print(*map(shutil.which, ('dot', 'chromium', 'apt-get')))"
    look = subprocess.run([sys.executable, "-c", code],
                          env=env, capture_output=True, text=True, check=True)
    assert look.stdout.split() == ["None", "None", "None"]

    # the Makefile's install step: nothing to install with, so it says so and goes on
    step = subprocess.run(["/bin/bash", "tools/system_packages.sh"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert step.returncode == 0, step.stdout + step.stderr
    assert "not installing graphviz chromium" in step.stdout
    assert "will be skipped" in step.stdout

    # the test files that use dot or chromium, as make test runs them (two workers)
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
         "--dist", "loadfile", "tests/test_viz_graph.py",
         "tests/test_browser_widgets.py"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert tests.returncode == 0, tests.stdout[-4000:]
    tail = tests.stdout[tests.stdout.index("missing system programs"):]
    assert re.search(r"SKIPPED [1-9]\d* test\(s\): graphviz's `dot` program is not "
                     r"installed\. To run them: apt-get install graphviz", tail), tail
    assert re.search(r"SKIPPED [1-9]\d* test\(s\): Chromium is not installed\. To run "
                     r"them: apt-get install chromium", tail), tail
    assert "failed" not in tail and "passed" in tail

    # a chapter that draws graphs, with strict nbval and no variable set
    notebook = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
         "--nbval-sanitize-with", "chapters/nbval_sanitize.cfg",
         "chapters/05_backprop_by_hand.ipynb"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert notebook.returncode == 0, notebook.stdout[-4000:]
    assert "notebook cell(s) showed graphs as DOT text because graphviz's `dot` " \
        "program is not installed. To draw them: apt-get install graphviz" \
        in notebook.stdout


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def _children_environ(pid):
    """The environment of the first child of ``pid`` (the jupyter server), or {}."""
    try:
        child = pathlib.Path(f"/proc/{pid}/task/{pid}/children").read_text().split()[0]
        raw = pathlib.Path(f"/proc/{child}/environ").read_bytes()
    except (OSError, IndexError):
        return {}
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


@pytest.mark.slow
def test_teachtorch_lab_starts_as_root_on_localhost_with_a_token(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                        "OPENBLAS_CORETYPE")}
    env.update(JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
               PYTHONPATH=str(ROOT))
    log_path = tmp_path / "lab.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "teachtorch.cli", "lab", "--no-browser",
             "--port", str(port)],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while _status(f"{base}/api/status?token={token}") != 200:
            assert proc.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, log_path.read_text()[-3000:]
            time.sleep(0.5)
        assert _status(f"{base}/api/status") == 403  # no token, no entry
        # it serves the repository's chapters, starting page included
        assert _status(f"{base}/api/contents/00_start_here.ipynb?token={token}") == 200
        server_env = _children_environ(proc.pid)  # what the kernels will inherit
        if server_env:
            from teachtorch import _kernel_env

            for name, value in _kernel_env.defaults().items():
                assert server_env.get(name) == value, name
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
    said = log_path.read_text()
    assert "--ServerApp.ip=127.0.0.1" in said
    if os.geteuid() == 0:
        assert "running as root: adding --allow-root" in said
        assert "Running as root is not recommended" not in said


def test_kernel_env_pins_blas_without_overriding(monkeypatch):
    from teachtorch import _kernel_env

    monkeypatch.setattr(_kernel_env, "has_avx2_fma", lambda: True)
    env = _kernel_env.pin({"OMP_NUM_THREADS": "4"})
    assert env == {"OMP_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "1",
                   "MKL_NUM_THREADS": "1", "OPENBLAS_CORETYPE": "Haswell"}
    monkeypatch.setattr(_kernel_env, "has_avx2_fma", lambda: False)  # e.g. ARM
    assert "OPENBLAS_CORETYPE" not in _kernel_env.pin({})


def test_kernel_env_runs_a_command_in_that_environment():
    env = {k: v for k, v in os.environ.items() if "NUM_THREADS" not in k}
    out = subprocess.run(
        [sys.executable, "-m", "teachtorch._kernel_env", sys.executable, "-c",
         "import os; print(os.environ['OPENBLAS_NUM_THREADS'])"],
        env=dict(env, PYTHONPATH=str(ROOT)), capture_output=True, text=True,
        check=True)
    assert out.stdout.strip() == "1"
