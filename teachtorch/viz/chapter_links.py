"""Which chapter notebooks open a piece of teachtorch's source (SourceView's links).

The chapters are found next to the package in a checkout (``<repo>/chapters``) or
inside it when an installed wheel ships them (``teachtorch/_course/chapters``); with
neither, no chapter is linked. A chapter *points to* an object when the code or text
of one of its cells names the object's file (``nn/modules/conv.py``), its module
(``teachtorch.nn.modules.conv``), its method as ``Class.method``, or opens it with
``SourceView(...)``. Outputs are not read.
"""
import json
import re
from pathlib import Path

import teachtorch

_PACKAGE = Path(teachtorch.__file__).resolve().parent
_CACHE = {}


def chapter_dirs():
    """The folders holding chapter notebooks that exist here, checkout first."""
    found = []
    for d in (_PACKAGE.parent / "chapters", _PACKAGE / "_course" / "chapters"):
        if d.is_dir() and any(d.glob("*.ipynb")):
            found.append(d)
    return found


def chapter_notebooks():
    """Paths of the chapter notebooks (sorted by name), or [] when there are none."""
    for d in chapter_dirs():
        return sorted(d.glob("[0-9]*.ipynb"))
    return []


def _cells(path):
    """[(cell index, source text)] of a notebook, read once per file version."""
    stamp = path.stat().st_mtime_ns
    hit = _CACHE.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cells = []
    else:
        cells = []
        for i, cell in enumerate(nb.get("cells", [])):
            src = cell.get("source", "")
            cells.append((i, src if isinstance(src, str) else "".join(src)))
    _CACHE[path] = (stamp, cells)
    return cells


def _title(path, cells):
    """The chapter's first Markdown heading, else its file name."""
    for _, src in cells:
        for line in src.splitlines():
            if line.startswith("#") and line.lstrip("#").strip():
                return line.lstrip("#").strip()
    return path.stem


def patterns(file, module, qualname):
    """The regular expressions that count as pointing to this object."""
    pats = []
    if file.startswith("teachtorch/"):
        rel = re.escape(file[len("teachtorch/"):])
        pats.append(r"(?<![\w/.])(?:teachtorch/)?" + rel + r"\b")
    if module.startswith("teachtorch.") and not module.endswith("__init__"):
        pats.append(r"\b" + re.escape(module) + r"\b")
    if qualname:
        q = re.escape(qualname)
        pats.append(r"SourceView\(\s*[\w.]*\b" + q + r"\b")
        if "." in qualname:
            pats.append(r"\b" + q + r"\b")
    return [re.compile(p) for p in pats]


def chapters_pointing_to(file, module, qualname):
    """[{"chapter", "title", "path", "cells"}] for every chapter that opens the object
    (``file`` as SourceView shows it, ``module`` and ``qualname`` its dotted names)."""
    if not file.startswith("teachtorch/"):
        return []  # the learner's own code: no chapter is about it
    pats = patterns(file, module, qualname)
    found = []
    for path in chapter_notebooks():
        cells = _cells(path)
        hits = [i for i, src in cells if any(p.search(src) for p in pats)]
        if hits:
            found.append({"chapter": path.name, "title": _title(path, cells),
                          "path": str(path), "cells": hits})
    return found
