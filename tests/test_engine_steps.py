"""The backward pass as a sequence of steps (autograd.backward_steps, engine.py)."""
import gc

import numpy as np
import pytest
import torch
from helpers import assert_close, to_np

import teachtorch
from teachtorch.autograd import engine

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=np.float32)
W = np.array([1.0, -2.0, 0.5], dtype=np.float32)


def graph(lib):
    """A small graph with broadcasting, a leaf used twice, a constant and a view."""
    x = lib.tensor(X, requires_grad=True)
    w = lib.tensor(W, requires_grad=True)
    c = lib.tensor(W * 3)                         # needs no gradient
    h = (x * w).sigmoid() + c                     # w broadcast over rows
    y = (h * x).sum(dim=1).view(2, 1).exp().mean()
    return x, w, y


def torch_trace(y):
    """Run torch's backward with a post-hook on every node: (name, in, out) in order."""
    seen, stack, trace = set(), [y.grad_fn], []
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        node.register_hook(lambda gin, gout, node=node: trace.append(
            (node.name().replace("torch::autograd::", ""), gout, gin)))
        stack.extend(n for n, _ in node.next_functions)
    y.backward()
    return trace


def test_steps_match_torch_node_by_node():
    y = graph(teachtorch)[2]
    steps = list(teachtorch.autograd.backward_steps(y))
    trace = torch_trace(graph(torch)[2])
    assert [s.node.name() for s in steps] == [name for name, _, _ in trace]
    assert [s.index for s in steps] == list(range(len(steps)))
    for step, (name, grads_in, grads_out) in zip(steps, trace):
        assert len(step.grads_in) == len(grads_in), name
        for ours, theirs in zip(step.grads_in, grads_in):
            assert_close(ours, theirs)
        if name == "AccumulateGrad":
            assert step.grads_out == ()
            continue
        assert len(step.grads_out) == len(step.node.next_functions) == len(grads_out)
        for ours, theirs in zip(step.grads_out, grads_out):
            assert (ours is None) == (theirs is None), name
            if ours is not None:
                assert_close(ours, theirs)


def test_leaf_steps_fill_grad_as_backward_does():
    x, w, y = graph(teachtorch)
    leaves = []
    for step in teachtorch.autograd.backward_steps(y):
        if step.leaf is not None:
            assert type(step.node).__name__ == "AccumulateGrad"
            assert step.leaf is step.node.variable
            leaves.append(step.leaf)
            np.testing.assert_allclose(to_np(step.leaf.grad), to_np(step.grads_in[0]))
    assert {id(t) for t in leaves} == {id(x), id(w)}
    x2, w2, y2 = graph(teachtorch)
    y2.backward()
    np.testing.assert_array_equal(to_np(x.grad), to_np(x2.grad))
    np.testing.assert_array_equal(to_np(w.grad), to_np(w2.grad))
    tx, tw, ty = graph(torch)
    ty.backward()
    assert_close(x.grad, tx.grad)
    assert_close(w.grad, tw.grad)


def test_nothing_runs_before_the_first_step():
    x, w, y = graph(teachtorch)
    steps = teachtorch.autograd.backward_steps(y)
    assert x.grad is None and w.grad is None
    first = next(steps)
    assert first.index == 0 and first.node is y.grad_fn
    assert first.grads_in[0].item() == 1.0


def test_grads_in_are_after_pre_hooks_and_freed_says_what_went():
    x = teachtorch.tensor([1.0, 2.0], requires_grad=True)
    h = x * x
    h.register_hook(lambda g: g * 10)
    y = h.sum()
    steps = list(teachtorch.autograd.backward_steps(y))
    mul = next(s for s in steps if s.node.name() == "MulBackward0")
    assert mul.grads_in[0].tolist() == [10.0, 10.0]
    assert mul.freed is True                       # x was saved twice for x * x
    assert x.grad.tolist() == [20.0, 40.0]
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()

    x = teachtorch.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    steps = list(teachtorch.autograd.backward_steps(y, retain_graph=True))
    assert not any(s.freed for s in steps)
    y.backward()                                   # the graph is still there
    assert x.grad.tolist() == [4.0, 8.0]


def test_grad_mode_between_steps_is_the_callers():
    x = teachtorch.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    for step in teachtorch.autograd.backward_steps(y):
        assert teachtorch.is_grad_enabled()
        assert all(not g.requires_grad for g in step.grads_out if g is not None)
    x = teachtorch.tensor([1.0, 2.0], requires_grad=True)
    y = (x.exp() * 2).sum()
    with teachtorch.no_grad():
        steps = teachtorch.autograd.backward_steps(y, create_graph=True)
        next(steps)
        assert not teachtorch.is_grad_enabled()
    rest = list(steps)
    assert teachtorch.is_grad_enabled()
    assert rest[-1].leaf is x and x.grad.requires_grad      # create_graph recorded


def test_a_partly_walked_backward_leaves_nothing_behind():
    x, w, y = graph(teachtorch)
    steps = teachtorch.autograd.backward_steps(y, retain_graph=True)
    next(steps)
    next(steps)
    del steps
    gc.collect()
    assert teachtorch.is_grad_enabled()
    assert x.grad is None
    y.backward()                                   # same graph, whole pass
    x2, w2, y2 = graph(teachtorch)
    y2.backward()                                  # a fresh graph
    np.testing.assert_array_equal(to_np(x.grad), to_np(x2.grad))
    np.testing.assert_array_equal(to_np(w.grad), to_np(w2.grad))
    z = (x2 * 3).sum()                             # and a plain graph after it
    x2.grad = None
    z.backward()
    assert x2.grad.tolist() == [[3.0] * 3] * 2


def test_run_backward_is_every_step_and_returns_what_grad_captures():
    x, w, y = graph(teachtorch)
    ones = teachtorch.ones(())
    steps = engine.backward_steps([y], [ones], True, False, inputs=[x, w],
                                  accumulate=False)
    records = []
    with pytest.raises(StopIteration) as done:
        while True:
            records.append(next(steps))
    gx, gw = done.value.value
    assert all(isinstance(r, engine.BackwardStep) for r in records)
    assert x.grad is None                       # accumulate=False: autograd.grad
    assert all(r.leaf is None for r in records)
    ours = teachtorch.autograd.grad(y, [x, w])
    np.testing.assert_array_equal(to_np(gx), to_np(ours[0]))
    np.testing.assert_array_equal(to_np(gw), to_np(ours[1]))


def test_backward_steps_checks_its_arguments_like_backward():
    def message(lib, fn):
        with pytest.raises(RuntimeError) as info:
            fn(lib)
        return str(info.value).split("\nhint:")[0]

    not_scalar = lambda lib: lib.ones(2, requires_grad=True) * 2
    theirs = message(torch, lambda lib: not_scalar(lib).backward())
    ours = message(teachtorch, lambda lib: teachtorch.autograd.backward_steps(
        not_scalar(lib)))
    assert ours == theirs
    theirs = message(torch, lambda lib: lib.ones(2).sum().backward())
    ours = message(teachtorch, lambda lib: teachtorch.autograd.backward_steps(
        lib.ones(2).sum()))
    assert ours == theirs
    x = teachtorch.ones(2, requires_grad=True)
    steps = list(teachtorch.autograd.backward_steps(x * 2, teachtorch.tensor([1., 3.])))
    assert steps[-1].leaf is x and x.grad.tolist() == [2.0, 6.0]


def test_leaf_post_hook_gets_no_grad_inputs_as_in_torch():
    def hooked(lib):
        x = lib.ones(2, requires_grad=True)
        y = (x * 2).sum()
        acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
        seen = []
        acc.register_hook(lambda gin, gout: seen.append((gin, gout)))
        y.backward()
        return seen

    (ours_in, ours_out), = hooked(teachtorch)
    (theirs_in, theirs_out), = hooked(torch)
    assert ours_in == theirs_in == ()
    assert_close(ours_out[0], theirs_out[0])


def test_unreached_subgraph_is_skipped_in_steps_too():
    x = teachtorch.tensor([1.0, 2.0], requires_grad=True)
    a, _ = (x * 2).split(1)
    y = a.sum()                          # b's branch gets no gradient at all
    names = [s.node.name() for s in teachtorch.autograd.backward_steps(y)]
    assert names.count("MulBackward0") == 1
    assert x.grad.tolist() == [2.0, 0.0]
