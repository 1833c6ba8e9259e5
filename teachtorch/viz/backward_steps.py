"""The backward pass one node at a time, as data and DOT text (BackwardStepper's model).

``StepRecording(y)`` asks the engine for its step sequence (``backward_steps``) and
runs it only as far as it is told: ``advance()`` runs one more node and keeps a
snapshot of what that step showed (the gradients that arrived, the gradients sent to
each input, the leaf whose ``.grad`` grew, whether saved tensors were freed, every
leaf's ``.grad`` so far). The engine only moves forward; going back means reading an
earlier snapshot. ``step_dot(recording, k)`` draws the graph as it stood after ``k``
steps, with the node of step ``k`` lit.

Node ids are graph_model's (``op0, op1, ...`` in creation order, ``leaf0, ...``),
taken before the first step, so the same code gives the same pictures.

The model behind widgets.BackwardStepper (the autograd chapters step through it).
"""
import numpy as np

from teachtorch.viz.graph import _esc, fmt_array, graph_model, to_numpy

CURRENT, DONE, WAITING, LEAF = "#ffb060", "#c9f0c9", "#f0f0f0", "#dbe9ff"
SENT, ARRIVED = "#d04000", "#1060c0"


def engine_steps(output, gradient=None, retain_graph=None, create_graph=False):
    """The engine's own step sequence for ``output.backward(gradient, ...)``."""
    from teachtorch import autograd

    return autograd.backward_steps(output, gradient, retain_graph=retain_graph,
                                   create_graph=create_graph)


def _array(t):
    """A NumPy copy of a tensor's values (None stays None): a snapshot that later
    in-place updates (``.grad +=``) cannot change."""
    if t is None:
        return None
    return np.array(to_numpy(t) if hasattr(t, "detach") else t, copy=True)


def _label(n):
    if n["kind"] == "leaf":
        return n["name"] or n["id"]
    return f'{n["tensor"]} = {n["name"]}' if n.get("tensor") else n["name"]


class StepRecording:
    """The backward pass of ``output``, run on demand, one snapshot per step.

    ``snapshots[0]`` is the graph before backward; ``snapshots[k]`` after k steps.
    Mirrors: what tensor.backward() does, paused after every node
    """

    def __init__(self, output, names=None, gradient=None, retain_graph=None):
        self.model = graph_model(output, names)
        self.ids = {node: nid for nid, node in self.model["_objects"].items()}
        self.by_id = {n["id"]: n for n in self.model["nodes"]}
        self.edges = []  # (input id, node id, position in node.next_functions)
        for nid, node in self.model["_objects"].items():
            for pos, (nxt, _) in enumerate(node.next_functions):
                if nxt is not None:
                    self.edges.append((self.ids[nxt], nid, pos))
        order = {n["id"]: i for i, n in enumerate(self.model["nodes"])}
        self.edges.sort(key=lambda e: (order[e[1]], e[2]))
        self.seed = None if gradient is None else _array(gradient)
        self._steps = engine_steps(output, gradient, retain_graph=retain_graph)
        self.done = False
        self.error = None
        grads = {n["id"]: (None if n["grad"] is None else np.array(n["grad"]))
                 for n in self.model["nodes"] if n["kind"] == "leaf"}
        freed = [n["id"] for n in self.model["nodes"] if n.get("saved") == "freed"]
        self.snapshots = [{"index": 0, "node": None, "name": None, "grads_in": [],
                           "grads_out": [], "leaf": None, "freed": False,
                           "grads": grads, "freed_ids": freed, "ran": []}]

    @property
    def n_nodes(self):
        """How many nodes the graph has: the steps a full backward usually takes."""
        return len(self.model["nodes"])

    @property
    def n_recorded(self):
        """Steps run so far."""
        return len(self.snapshots) - 1

    def advance(self):
        """Run one more node; False when the pass has ended. An error the engine
        raises (e.g. backward through freed buffers) ends it too and is kept in
        ``self.error`` for the view to show."""
        if self.done:
            return False
        try:
            step = next(self._steps)
        except StopIteration:
            self.done = True
            return False
        except Exception as e:  # noqa: BLE001 - the learner's graph's own error
            self.done, self.error = True, e
            return False
        self.snapshots.append(self._snapshot(step))
        return True

    def run_to(self, k):
        """Run steps until k have run or the pass ends; returns the steps run."""
        while self.n_recorded < k and self.advance():
            pass
        if self.n_recorded >= self.n_nodes:
            self.advance()  # every node has run: let the engine say it is finished
        return self.n_recorded

    def run_to_end(self):
        while self.advance():
            pass
        return self.n_recorded

    def _snapshot(self, step):
        prev = self.snapshots[-1]
        nid = self.ids.get(step.node, f"node{step.index}")
        node = step.node
        out = []
        for (nxt, _), g in zip(node.next_functions, step.grads_out):
            out.append((None if nxt is None else self.ids.get(nxt), _array(g)))
        grads = dict(prev["grads"])
        leaf = None
        if step.leaf is not None:
            leaf = nid
            grads[nid] = _array(step.leaf.grad)
        freed = prev["freed_ids"] + ([nid] if step.freed else [])
        return {"index": step.index + 1, "node": nid, "name": node.name(),
                "grads_in": [_array(g) for g in step.grads_in], "grads_out": out,
                "leaf": leaf, "freed": bool(step.freed), "grads": grads,
                "freed_ids": freed, "ran": prev["ran"] + [nid]}

    def describe(self, k):
        """The snapshot after k steps as plain data (lists, names): the view's state."""
        s = self.snapshots[k]
        name = {nid: _label(n) for nid, n in self.by_id.items()}
        listed = lambda a: None if a is None else a.tolist()
        return {
            "step": k, "node_id": s["node"], "node": s["name"],
            "node_label": name.get(s["node"]),
            "grads_in": [listed(g) for g in s["grads_in"]],
            "grads_out": [{"to": name.get(t) if t else None, "to_id": t,
                           "grad": listed(g)} for t, g in s["grads_out"]],
            "leaf": name.get(s["leaf"]) if s["leaf"] else None,
            "freed": s["freed"], "freed_ops": [name[i] for i in s["freed_ids"]
                                               if i in name],
            "order": [name.get(i, i) for i in s["ran"]],
            "ran_nodes": [self.model["_objects"][i].name() for i in s["ran"]
                          if i in self.model["_objects"]],
            "leaf_grads": {name[i]: listed(g) for i, g in s["grads"].items()},
        }


def backward_code(node):
    """The function that runs for this node: its op's ``backward``, or for a leaf's
    AccumulateGrad the engine's ``_accumulate`` (None if neither is found)."""
    from teachtorch.autograd import engine
    from teachtorch.autograd.function import AccumulateGrad

    if isinstance(node, AccumulateGrad):
        return getattr(engine, "_accumulate", None)
    cls = getattr(node, "_forward_cls", None)
    return getattr(cls, "backward", None)


def step_dot(rec, k, rankdir="TB"):
    """DOT text of the graph after k steps: nodes that ran in green, the node of step
    k in orange, each gradient written on the edge it travelled, leaves with their
    .grad so far, saved tensors kept or freed."""
    snaps = rec.snapshots[:k + 1]
    s = snaps[-1]
    ran = set(s["ran"])
    sent = {}  # (input id, node id, position) -> gradient sent along that edge
    for snap in snaps[1:]:
        node = snap["node"]
        for pos, (target, g) in enumerate(snap["grads_out"]):
            sent[(target, node, pos)] = g
    lines = ["digraph backward {", f"  rankdir={rankdir};",
             '  node [fontname="Helvetica" fontsize=11];',
             '  edge [fontname="Helvetica" fontsize=9];']
    for n in rec.model["nodes"]:
        nid = n["id"]
        fill = CURRENT if nid == s["node"] else DONE if nid in ran else (
            LEAF if n["kind"] == "leaf" else WAITING)
        pen = " penwidth=3" if nid == s["node"] else ""
        if n["kind"] == "leaf":
            g = s["grads"].get(nid)
            label = "{" + "|".join([_esc(n["name"] or nid), "AccumulateGrad",
                                    "shape " + _esc(str(n["shape"])),
                                    "grad " + ("None" if g is None else
                                               _esc(fmt_array(g)))]) + "}"
            lines.append(f'  {nid} [shape=record label="{label}" style=filled '
                         f'fillcolor="{fill}"{pen}];')
            continue
        lines.append(f'  {nid} [shape=box label="{_esc(_label(n))}" '
                     f'style="rounded,filled" fillcolor="{fill}"{pen}];')
        if n["saved"] == "none":
            continue
        if nid in s["freed_ids"]:
            lines.append(f'  {nid}_saved [shape=note fontsize=9 label="saved: freed" '
                         'style="filled,dashed" fillcolor="#dddddd" fontcolor="#888888"'
                         ' color="#999999"];')
        else:
            text = "saved: " + ", ".join(str(x) for x in n["saved_shapes"])
            lines.append(f'  {nid}_saved [shape=note fontsize=9 label="{_esc(text)}" '
                         'style=filled fillcolor="#fff8e0"];')
        lines.append(f"  {nid}_saved -> {nid} [style=dashed arrowhead=none "
                     'color="#999999"];')
    for child, parent, pos in rec.edges:
        attrs = []
        if (child, parent, pos) in sent:
            g = sent[(child, parent, pos)]
            attrs.append(f'label="grad {_esc("None" if g is None else fmt_array(g))}"')
        if parent == s["node"]:
            attrs.append(f'color="{SENT}" fontcolor="{SENT}" penwidth=2.5')
        elif child == s["node"] and parent in ran:
            attrs.append(f'color="{ARRIVED}" fontcolor="{ARRIVED}" penwidth=2')
        lines.append(f"  {child} -> {parent}" + (f" [{' '.join(attrs)}]" if attrs
                                                   else "") + ";")
    root = rec.model["root"]
    seed = "1" if rec.seed is None else fmt_array(rec.seed)
    lines.append('  seed [shape=plaintext fontsize=10 '
                 f'label="backward(gradient={_esc(seed)})"];')
    lines.append(f"  {root} -> seed [dir=back style=dotted];")
    lines.append("}")
    return "\n".join(lines) + "\n"
