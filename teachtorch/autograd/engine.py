"""The backward engine: walk the graph from the output back to the leaves.

The backward pass is a sequence of steps, one node per step: ``backward_steps``
yields a ``BackwardStep`` for each (the node, the gradients that reached it, the
gradients it sent on, the leaf it filled), and ``run_backward`` (what
``tensor.backward()`` calls) simply runs every step. A node runs once every gradient
for it has arrived, latest-created first; gradients for the same tensor are summed;
broadcasting is undone here, once, for every op (``sum_to``); leaves accumulate into
``.grad``. Saved tensors are freed after a node runs unless ``retain_graph=True``.

Chapter 04 (autograd) and chapter 05 (backprop by hand) open this file.
"""
import heapq
from dataclasses import dataclass

import numpy as np

from teachtorch import _backend, _errors, dtypes
from teachtorch._backend import get_array_module
from teachtorch.autograd import anomaly_mode, function, grad_mode
from teachtorch.autograd.function import _FREED, AccumulateGrad, Node

_grad_state = grad_mode._state
_anomaly_state = anomaly_mode._state


@dataclass(slots=True)
class BackwardStep:
    """One node's turn in the backward pass, as ``backward_steps`` yields it."""

    index: int          # 0, 1, ... in the order the nodes ran
    node: Node          # the grad_fn (or AccumulateGrad) that ran
    grads_in: tuple     # gradients for the node's outputs (after pre-hooks)
    grads_out: tuple    # what it sent on, one per node.next_functions; () for a leaf
    leaf: object = None  # AccumulateGrad: the tensor whose .grad was just updated
    freed: bool = False  # True when this step freed the node's saved tensors


def backward_steps(tensors, grad_tensors, retain_graph, create_graph, inputs=None,
                   accumulate=True, allow_unused=False, records=True):
    """Run the backward pass one node at a time, yielding a BackwardStep per node.

    Lazy: nothing runs before the first ``next()``. When done, the generator returns
    (``StopIteration.value``) the gradients captured for ``inputs``: what
    ``autograd.grad`` hands back. With ``records=False`` it yields None instead of
    BackwardStep records (run_backward, the hot path, needs none).
    """
    queue = _ReadyQueue(tensors, grad_tensors)  # nodes whose gradients have all arrived
    capture = _Capture(inputs) if inputs is not None else None
    call_node = _call_node
    if _anomaly_state["enabled"]:  # errors and NaNs show the forward line
        call_node = anomaly_mode.watched(_call_node)
    index = 0
    while queue.heap:
        node, grads_in = queue.pop()
        leaf, freed = None, False
        grad_was_enabled = _grad_state["enabled"]
        _grad_state["enabled"] = create_graph  # record backward only for create_graph
        try:
            if node._pre_hooks or node._tensor_pre_hooks:
                grads_in = _run_pre_hooks(node, grads_in)
            if capture is not None:
                capture.take(node, grads_in)
            if type(node) is AccumulateGrad:
                grads_out = ()
                if accumulate and (capture is None or capture.wants(node)):
                    leaf = _accumulate(node.variable, grads_in[0], create_graph)
            else:
                grads_out = call_node(node, grads_in)
                if not retain_graph and node._saved is not None:
                    freed = node._saved is not _FREED
                    node._saved = _FREED  # its saved tensors are let go
            if node._hooks:
                _run_post_hooks(node, grads_out, grads_in)
        finally:
            _grad_state["enabled"] = grad_was_enabled
        queue.send(node, grads_out)
        if records:
            yield BackwardStep(index, node, tuple(grads_in), tuple(grads_out), leaf, freed)
        else:
            yield None
        index += 1
    return capture.results(allow_unused) if capture is not None else []


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             inputs=None):
    """Compute gradients of tensors w.r.t. the leaves and accumulate them into .grad.

    Mirrors: torch.autograd.backward (``tensor.backward()`` calls it)
    """
    tensors = [tensors] if isinstance(tensors, function.Tensor) else list(tensors)
    grads = _make_grads(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        inputs = _as_list(inputs)
    for _ in backward_steps(tensors, grads, retain_graph, create_graph, inputs,
                            allow_unused=True, records=False):
        pass  # each step ran one node


def run_backward(tensors, grad_tensors, retain_graph, create_graph, inputs=None,
                 accumulate=True, allow_unused=False):
    """Back-propagate (every step); returns the gradients for ``inputs``, if given."""
    steps = backward_steps(tensors, grad_tensors, retain_graph, create_graph, inputs,
                           accumulate, allow_unused, records=False)
    while True:
        try:
            next(steps)
        except StopIteration as finished:
            return finished.value


def _as_list(x):
    if x is None or isinstance(x, list):
        return x
    return list(x) if isinstance(x, tuple) else [x]


def _make_grads(outputs, grads):
    """The gradient each output starts with: the one given, else 1 for a scalar."""
    if grads is None or isinstance(grads, function.Tensor):
        grads = [grads]
    elif not isinstance(grads, list):       # a tuple, or a number (not iterable)
        grads = _grads_as_list(grads)
    result = []
    for i, out in enumerate(outputs):
        g = grads[i] if i < len(grads) else None
        if g is None:  # d(out)/d(out) = 1, on out's device and in its dtype
            if out._data.size != 1:
                raise RuntimeError(_errors.grad_not_scalar())
            data = out._data
            ones = np.ones_like(data) if type(data) is np.ndarray else _gpu_ones(data)
            g = function.Tensor._make(ones)
        elif not isinstance(g, function.Tensor):
            raise TypeError(_errors.hint(
                "gradients can be either Tensors or None, but got "
                f"{type(g).__name__}", "pass the gradient as a tensor of the output's "
                "shape, e.g. y.backward(torch.ones_like(y))."))
        if g._data.shape != out._data.shape:
            raise RuntimeError(_errors.hint(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                f"output[{i}] has a shape of {out.shape}.",
                "the gradient you pass to backward must have the output's shape."))
        result.append(g)
    return result


def _grads_as_list(grads):
    """The gradients given to backward, as a list (PyTorch takes a Tensor, None or
    a sequence; a bare number is refused as not iterable, as there)."""
    try:
        return list(grads)
    except TypeError as not_iterable:  # Python's "'float' object is not iterable"
        raise TypeError(_errors.hint(
            str(not_iterable),
            "the gradient must be a tensor: y.backward(torch.tensor(2.0)), not "
            "y.backward(2.0).")) from None


def _gpu_ones(data):
    """Ones like a CuPy array, made on its GPU (CuPy uses the current one)."""
    with _backend.device_guard(_backend.array_device_index(data)):
        return get_array_module(data).ones_like(data)


class _ReadyQueue:
    """Which nodes still wait for gradients and which may run (latest-created first).

    ``deps[node]`` counts the edges into a node not yet followed; ``buffers[node]``
    sums the gradients that have arrived for each of its outputs. A node whose count
    drops to zero is ready; if no gradient at all reached it, its whole subgraph is
    skipped (it gets none either).
    """

    __slots__ = ("buffers", "deps", "heap", "queued")

    def __init__(self, tensors, grad_tensors):
        roots = []  # (node, output_nr): where each tensor's gradient enters the graph
        for i, t in enumerate(tensors):
            if t.grad_fn is not None:
                roots.append((t.grad_fn, t._output_nr))
            elif t.requires_grad:
                roots.append((t._grad_accumulator(), 0))
            else:
                raise RuntimeError(_errors.no_grad_fn(i))
        deps = {}  # how many edges point into each node reachable from the roots
        stack = [node for node, _ in roots]
        seen = set(stack)
        while stack:
            for nxt, _ in stack.pop().next_functions:
                if nxt is not None:
                    deps[nxt] = deps.get(nxt, 0) + 1
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
        self.deps = deps
        self.buffers = {}
        for (node, nr), g in zip(roots, grad_tensors):
            buf = self.buffers.setdefault(node, [None] * node._n_outputs)
            buf[nr] = g if buf[nr] is None else buf[nr] + g
        self.heap = []
        self.queued = set()
        for node, _ in roots:
            if self.deps.get(node, 0) == 0 and node in self.buffers:
                self._push(node)

    def _push(self, node):
        """Queue a ready node; ties (leaves) run in the order they became ready."""
        if node not in self.queued:
            heapq.heappush(self.heap, (-node._seq, len(self.queued), node))
            self.queued.add(node)

    def pop(self):
        """The next node to run and the gradients that arrived for it."""
        node = heapq.heappop(self.heap)[2]
        return node, self.buffers.pop(node)

    def send(self, node, grads_out):
        """Hand node's gradients to the nodes it points at; queue those now ready."""
        deps, buffers, queued = self.deps, self.buffers, self.queued
        for (nxt, nr), g in zip(node.next_functions, grads_out):
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
                if nxt in buffers:  # (self._push, written out: this is the hot loop)
                    heapq.heappush(self.heap, (-nxt._seq, len(queued), nxt))
                    queued.add(nxt)
                else:  # nothing arrived: its whole subgraph gets no gradient
                    self._skip(nxt)

    def _skip(self, node):
        """A node that received no gradient at all: release its children."""
        stack = [node]
        while stack:
            n = stack.pop()
            for nxt, _ in n.next_functions:
                if nxt is None:
                    continue
                self.deps[nxt] -= 1
                if self.deps[nxt] == 0 and nxt not in self.queued:
                    if nxt in self.buffers:
                        self._push(nxt)
                    else:
                        stack.append(nxt)


class _Capture:
    """autograd.grad(outputs, inputs): keep the gradients that reach ``inputs``."""

    __slots__ = ("found", "where")

    def __init__(self, inputs):
        self.where = {}  # (node, output_nr) -> positions in inputs
        for i, t in enumerate(inputs):
            key = (t.grad_fn, t._output_nr) if t.grad_fn is not None else (
                t._grad_accumulator(), 0)
            self.where.setdefault(key, []).append(i)
        self.found = [None] * len(inputs)

    def take(self, node, grads):
        for nr in range(node._n_outputs):
            for i in self.where.get((node, nr), ()):
                self.found[i] = grads[nr]

    def wants(self, node):
        return (node, 0) in self.where

    def results(self, allow_unused):
        if not allow_unused and any(r is None for r in self.found):
            raise RuntimeError(_errors.unused_input())
        return self.found


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
                grads[output_nr] = _checked_hook_result(fn, grads[output_nr], new)
        for output_nr, fn in retain:
            if grads[output_nr] is not None:
                fn(grads[output_nr])
    if node._pre_hooks:
        for fn in list(node._pre_hooks.values()):
            new = fn(tuple(grads))
            if new is not None:
                grads = list(new)
    return grads


def _checked_hook_result(fn, grad, new):
    """What a tensor hook returned: a Tensor of the gradient's shape (PyTorch's rule)."""
    if not isinstance(new, function.Tensor):
        raise TypeError(_errors.hint(
            f"expected Variable, but hook returned '{type(new).__name__}'",
            "a hook returns a new gradient (a tensor) or None to keep it."))
    if new._data.shape != grad._data.shape:
        raise RuntimeError(_errors.hint(
            f"hook '{getattr(fn, '__name__', 'hook')}' has changed the size of value",
            f"the hook must return a gradient of shape {tuple(grad.shape)}."))
    if new._data.dtype != grad._data.dtype:
        raise RuntimeError(_errors.hint(
            f"hook '{getattr(fn, '__name__', 'hook')}' has changed the type of value "
            f"(was torch.{grad.dtype.legacy_name} got torch.{new.dtype.legacy_name})",
            f"return the gradient in its own dtype: .to({grad.dtype})."))
    return new


def _run_post_hooks(node, grad_inputs, grad_outputs):
    if node._hooks:
        for fn in list(node._hooks.values()):
            fn(tuple(grad_inputs), tuple(grad_outputs))


def _call_node(node, grads):
    """Run one node's backward: one gradient per edge in node.next_functions, each
    summed back to its input's shape (broadcasting undone, ``sum_to``) and dtype."""
    if node._materialize:
        for g in grads:
            if g is None:  # an output no gradient reached: backward gets zeros
                grads = _zeros_for_missing(node, grads)
                break
    out = node._forward_cls.backward(node, *grads)
    if type(out) is not tuple:
        out = (out,)
    if len(out) != len(node.next_functions):
        out = _one_per_edge(node, out)
    result = []
    for i, (g, meta) in enumerate(zip(out, node._input_meta)):
        if g is None or meta is None:
            result.append(None)
            continue
        shape, dtype = meta
        if g._data.shape != shape:
            fixed = sum_to(g, shape)
            if fixed is None:
                raise RuntimeError(_errors.bad_grad_shape(node, i, g._data.shape, shape))
            g = fixed
        if g._data.dtype != dtype:
            g = g.to(dtypes._FROM_NP[dtype])
        result.append(g)
    return result


def _one_per_edge(node, out):
    """backward's gradients, one per edge of the node.

    PyTorch's rule: one per forward argument (None for a number), extra Nones
    allowed; the gradients of the arguments that got an edge are kept. Built-in ops
    (``_raw``) give one per edge and may leave out trailing Nones.
    """
    n_edges = len(node.next_functions)
    positions = node._arg_pos or range(n_edges)
    n_args = positions[-1] + 1 if n_edges else 0
    if len(out) >= n_args and all(g is None for g in out[n_args:]):
        return tuple(out[p] for p in positions)
    if node._forward_cls._raw:
        return tuple(out[:n_edges]) + (None,) * (n_edges - len(out))
    raise RuntimeError(_errors.wrong_grad_count(node, n_args, len(out)))


def _zeros_for_missing(node, grads):
    """Zeros (on the gradients' device) in place of the None gradients."""
    grads = list(grads)
    xp = get_array_module(next((g._data for g in grads if g is not None), None))
    for i, g in enumerate(grads):
        if g is None:
            shape, dtype = node._out_meta[i]
            grads[i] = function.Tensor._make(xp.zeros(shape, dtype))
    return grads


def _accumulate(leaf, grad, create_graph):
    """Add grad into leaf.grad (a fresh copy the first time, in place afterwards).

    The copy is laid out like the leaf (PyTorch's rule: grad.stride() == leaf.stride()
    for a dense leaf), whatever layout the backward produced: a Linear weight's
    gradient arrives transposed from the matmul, and an optimizer reading it against
    contiguous state would stride through memory on every step. Returns the leaf.
    """
    old = leaf._grad  # what .grad returns
    if old is None:
        if create_graph:
            leaf.grad = grad
        else:
            data = leaf._data
            xp = np if type(data) is np.ndarray else get_array_module(data)
            g = xp.empty_like(data)  # laid out like the leaf
            g[...] = grad._data
            leaf._grad = function.Tensor._make(g)  # (made like the leaf: the .grad
            # setter's shape and dtype check has nothing to find)
    elif create_graph or old.requires_grad:
        leaf.grad = old + grad
    else:
        old._data += grad._data
    return leaf
