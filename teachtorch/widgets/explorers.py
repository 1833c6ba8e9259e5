"""The smaller explorers: StorageView (views and strides) and BroadcastView.

    x = torch.arange(12.).reshape(3, 4)
    StorageView(x)                        # try x.t(), x[1:, ::2], x[:, :1].expand(3, 5)
    BroadcastView((2, 3, 1), (3, 4))

Chapters 02 (views, storage) and 03 (broadcasting) use them.
"""
import ipywidgets as W
import numpy as np

from teachtorch import _errors
from teachtorch.viz import broadcasting, storage, svg
from teachtorch.widgets._base import View

PRESETS = ("x", "x.t()", "x[1:, ::2]", "x[:, 1:2].expand(3, 5)", "x.reshape(4, 3)",
           "x.view(2, 6)", "x.t().view(12)", "x[[0, 2]]", "x.t().contiguous()",
           "x.unsqueeze(0)", "x.flatten()")


class StorageView(View):
    """Type an expression of ``x``; see the view's shape, stride and offset, whether it
    shares x's storage, and which storage cells each element reads.

    Controls: expr (a Combobox: pick a preset or type your own expression in x).
    Mirrors: Tensor.stride(), storage_offset(), is_contiguous(), untyped_storage()
    """

    def __init__(self, x, expr="x.t()"):
        super().__init__()
        self.x = x
        self.controls = {"expr": W.Combobox(value=expr, options=list(PRESETS),
                                            ensure_option=False, description="view",
                                            continuous_update=False)}
        self._finish_init([W.HBox([self.controls["expr"]])])

    def _update(self):
        expr = self.controls["expr"].value
        self.state = {"error": None, "expr": expr}
        try:
            # the learner's own expression, run in the learner's own kernel
            view = eval(expr, {"__builtins__": {}}, {"x": self.x})
        except Exception as e:  # noqa: BLE001 - shown to the learner, not raised
            msg = f"{type(e).__name__}: {e}"
            if "hint:" not in msg:
                msg += _errors.hint_line("write an expression of x, e.g. x.t() or x[:, ::2]")
            self.state["error"] = msg
            return self._draw(None)
        if not hasattr(view, "stride"):
            self.state["error"] = (_errors.hint(f"{expr} is a {type(view).__name__}, not a tensor", "write an expression that gives a tensor"))
            return self._draw(None)
        info = storage.compare(self.x, view)
        self.state.update(info)
        self.state["contiguous"] = info["view"]["contiguous"]
        return self._draw(info)

    def _draw(self, info):
        b = storage.describe(self.x)
        size = b["storage_size"]
        width = max(40 + size * 30, 560)
        parts = [svg.text(10, 18, f"x: shape {b['shape']}, stride {b['stride']}, offset "
                          f"{b['offset']}", size=13, weight="bold")]
        y = 60
        fills = {}
        if info is not None and info["shares"]:
            fills = {(0, i): "#ffb060" for i in info["used"]}
        parts += svg.grid(np.arange(size)[None, :], 10, y, fills=fills,
                          title="storage of x (index)")
        y += 60
        if info is not None:
            v = info["view"]
            parts.append(svg.text(10, y, f"{self.state['expr']}: shape {v['shape']}, "
                                  f"stride {v['stride']}, offset {v['offset']}, "
                                  f"is_contiguous() {v['contiguous']}", size=13))
            y += 20
            say = ("shares x's storage (a view: writing to it changes x)" if
                   info["shares"] else "has its own storage (a copy)")
            if info["repeated"]:
                say += "; some storage cells are read more than once (stride 0)"
            parts.append(svg.text(10, y, say, size=12, colour="#1060c0"))
            y += 34
            idx = np.asarray(info["indices"])
            grid2 = idx.reshape(-1, idx.shape[-1]) if idx.ndim >= 2 else \
                idx.reshape(1, -1)
            title = ("storage index of each element" if info["shares"] else
                     "storage index of each element (in its own storage)")
            parts += svg.grid(grid2, 10, y, title=title, fills={
                (r, c): "#ffe0c0" for r in range(grid2.shape[0])
                for c in range(grid2.shape[1])})
            y += grid2.shape[0] * svg.CELL + 10
            width = max(width, 30 + grid2.shape[1] * svg.CELL)
        if self.state.get("error"):
            for line in self.state["error"].splitlines():
                parts.append(svg.text(10, y + 16, line, size=12, colour="#c00000"))
                y += 18
        return svg.svg_open(width, y + 24, "StorageView") + "".join(parts) + "</svg>"

    def _summary(self):
        s = self.state
        v = s.get("view") or {}
        return (f"expr={s.get('expr')!r}, shape={v.get('shape')}, "
                f"stride={v.get('stride')}, offset={v.get('offset')}, "
                f"shares={s.get('shares')}")


class BroadcastView(View):
    """Two shapes right-aligned; the broadcasting rule at each dim; the result shape
    or PyTorch's exact error.

    Controls: a, b (text: sizes separated by commas).
    Mirrors: torch.broadcast_shapes
    """

    def __init__(self, a=(2, 3, 1), b=(3, 4)):
        super().__init__()
        self.controls = {
            "a": W.Text(value=", ".join(str(n) for n in a), description="shape a",
                        continuous_update=False),
            "b": W.Text(value=", ".join(str(n) for n in b), description="shape b",
                        continuous_update=False)}
        self._finish_init([W.HBox([self.controls["a"], self.controls["b"]])])

    def _update(self):
        self.state = {"error": None, "a": None, "b": None, "rows": [], "shape": None}
        a = broadcasting.parse_shape(self.controls["a"].value)
        b = broadcasting.parse_shape(self.controls["b"].value)
        res = broadcasting.explain(a, b)
        self.state.update(a=a, b=b, rows=res["rows"], shape=res["shape"],
                          error=res["error"])
        return self._draw(res)

    def _draw(self, res):
        rows = res["rows"]
        n = len(rows)
        cell, x0 = 46, 120
        parts = [svg.text(10, 20, f"a {self.state['a']}  +  b {self.state['b']}",
                          size=13, weight="bold")]
        for k, (dim, sa, sb, out, _) in enumerate(rows):
            x = x0 + k * cell
            parts.append(svg.text(x + 10, 44, f"dim {dim}", size=10))
            for r, (v, colour) in enumerate(((sa, "#dbe9ff"), (sb, "#ffe9c0"),
                                             (out, "#c9f0c9"))):
                fill = "#f4f4f4" if v is None else colour
                if r == 2 and v is None:
                    fill = "#ffc0c0"
                label = "–" if v is None and r < 2 else ("✗" if v is None else v)
                parts.append(svg.box(x, 52 + r * 36, cell - 6, 30, str(label),
                                     fill=fill))
        for r, name in enumerate(("a", "b", "result")):
            parts.append(svg.text(10, 72 + r * 36, name, size=12))
        y = 52 + 3 * 36 + 16
        for dim, _, _, _, rule in rows:
            parts.append(svg.text(10, y, f"dim {dim}: {rule}", size=12))
            y += 18
        if res["error"]:
            for line in res["error"].splitlines():
                parts.append(svg.text(10, y, line, size=12, colour="#c00000"))
                y += 18
        else:
            parts.append(svg.text(10, y, f"result shape: {res['shape']}", size=13,
                                  colour="#107010", weight="bold"))
            y += 18
        width = max(x0 + n * cell + 20, 620)
        return svg.svg_open(width, y + 10, "BroadcastView") + "".join(parts) + "</svg>"

    def _summary(self):
        s = self.state
        return f"a={s.get('a')}, b={s.get('b')}, shape={s.get('shape')}"
