"""Run one op on its fast kernel and on its reference and compare everything.

``both_paths(fn, arrays)`` builds fresh leaves from the arrays twice, once under
``teachtorch.reference_mode(False)`` and once under ``reference_mode(True)``. On
each path it computes the outputs, the first derivatives of a loss twice (a plain
backward, which on the fast path is the array kernel; and with create_graph, where
the fast path hands over to the reference's backward) and the second derivatives
(the gradient of a weighted sum of the first ones). It asserts they agree and that
each path really ran the Function it should (``_forward_cls`` of the graph's nodes).
"""
import numpy as np
from helpers import to_np

import teachtorch


def _weights(shape, salt):
    """A fixed, non-trivial weighting of a tensor's elements (no random state)."""
    n = int(np.prod(shape)) if shape else 1
    return np.cos(np.arange(n) * 0.7 + salt).reshape(shape)


def run_path(fn, arrays, reference, device="cpu", views=None, second_order=True):
    """fn(*leaves) on one path: outputs, first grads (plain backward, then again with
    create_graph), second grads, and the Function classes in the graph.

    second_order=False: first derivatives only (for ops that refuse create_graph).
    """
    views = views or [None] * len(arrays)
    with teachtorch.reference_mode(reference):
        leaves = [teachtorch.tensor(a, requires_grad=np.issubdtype(a.dtype, np.floating),
                                    device=device) for a in arrays]
        args = [leaf if view is None else view(leaf) for leaf, view in zip(leaves, views)]
        out = fn(*args)
        outs = out if isinstance(out, tuple) else (out,)
        y = outs[0]
        wanted = [leaf for leaf in leaves if leaf.requires_grad]
        v = teachtorch.tensor(_weights(tuple(y.shape), 0.3), dtype=y.dtype, device=device)
        loss = (y * y * v).sum()              # squared: first grads depend on inputs
        # plain backward first: the fast path's array kernel (no create_graph)
        first = teachtorch.autograd.grad(loss, wanted, retain_graph=second_order,
                                         allow_unused=True)
        if not second_order:
            return outs, first, first, [None] * len(wanted), _forward_classes(y.grad_fn)
        # with create_graph the fast Function hands over to the reference's backward
        graph = teachtorch.autograd.grad(loss, wanted, create_graph=True,
                                         allow_unused=True)
        total = None
        for k, g in enumerate(graph):
            if g is not None and g.requires_grad:
                u = teachtorch.tensor(_weights(tuple(g.shape), k), dtype=g.dtype,
                                      device=device)
                term = (g * u).sum()
                total = term if total is None else total + term
        second = (teachtorch.autograd.grad(total, wanted, allow_unused=True)
                  if total is not None else [None] * len(wanted))
    return outs, first, graph, second, _forward_classes(y.grad_fn)


def _forward_classes(node):
    """The Function classes on the forward graph behind a grad_fn."""
    seen, todo, classes = set(), [node], set()
    while todo:
        node = todo.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        classes.add(getattr(node, "_forward_cls", None))
        todo.extend(n for n, _ in getattr(node, "next_functions", ()))
    return classes


def _close(a, b, dtype, what):
    if a is None or b is None:
        assert a is None and b is None, what
        return
    rtol, atol = (1e-9, 1e-9) if dtype == np.float64 else (2e-4, 2e-4)
    a, b = to_np(a), to_np(b)
    scale = max(1.0, float(np.abs(b).max(initial=0)))
    assert a.shape == b.shape, what
    if np.issubdtype(a.dtype, np.integer):
        np.testing.assert_array_equal(a, b, err_msg=what)
    else:
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol * scale, err_msg=what)


def both_paths(fn, arrays, reference_class, device="cpu", views=None,
               second_order=True):
    """Assert fast and reference paths agree on outputs and first/second grads."""
    dtype = arrays[0].dtype
    fast = run_path(fn, arrays, False, device, views, second_order)
    ref = run_path(fn, arrays, True, device, views, second_order)
    assert reference_class in ref[4], (ref[4], reference_class)
    assert reference_class not in fast[4], "the fast path ran the reference"
    for k, (a, b) in enumerate(zip(fast[0], ref[0])):
        _close(a, b, dtype, f"output {k}")
    for name, pair in (("first", (fast[1], ref[1])),
                       ("first (create_graph)", (fast[2], ref[1])),
                       ("second", (fast[3], ref[3]))):
        for k, (a, b) in enumerate(zip(*pair)):
            _close(a, b, dtype, f"{name} derivative of input {k}")
    return fast, ref
