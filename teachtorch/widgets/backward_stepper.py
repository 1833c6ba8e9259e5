"""BackwardStepper: y.backward() one node at a time (model: viz.backward_steps).

    x = torch.tensor(2.0, requires_grad=True)   # w1, w2, b likewise
    y = w1 * x**2 + w2 * x + b
    BackwardStepper(y, names=locals())          # press "next" and watch

Each step is one node the engine runs: lit in the graph, its backward source beside
it, the gradient that arrived and the gradients it sent to its inputs written out, its
saved tensors freed, and a leaf's ``.grad`` growing when an AccumulateGrad runs. After
the last step the leaves hold exactly what ``y.backward()`` would have put there (the
stepper *is* that backward, paused). "previous" shows the snapshot of an earlier
step: the engine itself only moves forward.

The autograd chapters (04, 05) are where it belongs.
"""
import html

import ipywidgets as W
import numpy as np

from teachtorch import _errors
from teachtorch.viz import source as src
from teachtorch.viz.backward_steps import StepRecording, backward_code, step_dot
from teachtorch.viz.graph import fmt_array
from teachtorch.widgets._base import View, dot_html


def _fmt(value):
    return "None" if value is None else fmt_array(np.asarray(value))


def _engine_error(error):
    """The engine's error as the view shows it (with a hint), or None."""
    if error is None:
        return None
    text = f"{type(error).__name__}: {error}"
    if "hint:" not in text:
        text += (_errors.hint_line("the backward pass stopped here; build the graph again to "
                 "step through it."))
    return text


class BackwardStepper(View):
    """The engine's backward pass on your own graph, one node per step.

    Controls: step (how many nodes have run; moving it back shows an earlier
    snapshot), and the buttons previous / next / run to end.
    Mirrors: tensor.backward(gradient, retain_graph), paused after every node
    """

    def __init__(self, output, names=None, gradient=None, retain_graph=None):
        super().__init__()
        self.recording = StepRecording(output, names, gradient, retain_graph)
        n = self.recording.n_nodes
        self.controls = {"step": W.IntSlider(value=0, min=0, max=n,
                                             description="step")}
        self.buttons = {}
        for key, label, action in (("previous", "◀ previous", self.previous),
                                   ("next", "next ▶", self.next),
                                   ("end", "run to end ▶▶", self.run_to_end)):
            button = W.Button(description=label)
            button.on_click(lambda _, act=action: act())
            self.buttons[key] = button
        self._finish_init([W.HBox([self.buttons["previous"], self.buttons["next"],
                                   self.buttons["end"], self.controls["step"]])])

    # ----- what the buttons do -----------------------------------------------------
    def next(self):
        """Run (or show) one more step."""
        step = self.controls["step"]
        step.value = min(step.value + 1, step.max)
        return self

    def previous(self):
        """Show the step before (a recorded snapshot: nothing runs backwards)."""
        step = self.controls["step"]
        step.value = max(step.value - 1, 0)
        return self

    def run_to_end(self):
        """Run every remaining node, as backward() would."""
        self.controls["step"].value = self.controls["step"].max
        return self

    # ----- drawing -----------------------------------------------------------------
    def _update(self):
        rec = self.recording
        slider = self.controls["step"]
        k = slider.value
        rec.run_to(k)  # an error of the engine stops it and lands in rec.error
        self._busy = True
        try:
            if rec.done and slider.max != rec.n_recorded:
                slider.max = rec.n_recorded  # fewer nodes got a gradient than exist
            if k > rec.n_recorded:
                slider.value = k = rec.n_recorded
        finally:
            self._busy = False
        self.state = {"error": _engine_error(rec.error), **rec.describe(k),
                      "n_steps": rec.n_recorded if rec.done else rec.n_nodes,
                      "done": rec.done and rec.error is None and k == rec.n_recorded}
        node = rec.model["_objects"].get(self.state["node_id"])
        code = backward_code(node) if node is not None else None
        self.state["source"] = None
        panel = ('<div style="font-size:12px;color:#555555">press next ▶: the engine '
                 "runs the output's node first</div>")
        if code is not None:
            try:
                model = src.source_model(code)
            except TypeError:
                panel = '<div style="font-size:12px">(no Python source to show)</div>'
            else:
                self.state["source"] = {"object": model["name"], "file": model["file"],
                                        "first_line": model["first_line"],
                                        "last_line": model["last_line"]}
                panel = src.source_html(model)
        self.state["dot"] = step_dot(rec, k)
        return ('<div style="display:flex;gap:12px;align-items:flex-start">'
                f'<div style="flex:0 0 auto">{dot_html(self.state["dot"])}</div>'
                f'<div style="flex:1 1 auto;min-width:0">{panel}</div></div>')

    def _text_html(self):
        s = self.state
        if "step" not in s:
            return ""
        e = html.escape
        rows = []
        if s["step"] == 0:
            rows.append(f"before backward: {s['n_steps']} nodes to run")
        else:
            label = s["node_label"] or ""
            rows.append(f"<b>step {s['step']} of {s['n_steps']}: {e(s['node'])}</b>"
                        + (f" ({e(label)})" if label != s["node"] else ""))
            rows.append("gradient arriving: " + ", ".join(e(_fmt(g))
                                                          for g in s["grads_in"]))
            if s["grads_out"]:
                rows.append("sent to its inputs: " + "; ".join(
                    f"{e(o['to'] or '(no grad needed)')}: {e(_fmt(o['grad']))}"
                    for o in s["grads_out"]))
            if s["leaf"]:
                rows.append(f"{e(s['leaf'])}.grad is now "
                            f"{e(_fmt(s['leaf_grads'][s['leaf']]))}")
            if s["freed"]:
                rows.append("its saved tensors are freed (retain_graph=False)")
        rows.append("leaves' .grad: " + ", ".join(
            f"{e(name)} = {e(_fmt(g))}" for name, g in s["leaf_grads"].items()))
        if s["done"]:
            rows.append("<b>backward finished: these are the .grad values "
                        "y.backward() gives</b>")
        return ('<div style="font-size:12px;font-family:monospace">'
                + "".join(f"<div>{r}</div>" for r in rows) + "</div>")

    def _summary(self):
        s = self.state
        return (f"step={s.get('step')}/{s.get('n_steps')}, node={s.get('node')!r}, "
                f"done={s.get('done')}")
