"""nbval settings for the chapter notebooks.

Pictures (PNG, SVG) and HTML are not compared: they are rendered by graphviz and
matplotlib, whose bytes vary between versions. Text output is compared strictly.
Widget sections end in a cell that asserts on ``view.state``, so the widgets'
behaviour is still checked. Answers are stored folded; nbval gets them unfolded (below).

The kernels nbval starts inherit this process's environment, so the defaults set
here hold for them whoever runs pytest: one BLAS thread and OpenBLAS's AVX2 kernels
(teachtorch/_kernel_env.py: otherwise a matrix product rounds differently on 2 threads
or on an AVX-512 CPU, and chapter 09's MNIST accuracies move), and TEACHTORCH_FAST=1
as when the chapters were built.

Without graphviz's ``dot`` the graph cells still run and show DOT text; the one
warning they print about it is not counted as a difference, and the end of the run
says how many cells ran that way (see the conftest.py at the repository root).
"""
import os
import pathlib
import re
import shutil
import sys

import nbformat
import nbval.plugin

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))
from build_chapters import unfold_answers  # noqa: E402 - found through the path above

from nbformat import NotebookNode

from teachtorch import _kernel_env

_kernel_env.pin(os.environ)
os.environ.setdefault("TEACHTORCH_FAST", "1")

SKIP = ("image/svg+xml", "text/html", "image/png", "image/jpeg")

# the warning teachtorch/widgets/_base.py prints once when `dot` is missing: its line,
# the hint line and the source line Python's warnings module shows under it
DOT_WARNING = re.compile(r"[^\n]*UserWarning: graphviz's `dot` program was not found"
                         r"[^\n]*\n(?:hint:[^\n]*\n)?(?:  [^\n]*\n)?")


def _without_dot_warning(outputs):
    """The outputs with the "dot not found" warning cut out of stderr (and a flag)."""
    kept, cut = [], False
    for out in outputs:
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            text = DOT_WARNING.sub("", out["text"])
            if text != out["text"]:
                cut = True
                if not text:
                    continue
                out = NotebookNode(dict(out, text=text))
        kept.append(out)
    return kept, cut


def _allow_missing_dot(item):
    compare = item.compare_outputs

    def compare_outputs(test, ref, skip_compare=None):
        test, cut = _without_dot_warning(test)
        if cut:
            item.user_properties.append(("system_missing", "dot"))
        return compare(test, ref, skip_compare)

    item.compare_outputs = compare_outputs


def pytest_collection_modifyitems(session, config, items):
    no_dot = (shutil.which("dot") is None
              and os.environ.get("TEACHTORCH_REQUIRE_SYSTEM") != "1")
    seen = set()
    for item in items:
        if no_dot and hasattr(item, "compare_outputs"):
            _allow_missing_dot(item)
        parent = item.parent
        if id(parent) in seen or not hasattr(parent, "skip_compare"):
            continue
        seen.add(id(parent))
        parent.skip_compare = tuple(parent.skip_compare) + SKIP


# Answers are stored folded (a markdown <details> cell; see tools/build_chapters.py).
# nbval reads notebooks with nbformat.read; hand it the notebook with each answer turned
# back into its code cell and stored outputs, so every answer runs and is compared.
class _NbformatWithAnswers:
    """nbformat, except that read() unfolds the answer cells."""

    def __getattr__(self, name):
        return getattr(nbformat, name)

    @staticmethod
    def read(path, as_version):
        return unfold_answers(nbformat.read(path, as_version=as_version))


nbval.plugin.nbformat = _NbformatWithAnswers()
