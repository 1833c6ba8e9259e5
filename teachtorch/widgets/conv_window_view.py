"""ConvWindowView: the conv/pool window sliding over a padded input
(model: teachtorch.viz.conv_geometry).

    ConvWindowView(mode="max_pool2d", input_size=(7, 7), kernel_size=3, stride=2)

Shows the padded input, the window behind the chosen output cell, the arithmetic that
cell computes, and the output-size formula with the numbers filled in. Reverse mode
picks an input cell and lights every output it feeds (the pattern backward follows).
Settings PyTorch refuses are shown in red with PyTorch's message; nothing is clamped.

Chapter 10 (CNN basics) uses it.
"""
import ipywidgets as W
import numpy as np

from teachtorch import _errors
from teachtorch.viz import conv_geometry as geo
from teachtorch.viz import svg
from teachtorch.viz.conv_geometry import _pair
from teachtorch.widgets._base import View


class ConvWindowView(View):
    """Where the window of a conv2d / max_pool2d / avg_pool2d / conv_transpose2d sits.

    Controls: mode, in_h, in_w, kernel_size, stride, padding, dilation, ceil_mode,
    output_padding, out_row, out_col, play, reverse, in_row, in_col.
    Mirrors: F.conv2d, F.max_pool2d, F.avg_pool2d, F.conv_transpose2d
    """

    def __init__(self, mode="conv2d", input_size=(7, 7), kernel_size=3, stride=1,
                 padding=0, dilation=1, ceil_mode=False, output_padding=0):
        super().__init__()
        h, w = _pair(input_size)
        k, s, p, d = (_pair(v)[0] for v in (kernel_size, stride, padding, dilation))

        def slider(value, lo, hi, label):
            return W.IntSlider(value=value, min=lo, max=hi, description=label,
                               continuous_update=True)
        self.controls = {
            "mode": W.Dropdown(options=list(geo.MODES), value=mode, description="mode"),
            "in_h": slider(h, 1, 12, "input H"),
            "in_w": slider(w, 1, 12, "input W"),
            "kernel_size": slider(k, 1, 7, "kernel"),
            "stride": slider(s, 0, 4, "stride"),
            "padding": slider(p, 0, 4, "padding"),
            "dilation": slider(d, 0, 3, "dilation"),
            "ceil_mode": W.Checkbox(value=bool(ceil_mode), description="ceil_mode"),
            "output_padding": slider(int(output_padding), 0, 3, "output_padding"),
            "out_row": slider(0, 0, 47, "out row"),
            "out_col": slider(0, 0, 47, "out col"),
            "play": W.Play(value=0, min=0, max=0, interval=700, description="play"),
            "reverse": W.Checkbox(value=False, description="reverse (input → outputs)"),
            "in_row": slider(0, 0, 11, "in row"),
            "in_col": slider(0, 0, 11, "in col"),
        }
        c = self.controls
        rows = [W.HBox([c["mode"], c["ceil_mode"], c["reverse"]]),
                W.HBox([c["in_h"], c["in_w"], c["kernel_size"]]),
                W.HBox([c["stride"], c["padding"], c["dilation"]]),
                W.HBox([c["output_padding"], c["out_row"], c["out_col"]]),
                W.HBox([c["play"], c["in_row"], c["in_col"]])]
        c["play"].observe(self._on_play, names="value")
        self._finish_init(rows)

    def _on_play(self, change):
        """Play walks the output cells in reading order."""
        shape = self.state.get("output_shape")
        if not shape:
            return
        wo = shape[3]
        self._set_quietly("out_row", change["new"] // wo)
        self._set_quietly("out_col", change["new"] % wo)
        self.refresh()

    def settings(self):
        c = {k: v.value for k, v in self.controls.items()}
        return {"mode": c["mode"], "input_size": (c["in_h"], c["in_w"]),
                "kernel_size": c["kernel_size"], "stride": c["stride"],
                "padding": c["padding"], "dilation": c["dilation"],
                "ceil_mode": c["ceil_mode"], "output_padding": c["output_padding"]}

    def _update(self):
        st = self.settings()
        c = {k: v.value for k, v in self.controls.items()}
        data = geo.compute(**st)
        self.state = dict(st, error=data["error"], output_shape=data["output_shape"],
                          formula=data["formula"], out_cell=(c["out_row"], c["out_col"]),
                          reverse=c["reverse"], in_cell=(c["in_row"], c["in_col"]),
                          window=[], window_in_input=[], arithmetic="", value=None,
                          fed_outputs=[])
        if data["error"] is not None:
            return self._draw(data)
        ho, wo = data["output_shape"][2:]
        self.controls["play"].max = max(ho * wo - 1, 0)
        args = (st["mode"], st["input_size"], st["kernel_size"], st["stride"],
                st["padding"], st["dilation"])
        h, w = st["input_size"]
        if c["reverse"]:
            r, cc = c["in_row"], c["in_col"]
            if r >= h or cc >= w:
                self.state["error"] = (
                    _errors.hint(f"input cell ({r}, {cc}) is outside the {h} x {w} input", "pick "
                    f"in row < {h} and in col < {w}"))
            else:
                self.state["fed_outputs"] = geo.fed_outputs(*args, (ho, wo), (r, cc))
        else:
            i, j = c["out_row"], c["out_col"]
            if i >= ho or j >= wo:
                self.state["error"] = (
                    _errors.hint(f"output cell ({i}, {j}) is outside the {ho} x {wo} output", f"pick out row < {ho} and out col < {wo}"))
            else:
                cells, inside = geo.window(*args, (i, j))
                self.state.update(
                    window=[(r, cc) for r, cc, _, _ in cells], window_in_input=inside,
                    arithmetic=geo.arithmetic(st["mode"], data, cells, inside, (i, j)),
                    value=float(data["output"][i, j]))
        return self._draw(data)

    def _draw(self, data):
        s = self.state
        h, w = s["input_size"]
        k = _pair(s["kernel_size"])
        p = 0 if s["mode"] == "conv_transpose2d" else max(s["padding"], 0)
        x = data["x"]
        pad_value = np.nan if s["mode"] == "max_pool2d" else 0.0  # max pads with -inf
        shown = np.full((h + 2 * p, w + 2 * p), pad_value)
        shown[p:p + h, p:p + w] = x
        fills = {}
        for r in range(-p, h + p):
            for c in range(-p, w + p):
                if not (0 <= r < h and 0 <= c < w):
                    fills[(r, c)] = "#e6e6e6"
        for (r, c), ok in zip(s["window"], s["window_in_input"]):
            fills[(r, c)] = "#ffb060" if ok else "#ffe0c0"
        if s["reverse"] and not s["error"]:
            fills[s["in_cell"]] = "#60b0ff"
        parts = [svg.text(10, 18, f'{s["mode"]}: input {h}×{w}, kernel {k[0]}, stride '
                          f'{s["stride"]}, padding {s["padding"]}, dilation '
                          f'{s["dilation"]}' + (", ceil_mode" if s["ceil_mode"] else ""),
                          size=13, weight="bold")]
        y0 = 52
        parts += svg.grid(shown, 10, y0, fills=fills, row_offset=-p, col_offset=-p,
                          title="input" + (" (grey: padding)" if p else ""))
        x_next = 10 + (w + 2 * p) * svg.CELL + 30
        if s["mode"] in ("conv2d", "conv_transpose2d"):
            parts += svg.grid(data["weight"], x_next, y0, title="weight (bias 1)",
                              fills={(a, b): "#ffd9a0" for a in range(k[0])
                                     for b in range(k[1])})
            x_next += k[1] * svg.CELL + 30
        height = y0 + (h + 2 * p) * svg.CELL
        if data["output"] is not None:
            out = data["output"]
            ofills = {}
            if s["reverse"]:
                for cell in s["fed_outputs"]:
                    ofills[cell] = "#a0d0ff"
            elif s["value"] is not None:
                ofills[s["out_cell"]] = "#ffb060"
            parts += svg.grid(np.round(out, 2), x_next, y0, fills=ofills,
                              title=f"output {out.shape[0]}×{out.shape[1]}")
            height = max(height, y0 + out.shape[0] * svg.CELL)
            width = x_next + out.shape[1] * svg.CELL + 10
        else:
            width = x_next + 10
        y = height + 22
        for line in s["formula"]:
            parts.append(svg.text(10, y, line, size=12))
            y += 18
        if s["error"]:
            for line in s["error"].splitlines():
                parts.append(svg.text(10, y, line, size=12, colour="#c00000"))
                y += 18
        elif s["reverse"]:
            parts.append(svg.text(10, y, f'input {s["in_cell"]} feeds '
                                  f'{len(s["fed_outputs"])} output(s): '
                                  f'{s["fed_outputs"]}', size=12, colour="#1060c0"))
            y += 18
        else:
            parts.append(svg.text(10, y, f'out{s["out_cell"]} = {s["arithmetic"]}',
                                  size=12, colour="#a04000"))
            y += 18
        width = max(width, 560, 7 * max(len(t) for t in [s["arithmetic"]] +
                                        s["formula"] + [""]))
        return svg.svg_open(width, y + 6, "ConvWindowView") + "".join(parts) + "</svg>"

    def _summary(self):
        s = self.state
        return (f"mode={s.get('mode')!r}, input_size={s.get('input_size')}, "
                f"kernel_size={s.get('kernel_size')}, stride={s.get('stride')}, "
                f"padding={s.get('padding')}, dilation={s.get('dilation')}, "
                f"ceil_mode={s.get('ceil_mode')}, output_shape={s.get('output_shape')}")
