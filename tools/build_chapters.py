"""Build the chapter notebooks from their sources and store seeded, fresh outputs.

Each chapter is written as ``chapters/src/NN_name.py`` in "percent" format:

    # %% [markdown]
    # 中文说明 ...
    # %%
    x = torch.ones(2)
    # %% answer
    print(x * 2)            # an exercise's answer: runs like any cell, then folded

This script turns each source into ``chapters/NN_name.ipynb`` and executes it with
nbclient (a real Jupyter kernel), so the stored outputs are exactly what the code
prints. ``pytest --nbval chapters/`` later re-runs every notebook and compares.

Answers are folded for real: after the run, each ``# %% answer`` cell becomes a
markdown cell holding ``<details><summary>参考答案</summary>`` with the code and its
captured output, so the answer stays closed in JupyterLab, on GitHub and on nbviewer.
The code cell itself (source and outputs) is kept in the markdown cell's metadata
(``metadata.teachtorch.answer``); ``chapters/conftest.py`` turns it back into a code
cell when nbval runs, so every answer is still executed and its output compared.

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
            if kind == "code" and header.startswith("answer"):
                tags.append("answer")
                title = header[len("answer"):].strip()
                if title:
                    tags.append("answer-title:" + title)
            elif "hide" in header:
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


ANSWER_SUMMARY = "参考答案"


def _output_text(output):
    """The text an answer's output shows (stdout/stderr, or a result's text/plain)."""
    if output.get("output_type") == "stream":
        return output["text"]
    if output.get("output_type") in ("execute_result", "display_data"):
        data = output.get("data", {})
        if "text/plain" in data and not ({"image/png", "image/svg+xml"} & set(data)):
            return data["text/plain"] + "\n"
    raise ValueError(f"an answer cell can only print text, got {output!r:.200}\n"
                     "hint: move pictures out of the answer, or print what they show")


def answer_markdown(source, outputs, title=""):
    """The folded markdown for one answer: its code and its captured output."""
    summary = ANSWER_SUMMARY + (f"：{title}" if title else "")
    parts = [f"<details><summary>{summary}</summary>", "", "```python", source, "```"]
    text = "".join(_output_text(o) for o in outputs).rstrip("\n")
    if text:
        parts += ["", "输出：", "", "```text", text, "```"]
    parts += ["", "</details>"]
    return "\n".join(parts)


def fold_answers(nb):
    """Turn each executed answer code cell into a folded markdown cell (in place)."""
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or "answer" not in tags:
            continue
        title = next((t.split(":", 1)[1] for t in tags
                      if t.startswith("answer-title:")), "")
        outputs = [dict(o) for o in cell.outputs]
        md = nbformat.v4.new_markdown_cell(answer_markdown(cell.source, outputs, title))
        md.metadata["tags"] = ["answer"]
        md.metadata["teachtorch"] = {"answer": {
            "source": cell.source, "title": title,
            "execution_count": cell.execution_count, "outputs": outputs}}
        nb.cells[i] = md
    return nb


def unfold_answers(nb):
    """The inverse of fold_answers: answer markdown cells become code cells again,
    with their stored outputs, so nbval runs every answer and compares its output."""
    for i, cell in enumerate(nb.cells):
        answer = cell.metadata.get("teachtorch", {}).get("answer")
        if cell.cell_type != "markdown" or answer is None:
            continue
        code = nbformat.v4.new_code_cell(
            answer["source"], outputs=[nbformat.from_dict(o) for o in answer["outputs"]])
        code.metadata["tags"] = ["answer"]
        code["id"] = cell.get("id", code["id"])
        code.execution_count = answer.get("execution_count")
        nb.cells[i] = code
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
    fold_answers(nb)
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
