"""BackpropView: backprop as edge weights and paths (model: teachtorch.viz.backprop).

    x = torch.tensor(2.0, requires_grad=True)   # w1, w2, b likewise
    y = w1 * x**2 + w2 * x + b
    BackpropView(y, names=locals())

Each edge carries d(op)/d(input) and its value; pick a leaf and a path to see the
product along it; the running sum over paths ends at the leaf's .grad from autograd.

Chapter 05 (backprop by hand) uses it.
"""
import ipywidgets as W
import numpy as np

from teachtorch import _backend, _errors
from teachtorch.viz.backprop import backprop_model, edge_text, path_text, running_sums
from teachtorch.viz.graph import fmt_array
from teachtorch.viz.svg import esc
from teachtorch.widgets._base import View, dot_html


def _autograd_grads(root, model, objs):
    """d root / d leaf from teachtorch.autograd.grad (the graph is kept)."""
    from teachtorch import autograd
    from teachtorch.tensor import Tensor

    leaves = [objs[leaf].variable for leaf in model["leaves"]]
    xp = _backend.get_array_module(root._data)  # the seed lives on root's device
    seed = Tensor._make(xp.ones(tuple(root.shape), dtype=root._data.dtype))
    grads = autograd.grad(root, leaves, grad_outputs=seed, retain_graph=True,
                          allow_unused=True)
    return {leaf: None if g is None else np.asarray(g.cpu()._data, np.float64)
            for leaf, g in zip(model["leaves"], grads)}


class BackpropView(View):
    """Edges labelled with local derivatives; one path lit with its product; the
    running sum over paths next to autograd's gradient.

    Controls: leaf (target), step (backward steps done), path (index).
    Mirrors: the chain rule that torch.autograd.backward applies
    """

    def __init__(self, root, names=None):
        super().__init__()
        from teachtorch.viz.graph import graph_model

        self.root = root
        self.model = backprop_model(root, names)
        objs = graph_model(root, names)["_objects"]
        self._autograd = _autograd_grads(root, self.model, objs)
        m = self.model
        leaf_opts = [(m["nodes"][leaf], leaf) for leaf in m["leaves"]]
        most = max([len(m["paths"][leaf]) for leaf in m["leaves"]] + [1])
        self.controls = {
            "leaf": W.Dropdown(options=leaf_opts, value=m["leaves"][0],
                               description="leaf"),
            "step": W.IntSlider(value=len(m["steps"]), min=0, max=len(m["steps"]),
                                description="backward step"),
            "path": W.IntSlider(value=0, min=0, max=most - 1, description="path"),
        }
        self._finish_init([W.HBox(list(self.controls.values()))])

    def _update(self):
        m = self.model
        leaf, step, k = (self.controls["leaf"].value, self.controls["step"].value,
                         self.controls["path"].value)
        paths = m["paths"][leaf]
        sums = running_sums(paths)
        error = None
        if k >= len(paths):
            error = (_errors.hint(f"path {k} does not exist: {m['nodes'][leaf]} has {len(paths)} "
                     "path(s) to the output", "pick a path from 0 to "
                     f"{len(paths) - 1}"))
        path = paths[k] if k < len(paths) else None
        total = sums[-1] if sums else None
        auto = self._autograd[leaf]
        edges = [{"src": m["nodes"][e["src"]], "dst": m["nodes"][e["dst"]],
                  "text": edge_text(m, e), "local": e["local"],
                  "jacobian": e["jacobian"], "done": e["step"] < step}
                 for e in m["edges"]]
        self.state = {
            "error": error, "leaf": m["nodes"][leaf], "step": step,
            "n_steps": len(m["steps"]), "path_index": k, "n_paths": len(paths),
            "edges": edges,
            "paths": [path_text(m, p) for p in paths],
            "products": [p["product"] if p["product"] is not None else
                         p["value"].tolist() for p in paths],
            "running_sum": [np.asarray(s).tolist() for s in sums],
            "sum_over_paths": None if total is None else np.asarray(total).tolist(),
            "autograd_grad": None if auto is None else auto.tolist(),
            "match": bool(total is not None and auto is not None and
                          np.allclose(total, auto, rtol=1e-5, atol=1e-6)),
            "path": None if path is None else path_text(m, path),
            "truncated": m["truncated"][leaf],
        }
        self.state["dot"] = self._dot(leaf, step, path)
        return dot_html(self.state["dot"])

    def _dot(self, leaf, step, path):
        m = self.model
        lit = set()
        if path is not None:
            lit = {(a, b) for a, b in zip(path["nodes"][1:], path["nodes"][:-1])}
        lines = ["digraph backprop {", "  rankdir=TB;",
                 '  node [fontname="Helvetica" fontsize=11];',
                 '  edge [fontname="Helvetica" fontsize=10];']
        for nid, label in m["nodes"].items():
            shape = "box" if nid.startswith("leaf") else "ellipse"
            fill = "#fff2a8" if nid == leaf else (
                "#b8e6b8" if nid == m["root"] else "#f4f4f4")
            lines.append(f'  {nid} [shape={shape} style=filled fillcolor="{fill}" '
                         f'label="{label}"];')
        for e in m["edges"]:
            done = e["step"] < step
            if e["local"] is not None:
                val = f'{e["local"]:.4g}'
            else:
                val = f'J {e["jacobian"]}\\nvjp {fmt_array(e["vjp"])}'
            label = f'∂{m["nodes"][e["dst"]]}/∂{m["nodes"][e["src"]]}\\n'
            label += val if done else "?"
            colour = "#d04000" if (e["src"], e["dst"]) in lit else (
                "#333333" if done else "#bbbbbb")
            width = 2.5 if (e["src"], e["dst"]) in lit else 1
            lines.append(f'  {e["src"]} -> {e["dst"]} [label="{label}" color="{colour}"'
                         f' fontcolor="{colour}" penwidth={width}];')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _text_html(self):
        s = self.state
        if "paths" not in s:
            return ""
        rows = []
        for i, (p, run) in enumerate(zip(s["paths"], s["running_sum"])):
            mark = "▶ " if i == s["path_index"] else ""
            rows.append(f"<div>{mark}path {i}: {esc(p)}; running sum "
                        f"{esc(fmt_array(np.asarray(run)))}</div>")
        auto = s["autograd_grad"]
        ok = "equal" if s["match"] else "NOT equal"
        if s["truncated"]:
            ok += (f"; only the first {s['n_paths']} paths are listed, the sum over "
                   "all of them is .grad")
        rows.append(f'<div><b>sum over paths = {esc(fmt_array(s["sum_over_paths"]))};'
                    f' {esc(s["leaf"])}.grad from autograd = '
                    f'{esc(fmt_array(auto) if auto is not None else "None")} ({ok})'
                    "</b></div>")
        return '<div style="font-size:12px;font-family:monospace">' + "".join(rows) \
            + "</div>"

    def _summary(self):
        s = self.state
        return (f"leaf={s.get('leaf')!r}, step={s.get('step')}/{s.get('n_steps')}, "
                f"path={s.get('path_index')}/{s.get('n_paths')}, match={s.get('match')}")
