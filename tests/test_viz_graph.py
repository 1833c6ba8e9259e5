"""to_dot / GraphView: the autograd graph as DOT text and as a live view.

The oracle: the same code run on torch and on teachtorch gives the same DOT text (node
names, edges, shapes, data and grads), because the walk only reads grad_fn,
next_functions and AccumulateGrad.variable, which both libraries have.
"""
import base64
import re
import warnings

import numpy as np
import pytest
import torch

import teachtorch
from teachtorch.viz import to_dot
from teachtorch.widgets import GraphView, _base


def course_example(lib):
    x = lib.tensor(2.0, requires_grad=True)
    w1 = lib.tensor(3.0, requires_grad=True)
    w2 = lib.tensor(1.0, requires_grad=True)
    b = lib.tensor(0.5, requires_grad=True)
    y = w1 * x ** 2 + w2 * x + b
    return {"x": x, "w1": w1, "w2": w2, "b": b, "y": y}


def tensor_example(lib):
    a = lib.tensor([[1.0, -2.0], [0.5, 3.0], [2.0, 1.0]], requires_grad=True)
    w = lib.tensor([[0.2, -0.1, 0.4], [0.3, 0.8, -0.5]], requires_grad=True)
    z = (a @ w).tanh()
    loss = (z * z).sum()
    return {"a": a, "w": w, "z": z, "loss": loss}


@pytest.mark.parametrize("example", [course_example, tensor_example])
def test_dot_equals_torch_graph(example):
    ours, theirs = example(teachtorch), example(torch)
    root = "y" if "y" in ours else "loss"
    show = ("shape", "data", "grad")
    assert to_dot(ours[root], ours, show=show) == to_dot(theirs[root], theirs, show=show)
    ours[root].backward()
    theirs[root].backward()
    dot_ours = to_dot(ours[root], ours, show=show)
    assert dot_ours == to_dot(theirs[root], theirs, show=show)
    assert "grad None" not in dot_ours


def test_dot_is_byte_identical_and_has_no_ids():
    d = course_example(teachtorch)
    first = to_dot(d["y"], d)
    d = course_example(teachtorch)
    second = to_dot(d["y"], d)
    assert first == second
    assert "0x" not in first
    ops = re.findall(r'label="(?:y = )?(\w+Backward\d)"', first)
    assert ops == ["PowBackward0", "MulBackward0", "MulBackward0", "AddBackward0",
                   "AddBackward0"]  # creation order


def test_saved_tensors_grey_out_after_backward():
    d = course_example(teachtorch)
    before = to_dot(d["y"], d)
    assert "saved: ()" in before and "freed" not in before
    d["y"].backward()
    after = to_dot(d["y"], d)
    assert "saved: freed" in after and "#dddddd" in after


def test_to_dot_bad_options_and_no_graph():
    d = course_example(teachtorch)
    with pytest.raises(ValueError, match="hint:"):
        to_dot(d["y"], show=("colour",))
    with pytest.raises(ValueError, match="hint:"):
        to_dot(d["y"], rankdir="UP")
    with pytest.raises(RuntimeError, match="does not require grad"):
        to_dot(teachtorch.tensor(1.0))


def test_graph_view_controls_and_state():
    d = course_example(teachtorch)
    view = GraphView(d["y"], names=d)
    assert view.state["n_ops"] == 5 and view.state["error"] is None
    svgs = []
    for k in range(6):
        view.controls["step"].value = k
        assert len([n for n in view.state["shown"] if n.startswith("op")]) == k
        svgs.append(view.state["svg"])
    assert len(set(svgs)) == 6  # the picture changes at every step
    view.controls["selected"].value = "op1"  # w1 * x**2
    assert view.state["ancestors"] == ["leaf0", "op0", "leaf1"]
    assert view.state["descendants"] == ["op3", "op4"]
    lit = view.state["svg"]
    view.controls["selected"].value = ""
    assert view.state["svg"] != lit
    for direction in ("TB", "BT", "LR", "RL"):
        view.controls["direction"].value = direction
        assert f"rankdir={direction};" in view.state["dot"]
    for key in ("shape", "data", "grad", "saved"):
        view.controls[key].value = False
        assert key not in view.state["show"]
    assert "data 2" not in view.state["dot"]
    view.controls["data"].value = True
    assert "data 2" in view.state["dot"]


def test_graph_view_shows_grads_after_backward_like_torch():
    d, t = course_example(teachtorch), course_example(torch)
    view = GraphView(d["y"], names=d)
    assert view.state["grads"] == {"w1": None, "x": None, "w2": None, "b": None}
    d["y"].backward()
    t["y"].backward()
    view.reload()
    for name in ("w1", "x", "w2", "b"):
        assert view.state["grads"][name] == pytest.approx(t[name].grad.item())
    assert view.state["freed"] is True
    assert "0x" not in repr(view)
    assert repr(view) == ("GraphView(step=5/5, selected=None, direction='TB', "
                          "freed=True)")


def test_collapse_by_module_with_a_real_linear():
    torch.manual_seed(0)
    lin = torch.nn.Linear(2, 3)
    x = torch.randn(4, 2, requires_grad=True)
    out = lin(x).relu().sum()
    view = GraphView(out, names={"lin": lin, "x": x, "out": out})
    assert "lin.weight" in view.state["dot"] and "lin.bias" in view.state["dot"]
    assert not view.controls["collapse"].disabled
    view.controls["collapse"].value = True
    dot = view.state["dot"]
    assert "module_lin" in dot and "lin.weight" not in dot and "AddmmBackward0" not in dot
    assert "ReluBackward0" in dot  # outside the module stays


def test_dot_missing_says_so_once_and_shows_text(monkeypatch):
    import graphviz

    def missing(*a, **k):
        raise graphviz.ExecutableNotFound(["dot"])
    monkeypatch.setattr(graphviz.Source, "pipe", missing)
    monkeypatch.setattr(_base, "_DOT_MISSING_SAID", [])
    _base.render_dot.cache_clear()
    d = course_example(teachtorch)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        view = GraphView(d["y"], names=d)
        view.controls["step"].value = 2
    assert sum("dot" in str(w.message) for w in caught) == 1
    assert "graphviz `dot` not found" in view.state["svg"]
    assert "digraph autograd" in view.state["svg"]
    _base.render_dot.cache_clear()


@pytest.mark.needs("dot")
def test_static_fallback_bundle():
    d = course_example(teachtorch)
    view = GraphView(d["y"], names=d)
    bundle = view._repr_mimebundle_()
    assert bundle["image/svg+xml"].startswith("<svg")
    assert bundle["text/plain"] == repr(view)
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert base64.b64decode(bundle["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    np.testing.assert_equal(len(view.widget.children) > 3, True)


def test_static_fallback_bundle_without_dot(monkeypatch):
    """No `dot`: no SVG or PNG in the bundle, the DOT text in the HTML instead."""
    import graphviz

    def missing(*a, **k):
        raise graphviz.ExecutableNotFound(["dot"])
    monkeypatch.setattr(graphviz.Source, "pipe", missing)
    monkeypatch.setattr(_base, "_DOT_MISSING_SAID", [True])  # said already: no warning
    _base.render_dot.cache_clear()
    _base.render_dot_png.cache_clear()
    try:
        d = course_example(teachtorch)
        view = GraphView(d["y"], names=d)
        bundle = view._repr_mimebundle_()
    finally:
        _base.render_dot.cache_clear()
        _base.render_dot_png.cache_clear()
    assert "image/svg+xml" not in bundle and "image/png" not in bundle
    assert "graphviz `dot` not found" in bundle["text/html"]
    assert "digraph autograd" in bundle["text/html"]
    assert bundle["text/plain"] == repr(view)
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_collapse_by_module_teachtorch_equals_torch():
    graphs = []
    for lib in (teachtorch, torch):
        lib.manual_seed(0)
        lin = lib.nn.Linear(2, 3)
        x = lib.ones(4, 2, requires_grad=True)
        out = lin(x).relu().sum()
        view = GraphView(out, names={"lin": lin, "x": x, "out": out})
        view.controls["collapse"].value = True
        view.controls["data"].value = False
        view.controls["saved"].value = False  # torch's saved tensors are not read
        graphs.append(view.state["dot"])
    assert graphs[0] == graphs[1]
    assert "module_lin" in graphs[0]
