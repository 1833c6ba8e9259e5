"""Build the chapter notebooks from their sources and store seeded, fresh outputs.

Each chapter is written as ``chapters/src/NN_name.py`` in "percent" format:

    # %% [markdown]
    # 中文说明 ...
    # %%
    x = torch.ones(2)

This script turns each source into ``chapters/NN_name.ipynb`` and executes it with
nbclient (a real Jupyter kernel), so the stored outputs are exactly what the code
prints. ``pytest --nbval chapters/`` later re-runs every notebook and compares.

    python tools/build_chapters.py            # all chapters
    python tools/build_chapters.py 03 05      # only chapters whose name starts so
"""
import os
import pathlib
import re
import sys

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "chapters" / "src"
OUT = ROOT / "chapters"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)",
              "language": "python"}
_CELL = re.compile(r"^# %%(.*)$")


def parse(text):
    """Split a percent-format source into (kind, source, tags) cells."""
    cells, kind, lines, tags = [], None, [], []
    for line in text.splitlines():
        m = _CELL.match(line)
        if m:
            if kind is not None:
                cells.append((kind, lines, tags))
            header = m.group(1).strip()
            kind = "markdown" if header.startswith("[markdown]") else "code"
            tags = re.findall(r'tags=\["?([\w-]+)"?\]', header)
            if "hide" in header or "answer" in header:
                tags.append("hide-input")
            lines = []
        elif kind is not None:
            lines.append(line)
    if kind is not None:
        cells.append((kind, lines, tags))
    nb = nbformat.v4.new_notebook()
    for kind, lines, tags in cells:
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if kind == "markdown":
            body = "\n".join(ln[2:] if ln.startswith("# ") else ln.lstrip("#")
                             for ln in lines)
            cell = nbformat.v4.new_markdown_cell(body)
        else:
            cell = nbformat.v4.new_code_cell("\n".join(lines))
        if tags:
            cell.metadata["tags"] = tags
            if "hide-input" in tags:
                cell.metadata["jupyter"] = {"source_hidden": True}
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _clean_ids(nb, stem):
    """Deterministic cell ids, so rebuilding an unchanged chapter changes nothing."""
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{stem[:2]}-{i:03d}"
        if cell.cell_type == "code":
            cell.metadata.pop("execution", None)


def build(src):
    nb = parse(src.read_text(encoding="utf-8"))
    env = dict(os.environ, TEACHTORCH_FAST=os.environ.get("TEACHTORCH_FAST", "1"),
               PYTHONHASHSEED="0")
    os.environ.update(env)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(OUT)}},
                            store_widget_state=False)
    client.execute()
    nb.metadata.pop("widgets", None)
    _clean_ids(nb, src.stem)
    out = OUT / (src.stem + ".ipynb")
    nbformat.write(nb, out)
    return out


def main(argv):
    sources = sorted(SRC.glob("*.py"))
    if argv:
        sources = [s for s in sources if any(s.stem.startswith(a) for a in argv)]
    for src in sources:
        out = build(src)
        print("built", out.relative_to(ROOT))


if __name__ == "__main__":
    main(sys.argv[1:])
