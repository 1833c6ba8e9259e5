"""What every view shares: controls, state, redraw in place, errors in red, a static
picture for notebooks read without a kernel.

A view is a thin layer over a pure model in ``teachtorch.viz``: ``controls`` is a dict of
ipywidgets (setting ``.value`` is exactly a learner's click), ``state`` a plain dict of
what is shown, ``widget`` the VBox that holds them. Pictures go into an
``ipywidgets.HTML`` (SVG), never through an ``Output`` widget.
"""
import base64
import functools
import warnings

import ipywidgets as W

from teachtorch import _errors
from teachtorch.viz.svg import esc

_DOT_MISSING_SAID = []


@functools.lru_cache(maxsize=256)
def render_dot(dot):
    """SVG text for DOT text, or None when graphviz's ``dot`` program is missing."""
    import graphviz

    try:
        svg = graphviz.Source(dot).pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        if not _DOT_MISSING_SAID:
            _DOT_MISSING_SAID.append(True)
            warnings.warn(_errors.hint("graphviz's `dot` program was not found, so graphs are shown "
                          "as DOT text.", "apt-get install graphviz (or conda "
                          "install graphviz), then restart the kernel."), stacklevel=2)
        return None
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


@functools.lru_cache(maxsize=64)
def render_dot_png(dot):
    """PNG bytes for DOT text (the static picture GitHub shows), or None."""
    import graphviz

    try:
        return graphviz.Source(dot).pipe(format="png")
    except graphviz.ExecutableNotFound:
        return None


def dot_html(dot):
    """HTML for a DOT graph: the SVG, or the DOT text with a note when dot is missing."""
    svg = render_dot(dot)
    if svg is None:
        return ('<div style="color:#a06000">graphviz `dot` not found: showing the DOT '
                f'text</div><pre style="font-size:11px">{esc(dot)}</pre>')
    return svg


def error_html(error):
    if not error:
        return ""
    return ('<div style="color:#c00000;white-space:pre-wrap;font-family:monospace;'
            f'border:1px solid #c00000;padding:4px">{esc(error)}</div>')


class View:
    """Base class: subclasses build ``self.controls`` and write ``_update()`` (which
    fills ``self.state`` and returns the picture's HTML)."""

    title = "view"

    def __init__(self):
        self.state = {"error": None}
        self._picture = W.HTML(layout=W.Layout(overflow="auto"))
        self._error = W.HTML()
        self._text = W.HTML()
        self._busy = False

    def _finish_init(self, rows):
        """Wire every control to a redraw and lay the widget out."""
        for c in self.controls.values():
            if hasattr(c, "observe"):
                c.observe(self._on_change, names="value")
        self.widget = W.VBox(rows + [self._error, self._text, self._picture])
        self.widget.add_class("teachtorch-" + type(self).__name__.lower())
        self.refresh()

    def _on_change(self, change=None):
        if not self._busy:
            self.refresh()

    def refresh(self):
        """Recompute the state and redraw in place. Never raises: errors go to state."""
        try:
            html = self._update()
        except Exception as e:  # noqa: BLE001 - a callback must not raise
            msg = f"{type(e).__name__}: {e}"
            if "hint:" not in msg:
                msg += _errors.hint_line("change the setting back; the view will redraw.")
            self.state["error"] = msg
            html = self.state.get("svg", "")
        self._error.value = error_html(self.state.get("error"))
        self._text.value = self._text_html()
        self._picture.value = html or ""
        self.state["svg"] = html or ""
        return self

    def _text_html(self):
        return ""

    def _set_quietly(self, name, value):
        """Change a control without triggering a redraw (used by play)."""
        self._busy = True
        try:
            self.controls[name].value = value
        finally:
            self._busy = False

    # ----- display ------------------------------------------------------------------
    def _summary(self):
        return ""

    def __repr__(self):
        return f"{type(self).__name__}({self._summary()})"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle = dict(bundle)
        svg = self.state.get("svg", "")
        if svg.lstrip().startswith("<svg"):
            bundle["image/svg+xml"] = svg
        bundle["text/html"] = (error_html(self.state.get("error")) + self._text_html()
                               + svg)
        bundle["text/plain"] = repr(self)
        dot = self.state.get("dot")
        png = render_dot_png(dot) if dot else None
        if png is not None:
            bundle["image/png"] = base64.b64encode(png).decode("ascii")
        return bundle
