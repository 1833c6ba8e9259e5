"""Tiny SVG writers (text in, text out) for grids, heatmaps and chains of boxes.

The views draw conv windows and gate heatmaps with these; the result is a string, so it
can be tested, stored in a notebook, and shown by GitHub without a kernel.
"""
import numpy as np

CELL = 30


def esc(text):
    """Escape text for SVG/HTML."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def svg_open(width, height, title=""):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
            f' viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif">'
            + (f"<title>{esc(title)}</title>" if title else ""))


def grid(values, x0, y0, fills=None, labels=True, cell=CELL, title="", strokes=None,
         row_offset=0, col_offset=0):
    """SVG elements for a 2-D array drawn as cells (fills: dict (r, c) -> colour).

    ``row_offset``/``col_offset`` shift the data coordinates (e.g. -padding) so that
    fills and strokes use input coordinates.
    """
    values = np.asarray(values)
    fills = fills or {}
    strokes = strokes or {}
    out = []
    if title:
        out.append(f'<text x="{x0}" y="{y0 - 6}" font-size="12">{esc(title)}</text>')
    for r in range(values.shape[0]):
        for c in range(values.shape[1]):
            key = (r + row_offset, c + col_offset)
            fill = fills.get(key, "#ffffff")
            stroke = strokes.get(key, "#999999")
            width = 2.5 if key in strokes else 1
            x, y = x0 + c * cell, y0 + r * cell
            out.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" '
                       f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>')
            if labels:
                v = values[r, c]
                text = "" if isinstance(v, float) and np.isnan(v) else f"{v:g}"
                out.append(f'<text x="{x + cell / 2}" y="{y + cell / 2 + 4}" '
                           f'font-size="11" text-anchor="middle">{esc(text)}</text>')
    return out


def heat_colour(v, vmax):
    """White -> blue for positive, white -> red for negative values."""
    if vmax <= 0 or not np.isfinite(v):
        return "#ffffff"
    a = min(abs(float(v)) / vmax, 1.0)
    lo = round(255 * (1 - a))
    return f"#{lo:02x}{lo:02x}ff" if v >= 0 else f"#ff{lo:02x}{lo:02x}"


def heatmap(values, x0, y0, title="", cell=22, vmax=None, fmt="{:.2f}",
            highlight_col=None, row_names=None, col_names=None):
    """SVG elements for a heatmap of a 2-D array (rows top to bottom)."""
    values = np.asarray(values, dtype=np.float64)
    vmax = float(np.nanmax(np.abs(values))) if vmax is None and values.size else (vmax or 0)
    out = []
    if title:
        out.append(f'<text x="{x0}" y="{y0 - 6}" font-size="12">{esc(title)}</text>')
    left = x0 + (28 if row_names else 0)
    for r in range(values.shape[0]):
        if row_names:
            out.append(f'<text x="{x0}" y="{y0 + r * cell + cell / 2 + 4}" '
                       f'font-size="10">{esc(row_names[r])}</text>')
        for c in range(values.shape[1]):
            v = values[r, c]
            x, y = left + c * cell, y0 + r * cell
            stroke = "#d04000" if c == highlight_col else "#bbbbbb"
            out.append(f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="'
                       f'{heat_colour(v, vmax)}" stroke="{stroke}" stroke-width="'
                       f'{2 if c == highlight_col else 0.5}"><title>'
                       f'{esc(fmt.format(v))}</title></rect>')
    if col_names:
        for c, name in enumerate(col_names):
            out.append(f'<text x="{left + c * cell + cell / 2}" y="'
                       f'{y0 + values.shape[0] * cell + 12}" font-size="9" '
                       f'text-anchor="middle">{esc(name)}</text>')
    return out


def text(x, y, s, size=12, colour="#000000", weight="normal"):
    return (f'<text x="{x}" y="{y}" font-size="{size}" fill="{colour}" '
            f'font-weight="{weight}">{esc(s)}</text>')


def box(x, y, w, h, label, fill="#f0f0f0", stroke="#666666", width=1):
    return (f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{width}"/>'
            f'<text x="{x + w / 2}" y="{y + h / 2 + 4}" font-size="12" '
            f'text-anchor="middle">{esc(label)}</text>')


def arrow(x1, y1, x2, y2, colour="#444444", label=""):
    out = (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{colour}" '
           f'stroke-width="1.5" marker-end="url(#arrow)"/>')
    if label:
        out += (f'<text x="{(x1 + x2) / 2}" y="{(y1 + y2) / 2 - 4}" font-size="9" '
                f'text-anchor="middle" fill="{colour}">{esc(label)}</text>')
    return out


ARROW_DEF = ('<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" '
             'refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#444444"/>'
             '</marker></defs>')
