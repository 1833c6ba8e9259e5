"""Training curves as SVG text (what TrainingMonitor draws): one chart of lines.

Pure: a dict of series in, an SVG string out.
"""
import numpy as np

from teachtorch.viz import svg

COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b")


def smooth(values, weight):
    """Exponential moving average, as TensorBoard's smoothing slider.

    Math: s_0 = v_0;  s_t = w * s_{t-1} + (1 - w) * v_t
    """
    out, last = [], None
    for v in values:
        last = v if last is None or not np.isfinite(last) else \
            weight * last + (1 - weight) * v
        out.append(last)
    return out


def line_chart(series, steps=None, width=460, height=220, log_y=False,
               smoothing=0.0, title=""):
    """SVG for a few named series (lists of numbers) sharing an x axis of steps."""
    left, top, right, bottom = 56, 26, 12, 30
    pw, ph = width - left - right, height - top - bottom
    parts = [svg.text(left, 16, title, size=13, weight="bold")] if title else []
    parts.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" '
                 'fill="#fbfbfb" stroke="#bbbbbb"/>')
    vals = {k: np.asarray(smooth(v, smoothing), dtype=np.float64)
            for k, v in series.items() if len(v)}
    finite = [a[np.isfinite(a)] for a in vals.values()]
    finite = np.concatenate(finite) if finite else np.array([])
    if log_y:
        finite = finite[finite > 0]
    if finite.size == 0:
        parts.append(svg.text(left + 10, top + ph / 2, "no data yet", size=12,
                              colour="#888888"))
        return svg.svg_open(width, height) + "".join(parts) + "</svg>"
    n = max(len(a) for a in vals.values())
    xs = np.asarray(steps[:n] if steps is not None else range(n), dtype=np.float64)
    lo, hi = float(finite.min()), float(finite.max())
    if log_y:
        lo, hi = np.log10(lo), np.log10(hi)
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    x_lo, x_hi = float(xs[0]), float(xs[-1]) if len(xs) > 1 else float(xs[0]) + 1

    def px(x):
        return left + (x - x_lo) / max(x_hi - x_lo, 1e-12) * pw

    def py(v):
        v = np.log10(v) if log_y else v
        return top + (hi - v) / (hi - lo) * ph
    for i, (name, a) in enumerate(vals.items()):
        colour = COLOURS[i % len(COLOURS)]
        ok = np.isfinite(a) & ((a > 0) if log_y else True)
        pts = " ".join(f"{px(x):.1f},{py(v):.1f}" for x, v, good in
                       zip(xs[:len(a)], a, ok) if good)
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" '
                     'stroke-width="1.8"/>')
        parts.append(svg.text(left + 8 + 110 * i, top + 14, f"{name} {a[-1]:.4g}",
                              size=11, colour=colour))
    for v, y in ((hi, top + 4), (lo, top + ph)):
        label = f"{10 ** v:.3g}" if log_y else f"{v:.3g}"
        parts.append(svg.text(4, y, label, size=10, colour="#555555"))
    parts.append(svg.text(left, height - 8, f"step {x_lo:g}", size=10, colour="#555555"))
    parts.append(svg.text(left + pw - 60, height - 8, f"step {x_hi:g}", size=10,
                          colour="#555555"))
    return svg.svg_open(width, height) + "".join(parts) + "</svg>"
