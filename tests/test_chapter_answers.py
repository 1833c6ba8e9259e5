"""Chapter notebooks fold their answers for real, and nbval still runs them.

tools/build_chapters.py turns each ``# %% answer`` cell into a markdown
``<details>`` cell (closed in JupyterLab, on GitHub and on nbviewer) and keeps the
code cell in its metadata; chapters/conftest.py hands nbval the code cell back.
"""
import json
import pathlib
import re
import subprocess
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
from build_chapters import answer_markdown, fold_answers, parse, unfold_answers

NOTEBOOKS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))


def _cells(path):
    return json.loads(path.read_text("utf-8"))["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_answers_are_folded_markdown_that_shows_the_stored_code(path):
    cells = _cells(path)
    answers = [c for c in cells if "answer" in c["metadata"].get("tags", [])]
    assert answers, f"{path.name} has no answer cell"
    for cell in answers:
        assert cell["cell_type"] == "markdown", "an answer left as a code cell shows " \
                                                "on GitHub and nbviewer"
        stored = cell["metadata"]["teachtorch"]["answer"]
        text = "".join(cell["source"])
        assert text.startswith("<details><summary>参考答案")
        assert text == answer_markdown(stored["source"], stored["outputs"],
                                       stored["title"]), "rebuild the chapter"
        assert stored["source"].strip() and stored["execution_count"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_cell_relies_on_source_hidden(path):
    hidden = [i for i, c in enumerate(_cells(path))
              if c["metadata"].get("jupyter", {}).get("source_hidden")]
    assert not hidden, f"{path.name}: cells {hidden} are hidden in the input only"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_chapter_ends_with_a_summary_and_exercises(path):
    heads = [c["source"] if isinstance(c["source"], str) else "".join(c["source"])
             for c in _cells(path) if c["cell_type"] == "markdown"]
    titles = [line for h in heads for line in h.splitlines() if line.startswith("## ")]
    assert any("小结" in t for t in titles), f"{path.name} has no 小结 section"
    assert any("练习" in t for t in titles), f"{path.name} has no 练习 section"


def test_unfold_gives_back_the_executed_code_cell():
    nb = parse("# %%\nx = 1\n# %% answer 练习 1\nprint(x + 1)\n")
    cell = nb.cells[1]
    assert cell.metadata["tags"] == ["answer", "answer-title:练习 1"]
    cell.execution_count = 2
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    fold_answers(nb)
    md = nb.cells[1]
    assert md.cell_type == "markdown"
    assert md.source == ("<details><summary>参考答案：练习 1</summary>\n\n```python\n"
                         "print(x + 1)\n```\n\n输出：\n\n```text\n2\n```\n\n</details>")
    unfold_answers(nb)
    back = nb.cells[1]
    assert back.cell_type == "code" and back.source == "print(x + 1)"
    assert back.outputs[0]["text"] == "2\n" and back.execution_count == 2


def test_an_answer_may_not_hide_a_picture():
    nb = parse("# %% answer\nshow()\n")
    nb.cells[0].outputs = [nbformat.v4.new_output(
        "display_data", data={"image/png": "AAAA", "text/plain": "<Figure>"})]
    with pytest.raises(ValueError, match="only print text"):
        fold_answers(nb)


def test_nbval_runs_a_folded_answer_and_catches_a_wrong_output(tmp_path):
    """A folded answer whose stored output is wrong fails nbval: it really runs."""
    nb = parse("# %%\nx = 20\n# %% answer\nprint(x + 1)\n")
    nb.cells[0].execution_count, nb.cells[1].execution_count = 1, 2
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                  text="22\n")]  # wrong on purpose
    fold_answers(nb)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, tmp_path / "wrong.ipynb")
    (tmp_path / "conftest.py").write_text(
        "import runpy\n"
        f"ns = runpy.run_path({str(ROOT / 'chapters' / 'conftest.py')!r})\n"
        "globals().update({k: v for k, v in ns.items() if not k.startswith('__')})\n")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "--nbval", "wrong.ipynb"], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120, check=False)
    assert "1 failed, 1 passed" in run.stdout, run.stdout[-2000:]
    assert "22" in run.stdout and "21" in run.stdout


def test_chapter_lists_agree():
    """README's table, `teachtorch chapters` and the notebooks name the same chapters."""
    from teachtorch.cli import CHAPTERS

    listed = [stem for stem, _, _ in CHAPTERS]
    readme = (ROOT / "README.md").read_text("utf-8")
    in_readme = [m for m in re.findall(r"^\| `(\d\d_\w+)` \|", readme, re.MULTILINE)]
    assert in_readme == listed
    assert [p.stem for p in NOTEBOOKS] == listed
    assert sorted(p.stem for p in (ROOT / "chapters" / "src").glob("*.py")) == listed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_was_built_from_its_current_source(path):
    """Every cell of chapters/NN.ipynb matches chapters/src/NN.py: rebuild after edits."""
    built = parse((ROOT / "chapters" / "src" / f"{path.stem}.py").read_text("utf-8"))
    stored = _cells(path)
    assert len(built.cells) == len(stored), "rebuild the chapter"
    for i, (new, old) in enumerate(zip(built.cells, stored)):
        old_source = "".join(old["source"])
        if "answer" in new.metadata.get("tags", []):
            old_source = old["metadata"]["teachtorch"]["answer"]["source"]
        assert new.source == old_source, f"{path.name} cell {i} differs: rebuild it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_object_address_is_printed(path):
    """Outputs show no `<... at 0x7f...>`: it changes on every run (e.g. manual_seed's
    Generator, a grad_fn printed as an object)."""
    text = path.read_text("utf-8")
    found = re.findall(r".{0,40}\bat 0x[0-9a-f]{6,}", text)
    assert not found, f"{path.name} prints object addresses: {found[:2]}"
