"""Backprop as edge weights: local derivatives on edges, products along paths.

The chain rule read off a picture: label every edge of the graph with the local
derivative d(op output)/d(op input); a path from the output y back to a leaf w has the
product of its edge labels; y's derivative with respect to w is the sum of those products
over all paths. For tensors the edge carries a Jacobian (shape out x in) and what travels
along a path is a vector-Jacobian product; the sum over paths is still w.grad.

``backprop_model(y)`` computes all of this with each node's own ``backward`` (the same
code ``y.backward()`` runs), so what the widget shows is what the engine does.

Chapter 05 (backprop by hand) opens this file.
"""
import re

import numpy as np

from teachtorch import _errors
from teachtorch._backend import get_array_module
from teachtorch.autograd.function import _FREED
from teachtorch.viz.graph import fmt_array, graph_model, related


def _ones_like(t):
    """Ones with t's shape, dtype and device (NumPy or CuPy), no graph."""
    from teachtorch.tensor import Tensor

    xp = get_array_module(t._data)
    return Tensor._make(xp.ones(tuple(t.shape), dtype=t._data.dtype))


def _call(node, nr, grad):
    """The gradients ``node.backward`` sends to its inputs when ``grad`` arrives at
    output ``nr`` (a list aligned with node.next_functions)."""
    from teachtorch.autograd import grad_mode
    from teachtorch.autograd.engine import _call_node

    grads = [None] * node._n_outputs
    grads[nr] = grad
    with grad_mode.no_grad():
        return _call_node(node, grads)


def _arr(t):
    return np.asarray(t.detach().cpu()._data, dtype=np.float64)


def _label(n):
    if n["kind"] == "leaf":
        return n["name"] or n["id"]
    op = re.sub(r"Backward\d*$", "", n["name"])
    return n.get("tensor") or f'{n["id"]}:{op}'


def backprop_model(root, names=None, max_paths=200):
    """Edges with local derivatives, backward steps, and paths from root to each leaf.

    Returns a dict: "nodes" (id -> label), "edges" (list of dicts: src (input), dst (op),
    local (d dst / d src, for scalar edges), jacobian (shape), vjp (what backward sends
    along the edge), step (which backward step sends it)), "steps" (op ids in the
    order backward runs them), "leaves" (leaf ids), "paths" (leaf id -> list of paths,
    each a dict with nodes, factors, product), "grads" (leaf id -> sum over paths).

    Math: dy/dw = sum over paths p from w to y of prod over edges e in p of d(e)
    Mirrors: what torch.autograd.backward computes, one edge at a time
    """

    gm = graph_model(root, names)
    objs = gm["_objects"]
    if any(getattr(n, "_saved", None) is _FREED for n in objs.values()):
        raise RuntimeError(
            _errors.hint("Trying to backward through the graph a second time (or directly access "
            "saved tensors after they have already been freed).", "build the view "
            "before calling .backward(), or call .backward(retain_graph=True)."))
    labels = {n["id"]: _label(n) for n in gm["nodes"]}
    ops = [n["id"] for n in gm["nodes"] if n["kind"] == "op"]
    leaves = [n["id"] for n in gm["nodes"] if n["kind"] == "leaf"]
    ids = {node: nid for nid, node in objs.items()}
    seed = _ones_like(root)

    # one real backward pass, one op at a time, in the engine's order
    arrived = {gm["root"]: [None] * objs[gm["root"]]._n_outputs}
    arrived[gm["root"]][root._output_nr if root.grad_fn is not None else 0] = seed
    edges, steps = [], []
    for step, nid in enumerate(reversed(ops)):
        node = objs[nid]
        if nid not in arrived:
            continue
        steps.append(nid)
        for nr, g in enumerate(arrived[nid]):
            if g is None:
                continue
            outs = _call(node, nr, g)
            ones = _ones_like(g)
            local = _call(node, nr, ones) if g.dim() == 0 else None
            for i, ((nxt, nxt_nr), vjp) in enumerate(zip(node.next_functions, outs)):
                if nxt is None or vjp is None:
                    continue
                src = ids[nxt]
                in_shape = tuple(vjp.shape)
                scalar = g.dim() == 0 and not in_shape
                edges.append({
                    "src": src, "dst": nid, "input": i, "step": len(steps) - 1,
                    "out_shape": tuple(g.shape), "in_shape": in_shape,
                    "jacobian": tuple(g.shape) + in_shape,
                    "local": float(_arr(local[i])) if scalar else None,
                    "vjp": _arr(vjp)})
                buf = arrived.setdefault(src, [None] * nxt._n_outputs)
                buf[nxt_nr] = vjp if buf[nxt_nr] is None else buf[nxt_nr] + vjp
    paths = {leaf: _paths(objs, ids, gm["root"], leaf, seed, max_paths,
                          set(related(gm, leaf)[1]) | {leaf})
             for leaf in leaves}
    grads = {leaf: _arr(arrived[leaf][0]) if leaf in arrived and
             arrived[leaf][0] is not None else None for leaf in leaves}
    return {"nodes": labels, "edges": edges, "steps": steps, "leaves": leaves,
            "paths": paths, "grads": grads, "root": gm["root"],
            "truncated": {leaf: len(p) >= max_paths for leaf, p in paths.items()},
            "scalar": all(e["local"] is not None for e in edges)}


def _paths(objs, ids, root_id, leaf_id, seed, max_paths, reach):
    """Every path root -> leaf (at most max_paths), with the gradient each carries.

    ``reach``: the nodes from which the leaf can be reached; the search never enters
    any other, so its cost is proportional to the paths it finds.
    """
    found = []
    start = objs[root_id]
    start_nr = 0
    stack = [(start, start_nr, [root_id], [], seed)]
    while stack and len(found) < max_paths:
        node, nr, trail, factors, g = stack.pop()
        if ids[node] == leaf_id:
            found.append({"nodes": trail, "factors": factors, "value": _arr(g)})
            continue
        if not node.next_functions:
            continue
        outs = _call(node, nr, g)
        ones = None
        if g.dim() == 0:
            from teachtorch.tensor import Tensor
            ones = _call(node, nr, Tensor._make(np.ones((), dtype=g._data.dtype)))
        for i in reversed(range(len(node.next_functions))):
            nxt, nxt_nr = node.next_functions[i]
            if nxt is None or outs[i] is None or ids[nxt] not in reach:
                continue
            f = float(_arr(ones[i])) if ones is not None and ones[i] is not None \
                and ones[i].dim() == 0 else None
            stack.append((nxt, nxt_nr, trail + [ids[nxt]], factors + [f], outs[i]))
    for p in found:
        p["product"] = (float(np.prod(p["factors"])) if all(
            f is not None for f in p["factors"]) else None)
    return found


def running_sums(paths):
    """The cumulative sum of the paths' contributions: the last one is the gradient."""
    total, out = None, []
    for p in paths:
        total = p["value"] if total is None else total + p["value"]
        out.append(total)
    return out


def edge_text(model, edge):
    """'∂op1/∂w1 = 2' for a scalar edge; 'J (3, 2) · vjp [..]' for a tensor edge."""
    d = f'∂{model["nodes"][edge["dst"]]}/∂{model["nodes"][edge["src"]]}'
    if edge["local"] is not None:
        return f"{d} = {edge['local']:.4g}"
    return f"{d}: J {edge['jacobian']}, vjp {fmt_array(edge['vjp'])}"


def path_text(model, path):
    """'y <- op3 <- op1 <- w1 : 1 * 1 * 4 = 4' (scalars) or the VJP it carries."""
    chain = " ← ".join(model["nodes"][n] for n in path["nodes"])
    if path["product"] is not None:
        factors = " × ".join(f"{f:.4g}" for f in path["factors"])
        return f"{chain}: {factors} = {path['product']:.4g}"
    return f"{chain}: vjp {fmt_array(path['value'])}"
