"""Run the fuzz cases on both libraries and compare them, case by case.

A case matches when both libraries return the same value (floats with allclose), or
both raise the same exception type whose first message line is PyTorch's (teachtorch
may add a ``hint:`` line after it). A case that hangs or crashes its worker fails, and
so does one where teachtorch lets a NumPy error or RuntimeWarning out.
"""
import importlib
import json
import math
import os
import select
import subprocess
import sys
import tempfile
import time

KINDS = ("tensors", "indexing", "autograd", "nn", "losses", "optim", "data",
         "numerics", "serialization")
CASE_TIMEOUT = 20.0  # seconds for one case, load on the machine included
# phrases of NumPy's (and Python's) own errors and warnings, never PyTorch's
_NUMPY_TEXTS = ("operands could not be broadcast", "out of bounds for axis",
                "array of dimension", "zero-size array", "attempt to get arg",
                "repeated axis", "negative dimensions are not allowed",
                "cannot reshape array", "encountered in", "ufunc", "numpy boolean",
                "larger sample than population", "Probabilities", "could not broadcast",
                "index can't contain negative", "integer argument expected",
                "cannot be interpreted as an integer", "Mean of empty slice",
                "Degrees of freedom", "is out of bounds for array")


def load_cases():
    """{kind: [(name, code), ...]} from tests/fuzz/cases_<kind>.py."""
    out = {}
    for kind in KINDS:
        mod = importlib.import_module(f"{__package__}.cases_{kind}")
        out[kind] = list(mod.CASES)
    return out


def _run_lib(lib, codes):
    """Records for every code, in order; a dead or silent worker is restarted."""
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump(codes, f)
    env = dict(os.environ, PYTHONWARNINGS="default")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    worker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "worker.py")
    records, i = [], 0
    try:
        while i < len(codes):
            proc = subprocess.Popen(
                [sys.executable, worker, lib, path, str(i)], stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=env)
            buf, deadline = b"", time.monotonic() + CASE_TIMEOUT + 10  # + import
            while i < len(codes):
                wait = deadline - time.monotonic()
                ready = select.select([proc.stdout], [], [], max(wait, 0))[0]
                if not ready:
                    records.append({"i": i, "crash": "hang"})
                    break
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    records.append({"i": i, "crash": f"exit {proc.wait()}"})
                    break
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    records.append(json.loads(line))
                    i += 1
                    deadline = time.monotonic() + CASE_TIMEOUT
            proc.kill()
            proc.wait()
            proc.stdout.close()
            i = len(records)
    finally:
        os.unlink(path)
    return records


def _close(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, int) and isinstance(
            b, int):
        return a == b and type(a) is type(b)
    return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-6)


def same_value(a, b):
    if a.get("t") != b.get("t"):
        return False
    if a["t"] == "tensor":
        keys = ("dtype", "shape", "rg")
        return all(a[k] == b[k] for k in keys) and len(a["values"]) == len(
            b["values"]) and all(_close(x, y) for x, y in zip(a["values"], b["values"]))
    if a["t"] in ("list", "tuple", "dict"):
        va, vb = a["v"], b["v"]
        if len(va) != len(vb):
            return False
        if a["t"] == "dict":
            return all(ka == kb and same_value(x, y) for (ka, x), (kb, y) in zip(va, vb))
        return all(same_value(x, y) for x, y in zip(va, vb))
    if a["t"] == "float":
        return _close(a["v"], b["v"])
    return a.get("v") == b.get("v")


def _first_line(msg):
    return msg.split("\nhint:")[0].split("\n")[0].strip()


def compare(theirs, ours):
    """None when the case matches, else (category, detail)."""
    if "crash" in theirs:
        return "bad case", f"torch: {theirs['crash']}"
    if "crash" in ours:
        return "crash", ours["crash"]
    leaked = [w for w in ours.get("warnings", []) if w[2] or any(
        t in w[1] for t in _NUMPY_TEXTS)]
    if leaked and not any(w[2] for w in theirs.get("warnings", [])):
        return "numpy warning", f"{leaked[0][0]}: {leaked[0][1]}"
    te, oe = theirs.get("error"), ours.get("error")
    if te and not oe:
        return "silent", f"torch raises {te[0]}: {_first_line(te[1])}"
    if oe and not te:
        return "spurious", f"teachtorch raises {oe[0]}: {_first_line(oe[1])}"
    if te and oe:
        numpy = oe[2] or any(t in oe[1] for t in _NUMPY_TEXTS)
        if te[0] != oe[0]:
            cat = "numpy error" if numpy else "type"
            return cat, (f"torch {te[0]}: {_first_line(te[1])} | ours {oe[0]}: "
                         f"{_first_line(oe[1])}")
        if _first_line(te[1]) != _first_line(oe[1]):
            cat = "numpy error" if numpy else "message"
            return cat, f"torch: {_first_line(te[1])} | ours: {_first_line(oe[1])}"
        return None
    if not same_value(theirs["value"], ours["value"]):
        return "value", f"torch {_short(theirs['value'])} | ours {_short(ours['value'])}"
    return None


def _short(v):
    text = json.dumps(v)
    return text if len(text) < 200 else text[:200] + "..."


def run_kind(kind, cases):
    """[(name, code, mismatch-or-None)] for one kind."""
    codes = [code for _, code in cases]
    theirs = _run_lib("torch", codes)
    ours = _run_lib("teachtorch", codes)
    return [(name, code, compare(t, o)) for (name, code), t, o in
            zip(cases, theirs, ours)]


def run_all(kinds=None):
    """{kind: [(name, code, mismatch-or-None)]}, every kind unless named."""
    cases = load_cases()
    return {k: run_kind(k, cases[k]) for k in (kinds or KINDS)}


def summary(results):
    """Text: cases, matches and mismatches by kind and by category."""
    lines, total, ok = [], 0, 0
    cats = {}
    for kind, rows in results.items():
        good = sum(r[2] is None for r in rows)
        total, ok = total + len(rows), ok + good
        lines.append(f"{kind:14s} {good:4d} / {len(rows):4d} match")
        for _, _, m in rows:
            if m is not None:
                cats[m[0]] = cats.get(m[0], 0) + 1
    lines.append(f"{'all':14s} {ok:4d} / {total:4d} match")
    for cat, n in sorted(cats.items()):
        lines.append(f"  mismatch {cat}: {n}")
    return "\n".join(lines)


def mismatches(results):
    return [(kind, name, code, m) for kind, rows in results.items()
            for name, code, m in rows if m is not None]
