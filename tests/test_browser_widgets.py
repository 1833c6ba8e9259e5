"""The widgets in a real browser: JupyterLab + Debian's Chromium, driven by Playwright.

Starts `jupyter lab` on 127.0.0.1 (free port, random token) over a temporary copy of
tests/browser/widgets.ipynb, runs all cells from the Run menu, moves ConvWindowView's
stride slider with the keyboard and checks that the picture changed the way the model
(teachtorch.viz.conv_geometry) predicts. A second test does the same over
tests/browser/source_and_stepper.ipynb: picks a method in SourceView, flips its
reference toggle, and clicks BackwardStepper through a backward pass. A screenshot is
saved on failure; the server is always stopped. Set TEACHTORCH_SCREENSHOTS=DIR to also
save one PNG per widget there (that is how assets/screenshots/ was made).
"""
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from teachtorch.viz import conv_geometry as geo
from teachtorch.viz import rnn_unroll as ru

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"  # Debian's; the test is
# marked needs("chromium"), so it skips with a line in the summary when it is missing
NOTEBOOK = Path(__file__).parent / "browser" / "widgets.ipynb"
STEPPER_NOTEBOOK = Path(__file__).parent / "browser" / "source_and_stepper.ipynb"
VIEWS = {"graph_view": "graphview", "backprop_view": "backpropview",
         "conv_window_view": "convwindowview", "rnn_unroll_view": "rnnunrollview"}
pytestmark = [pytest.mark.browser, pytest.mark.needs("chromium")]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_server(url, proc, deadline):
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("jupyter lab exited early")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"jupyter lab did not answer at {url}")


@pytest.fixture
def lab(tmp_path, request):
    """A JupyterLab server over a copy of the notebook (NOTEBOOK unless the test
    passes another one as the fixture's parameter); yields (url, tmp_path)."""
    notebook = getattr(request, "param", NOTEBOOK)
    pytest.importorskip("playwright")
    pytest.importorskip("jupyterlab")
    work = tmp_path / "nb"
    work.mkdir()
    shutil.copy(notebook, work / notebook.name)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    with open(tmp_path / "lab.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
             "--LabApp.news_url=None"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for_server(f"{base}/api/status?token={token}", proc,
                             time.monotonic() + 60)
            yield f"{base}/lab/tree/{notebook.name}?token={token}", tmp_path
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def _accept_kernel_dialog(page, wait_s):
    """Lab may still ask "Select Kernel" while the kernel starts: keep Python 3."""
    button = page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept")
    try:
        button.first.wait_for(state="visible", timeout=wait_s * 1000)
    except Exception:  # noqa: BLE001 - no dialog: nothing to do
        return
    button.first.click()


@contextlib.contextmanager
def _notebook_page(url, tmp):
    """Chromium on the Lab page with every cell run; a screenshot if the test fails."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.set_default_timeout(60_000)
        try:
            page.goto(url)
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            _accept_kernel_dialog(page, wait_s=8)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
            _accept_kernel_dialog(page, wait_s=3)
            yield page
        except Exception:
            shot = tmp / "failure.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failure: {shot}; server log: {tmp / 'lab.log'}")
            raise
        finally:
            browser.close()


def test_widgets_render_and_respond_to_the_keyboard(lab):
    url, tmp = lab
    with _notebook_page(url, tmp) as page:
        for cls in VIEWS.values():
            page.wait_for_selector(f".teachtorch-{cls} svg", timeout=90_000)

        conv = page.locator(".teachtorch-convwindowview")
        before = conv.locator("svg").first.text_content()
        start = geo.compute("conv2d", (7, 7), 3, 1, 1, 1, False)["output_shape"]
        assert f"output {start[2]}×{start[3]}" in before

        slider = conv.locator(".widget-hslider").filter(has_text="stride")
        slider.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        want = geo.compute("conv2d", (7, 7), 3, 2, 1, 1, False)["output_shape"]
        page.wait_for_function(
            "([sel, txt]) => document.querySelector(sel).textContent.includes(txt)",
            arg=[".teachtorch-convwindowview svg", f"output {want[2]}×{want[3]}"])
        after = conv.locator("svg").first.text_content()
        assert after != before
        assert f"output {want[2]}×{want[3]}" in after
        assert "stride 2" in after

        graph = page.locator(".teachtorch-graphview svg").first.text_content()
        assert "PowBackward0" in graph and "y = AddBackward0" in graph
        bp = page.locator(".teachtorch-backpropview").first.text_content()
        assert "x.grad from autograd = 13 (equal)" in bp
        rnn = page.locator(".teachtorch-rnnunrollview svg").first.text_content()
        assert "f_t = σ(" in rnn
        # the time-step slider: the forget gate the model computes for t=4
        x = ru.sample_sequence("sine", 8, 3)
        f4 = ru.unroll("lstm", x, ru.make_weights("lstm", 3, 4, 0))["f"][4]
        want_rnn = "at t=4: [" + ", ".join(f"{v:.3f}" for v in f4) + "]"
        assert want_rnn not in rnn
        step = page.locator(".teachtorch-rnnunrollview .widget-hslider").filter(
            has_text="time step")
        step.locator(".noUi-handle").first.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "([sel, txt]) => document.querySelector(sel).textContent.includes(txt)",
            arg=[".teachtorch-rnnunrollview svg", want_rnn])

        shots = os.environ.get("TEACHTORCH_SCREENSHOTS")
        if shots:
            news = page.locator(".Toastify button", has_text="No")
            if news.count():
                news.first.click()  # the "Jupyter news?" toast would cover them
                page.wait_for_timeout(500)
            Path(shots).mkdir(parents=True, exist_ok=True)
            for name, cls in VIEWS.items():
                el = page.locator(f".teachtorch-{cls}").first
                el.scroll_into_view_if_needed()
                el.screenshot(path=str(Path(shots) / f"{name}.png"))


def _lit_node(page):
    """The graphviz title (node id) of the node BackwardStepper fills orange."""
    return page.evaluate("""() => {
        const svg = document.querySelector('.teachtorch-backwardstepper svg');
        for (const g of svg.querySelectorAll('g.node')) {
            const shape = g.querySelector('path, polygon');
            if (shape && shape.getAttribute('fill') === '#ffb060')
                return g.querySelector('title').textContent;
        }
        return null;
    }""")


def _wait_text(page, selector, text):
    page.wait_for_function(
        "([sel, txt]) => document.querySelector(sel).textContent.includes(txt)",
        arg=[selector, text])


@pytest.mark.parametrize("lab", [STEPPER_NOTEBOOK], indirect=True)
def test_source_view_and_backward_stepper_in_the_browser(lab):
    import inspect

    import torch

    import teachtorch
    from teachtorch.viz.graph import fmt_array, graph_model

    url, tmp = lab
    # what the pages must show, from inspect and from PyTorch
    _, cls_first = inspect.getsourcelines(teachtorch.nn.Linear)
    fwd_lines, fwd_first = inspect.getsourcelines(teachtorch.nn.Linear.forward)
    leaves = {k: torch.tensor(v, requires_grad=True)
              for k, v in (("x", 2.0), ("w1", 3.0), ("w2", 1.0), ("b", 0.5))}
    y = leaves["w1"] * leaves["x"] ** 2 + leaves["w2"] * leaves["x"] + leaves["b"]
    model = graph_model(y)
    n_steps = len(model["nodes"])
    y.backward()
    with _notebook_page(url, tmp) as page:
        page.wait_for_selector(".teachtorch-sourceview .teachtorch-source",
                               timeout=90_000)
        page.wait_for_selector(".teachtorch-backwardstepper svg", timeout=90_000)

        # SourceView: the class, then its forward picked from the dropdown
        source = page.locator(".teachtorch-sourceview").first
        text = source.text_content()
        assert "teachtorch/nn/modules/linear.py" in text
        assert f"lines {cls_first}-" in text
        source.locator("select").first.select_option(label="forward")
        last = fwd_first + len(fwd_lines) - 1
        _wait_text(page, ".teachtorch-sourceview", f"lines {fwd_first}-{last}")
        assert "Linear.forward" in source.text_content()

        # the reference toggle of a function the notebook gave a __reference__
        ref = page.locator(".teachtorch-sourceview").nth(1)
        assert "fast_double" in ref.text_content()
        ref.locator(".widget-toggle-button", has_text="reference").first.click()
        page.wait_for_function(
            "() => document.querySelectorAll('.teachtorch-sourceview')[1]"
            ".textContent.includes('readable_double')")
        assert "(this notebook)" in ref.text_content()

        # BackwardStepper: next lights the output's node, run to end fills .grad
        stepper = page.locator(".teachtorch-backwardstepper").first
        assert f"before backward: {n_steps} nodes to run" in stepper.text_content()
        assert _lit_node(page) is None
        stepper.locator("button", has_text="next").first.click()
        _wait_text(page, ".teachtorch-backwardstepper",
                   f"step 1 of {n_steps}: {y.grad_fn.name()}")
        page.wait_for_function("() => document.querySelector("
                               "'.teachtorch-backwardstepper svg') !== null")
        assert _lit_node(page) == model["root"]
        assert "def backward" in stepper.text_content().replace("\xa0", " ")
        stepper.locator("button", has_text="run to end").first.click()
        _wait_text(page, ".teachtorch-backwardstepper", "backward finished")
        text = stepper.text_content()
        for name, t in leaves.items():
            assert f"{name} = {fmt_array(t.grad.numpy())}" in text, name
        stepper.locator("button", has_text="previous").first.click()
        _wait_text(page, ".teachtorch-backwardstepper",
                   f"step {n_steps - 1} of {n_steps}")
        assert "backward finished" not in stepper.text_content()

        shots = os.environ.get("TEACHTORCH_SCREENSHOTS")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            for name, el in (("source_view", source), ("backward_stepper",
                                                       stepper)):
                el.scroll_into_view_if_needed()
                el.screenshot(path=str(Path(shots) / f"{name}.png"))
