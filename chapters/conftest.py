"""nbval settings for the chapter notebooks.

Pictures (PNG, SVG) and HTML are not compared: they are rendered by graphviz and
matplotlib, whose bytes vary between versions. Text output is compared strictly.
Widget sections end in a cell that asserts on ``view.state``, so the widgets'
behaviour is still checked. Answers are stored folded; nbval gets them unfolded (below).
"""
import os
import pathlib
import sys

import nbformat
import nbval.plugin

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tools"))
from build_chapters import unfold_answers  # found through the path above

os.environ.setdefault("TEACHTORCH_FAST", "1")

SKIP = ("image/svg+xml", "text/html", "image/png", "image/jpeg")


def pytest_collection_modifyitems(session, config, items):
    seen = set()
    for item in items:
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
