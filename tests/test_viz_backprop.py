"""BackpropView: edge derivatives, path products, and the sum over paths == .grad.

Oracle: torch's gradients for the same code (and d/dw of each local op by hand).
"""
import numpy as np
import pytest
import torch

import teachtorch
from teachtorch.viz.backprop import backprop_model, running_sums
from teachtorch.widgets import BackpropView


def course_example(lib):
    x = lib.tensor(2.0, requires_grad=True)
    w1 = lib.tensor(3.0, requires_grad=True)
    w2 = lib.tensor(1.0, requires_grad=True)
    b = lib.tensor(0.5, requires_grad=True)
    y = w1 * x ** 2 + w2 * x + b
    return {"x": x, "w1": w1, "w2": w2, "b": b, "y": y}


def broadcast_example(lib):
    a = lib.tensor([[1.0, -2.0, 0.5], [0.3, 2.0, -1.0]], requires_grad=True)
    b = lib.tensor([0.5, -1.5, 2.0], requires_grad=True)
    h = (a * b + a).tanh()
    out = (h * a).sum()
    return {"a": a, "b": b, "h": h, "out": out}


def test_course_example_paths_and_edges():
    d, t = course_example(teachtorch), course_example(torch)
    t["y"].backward()
    view = BackpropView(d["y"], names=d)
    s = view.state
    assert s["leaf"] == "w1" and s["match"] is True
    local = {(e["src"], e["dst"]): e["local"] for e in s["edges"]}
    # d(w1 * x**2)/d w1 = x**2 = 4 ; d(x**2)/dx = 2x = 4 ; d(w1*u)/du = w1 = 3
    assert local[("w1", "op1:Mul")] == 4.0
    assert local[("x", "op0:Pow")] == 4.0
    assert local[("op0:Pow", "op1:Mul")] == 3.0
    assert local[("w2", "op2:Mul")] == 2.0
    for leaf in ("w1", "x", "w2", "b"):
        view.controls["leaf"].value = next(v for k, v in
                                           view.controls["leaf"].options if k == leaf)
        assert view.state["sum_over_paths"] == pytest.approx(t[leaf].grad.item())
        assert view.state["autograd_grad"] == pytest.approx(t[leaf].grad.item())
        assert view.state["running_sum"][-1] == pytest.approx(t[leaf].grad.item())
    view.controls["leaf"].value = "leaf1"  # x: two paths, 12 + 1
    assert view.state["n_paths"] == 2
    assert sorted(view.state["products"]) == [1.0, 12.0]
    view.controls["path"].value = 0
    first = view.state["svg"]
    view.controls["path"].value = 1
    assert view.state["path"].endswith("= 1") and view.state["svg"] != first


def test_backward_steps_reveal_edges_in_engine_order():
    d = course_example(teachtorch)
    view = BackpropView(d["y"], names=d)
    done = []
    for k in range(view.state["n_steps"] + 1):
        view.controls["step"].value = k
        done.append(sum(e["done"] for e in view.state["edges"]))
    assert done[0] == 0 and done[-1] == len(view.state["edges"])
    assert done == sorted(done) and len(set(done)) == len(done)
    assert "?" in BackpropView(d["y"], names=d)._dot("leaf0", 0, None)


def test_tensor_graph_vjps_sum_to_grad_with_broadcasting():
    d, t = broadcast_example(teachtorch), broadcast_example(torch)
    t["out"].backward()
    m = backprop_model(d["out"], names=d)
    assert m["scalar"] is False
    by_name = {m["nodes"][leaf]: leaf for leaf in m["leaves"]}
    for name in ("a", "b"):
        paths = m["paths"][by_name[name]]
        total = running_sums(paths)[-1]
        np.testing.assert_allclose(total, t[name].grad.numpy(), rtol=1e-5, atol=1e-6)
    assert len(m["paths"][by_name["a"]]) == 3  # a*b, +a, *a
    view = BackpropView(d["out"], names=d)
    jac = {(e["src"], e["dst"]): e["jacobian"] for e in view.state["edges"]}
    assert jac[("b", "op0:Mul")] == (2, 3, 3)  # output (2, 3) x input (3,)
    assert view.state["match"] is True


def test_bad_path_index_is_reported_not_clamped():
    d = course_example(teachtorch)
    view = BackpropView(d["y"], names=d)
    view.controls["leaf"].value = "leaf1"
    view.controls["path"].value = 1
    view.controls["leaf"].value = "leaf0"  # w1 has a single path
    assert view.state["path_index"] == 1
    assert "path 1 does not exist" in view.state["error"]
    assert "hint:" in view.state["error"]
    assert "#c00000" in view._error.value


def test_after_backward_the_graph_is_gone():
    d = course_example(teachtorch)
    d["y"].backward()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        BackpropView(d["y"], names=d)
    d = course_example(teachtorch)
    d["y"].backward(retain_graph=True)
    assert BackpropView(d["y"], names=d).state["match"] is True
    assert d["w1"].grad.item() == 4.0  # the view did not add into .grad


def test_repr_is_deterministic():
    views = [BackpropView(course_example(teachtorch)["y"]) for _ in range(2)]
    assert repr(views[0]) == repr(views[1])
    assert views[0].state["svg"] == views[1].state["svg"]
    assert "0x" not in repr(views[0])


def test_many_paths_are_capped_and_said():
    x = teachtorch.tensor(1.1, requires_grad=True)
    y = x
    for _ in range(12):
        y = y * x + y  # 2**12 paths from y back to x
    view = BackpropView(y)
    assert view.state["n_paths"] == 200 and view.state["truncated"] is True
    assert "only the first 200 paths" in view._text.value
    small = BackpropView(course_example(teachtorch)["y"])
    assert small.state["truncated"] is False
