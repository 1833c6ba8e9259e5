"""RNNUnrollView: an RNN / LSTM / GRU unrolled over time (model: viz.rnn_unroll).

    RNNUnrollView(cell="lstm", seq_len=8, hidden_size=4)
    RNNUnrollView(module=nn.GRU(3, 4))      # the module's own weights

Shows the chain of cells sharing one set of weights, the equation of the chosen stage,
its values over time as a heatmap, and the gradient-connectivity heatmap ||dh_t/dx_k||
(a vanilla RNN forgets its early inputs much faster than an LSTM).

Chapter 12 (RNN basics) uses it.
"""
import ipywidgets as W
import numpy as np

from teachtorch import _errors
from teachtorch.viz import rnn_unroll as ru
from teachtorch.viz import svg
from teachtorch.widgets._base import View

ALL_STAGES = ("hidden", "pre-activation", "forget", "input", "candidate", "cell",
              "output", "reset", "update")


class RNNUnrollView(View):
    """The unrolled recurrence with shared weights, stage by stage and step by step.

    Controls: cell, seq_len, hidden_size, sequence, time, stage, seed.
    Mirrors: torch.nn.RNN / nn.LSTM / nn.GRU (one layer, batch 1)
    """

    def __init__(self, cell="rnn", seq_len=5, hidden_size=4, input_size=3,
                 sequence="sine", module=None, seed=0):
        super().__init__()
        self.module = module
        self.input_size = input_size
        self._module_weights = None
        if module is not None:
            cell, self._module_weights = ru.weights_from_module(module)
            hidden_size = self._module_weights["weight_hh_l0"].shape[1]
            self.input_size = self._module_weights["weight_ih_l0"].shape[1]
        fixed = module is not None
        self.controls = {
            "cell": W.Dropdown(options=list(ru.CELLS), value=cell, description="cell",
                               disabled=fixed),
            "seq_len": W.IntSlider(value=seq_len, min=1, max=20, description="seq_len"),
            "hidden_size": W.IntSlider(value=hidden_size, min=1, max=8,
                                       description="hidden", disabled=fixed),
            "sequence": W.Dropdown(options=["sine", "ramp", "pulse"], value=sequence,
                                   description="sequence"),
            "time": W.IntSlider(value=0, min=0, max=19, description="time step"),
            "stage": W.Dropdown(options=list(ALL_STAGES), value="hidden",
                                description="stage"),
            "seed": W.IntSlider(value=seed, min=0, max=9, description="weight seed",
                                disabled=fixed),
        }
        c = self.controls
        rows = [W.HBox([c["cell"], c["sequence"], c["stage"]]),
                W.HBox([c["seq_len"], c["hidden_size"], c["seed"]]),
                W.HBox([c["time"]])]
        self._finish_init(rows)

    def weights(self):
        c = self.controls
        if self._module_weights is not None:
            return self._module_weights
        return ru.make_weights(c["cell"].value, self.input_size, c["hidden_size"].value,
                               c["seed"].value)

    def _update(self):
        c = {k: v.value for k, v in self.controls.items()}
        cell, t_len, t = c["cell"], c["seq_len"], c["time"]
        x = ru.sample_sequence(c["sequence"], t_len, self.input_size)
        w = self.weights()
        res = ru.unroll(cell, x, w, tangents=True)
        conn = np.sqrt((res["jac"] ** 2).sum(axis=(2, 3)))
        self.state = {"error": None, "cell": cell, "seq_len": t_len, "time": t,
                      "stage": c["stage"], "hidden_size": w["weight_hh_l0"].shape[1],
                      "input_size": self.input_size, "sequence": c["sequence"],
                      "x": x.tolist(), "h": res["h"].tolist(),
                      "gates": {k: res[k].tolist() for k in res
                                if k not in ("jac", "h")},
                      "connectivity": conn.tolist(),
                      "ratio_first_last": float(conn[-1, 0] / conn[-1, -1])
                      if conn[-1, -1] > 0 else None,
                      "equation": None, "stage_values": None,
                      "from_module": self.module is not None}
        errors = []
        if t >= t_len:
            errors.append(_errors.hint(f"time step {t} is past the end of a sequence of length "
                          f"{t_len}", f"pick a time step from 0 to {t_len - 1}, or "
                          "make seq_len longer"))
        if c["stage"] not in ru.STAGES[cell]:
            article = "a" if cell == "gru" else "an"
            errors.append(_errors.hint(f"stage {c['stage']!r} is not part of {article} "
                          f"{cell.upper()} cell", f"choose one of {', '.join(ru.STAGES[cell])}"))
        else:
            self.state["equation"] = ru.EQUATIONS[(cell, c["stage"])]
            vals = ru.stage_values(cell, res, c["stage"])
            if t < t_len:
                self.state["stage_values"] = vals[t].tolist()
        self.state["error"] = "\n".join(errors) or None
        return self._draw(res, conn)

    def _draw(self, res, conn):
        s = self.state
        t_len, t, cell = s["seq_len"], s["time"], s["cell"]
        bw, gap = 64, 26
        width = max(40 + t_len * (bw + gap), 620)
        parts = [svg.ARROW_DEF,
                 svg.text(10, 18, f"{cell.upper()} unrolled over {t_len} steps (the "
                          "same W_ih, W_hh, b at every step)", size=13, weight="bold")]
        y_box = 60
        for k in range(t_len):
            x0 = 30 + k * (bw + gap)
            active = k == t
            parts.append(svg.box(x0, y_box, bw, 40, f"{cell} t={k}",
                                 fill="#ffe0a0" if active else "#eef3ff",
                                 stroke="#d04000" if active else "#666666",
                                 width=2.5 if active else 1))
            parts.append(svg.arrow(x0 + bw / 2, y_box + 80, x0 + bw / 2, y_box + 42))
            parts.append(svg.text(x0 + bw / 2 - 8, y_box + 95, f"x{k}", size=11))
            parts.append(svg.arrow(x0 + bw / 2, y_box, x0 + bw / 2, y_box - 22))
            parts.append(svg.text(x0 + bw / 2 - 8, y_box - 26, f"h{k}", size=11))
            if k:
                parts.append(svg.arrow(x0 - gap, y_box + 20, x0 - 2, y_box + 20,
                                       label="W_hh"))
        y = y_box + 125
        if s["equation"]:
            parts.append(svg.text(10, y, f'{s["stage"]}: {s["equation"]}', size=13,
                                  colour="#a04000"))
            y += 18
            if s["stage_values"] is not None:
                vals = ", ".join(f"{v:.3f}" for v in s["stage_values"])
                parts.append(svg.text(10, y, f"at t={t}: [{vals}]", size=12))
                y += 18
        if s["error"]:
            for line in s["error"].splitlines():
                parts.append(svg.text(10, y, line, size=12, colour="#c00000"))
                y += 18
        y += 24
        cols = [str(k) for k in range(t_len)]
        keys = [k for k in ("f", "i", "g", "o", "c", "r", "z", "a", "h") if k in res]
        x_at = 10
        y_max = y
        for key in keys:
            vals = np.asarray(res[key]).T        # (H, T)
            name = {"a": "pre-act", "g": "cand."}.get(key, key)
            parts += svg.heatmap(vals, x_at, y, title=f"{name}[t]", cell=14,
                                 highlight_col=t if t < t_len else None,
                                 col_names=cols if t_len <= 10 else None)
            x_at += t_len * 14 + 18
            if x_at > width - t_len * 14:
                x_at, y = 10, y + vals.shape[0] * 14 + 40
            y_max = max(y_max, y + vals.shape[0] * 14 + 20)
        y = y_max + 30
        parts += svg.heatmap(conn, 10, y, title="‖∂h_t/∂x_k‖ (row t, column k)",
                             cell=16, fmt="{:.2e}", row_names=[f"t{k}" for k in
                                                               range(t_len)])
        ratio = s["ratio_first_last"]
        parts.append(svg.text(60 + t_len * 16, y + 20,
                              f"‖∂h_last/∂x_0‖ / ‖∂h_last/∂x_last‖ = "
                              f"{ratio:.2e}" if ratio is not None else "", size=12))
        height = y + t_len * 16 + 20
        return svg.svg_open(width, height, "RNNUnrollView") + "".join(parts) + "</svg>"

    def _summary(self):
        s = self.state
        return (f"cell={s.get('cell')!r}, seq_len={s.get('seq_len')}, "
                f"hidden_size={s.get('hidden_size')}, time={s.get('time')}, "
                f"stage={s.get('stage')!r}, from_module={s.get('from_module')}")
