"""SourceView: open the code behind a teachtorch name (model: teachtorch.viz.source).

    SourceView(nn.Linear)                     # the class, its file and line numbers
    SourceView(nn.Linear.forward)             # one method
    SourceView(nn.Conv2d, reference=True)     # the readable reference of a fast op

Pick a method of a class from the dropdown; where the op has a reference
implementation, switch between the code that runs by default ("fast") and the
reference written with Tensor operations. The chapters that open the same code are
linked underneath.

The chapters use it to open the code they teach.
"""
import html

import ipywidgets as W

from teachtorch.reference import reference_of
from teachtorch.viz import source as src
from teachtorch.widgets._base import View


class SourceView(View):
    """The highlighted source of a function, class or method, with its file, line
    numbers and the chapters that open it.

    Controls: member (a method of the class, or the whole class), version ("fast":
    the code that runs by default, "reference": the readable reference, when the
    object has one).
    Mirrors: inspect.getsource, shown the way an editor shows it
    """

    def __init__(self, obj, reference=False):
        super().__init__()
        self.obj = src.resolve(obj)
        src.source_model(self.obj)  # fails here, with a hint, if there is no source
        self.reference = reference_of(obj)
        if self.reference is None and obj is not self.obj:
            self.reference = reference_of(self.obj)
        self.asked_reference = bool(reference)
        has_ref = self.reference is not None
        names = src.member_names(self.obj)
        if has_ref:  # e.g. the reference's backward, where the fast class has none
            names += [m for m in src.member_names(src.resolve(self.reference))
                      if m not in names]
        options = [(f"(all of {src.short_name(self.obj)})", "")] + [
            (name, name) for name in names]
        self.controls = {
            "member": W.Dropdown(options=options, value="", description="show",
                                 disabled=len(options) == 1),
            "version": W.ToggleButtons(options=["fast", "reference"],
                                       value="reference" if reference and has_ref
                                       else "fast", disabled=not has_ref,
                                       description="version"),
        }
        self._finish_init([W.HBox([self.controls["member"],
                                   self.controls["version"]])])

    def _note(self, version, member, shown):
        name = src.short_name(self.obj)
        if self.asked_reference and self.reference is None:
            return (f"{name} has no reference implementation registered (no "
                    "__reference__ attribute): the code below is the code that runs.")
        if member and member not in src.member_names(shown):
            which = "the reference " if version == "reference" else ""
            return (f"{which}{src.short_name(shown)} has no method {member!r} of its "
                    "own; showing all of it.")
        if version == "reference":
            return (f"the reference implementation of {name}: it runs inside "
                    "teachtorch.reference_mode(); by default the fast kernel runs.")
        if self.reference is not None:
            return (f"{name} runs a fast kernel by default; switch to 'reference' "
                    "for the readable version.")
        return None

    def _update(self):
        member = self.controls["member"].value
        version = self.controls["version"].value
        shown = self.obj
        if version == "reference" and self.reference is not None:
            shown = src.resolve(self.reference)
        pick = member if member in src.member_names(shown) else None
        model = src.source_model(shown, member=pick)
        self.state = {
            "error": None, "object": model["name"], "member": member,
            "version": version, "has_reference": self.reference is not None,
            "reference": (None if self.reference is None else
                          src.display_name(src.resolve(self.reference))),
            "file": model["file"], "first_line": model["first_line"],
            "last_line": model["last_line"], "lines": model["lines"],
            "members": model["members"],
            "chapters": [c["chapter"] for c in model["chapters"]],
            "note": self._note(version, member, shown),
        }
        self._chapters = model["chapters"]
        return src.source_html(model)

    def _text_html(self):
        s = self.state
        if "file" not in s:
            return ""
        note = (f'<div style="font-size:12px;color:#1060c0">{html.escape(s["note"])}'
                "</div>" if s["note"] else "")
        return note + src.chapter_links_html(self._chapters)

    def _summary(self):
        # no line numbers here: a chapter stores this text, and an edit above the
        # function must not change it (the numbers are in .state and the picture)
        s = self.state
        return f"{s.get('object')} in {s.get('file')}, version={s.get('version')!r}"
