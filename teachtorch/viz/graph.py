"""The autograd graph as data and as DOT text (what GraphView draws).

``graph_model(root)`` walks ``root.grad_fn`` and its ``next_functions`` and returns plain
nodes and edges; ``to_dot(root)`` turns them into Graphviz DOT text. Nothing here draws or
runs a program: the widgets render the text.

Node ids are sequence numbers: op nodes ``op0, op1, ...`` in creation order (the order the
forward pass made them), leaves ``leaf0, leaf1, ...`` in walk order. The same code therefore
gives byte-identical DOT, run after run. The walk only uses ``grad_fn``, ``next_functions``
and ``AccumulateGrad.variable``, so a PyTorch tensor's graph can be drawn too (that is how
the tests check that the pictures agree with PyTorch).

Chapter 04 (autograd) opens this file.
"""
import numpy as np

from teachtorch import _errors
from teachtorch.autograd.graph import walk

SHOW_ALL = ("shape", "data", "grad", "saved")
DEFAULT_SHOW = ("shape", "data", "grad", "saved")
DIRECTIONS = ("TB", "BT", "LR", "RL")


def fmt_array(a, max_items=6):
    """A short, deterministic text for an array: '2', '[1, 2, 3]' or '(3, 4) array'."""
    a = np.asarray(a)
    if a.size == 1:
        return f"{a.reshape(()).item():.4g}"
    if a.size <= max_items:
        return "[" + ", ".join(f"{v:.4g}" for v in a.ravel().tolist()) + "]"
    return "tensor of " + " x ".join(str(n) for n in a.shape)


def to_numpy(t):
    """A NumPy array from a teachtorch or a torch tensor (no graph; GPU data copied)."""
    return np.asarray(t.detach().cpu())


def _shape(t):
    return tuple(int(n) for n in t.shape)


def _seq_of(node):
    """Creation order of an op node (teachtorch: ._seq; torch: _sequence_nr())."""
    seq = getattr(node, "_seq", None)
    if seq is None:
        seq = node._sequence_nr()
    return seq


def _is_leaf_node(node):
    return hasattr(node, "variable")


def _saved_info(node):
    """('none'|'kept'|'freed', [shapes]) for a node's saved tensors (teachtorch only)."""
    from teachtorch.autograd.function import _FREED

    saved = getattr(node, "_saved", None)
    if saved is _FREED:
        return "freed", []
    if not saved:
        return "none", []
    return "kept", [_shape(t) for t, _ in saved if t is not None]


def _name_lookup(names):
    """Split a names dict (e.g. locals()) into tensors and modules, in dict order."""
    tensors, modules = [], []
    for key, value in (names or {}).items():
        if key.startswith("_"):
            continue
        if hasattr(value, "grad_fn") and hasattr(value, "requires_grad"):
            tensors.append((key, value))
        elif hasattr(value, "named_parameters") and callable(value.named_parameters):
            modules.append((key, value))
    return tensors, modules


def graph_model(root, names=None):
    """The backward graph of ``root`` as a plain dict of nodes and edges.

    Returns {"nodes": [...], "edges": [(child_id, parent_id), ...], "n_ops": k} where
    each node is a dict with id, kind ("op"/"leaf"), label parts and values. Edges point
    the way the forward pass went: from an input (leaf or op) to the op that used it.

    Math: the graph of y = f(g(x), w): x -> g -> f <- w
    Mirrors: what torchviz.make_dot reads (grad_fn.next_functions)
    """
    tensors, modules = _name_lookup(names)
    fn = root.grad_fn
    if fn is None:
        if not getattr(root, "requires_grad", False):
            raise RuntimeError(
                _errors.hint("element 0 of tensors does not require grad and does not have a grad_fn", "this tensor has no graph. Create the inputs with "
                "requires_grad=True before computing it."))
        fn = root._grad_accumulator()
    order = walk(fn)
    ops = sorted((n for n in order if not _is_leaf_node(n)), key=_seq_of)
    leaves = [n for n in order if _is_leaf_node(n)]
    ids = {}
    for i, n in enumerate(ops):
        ids[n] = f"op{i}"
    for i, n in enumerate(leaves):
        ids[n] = f"leaf{i}"

    param_owner = {}
    for mod_name, mod in modules:
        for p_name, p in mod.named_parameters():
            param_owner.setdefault(id(p), (mod_name, f"{mod_name}.{p_name}"))

    nodes = []
    for n in ops:
        out_name = next((k for k, t in tensors if t.grad_fn is n), None)
        state, shapes = _saved_info(n)
        nodes.append({"id": ids[n], "kind": "op", "name": n.name(), "tensor": out_name,
                      "saved": state, "saved_shapes": shapes, "module": None})
    for n in leaves:
        v = n.variable
        owner = param_owner.get(id(v))
        name = next((k for k, t in tensors if t is v), None)
        if name is None and owner is not None:
            name = owner[1]
        grad = None if v.grad is None else to_numpy(v.grad)
        nodes.append({"id": ids[n], "kind": "leaf", "name": name or "", "shape":
                      _shape(v), "data": to_numpy(v), "grad": grad,
                      "module": owner[0] if owner else None})
    edges = []
    for n in order:
        for nxt, _ in n.next_functions:
            if nxt is not None:
                edges.append((ids[nxt], ids[n]))
    by_id = {d["id"]: d for d in nodes}
    _assign_modules(by_id, edges)
    root_id = ids[fn]
    by_id[root_id]["root"] = True
    if root.grad_fn is not None and by_id[root_id].get("tensor") is None:
        by_id[root_id]["tensor"] = next((k for k, t in tensors if t is root), None)
    return {"nodes": nodes, "edges": edges, "n_ops": len(ops), "root": root_id,
            "_objects": {ids[n]: n for n in order}}


def _assign_modules(by_id, edges):
    """An op belongs to a module when it uses that module's parameters first-hand
    (or through an op that only touches that module's parameters, like .t())."""
    inputs = {}
    for child, parent in edges:
        inputs.setdefault(parent, []).append(child)
    pure = {}  # op id -> module whose parameters are its only inputs
    for nid in sorted((k for k in by_id if k.startswith("op")), key=lambda s: int(s[2:])):
        mods = [by_id[c]["module"] if c.startswith("leaf") else pure.get(c)
                for c in inputs.get(nid, [])]
        owners = [m for m in mods if m is not None]
        if owners:
            by_id[nid]["module"] = owners[0]
            if len(owners) == len(mods):
                pure[nid] = owners[0]


def related(model, node_id):
    """(ancestors, descendants) of a node: what it depends on, what depends on it."""
    ups, downs = {}, {}
    for child, parent in model["edges"]:
        ups.setdefault(parent, []).append(child)
        downs.setdefault(child, []).append(parent)

    def reach(start, nbrs):
        seen, stack = [], [start]
        while stack:
            n = stack.pop()
            for m in nbrs.get(n, []):
                if m not in seen:
                    seen.append(m)
                    stack.append(m)
        return seen
    return reach(node_id, ups), reach(node_id, downs)


def visible_ids(model, step=None):
    """Nodes present after ``step`` ops of the forward pass (None: all)."""
    if step is None or step >= model["n_ops"]:
        return [n["id"] for n in model["nodes"]]
    shown_ops = {f"op{i}" for i in range(max(step, 0))}
    shown = set(shown_ops)
    for child, parent in model["edges"]:
        if parent in shown_ops and child.startswith("leaf"):
            shown.add(child)
    return [n["id"] for n in model["nodes"] if n["id"] in shown]


def _esc(text):
    for a, b in (("\\", "\\\\"), ("{", "\\{"), ("}", "\\}"), ("|", "\\|"),
                 ("<", "\\<"), (">", "\\>"), ('"', '\\"')):
        text = text.replace(a, b)
    return text


def _leaf_label(n, show):
    parts = [_esc(n["name"] or "leaf"), "AccumulateGrad"]
    if "shape" in show:
        parts.append("shape " + _esc(str(n["shape"])))
    if "data" in show:
        parts.append("data " + _esc(fmt_array(n["data"])))
    if "grad" in show:
        parts.append("grad " + ("None" if n["grad"] is None else
                                _esc(fmt_array(n["grad"]))))
    return "{" + "|".join(parts) + "}"


def to_dot(tensor, names=None, show=DEFAULT_SHOW, step=None, rankdir="TB",
           collapse_modules=False, selected=None):
    """Graphviz DOT text for the backward graph of ``tensor``.

    ``names``: a dict such as ``locals()`` (tensors get their variable names, modules
    their parameters' names). ``show``: any of "shape", "data", "grad", "saved".
    ``step``: draw only the first ``step`` ops in creation order. ``rankdir``: "TB"
    (inputs at the top, as the forward pass reads), "BT", "LR", "RL".
    ``collapse_modules``: one box per module instead of its ops and parameters.
    ``selected``: a node id ("op2", "leaf0"); it and its ancestors/descendants are lit.

    Math: one record node per leaf (name | shape | data | grad), one node per op
    Mirrors: torchviz.make_dot
    """
    if rankdir not in DIRECTIONS:
        raise ValueError(_errors.hint(f"rankdir must be one of {DIRECTIONS}, got {rankdir!r}", "'TB' puts the inputs at the top."))
    bad = [s for s in show if s not in SHOW_ALL]
    if bad:
        raise ValueError(_errors.hint(f"unknown show option(s) {bad}", f"choose from {SHOW_ALL}"))
    model = graph_model(tensor, names)
    return model_to_dot(model, show, step, rankdir, collapse_modules, selected)


def model_to_dot(model, show=DEFAULT_SHOW, step=None, rankdir="TB",
                 collapse_modules=False, selected=None):
    """DOT text for a model returned by graph_model (see to_dot for the options)."""
    shown = visible_ids(model, step)
    by_id = {n["id"]: n for n in model["nodes"]}
    lit_up, lit_down = ([], []) if selected not in by_id else related(model, selected)

    def target(nid):
        m = by_id[nid]["module"]
        return f"module_{m}" if collapse_modules and m else nid

    lines = ["digraph autograd {", f"  rankdir={rankdir};",
             '  node [fontname="Helvetica" fontsize=11];',
             '  edge [fontname="Helvetica" fontsize=9];']
    drawn = []
    for nid in shown:
        n = by_id[nid]
        tid = target(nid)
        if tid != nid:
            if tid not in drawn:
                drawn.append(tid)
                lines.append(f'  {tid} [shape=box3d label="{_esc(n["module"])}" '
                             'style=filled fillcolor="#e8e0f8"];')
            continue
        fill = "#fff2a8" if nid == selected else (
            "#ffd9b3" if nid in lit_up else "#c9f0c9" if nid in lit_down else None)
        if n["kind"] == "leaf":
            color = fill or "#dbe9ff"
            lines.append(f'  {nid} [shape=record label="{_leaf_label(n, show)}" '
                         f'style=filled fillcolor="{color}"];')
            continue
        label = _esc(n["name"])
        if n.get("tensor"):
            label = f"{_esc(n['tensor'])} = {label}"
        color = fill or ("#b8e6b8" if n.get("root") else "#f0f0f0")
        lines.append(f'  {nid} [shape=box label="{label}" style="rounded,filled" '
                     f'fillcolor="{color}"];')
        if "saved" in show and n["saved"] == "kept" and n["saved_shapes"]:
            text = "saved: " + ", ".join(str(s) for s in n["saved_shapes"])
            lines.append(f'  {nid}_saved [shape=note fontsize=9 label="{_esc(text)}" '
                         'style=filled fillcolor="#fff8e0"];')
            lines.append(f"  {nid}_saved -> {nid} [style=dashed arrowhead=none];")
        elif "saved" in show and n["saved"] == "freed":
            lines.append(f'  {nid}_saved [shape=note fontsize=9 label="saved: freed" '
                         'style="filled,dashed" fillcolor="#dddddd" fontcolor="#888888"'
                         ' color="#999999"];')
            lines.append(f"  {nid}_saved -> {nid} [style=dashed arrowhead=none "
                         'color="#999999"];')
    seen_edges = []
    shown_set = set(shown)
    for child, parent in model["edges"]:
        if child not in shown_set or parent not in shown_set:
            continue
        edge = (target(child), target(parent))
        if edge[0] == edge[1] or edge in seen_edges:
            continue
        seen_edges.append(edge)
        lit = child in lit_up + [selected] and parent in lit_up + [selected] or (
            child in lit_down + [selected] and parent in lit_down + [selected])
        style = ' [color="#d04000" penwidth=2]' if selected in by_id and lit else ""
        lines.append(f"  {edge[0]} -> {edge[1]}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"
