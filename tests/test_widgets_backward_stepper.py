"""BackwardStepper against backward() and PyTorch: run to the end it leaves exactly the
.grad that backward() leaves on a copy of the graph, runs the same nodes in the same
order, and every gradient it shows arriving at or leaving a node is PyTorch's."""
import base64
import inspect
import warnings

import numpy as np
import pytest
import torch

import teachtorch
from teachtorch.viz import graph as vgraph
from teachtorch.widgets import BackwardStepper, _base


class MyReLU(teachtorch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * (x > 0).float()


def torch_my_relu():
    class MyReLU(torch.autograd.Function):  # the same code, for PyTorch
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp(min=0)

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * (x > 0).float()
    return MyReLU


def course(lib):
    x = lib.tensor(2.0, requires_grad=True)
    w1 = lib.tensor(3.0, requires_grad=True)
    w2 = lib.tensor(1.0, requires_grad=True)
    b = lib.tensor(0.5, requires_grad=True)
    return w1 * x ** 2 + w2 * x + b, {"x": x, "w1": w1, "w2": w2, "b": b}, None


def layer(lib):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.standard_normal((4, 3)).astype(np.float32))
    w = lib.tensor(rng.standard_normal((5, 3)).astype(np.float32), requires_grad=True)
    b = lib.tensor(rng.standard_normal(5).astype(np.float32), requires_grad=True)
    return (x @ w.t() + b).relu().mean(), {"w": w, "b": b}, None


def reused_and_broadcast(lib):
    a = lib.tensor(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3),
                   requires_grad=True)
    c = lib.tensor([0.5, -2.0, 3.0], requires_grad=True)
    return ((a * c).exp() * a + c).sum(), {"a": a, "c": c}, None


def vector_output(lib):
    x = lib.tensor([1.0, -2.0, 3.0], requires_grad=True)
    return x * 2 + x ** 2, {"x": x}, lib.tensor([1.0, 0.5, -1.0])


def custom_function(lib):
    x = lib.tensor([-1.0, 0.5, 2.0], requires_grad=True)
    relu = MyReLU if lib is teachtorch else torch_my_relu()
    return (relu.apply(x * 3) ** 2).sum(), {"x": x}, None


def cross_entropy(lib):
    rng = np.random.default_rng(1)
    logits = lib.tensor(rng.standard_normal((4, 3)).astype(np.float32),
                        requires_grad=True)
    target = lib.tensor([0, 2, 1, 2])
    return lib.nn.functional.cross_entropy(logits, target), {"logits": logits}, None


GRAPHS = [course, layer, reused_and_broadcast, vector_output, custom_function,
          cross_entropy]
SAME_NODES_AS_TORCH = [course, layer, reused_and_broadcast, vector_output,
                       custom_function]


def _nodes(root):
    return vgraph.graph_model(root)["_objects"]


def _run_order_with_hooks(root, gradient):
    """Names of the nodes a plain backward() runs, in order (post-hooks on all)."""
    order = []
    for node in _nodes(root).values():
        node.register_hook(lambda gi, go, n=node: order.append(n.name()))
    root.backward(gradient)
    return order


def _comparable(order):
    """Runs of AccumulateGrad steps made ready together may come in either order
    (the engine, like PyTorch, gives leaves no order among themselves): sort them."""
    out, run = [], []
    for name in order + [None]:
        if name is not None and name.endswith("AccumulateGrad"):  # torch::autograd::
            run.append("AccumulateGrad")
            continue
        out += sorted(run) + ([name] if name else [])
        run = []
    return out


@pytest.mark.parametrize("build", GRAPHS, ids=lambda f: f.__name__)
def test_run_to_end_equals_backward_on_a_copy(build):
    y, leaves, gradient = build(teachtorch)
    view = BackwardStepper(y, names=leaves, gradient=gradient)
    assert all(t.grad is None for t in leaves.values())  # nothing ran yet
    view.run_to_end()
    s = view.state
    assert s["done"] and s["error"] is None and s["step"] == s["n_steps"]

    y2, leaves2, gradient2 = build(teachtorch)
    order = _run_order_with_hooks(y2, gradient2)
    assert s["n_steps"] == len(order)
    assert _comparable(s["ran_nodes"]) == _comparable(order)
    for name, t in leaves.items():
        want = leaves2[name].grad.numpy()
        np.testing.assert_array_equal(t.grad.numpy(), want)  # the live .grad
        np.testing.assert_array_equal(np.asarray(s["leaf_grads"][name]), want)

    yt, leaves_t, gradient_t = build(torch)
    yt.backward(gradient_t)
    for name, t in leaves_t.items():
        np.testing.assert_allclose(s["leaf_grads"][name], t.grad.numpy(), rtol=1e-5,
                                   atol=1e-6)


@pytest.mark.parametrize("build", SAME_NODES_AS_TORCH, ids=lambda f: f.__name__)
def test_every_step_shows_torchs_gradients(build):
    """What arrives at a node and what it sends on equal the gradients PyTorch's own
    engine passes through the same node (matched by creation order)."""
    yt, _, gradient_t = build(torch)
    seen = {}
    torch_nodes = _nodes(yt)
    for nid, node in torch_nodes.items():
        if nid.startswith("op"):
            node.register_hook(lambda gi, go, nid=nid: seen.__setitem__(nid, (gi, go)))
    torch_order = _run_order_with_hooks(yt, gradient_t)

    y, leaves, gradient = build(teachtorch)
    view = BackwardStepper(y, names=leaves, gradient=gradient)
    order = []
    while not view.state["done"]:
        view.next()
        s = view.state
        order.append(s["node"])
        if not s["node_id"].startswith("op"):
            assert s["leaf"] is not None and s["grads_out"] == []
            continue
        sent, arrived = seen[s["node_id"]]
        assert s["node"] == torch_nodes[s["node_id"]].name()
        for mine, theirs in zip(s["grads_in"], arrived):
            np.testing.assert_allclose(mine, theirs.numpy(), rtol=1e-5, atol=1e-6)
        assert len(s["grads_out"]) == len(sent)
        for mine, theirs in zip(s["grads_out"], sent):
            assert (mine["grad"] is None) == (theirs is None)
            if theirs is not None:
                np.testing.assert_allclose(mine["grad"], theirs.numpy(), rtol=1e-5,
                                           atol=1e-6)
    assert _comparable(order) == _comparable(torch_order)
    assert view.state["n_steps"] == len(torch_nodes) == len(torch_order)


def test_previous_shows_the_recorded_steps_and_changes_nothing():
    y, leaves, _ = course(teachtorch)
    view = BackwardStepper(y, names=leaves)
    forward_states, reprs = [dict(view.state)], [repr(view)]
    while not view.state["done"]:
        view.next()
        forward_states.append(dict(view.state))
        reprs.append(repr(view))
    final = {k: t.grad.item() for k, t in leaves.items()}
    for k in range(len(forward_states) - 1, -1, -1):
        view.controls["step"].value = k
        for key in ("node", "grads_in", "grads_out", "leaf_grads", "freed_ops",
                    "order", "dot"):
            assert view.state[key] == forward_states[k][key], (k, key)
        assert repr(view) == reprs[k]
        view.previous()
    assert view.state["step"] == 0 and view.state["leaf_grads"]["x"] is None
    assert {k: t.grad.item() for k, t in leaves.items()} == final  # still backward's
    keeps = [n for n in vgraph.graph_model(course(teachtorch)[0])["nodes"]
             if n["kind"] == "op" and n["saved"] == "kept"]
    assert forward_states[0]["freed_ops"] == []
    assert len(forward_states[-1]["freed_ops"]) == len(keeps) > 0


def test_leaves_fill_up_and_saved_tensors_are_freed_step_by_step():
    y, leaves, _ = course(teachtorch)
    view = BackwardStepper(y, names=leaves)
    filled = []
    while not view.state["done"]:
        view.next()
        s = view.state
        if s["leaf"]:
            filled.append(s["leaf"])
            assert s["leaf_grads"][s["leaf"]] == leaves[s["leaf"]].grad.item()
            assert f'{s["leaf"]}.grad is now' in view._text.value
            value = vgraph.fmt_array(leaves[s["leaf"]].grad.numpy())
            assert f'{s["leaf"]}|AccumulateGrad|shape ()|grad {value}}}' in s["dot"]
        if s["freed"]:
            assert s["node_label"] in s["freed_ops"]
            assert "saved: freed" in s["dot"]
    assert sorted(filled) == sorted(leaves)
    assert "backward finished" in view._text.value


def test_the_graph_is_left_as_backward_leaves_it():
    y, leaves, _ = course(teachtorch)
    BackwardStepper(y).run_to_end()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()
    y, leaves, _ = course(teachtorch)
    BackwardStepper(y, retain_graph=True).run_to_end()
    first = leaves["x"].grad.item()
    y.backward()  # the graph was kept: the second backward accumulates, as in torch
    assert leaves["x"].grad.item() == 2 * first


def test_a_graph_that_already_ran_backward_shows_the_engines_error():
    y, leaves, _ = course(teachtorch)
    y.backward()
    view = BackwardStepper(y, names=leaves)
    view.run_to_end()  # a click: never raises
    assert "backward through the graph a second time" in view.state["error"]
    assert "hint:" in view.state["error"] and "#c00000" in view._error.value
    assert view.state["done"] is False and "backward finished" not in view._text.value
    view.previous()  # still shown, whatever the learner clicks
    assert "backward through the graph a second time" in view.state["error"]


def test_no_graph_is_the_library_error():
    with pytest.raises(RuntimeError, match="does not require grad"):
        BackwardStepper(teachtorch.tensor(1.0))


def test_the_source_beside_each_node_is_its_backward():
    y, leaves, _ = custom_function(teachtorch)
    view = BackwardStepper(y, names=leaves)
    sources = {}
    while not view.state["done"]:
        view.next()
        sources[view.state["node"]] = view.state["source"]
    mine = sources["MyReLUBackward"]
    lines, first = inspect.getsourcelines(MyReLU.backward)
    assert mine["first_line"] == first and mine["file"] == (
        "test_widgets_backward_stepper.py")
    assert mine["last_line"] == first + len(lines) - 1
    assert sources["MulBackward0"]["object"].endswith("Mul.backward")
    assert sources["AccumulateGrad"]["object"].endswith("engine._accumulate")
    assert sources["AccumulateGrad"]["file"] == "teachtorch/autograd/engine.py"


def test_repr_and_picture_are_deterministic():
    views = [BackwardStepper(course(teachtorch)[0]) for _ in range(2)]
    for v in views:
        v.controls["step"].value = 4
    assert repr(views[0]) == repr(views[1]) == (
        "BackwardStepper(step=4/9, node='MulBackward0', done=False)")
    assert views[0].state["dot"] == views[1].state["dot"]
    assert views[0].state["svg"] == views[1].state["svg"]
    assert "0x" not in views[0].state["svg"] and "<svg" in views[0].state["svg"]
    bundle = views[0]._repr_mimebundle_()  # what a notebook stores for GitHub
    assert bundle["text/plain"] == repr(views[0])
    assert "step 4 of 9" in bundle["text/html"] and "<svg" in bundle["text/html"]
    assert base64.b64decode(bundle["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_dot_the_view_shows_the_dot_text(monkeypatch):
    import graphviz

    def missing(*a, **k):
        raise graphviz.ExecutableNotFound(["dot"])
    monkeypatch.setattr(graphviz.Source, "pipe", missing)
    monkeypatch.setattr(_base, "_DOT_MISSING_SAID", [])
    _base.render_dot.cache_clear()
    _base.render_dot_png.cache_clear()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            view = BackwardStepper(course(teachtorch)[0]).next()
            bundle = view._repr_mimebundle_()
        assert "graphviz `dot` not found" in view.state["svg"]
        assert "digraph backward" in view.state["svg"]
        assert view.state["source"]["object"].endswith(".backward")
        assert view.state["source"]["object"] in view.state["svg"]  # the code beside
        assert "image/png" not in bundle and "step 1 of 9" in bundle["text/html"]
    finally:
        _base.render_dot.cache_clear()
        _base.render_dot_png.cache_clear()


def test_a_graph_on_the_gpu_shows_the_same_steps(device):
    """Run on 'cuda' too when a GPU is present or simulated (TEACHTORCH_FAKE_CUDA=2)."""
    results = []
    for dev in ("cpu", device):
        a = teachtorch.tensor([[0.5, -1.0, 2.0]], device=dev, requires_grad=True)
        view = BackwardStepper((a * 2).tanh().sum(), names={"a": a}).run_to_end()
        assert a.grad.device.type == dev.split(":")[0]
        results.append((view.state["dot"], view.state["leaf_grads"], repr(view)))
    assert results[0] == results[1]
