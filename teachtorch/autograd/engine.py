"""The backward engine: walk the graph from the output back to the leaves.

Iterative (no recursion limit). Nodes run in reverse creation order once every
gradient for them has arrived; gradients for the same tensor are summed; broadcasting
is undone here, once, for every op (``sum_to``); leaves accumulate into ``.grad``.
Saved tensors are freed afterwards unless ``retain_graph=True``.

Chapter 04 (autograd) and chapter 05 (backprop by hand) open this file.
"""
import heapq

from teachtorch import _errors, dtypes
from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import _FREED, AccumulateGrad, _make


def sum_to(grad, shape):
    """Sum a broadcast gradient back down to ``shape`` (None if impossible)."""
    gshape = grad._data.shape
    if gshape == shape:
        return grad
    lead = len(gshape) - len(shape)
    if lead < 0:
        return None
    dims = list(range(lead))
    for i, n in enumerate(shape):
        g = gshape[lead + i]
        if n == 1 and g != 1:
            dims.append(lead + i)
        elif n != g:
            return None
    if dims:
        grad = grad.sum(dim=tuple(dims), keepdim=True)
    if lead:
        grad = grad.reshape(shape)
    return grad


def _graph_roots(tensors):
    nodes = []
    for i, t in enumerate(tensors):
        if t.grad_fn is not None:
            nodes.append((t.grad_fn, t._output_nr))
        elif t.requires_grad:
            nodes.append((t._grad_accumulator(), 0))
        else:
            raise RuntimeError(_errors.no_grad_fn(i))
    return nodes


def _dependencies(root_nodes):
    """How many edges point into each node reachable from the roots."""
    deps = {}
    seen = set()
    stack = [n for n, _ in root_nodes]
    for n in stack:
        seen.add(n)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None,
                 accumulate=True, allow_unused=False):
    """Back-propagate; returns the gradients for ``inputs`` when accumulate is False."""
    roots = _graph_roots(tensors)
    deps = _dependencies(roots)
    buffers = {}
    for (node, nr), g in zip(roots, grad_tensors):
        buf = buffers.setdefault(node, [None] * node._n_outputs)
        buf[nr] = g if buf[nr] is None else buf[nr] + g

    capture = None
    if inputs is not None:
        capture = {}
        for i, t in enumerate(inputs):
            key = (t.grad_fn, t._output_nr) if t.grad_fn is not None else (
                t._grad_accumulator(), 0)
            capture.setdefault(key, []).append(i)
    results = [None] * (len(inputs) if inputs is not None else 0)

    ready = []
    for node, _ in roots:
        if deps.get(node, 0) == 0 and node in buffers:
            heapq.heappush(ready, (-node._seq, id(node), node))
    queued = {n for _, _, n in ready}

    heappush, heappop = heapq.heappush, heapq.heappop
    with grad_mode.set_grad_enabled(create_graph):
        while ready:
            node = heappop(ready)[2]
            grads = buffers.pop(node)
            if node._tensor_pre_hooks or node._pre_hooks:
                grads = _run_pre_hooks(node, grads)
            if capture is not None:
                for nr in range(node._n_outputs):
                    for i in capture.get((node, nr), ()):
                        results[i] = grads[nr]
            if type(node) is AccumulateGrad:
                if accumulate and (capture is None or (node, 0) in capture):
                    _accumulate(node.variable, grads[0], create_graph)
                if node._hooks:
                    _run_post_hooks(node, grads, grads)
                continue
            grad_inputs = _call_node(node, grads)
            if node._hooks:
                _run_post_hooks(node, grad_inputs, grads)
            if not retain_graph and node._saved is not None:
                node._saved = _FREED
            for (nxt, nr), g in zip(node.next_functions, grad_inputs):
                if nxt is None:
                    continue
                if g is not None:
                    buf = buffers.get(nxt)
                    if buf is None:
                        buf = buffers[nxt] = [None] * nxt._n_outputs
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                left = deps[nxt] - 1
                deps[nxt] = left
                if left == 0 and nxt not in queued:
                    if nxt in buffers:
                        queued.add(nxt)
                        heappush(ready, (-nxt._seq, id(nxt), nxt))
                    else:  # nothing arrived: its whole subgraph gets no gradient
                        _skip(nxt, deps, buffers, ready, queued)

    if inputs is not None and not allow_unused:
        for i, r in enumerate(results):
            if r is None:
                raise RuntimeError(_errors.unused_input())
    return results


def _skip(node, deps, buffers, ready, queued):
    """A node that received no gradient at all: release its children."""
    stack = [node]
    while stack:
        n = stack.pop()
        for nxt, _ in n.next_functions:
            if nxt is None:
                continue
            deps[nxt] -= 1
            if deps[nxt] == 0 and nxt not in queued:
                if nxt in buffers:
                    queued.add(nxt)
                    heapq.heappush(ready, (-nxt._seq, id(nxt), nxt))
                else:
                    stack.append(nxt)


def _run_pre_hooks(node, grads):
    if node._tensor_pre_hooks:
        retain = []
        for output_nr, fn in list(node._tensor_pre_hooks.values()):
            if getattr(fn, "_is_retain_grad", False):
                retain.append((output_nr, fn))
                continue
            if grads[output_nr] is None:
                continue
            new = fn(grads[output_nr])
            if new is not None:
                grads[output_nr] = new
        for output_nr, fn in retain:
            if grads[output_nr] is not None:
                fn(grads[output_nr])
    if node._pre_hooks:
        for fn in list(node._pre_hooks.values()):
            new = fn(tuple(grads))
            if new is not None:
                grads = list(new)
    return grads


def _run_post_hooks(node, grad_inputs, grad_outputs):
    if node._hooks:
        for fn in list(node._hooks.values()):
            fn(tuple(grad_inputs), tuple(grad_outputs))


def _call_node(node, grads):
    """Run one node's backward and check/fix what it returns."""
    if node._materialize and any(g is None for g in grads):
        grads = list(grads)
        xp = get_array_module(next((g._data for g in grads if g is not None), None))
        for i, g in enumerate(grads):
            if g is None:
                shape, dtype = node._out_meta[i]
                grads[i] = _make(xp.zeros(shape, dtype))   # on the grads' device
    forward_cls = node._forward_cls
    out = forward_cls.backward(node, *grads)
    if type(out) is not tuple:
        out = (out,)
    if forward_cls._raw:
        n_expected = len(node.next_functions)
    else:
        positions = node._arg_pos
        n_expected = (max(positions) + 1) if positions else 0
        if len(out) < n_expected or (len(out) > n_expected and any(
                g is not None for g in out[n_expected:])):
            raise RuntimeError(_errors.wrong_grad_count(node, n_expected, len(out)))
        out = tuple(out[p] for p in positions)
        n_expected = len(positions)
    result = []
    for i, (g, meta) in enumerate(zip(out, node._input_meta)):
        if g is None or meta is None:
            result.append(None)
            continue
        shape, dtype = meta
        data = g._data
        if data.shape != shape:
            fixed = sum_to(g, shape)
            if fixed is None:
                raise RuntimeError(_errors.bad_grad_shape(node, i, data.shape, shape))
            g = fixed
        if g._data.dtype != dtype:
            g = g.to(dtypes._FROM_NP[dtype])
        result.append(g)
    if len(result) < n_expected:
        result.extend([None] * (n_expected - len(result)))
    return result


def _accumulate(leaf, grad, create_graph):
    """Add grad into leaf.grad: a fresh copy the first time, in place afterwards.

    The copy is laid out like the leaf (PyTorch's rule: grad.stride() == leaf.stride()
    for a dense leaf), whatever layout the backward produced: a Linear weight's
    gradient arrives transposed from the matmul, and an optimizer reading it against
    contiguous state would stride through memory on every step.
    """
    if leaf.grad is None:
        if create_graph:
            leaf.grad = grad
        else:
            g = get_array_module(leaf._data).empty_like(leaf._data)  # leaf's strides
            g[...] = grad._data
            leaf.grad = _make(g)
    elif create_graph or leaf.grad.requires_grad:
        leaf.grad = leaf.grad + grad
    else:
        leaf.grad._data += grad._data
