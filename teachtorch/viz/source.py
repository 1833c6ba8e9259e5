"""The source of a teachtorch object as data: its lines, file, line numbers, its
methods, its reference implementation, highlighted HTML (what SourceView shows).

``source_model(nn.Conv2d)`` returns plain data: the file relative to the install
(``teachtorch/nn/modules/conv.py``), the first and last line numbers as ``inspect``
reports them, the lines themselves and the chapters that open them.
``source_html(model)`` turns it into HTML with line numbers and colours (Pygments when
it is installed, a small highlighter of our own otherwise). Nothing here draws.

The model behind widgets.SourceView, which the chapters use to open the code they teach.
"""
import html
import inspect
import keyword
import os
import re
from pathlib import Path

import teachtorch
from teachtorch._errors import hint
from teachtorch.reference import reference_of
from teachtorch.viz.chapter_links import chapters_pointing_to

PACKAGE_DIR = Path(teachtorch.__file__).resolve().parent
LINE_MARK = "#fff2a8"  # background of a marked line


def resolve(obj):
    """The function, class or module whose source stands for ``obj``.

    A bound method gives its function, a staticmethod/classmethod/property what it
    wraps, a grad_fn node (``y.grad_fn``, ``MulBackward0``) its op's Function class,
    any other instance its class.
    """
    if isinstance(obj, (staticmethod, classmethod)):
        obj = obj.__func__
    if isinstance(obj, property):
        obj = obj.fget
    if inspect.ismethod(obj):
        obj = obj.__func__
    if not (inspect.isfunction(obj) or inspect.isclass(obj) or inspect.ismodule(obj)):
        if inspect.isbuiltin(obj) or inspect.isroutine(obj):
            raise TypeError(_no_source(obj, "it is built into Python or NumPy (written "
                                       "in C)"))
        obj = type(obj)
    forward_cls = getattr(obj, "_forward_cls", None)
    if inspect.isclass(obj) and forward_cls is not None:
        obj = forward_cls  # MulBackward0 is made by FunctionMeta; Mul holds the code
    return obj


def _no_source(obj, why):
    name = getattr(obj, "__qualname__", None) or type(obj).__name__
    return hint(f"could not get the source of {name}: {why}",
                "pass a teachtorch function, class or method, e.g. nn.Linear, "
                "nn.Linear.forward or F.conv2d")


def display_name(obj):
    """'teachtorch.nn.modules.conv.Conv2d', or the qualified name alone elsewhere."""
    if inspect.ismodule(obj):
        return obj.__name__
    module = getattr(obj, "__module__", None) or ""
    qual = obj.__qualname__
    return f"{module}.{qual}" if module and module != "__main__" else qual


def short_name(obj):
    """'Conv2d', 'Linear.forward', or a module's dotted name."""
    return obj.__name__ if inspect.ismodule(obj) else obj.__qualname__


def display_file(path):
    """A file as the learner should read it: relative to the install for teachtorch,
    '(this notebook)' for code typed in a notebook cell, else the file's own name."""
    if not path:
        return "(unknown file)"
    if path.startswith("<") or "ipykernel_" in path:
        return "(this notebook)"
    p = Path(path).resolve()
    try:
        return (Path("teachtorch") / p.relative_to(PACKAGE_DIR)).as_posix()
    except ValueError:
        return p.name


def members(cls):
    """(name, function) for the methods written in ``cls``'s own body, in order."""
    if not inspect.isclass(cls):
        return []
    out = []
    prefix = cls.__qualname__ + "."
    for name, value in vars(cls).items():
        if name == "__reference__":
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        elif isinstance(value, property):
            value = value.fget
        if inspect.isfunction(value) and value.__qualname__.startswith(prefix):
            out.append((name, value))
    return out


def member_names(obj):
    """The names of the methods written in ``obj``'s own body ([] for a function)."""
    return [name for name, _ in members(obj)]


def source_model(obj, member=None):
    """Plain data about the source of ``obj`` (or of its method ``member``).

    Returns {"name", "file", "path", "first_line", "last_line", "lines", "members",
    "chapters"}; line numbers are the file's, exactly as inspect.getsourcelines
    gives them.
    """
    target = resolve(obj)
    owner = target
    if member:
        found = dict(members(target))
        if member not in found:
            raise ValueError(hint(f"{display_name(target)} has no method {member!r}",
                                  "pick one of " + ", ".join(found) if found else
                                  "it has no methods of its own"))
        target = found[member]
    try:
        inner = inspect.unwrap(target)  # the code under decorators (e.g. SGD.step)
        lines, first = inspect.getsourcelines(inner)
        path = inspect.getsourcefile(inner) or inspect.getfile(inner)
    except (OSError, TypeError) as e:
        raise TypeError(_no_source(target, str(e))) from None
    first = max(first, 1)  # a whole module starts at line 0 for inspect
    lines = [ln.rstrip("\n") for ln in lines]
    name = display_name(target)
    info = {"name": name, "file": display_file(path), "path": path,
            "first_line": first, "last_line": first + len(lines) - 1,
            "lines": lines, "members": [m for m, _ in members(owner)]}
    qual = "" if inspect.ismodule(target) else target.__qualname__
    info["chapters"] = chapters_pointing_to(info["file"], _module_of(target), qual)
    return info


def _module_of(obj):
    return obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", "")


def reference_name(obj):
    """The display name of obj's reference implementation, or None."""
    ref = reference_of(obj)
    if ref is None:
        return None
    return display_name(resolve(ref))


# ----- highlighting -------------------------------------------------------------
def _pygments():
    try:
        import pygments.lexers
        import pygments.styles
    except ImportError:
        return None
    return pygments


def highlight(lines, use_pygments=None):
    """One HTML string per source line, coloured; never a tag across two lines."""
    pyg = _pygments() if use_pygments in (None, True) else None
    if pyg is not None:
        return _highlight_pygments(pyg, lines)
    return _highlight_simple(lines)


def _span(text, style):
    text = html.escape(text, quote=False)
    return f'<span style="{style}">{text}</span>' if style and text else text


def _highlight_pygments(pyg, lines):
    lexer = pyg.lexers.PythonLexer(stripnl=False, stripall=False, ensurenl=True)
    style = pyg.styles.get_style_by_name("default")
    out, current = [], []
    for ttype, value in lexer.get_tokens("\n".join(lines) + "\n"):
        s = style.style_for_token(ttype)
        css = ";".join(([f"color:#{s['color']}"] if s["color"] else [])
                       + (["font-weight:bold"] if s["bold"] else [])
                       + (["font-style:italic"] if s["italic"] else []))
        pieces = value.split("\n")
        for i, piece in enumerate(pieces):
            if i:
                out.append("".join(current))
                current = []
            current.append(_span(piece, css))
    if current and "".join(current):
        out.append("".join(current))
    return out[:len(lines)] + [""] * (len(lines) - len(out))


_TOKEN = re.compile(r"(#.*$)|('''|\"\"\")|('[^'\\]*(?:\\.[^'\\]*)*'|"
                    r"\"[^\"\\]*(?:\\.[^\"\\]*)*\")|\b(\d+(?:\.\d*)?(?:e-?\d+)?)\b|"
                    r"\b([A-Za-z_]\w*)\b")
_COLOURS = {"comment": "color:#3d7b7b;font-style:italic", "string": "color:#ba2121",
            "number": "color:#666666", "keyword": "color:#008000;font-weight:bold",
            "builtin": "color:#008000", "name": "color:#0000ff"}


def _highlight_simple(lines):
    """Comments, strings (also triple-quoted over several lines), numbers, keywords,
    builtins and the names after def/class: enough colour to read by."""
    out, quote = [], None
    for line in lines:
        parts, pos, after_def = [], 0, False
        if quote:
            end = line.find(quote)
            if end < 0:
                out.append(_span(line, _COLOURS["string"]))
                continue
            parts.append(_span(line[:end + 3], _COLOURS["string"]))
            pos, quote = end + 3, None
        while pos < len(line):
            m = _TOKEN.search(line, pos)
            if m is None:
                parts.append(html.escape(line[pos:], quote=False))
                break
            parts.append(html.escape(line[pos:m.start()], quote=False))
            comment, triple, string, number, word = m.groups()
            if triple:
                end = line.find(triple, m.end())
                if end < 0:
                    parts.append(_span(line[m.start():], _COLOURS["string"]))
                    quote = triple
                    break
                parts.append(_span(line[m.start():end + 3], _COLOURS["string"]))
                pos = end + 3
                continue
            kind = ("comment" if comment else "string" if string else "number"
                    if number else None)
            if word:
                kind = ("keyword" if keyword.iskeyword(word) else "name" if after_def
                        else "builtin" if word in _BUILTINS else None)
                after_def = word in ("def", "class")
            parts.append(_span(m.group(0), _COLOURS.get(kind)))
            pos = m.end()
        out.append("".join(parts))
    return out


_BUILTINS = frozenset(("len", "range", "print", "isinstance", "tuple", "list", "dict",
                       "int", "float", "str", "bool", "zip", "enumerate", "super",
                       "max", "min", "sum", "abs", "type", "getattr", "setattr",
                       "None", "True", "False", "self"))


def source_html(model, marked=(), use_pygments=None):
    """HTML of a source_model: the file and lines as a header, then numbered lines.

    ``marked``: line numbers (the file's) to light up.
    """
    coloured = highlight(model["lines"], use_pygments)
    width = len(str(model["last_line"]))
    rows = []
    for i, text in enumerate(coloured):
        n = model["first_line"] + i
        number = (f'<span style="color:#999999;user-select:none">'
                  f"{n:>{width}}  </span>")
        bg = f"background:{LINE_MARK};" if n in marked else ""
        rows.append(f'<div style="{bg}white-space:pre">{number}{text or " "}</div>')
    head = (f'<div style="font-size:12px;color:#555555"><b>{html.escape(model["name"])}'
            f'</b> in {html.escape(model["file"])}, lines {model["first_line"]}-'
            f'{model["last_line"]}</div>')
    return (f'<div class="teachtorch-source" style="font-family:monospace;'
            f'font-size:12px;line-height:1.35">{head}<div style="border:1px solid '
            f'#dddddd;padding:4px;overflow:auto">{"".join(rows)}</div></div>')


def chapter_links_html(chapters, here=None):
    """'Opened in: <a href=...>04_autograd</a>, ...' (links relative to ``here``)."""
    if not chapters:
        return ""
    here = here or os.getcwd()
    links = []
    for c in chapters:
        href = Path(os.path.relpath(c["path"], here)).as_posix()
        links.append(f'<a href="{html.escape(href)}" target="_blank">'
                     f'{html.escape(c["title"])}</a>')
    return ('<div style="font-size:12px">opened in: ' + ", ".join(links) + "</div>")
