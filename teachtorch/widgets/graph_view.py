"""GraphView: the live autograd graph of a tensor (model: teachtorch.viz.graph).

    y = w1 * x**2 + w2 * x + b
    view = GraphView(y, names=locals())
    view                       # in a notebook: the graph, with controls
    y.backward(); view.refresh()   # grads appear, freed saved tensors grey out

Chapter 04 (autograd) uses it.
"""
import ipywidgets as W

from teachtorch.viz.graph import (
    DIRECTIONS,
    SHOW_ALL,
    graph_model,
    model_to_dot,
    related,
    visible_ids,
)
from teachtorch.widgets._base import View, dot_html


class GraphView(View):
    """The computation graph behind ``root``: step through it op by op, show values,
    grads and shapes, pick a node to light up what it depends on and what uses it.

    Controls: step, shape/data/grad/saved (checkboxes), direction, collapse, selected,
    refresh (button: re-read the graph, e.g. after backward).
    Mirrors: torchviz.make_dot, made interactive
    """

    def __init__(self, root, names=None):
        super().__init__()
        self.root = root
        self.names = dict(names) if names else None
        model = graph_model(root, self.names)
        self._model = model
        options = [("(none)", "")] + self._node_options(model)
        has_modules = any(n["module"] for n in model["nodes"])
        self.controls = {
            "step": W.IntSlider(value=model["n_ops"], min=0, max=model["n_ops"],
                                description="build step"),
            "shape": W.Checkbox(value=True, description="shape"),
            "data": W.Checkbox(value=True, description="data"),
            "grad": W.Checkbox(value=True, description="grad"),
            "saved": W.Checkbox(value=True, description="saved"),
            "direction": W.Dropdown(options=list(DIRECTIONS), value="TB",
                                    description="direction"),
            "collapse": W.Checkbox(value=False, description="collapse modules",
                                   disabled=not has_modules),
            "selected": W.Dropdown(options=options, value="", description="select"),
        }
        self._refresh_button = W.Button(description="refresh")
        self._refresh_button.on_click(lambda _: self.reload())
        rows = [W.HBox([self.controls["step"], self.controls["direction"],
                        self.controls["selected"]]),
                W.HBox([self.controls[k] for k in ("shape", "data", "grad", "saved",
                                                   "collapse")]
                       + [self._refresh_button])]
        self._finish_init(rows)

    @staticmethod
    def _node_options(model):
        opts = []
        for n in model["nodes"]:
            if n["kind"] == "op":
                label = f'{n["id"]}: {n["tensor"] + " = " if n.get("tensor") else ""}'
                opts.append((label + n["name"], n["id"]))
            else:
                opts.append((f'{n["id"]}: {n["name"] or "leaf"}', n["id"]))
        return opts

    def reload(self):
        """Walk the graph again (grads and freed buffers change after backward)."""
        self._model = graph_model(self.root, self.names)
        return self.refresh()

    def _update(self):
        c = {k: v.value for k, v in self.controls.items()}
        model = self._model
        show = tuple(k for k in SHOW_ALL if c[k])
        step = c["step"]
        selected = c["selected"] or None
        dot = model_to_dot(model, show=show, step=step, rankdir=c["direction"],
                           collapse_modules=c["collapse"], selected=selected)
        shown = visible_ids(model, step)
        ups, downs = related(model, selected) if selected else ([], [])
        leaves = [n for n in model["nodes"] if n["kind"] == "leaf"]
        self.state = {
            "error": None, "step": step, "n_ops": model["n_ops"], "show": show,
            "direction": c["direction"], "collapse": c["collapse"],
            "selected": selected, "ancestors": ups, "descendants": downs,
            "shown": shown, "dot": dot,
            "ops": [n["name"] for n in model["nodes"] if n["kind"] == "op"],
            "grads": {n["name"] or n["id"]: (None if n["grad"] is None else
                                             n["grad"].tolist()) for n in leaves},
            "freed": any(n.get("saved") == "freed" for n in model["nodes"]),
        }
        return dot_html(dot)

    def _text_html(self):
        s = self.state
        if "n_ops" not in s:
            return ""
        return (f'<div style="font-size:12px">showing {min(s["step"], s["n_ops"])} of '
                f'{s["n_ops"]} ops; saved tensors '
                f'{"freed (backward ran)" if s["freed"] else "kept"}</div>')

    def _summary(self):
        s = self.state
        return (f"step={s.get('step')}/{s.get('n_ops')}, selected={s.get('selected')!r}, "
                f"direction={s.get('direction')!r}, freed={s.get('freed')}")
