"""ModuleTreeView and StateDictDiffView (model: teachtorch.viz.modules).

    ModuleTreeView(model, example_input=torch.randn(4, 784))
    StateDictDiffView(model, torch.load("ckpt.pt"))

Chapters 14 (Module internals, hooks) and 15 (state_dict) use them.
"""
import ipywidgets as W

from teachtorch import _errors
from teachtorch.viz import modules
from teachtorch.viz.svg import esc
from teachtorch.widgets._base import View

_TABLE = '<table style="border-collapse:collapse;font-family:monospace;font-size:12px">'


def _row(cells, head=False):
    tag = "th" if head else "td"
    return "<tr>" + "".join(f'<{tag} style="border:1px solid #ccc;padding:2px 6px;'
                            f'text-align:left">{esc(c)}</{tag}>' for c in cells) + "</tr>"


class ModuleTreeView(View):
    """Sub-modules as an indented table: type, own parameters (shapes), counts; with an
    example input, a hook tap shows each leaf's output shape, mean, std, zeros.

    Controls: depth, params (show parameter shapes), tap (activation statistics).
    Mirrors: print(model), Module.named_modules, register_forward_hook
    """

    def __init__(self, module, example_input=None):
        super().__init__()
        self.module = module
        self.example_input = example_input
        self._rows = modules.module_tree(module)
        deepest = max(r["depth"] for r in self._rows)
        self.controls = {
            "depth": W.IntSlider(value=deepest, min=0, max=deepest, description="depth"),
            "params": W.Checkbox(value=True, description="parameter shapes"),
            "tap": W.Checkbox(value=example_input is not None, description="hook tap",
                              disabled=example_input is None),
        }
        self._finish_init([W.HBox(list(self.controls.values()))])

    def _update(self):
        c = {k: v.value for k, v in self.controls.items()}
        rows = [r for r in self._rows if r["depth"] <= c["depth"]]
        stats = []
        error = None
        if c["tap"]:
            if self.example_input is None:
                error = (_errors.hint("no example input to run", "ModuleTreeView(model, "
                         "example_input=torch.randn(...))"))
            else:
                stats = modules.activation_stats(self.module, self.example_input)
        self.state = {"error": error, "depth": c["depth"], "rows": rows,
                      "total": self._rows[0]["total"], "activations": stats}
        html = [_TABLE, _row(["module", "type", "parameters", "own", "total"], True)]
        for r in rows:
            params = ", ".join(f"{n} {s}" for n, s, _ in r["params"]) if c["params"] \
                else ""
            html.append(_row(["  " * r["depth"] + r["name"], r["type"], params,
                              r["own"], r["total"]]))
        html.append("</table>")
        if stats:
            html += [_TABLE, _row(["leaf", "type", "output shape", "mean", "std",
                                   "zeros"], True)]
            for s in stats:
                html.append(_row([s["name"], s["type"], s["shape"], f"{s['mean']:.4f}",
                                  f"{s['std']:.4f}", f"{s['zeros']:.0%}"]))
            html.append("</table>")
        return "".join(html)

    def _summary(self):
        s = self.state
        return (f"{self._rows[0]['type']}, modules={len(self._rows)}, "
                f"parameters={s.get('total')}, depth={s.get('depth')}")


class StateDictDiffView(View):
    """What load_state_dict would complain about: missing and unexpected keys grouped by
    prefix, shape mismatches, and the 'module.' prefix left by DataParallel.

    Controls: strip_module (try the fix: drop a leading 'module.' from loaded keys).
    Mirrors: Module.load_state_dict(strict=False)
    """

    def __init__(self, model, state_dict):
        super().__init__()
        self.model = model
        self.loaded = dict(state_dict)
        self.controls = {"strip_module": W.Checkbox(value=False,
                                                    description="strip 'module.'")}
        self._finish_init([W.HBox(list(self.controls.values()))])

    def _update(self):
        loaded = self.loaded
        if self.controls["strip_module"].value:
            loaded = {k.removeprefix("module."): v for k, v in loaded.items()}
        diff = modules.state_dict_diff(self.model.state_dict(), loaded)
        ok = not (diff["missing"] or diff["unexpected"] or diff["mismatched"])
        error = None
        if not ok:
            error = "Error(s) in loading state_dict for " + type(self.model).__name__
            if diff["missing"]:
                error += "\n    Missing key(s) in state_dict: " + ", ".join(
                    f'"{k}"' for k in diff["missing"]) + "."
            if diff["unexpected"]:
                error += "\n    Unexpected key(s) in state_dict: " + ", ".join(
                    f'"{k}"' for k in diff["unexpected"]) + "."
            for k, got, want in diff["mismatched"]:
                error += (f"\n    size mismatch for {k}: copying a param with shape "
                          f"{got} from checkpoint, the shape in current model is {want}.")
            error += _errors.hint_line(diff["hint"] or "compare the groups below; "
                                       "load_state_dict(sd, strict=False) skips them")
        self.state = dict(diff, error=error, ok=ok,
                          strip_module=self.controls["strip_module"].value)
        html = [_TABLE, _row(["group", "missing", "unexpected"], True)]
        groups = list(dict.fromkeys(list(diff["missing_groups"]) +
                                    list(diff["unexpected_groups"])))
        for g in groups:
            html.append(_row([g, ", ".join(diff["missing_groups"].get(g, [])),
                              ", ".join(diff["unexpected_groups"].get(g, []))]))
        html.append("</table>")
        if ok:
            html.append('<div style="color:#107010">all keys and shapes match: '
                        "load_state_dict(sd) will work</div>")
        return "".join(html)

    def _summary(self):
        s = self.state
        return (f"missing={len(s.get('missing', []))}, "
                f"unexpected={len(s.get('unexpected', []))}, "
                f"mismatched={len(s.get('mismatched', []))}, "
                f"strip_module={s.get('strip_module')}")
