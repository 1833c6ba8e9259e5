"""SourceView against inspect: the lines, line numbers and file it shows are Python's
own; the highlighter never loses or adds a character; methods, the reference toggle
and the chapter links behave as a learner expects."""
import html
import inspect
import json
import re
from pathlib import Path

import pytest

import teachtorch
from teachtorch import nn
from teachtorch.autograd import engine, function
from teachtorch.nn import functional as F
from teachtorch.viz import chapter_links
from teachtorch.viz import source as src
from teachtorch.widgets import SourceView

PACKAGE = Path(teachtorch.__file__).resolve().parent


def objects():
    """A function, classes, a method, a staticmethod of a Function, a module."""
    return [teachtorch.tensor, nn.Linear, nn.Linear.forward, nn.Module.__setattr__,
            nn.Conv2d, F.conv2d, engine.run_backward, function.AccumulateGrad,
            teachtorch.optim.SGD.step, teachtorch.ops.pointwise, teachtorch.Tensor.view]


def plain_text(fragment):
    """The characters a reader sees in a piece of highlighted HTML."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


@pytest.mark.parametrize("obj", objects(), ids=src.short_name)
def test_lines_and_file_are_inspects(obj):
    view = SourceView(obj)
    lines, first = inspect.getsourcelines(obj)
    s = view.state
    assert s["error"] is None
    assert s["lines"] == [ln.rstrip("\n") for ln in lines]
    assert s["first_line"] == max(first, 1)
    assert s["last_line"] == max(first, 1) + len(lines) - 1
    want = Path(inspect.getsourcefile(inspect.unwrap(obj))).resolve()
    assert PACKAGE.parent / s["file"] == want
    # what the page shows: each line number followed by that line's text
    shown = [plain_text(row) for row in re.findall(r'white-space:pre">(.*?)</div>',
                                                   s["svg"])]
    width, start = len(str(s["last_line"])), max(first, 1)
    assert shown == [f"{start + i:>{width}}  {ln.rstrip(chr(10)) or ' '}"
                     for i, ln in enumerate(lines)]


def test_a_node_shows_its_ops_function_and_an_instance_its_class():
    x = teachtorch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    node_view = SourceView(y.grad_fn)
    assert node_view.state["object"] == "teachtorch.ops.reduce.Sum"
    assert node_view.state["members"] == src.member_names(teachtorch.ops.reduce.Sum)
    assert "backward" in node_view.state["members"]
    lin_view = SourceView(nn.Linear(2, 3))
    assert lin_view.state["lines"] == SourceView(nn.Linear).state["lines"]


def test_every_method_of_a_class_in_the_dropdown():
    view = SourceView(nn.Linear)
    member = view.controls["member"]
    names = [v for _, v in member.options][1:]
    own = [k for k, v in vars(nn.Linear).items() if inspect.isfunction(v)]
    assert names == own and "forward" in names
    for name in names:
        member.value = name
        lines, first = inspect.getsourcelines(getattr(nn.Linear, name))
        assert view.state["first_line"] == first
        assert view.state["lines"] == [ln.rstrip("\n") for ln in lines]
        assert view.state["object"].endswith("Linear." + name)
    member.value = ""
    assert view.state["first_line"] == inspect.getsourcelines(nn.Linear)[1]


def test_function_class_members_include_its_static_backward():
    from teachtorch.ops.pointwise import Exp

    view = SourceView(Exp)
    view.controls["member"].value = "backward"
    lines, first = inspect.getsourcelines(Exp.backward)
    assert view.state["first_line"] == first and view.state["lines"][0] == lines[0][:-1]
    assert "def backward" in view.state["lines"][1]


# ----- reference / fast -------------------------------------------------------------
def _slow_double(x):
    """The readable way: x + x."""
    return x + x


class _SlowScale:
    def forward(self, x):
        return x * 2

    def extra(self):
        return "only in the reference"


class _FastScale:
    __reference__ = _SlowScale

    def forward(self, x):
        return x.__mul__(2)


def _fast_double(x):
    return x * 2


_fast_double.__reference__ = _slow_double


def test_a_decorated_function_shows_the_code_inside_the_decorator():
    """functools.wraps: inspect shows the wrapped function, and so does the file."""
    wrapped = teachtorch.reference_mode()(_slow_double)  # a wrapper in reference.py
    view = SourceView(wrapped)
    lines, first = inspect.getsourcelines(_slow_double)
    assert view.state["first_line"] == first
    assert view.state["lines"] == [ln.rstrip("\n") for ln in lines]
    assert view.state["lines"][0] == "def _slow_double(x):"
    assert view.state["file"] == "test_widgets_source.py"


def test_reference_toggle_switches_between_the_two_sources():
    view = SourceView(_fast_double, reference=True)
    v = view.controls["version"]
    assert not v.disabled and v.value == "reference"
    assert view.state["lines"] == inspect.getsource(_slow_double).rstrip("\n").split(
        "\n")
    assert view.state["reference"].endswith("_slow_double")
    assert "reference_mode" in view.state["note"]
    v.value = "fast"
    assert view.state["lines"][0] == "def _fast_double(x):"
    assert view.state["file"] == "test_widgets_source.py"
    assert view.state["chapters"] == []
    assert SourceView(_fast_double).controls["version"].value == "fast"


def test_reference_class_follows_the_chosen_method():
    view = SourceView(_FastScale, reference=True)
    assert view.state["object"].endswith("_SlowScale")
    options = [v for _, v in view.controls["member"].options]
    assert options == ["", "forward", "extra"]  # the fast class's, then the reference's
    view.controls["member"].value = "extra"
    assert view.state["lines"][0].strip() == "def extra(self):"
    view.controls["version"].value = "fast"
    assert view.state["object"].endswith("_FastScale")  # all of it, and a note why
    assert "_FastScale has no method 'extra'" in view.state["note"]
    view.controls["version"].value = "reference"
    view.controls["member"].value = ""
    view.controls["member"].value = "forward"
    assert view.state["lines"][0].strip() == "def forward(self, x):"
    assert view.state["lines"][1].strip() == "return x * 2"
    view.controls["version"].value = "fast"
    assert view.state["lines"][1].strip() == "return x.__mul__(2)"
    assert view.state["object"].endswith("_FastScale.forward")


def test_reference_asked_where_there_is_none_says_so():
    view = SourceView(nn.Linear, reference=True)
    assert view.state["error"] is None
    assert view.controls["version"].disabled and view.state["version"] == "fast"
    assert view.state["has_reference"] is False
    assert "no reference implementation" in view.state["note"]
    assert "no reference implementation" in view._text.value
    assert view.state["lines"] == SourceView(nn.Linear).state["lines"]
    assert SourceView(nn.Linear).state["note"] is None


def test_no_source_is_a_clear_error():
    with pytest.raises(TypeError, match="built into Python") as e:
        SourceView(len)
    assert "\nhint:" in str(e.value)
    with pytest.raises(ValueError, match="has no method 'nope'"):
        src.source_model(nn.Linear, member="nope")


# ----- highlighting -----------------------------------------------------------------
def _every_module_file():
    return sorted(p for p in PACKAGE.rglob("*.py") if "_course" not in p.parts)


@pytest.mark.parametrize("use_pygments", [True, False])
def test_highlighting_keeps_every_character(use_pygments):
    if use_pygments:
        pytest.importorskip("pygments")
    for path in _every_module_file():
        lines = path.read_text(encoding="utf-8").split("\n")
        coloured = src.highlight(lines, use_pygments=use_pygments)
        assert len(coloured) == len(lines), path
        for a, b in zip(coloured, lines):
            assert plain_text(a) == b, (path, b)
            assert a.count("<span") == a.count("</span>"), (path, b)


@pytest.mark.parametrize("use_pygments", [True, False])
def test_highlighting_colours_keywords_strings_and_comments(use_pygments):
    if use_pygments:
        pytest.importorskip("pygments")
    line = 'def f(x):  # add "one"'
    out = src.highlight([line, '    """doc', '    more"""', "    return x + 1"],
                        use_pygments=use_pygments)
    assert re.search(r'<span style="[^"]*bold[^"]*">def</span>', out[0])
    assert re.search(r'<span style="color:#[0-9a-fA-F]+[^"]*">#', out[0])
    assert out[1].count("<span") >= 1 and "doc" in out[1]
    assert "more&quot;&quot;&quot;" in out[2] or 'more"""' in out[2]
    assert 'style="color' in out[2]  # the docstring's second line is still a string
    assert re.search(r'bold[^"]*">return</span>', out[3])


def test_without_pygments_the_view_still_highlights(monkeypatch):
    monkeypatch.setattr(src, "_pygments", lambda: None)
    view = SourceView(nn.Linear.forward)
    assert "#008000;font-weight:bold\">def</span>" in view.state["svg"]


# ----- chapter links ----------------------------------------------------------------
def _notebook(path, *sources, outputs_text=""):
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# 第 9 章 试验\n"]}]
    for s in sources:
        cells.append({"cell_type": "code", "metadata": {}, "execution_count": None,
                      "source": s, "outputs": [{"output_type": "stream", "name":
                                                "stdout", "text": outputs_text}]})
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}), encoding="utf-8")


def test_chapter_dirs_checkout_then_course_then_none(tmp_path, monkeypatch):
    assert chapter_links.chapter_dirs()[0] == PACKAGE.parent / "chapters"
    fake = tmp_path / "site" / "teachtorch"
    fake.mkdir(parents=True)
    monkeypatch.setattr(chapter_links, "_PACKAGE", fake)
    assert chapter_links.chapter_dirs() == []
    assert chapter_links.chapter_notebooks() == []
    assert src.source_model(nn.Linear)["chapters"] == []
    course = fake / "_course" / "chapters"
    course.mkdir(parents=True)
    _notebook(course / "09_x.ipynb", "SourceView(nn.Linear)")
    assert chapter_links.chapter_dirs() == [course]
    got = src.source_model(nn.Linear)["chapters"]
    assert [(c["chapter"], c["title"], c["cells"]) for c in got] == [
        ("09_x.ipynb", "第 9 章 试验", [1])]


def test_what_counts_as_pointing_to_an_object(tmp_path, monkeypatch):
    fake = tmp_path / "teachtorch"
    (tmp_path / "chapters").mkdir()
    fake.mkdir()
    monkeypatch.setattr(chapter_links, "_PACKAGE", fake)
    d = tmp_path / "chapters"
    _notebook(d / "01_file.ipynb", "# open teachtorch/nn/modules/linear.py\n")
    _notebook(d / "02_short.ipynb", "see nn/modules/linear.py")
    _notebook(d / "03_method.ipynb", "`Linear.forward` calls F.linear")
    _notebook(d / "04_view.ipynb", "SourceView(torch.nn.Linear)")
    _notebook(d / "05_uses.ipynb", "lin = nn.Linear(3, 4)",
              outputs_text="teachtorch/nn/modules/linear.py")
    _notebook(d / "06_other.ipynb", "teachtorch/nn/modules/linear_extra.py, Bilinear")
    linear = [c["chapter"] for c in src.source_model(nn.Linear)["chapters"]]
    assert linear == ["01_file.ipynb", "02_short.ipynb", "04_view.ipynb"]
    forward = [c["chapter"] for c in src.source_model(nn.Linear.forward)["chapters"]]
    assert forward == ["01_file.ipynb", "02_short.ipynb", "03_method.ipynb"]
    view = SourceView(nn.Linear)
    assert view.state["chapters"] == linear
    assert view._text.value.count("<a href=") == 3 and "第 9 章 试验" in view._text.value


def test_real_chapters_that_name_a_file_are_linked():
    """Every chapter of this checkout that writes a file's path links to its code."""
    for rel, obj in (("teachtorch/ops/pointwise.py", teachtorch.ops.pointwise.Exp),
                     ("teachtorch/autograd/engine.py", engine.run_backward),
                     ("teachtorch/nn/modules/module.py", nn.Module.__call__)):
        linked = SourceView(obj).state["chapters"]
        for path in chapter_links.chapter_notebooks():
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            if any(rel in "".join(c["source"]) for c in cells):
                assert path.name in linked, (path.name, rel)


def test_repr_is_deterministic_and_free_of_line_numbers():
    a, b = SourceView(nn.Linear.forward), SourceView(nn.Linear.forward)
    lines, first = inspect.getsourcelines(nn.Linear.forward)
    assert repr(a) == repr(b) == (
        "SourceView(teachtorch.nn.modules.linear.Linear.forward in "
        "teachtorch/nn/modules/linear.py, version='fast')")
    assert f"lines {first}-{first + len(lines) - 1}" in a.state["svg"]
    bundle = a._repr_mimebundle_()
    assert bundle["text/plain"] == repr(a)
    assert "def</span>" in bundle["text/html"] and "image/png" not in bundle


def test_decorated_method_shows_its_own_file():
    """SGD.step is wrapped by optimizer.py's _no_grad_step; the view shows sgd.py."""
    import inspect

    import teachtorch as torch
    from teachtorch.viz import source

    info = source.source_model(torch.optim.SGD.step)
    inner = inspect.unwrap(torch.optim.SGD.step)
    assert info["file"].endswith("optim/sgd.py")
    assert info["first_line"] == inspect.getsourcelines(inner)[1]
    assert any("def step" in line for line in info["lines"])


def test_a_method_finds_its_class_reference():
    """SourceView(SGD.step, reference=True) shows SGD's update rule, as for SGD."""
    import teachtorch as torch
    from teachtorch.optim import sgd
    from teachtorch.reference import reference_of

    assert reference_of(torch.optim.SGD.step) is sgd.sgd_update
    assert reference_of(torch.optim.SGD) is sgd.sgd_update
    assert reference_of(torch.exp) is None        # one implementation: no reference
