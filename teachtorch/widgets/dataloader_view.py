"""DataLoaderView: which samples land in which batch (model: teachtorch.viz.batches).

    DataLoaderView(n=10, batch_size=3, shuffle=True, drop_last=True)

Each row is one batch of one epoch, each cell a sample index; samples the epoch never
yields (drop_last, a subset sampler, sampling with replacement) are listed below.
Chapter 08 (Dataset and DataLoader) uses it.
"""
import ipywidgets as W
import numpy as np

from teachtorch import _errors
from teachtorch.viz import batches as bt
from teachtorch.viz import svg
from teachtorch.widgets._base import View


class DataLoaderView(View):
    """One epoch of a real DataLoader over samples 0..n-1.

    Controls: n, batch_size, shuffle, drop_last, sampler, seed.
    Mirrors: torch.utils.data.DataLoader and its samplers
    """

    def __init__(self, n=10, batch_size=3, shuffle=False, drop_last=False,
                 sampler="default", seed=0, lib=None):
        super().__init__()
        if lib is None:
            import teachtorch as lib
        self.lib = lib
        self.controls = {
            "n": W.IntSlider(value=n, min=1, max=32, description="samples"),
            "batch_size": W.IntSlider(value=batch_size, min=0, max=16,
                                      description="batch_size"),
            "shuffle": W.Checkbox(value=shuffle, description="shuffle"),
            "drop_last": W.Checkbox(value=drop_last, description="drop_last"),
            "sampler": W.Dropdown(options=list(bt.SAMPLERS), value=sampler,
                                  description="sampler"),
            "seed": W.IntSlider(value=seed, min=0, max=9, description="seed"),
        }
        c = self.controls
        self._finish_init([W.HBox([c["n"], c["batch_size"], c["seed"]]),
                           W.HBox([c["sampler"], c["shuffle"], c["drop_last"]])])

    def _update(self):
        c = {k: v.value for k, v in self.controls.items()}
        self.state = dict(c, error=None, batches=[], unused=[], n_batches=None)
        try:
            res = bt.batches(self.lib, c["n"], c["batch_size"], c["shuffle"],
                             c["drop_last"], c["sampler"], c["seed"])
        except (ValueError, TypeError, RuntimeError) as e:
            msg = f"{type(e).__name__}: {e}"
            if "hint:" not in msg:
                msg += _errors.hint_line("see the DataLoader arguments above")
            self.state["error"] = msg
            return self._draw()
        self.state.update(res)
        return self._draw()

    def _draw(self):
        s = self.state
        rows = s["batches"]
        n = s["n"]
        width = max(60 + max([len(b) for b in rows] + [1]) * svg.CELL, 560)
        parts = [svg.text(10, 18, f"DataLoader(n={n}, batch_size={s['batch_size']}, "
                          f"shuffle={s['shuffle']}, drop_last={s['drop_last']}, "
                          f"sampler={s['sampler']})", size=13, weight="bold")]
        y = 40
        for k, b in enumerate(rows):
            parts.append(svg.text(10, y + 20, f"batch {k}", size=11))
            colours = {(0, j): svg.heat_colour(i + 1, n) for j, i in enumerate(b)}
            parts += svg.grid(np.asarray([b]), 62, y, fills=colours)
            y += svg.CELL + 4
        y += 20
        if s["error"]:
            for line in s["error"].splitlines():
                parts.append(svg.text(10, y, line, size=12, colour="#c00000"))
                y += 18
        elif s["unused"]:
            parts.append(svg.text(10, y, f"never yielded this epoch: {s['unused']}",
                                  size=12, colour="#a04000"))
            y += 18
        return svg.svg_open(width, y + 8, "DataLoaderView") + "".join(parts) + "</svg>"

    def _summary(self):
        s = self.state
        return (f"n={s.get('n')}, batch_size={s.get('batch_size')}, "
                f"shuffle={s.get('shuffle')}, drop_last={s.get('drop_last')}, "
                f"sampler={s.get('sampler')!r}, batches={s.get('n_batches')}")
