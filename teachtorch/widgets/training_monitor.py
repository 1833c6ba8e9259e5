"""TrainingMonitor: loss/accuracy curves that grow while a plain training loop runs.

    monitor = TrainingMonitor(total=epochs)
    monitor                                  # show it, then run the loop:
    for epoch in range(epochs):
        ...
        monitor.log(loss=loss.item(), accuracy=acc)   # or monitor(loss=...)

Redraws in place (an ipywidgets.HTML holding SVG, plus an IntProgress bar), so it works
from inside a running cell. Chapters 06-09 use it.
"""
import ipywidgets as W
import numpy as np

from teachtorch import _errors
from teachtorch.viz.curves import line_chart
from teachtorch.widgets._base import View


class TrainingMonitor(View):
    """Curves of everything passed to ``log``: accuracy-like names (acc...) on one
    chart, the rest (losses) on another; a progress bar when ``total`` is known.

    Controls: smoothing (EMA weight), log_y (log scale for the loss chart).
    Mirrors: what TensorBoard's scalars tab shows, live in the notebook
    """

    def __init__(self, total=None, redraw_every=1, title="training"):
        super().__init__()
        if total is not None and total < 1:
            raise ValueError(_errors.hint(f"total must be a positive number of steps, got {total}", "pass the number of times you will call log(), or "
                             "None"))
        self.total, self.redraw_every, self.title = total, max(int(redraw_every), 1), \
            title
        self.history, self.steps, self._logged = {}, [], []
        self.progress = W.IntProgress(value=0, min=0, max=total or 1,
                                      description="progress")
        self.controls = {
            "smoothing": W.FloatSlider(value=0.0, min=0.0, max=0.95, step=0.05,
                                       description="smoothing"),
            "log_y": W.Checkbox(value=False, description="log scale (loss)"),
        }
        self._finish_init([W.HBox([self.progress, self.controls["smoothing"],
                                   self.controls["log_y"]])])

    def log(self, step=None, **values):
        """Record one step's numbers (Python floats or one-element tensors)."""
        step = len(self.steps) if step is None else step
        self.steps.append(step)
        self._logged.append(tuple(values))
        for name, v in values.items():
            v = float(v.item() if hasattr(v, "item") else v)
            self.history.setdefault(name, [np.nan] * (len(self.steps) - 1)).append(v)
        for name, seq in self.history.items():  # a metric not logged this step
            if len(seq) < len(self.steps):
                seq.append(np.nan)
        self.progress.value = min(len(self.steps), self.progress.max)
        if len(self.steps) % self.redraw_every == 0 or (
                self.total and len(self.steps) >= self.total):
            self.refresh()
        return self

    __call__ = log

    def _update(self):
        c = {k: v.value for k, v in self.controls.items()}
        acc = {k: v for k, v in self.history.items() if k.lower().startswith("acc")}
        rest = {k: v for k, v in self.history.items() if k not in acc}
        bad = [(k, i) for i, names in enumerate(self._logged) for k in names
               if not np.isfinite(self.history[k][i])]
        error = None
        if bad:
            k, i = bad[0]
            error = (_errors.hint(f"{k} became {self.history[k][i]} at step {self.steps[i]}", "the loss diverged: lower the learning rate, check the data for "
                     "nan/inf, or clip gradients (nn.utils.clip_grad_norm_)"))
        n = len(self.steps)
        self.state = {"error": error, "n": n, "total": self.total,
                      "steps": list(self.steps),
                      "history": {k: list(v) for k, v in self.history.items()},
                      "last": {k: v[-1] for k, v in self.history.items() if v},
                      "smoothing": c["smoothing"], "log_y": c["log_y"],
                      "progress": (n / self.total) if self.total else None}
        charts = [line_chart(rest, self.steps, log_y=c["log_y"],
                             smoothing=c["smoothing"], title=self.title)]
        if acc:
            charts.append(line_chart(acc, self.steps, smoothing=c["smoothing"],
                                     title="accuracy"))
        if len(charts) == 1:
            return charts[0]
        return ('<svg xmlns="http://www.w3.org/2000/svg" width="930" height="220">'
                + charts[0].replace("<svg ", '<svg x="0" ', 1)
                + charts[1].replace("<svg ", '<svg x="470" ', 1) + "</svg>")

    def _summary(self):
        s = self.state
        last = ", ".join(f"{k}={v:.4g}" for k, v in s.get("last", {}).items())
        return f"steps={s.get('n')}/{s.get('total')}" + (f", {last}" if last else "")
