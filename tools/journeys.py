"""Measure the reading paths: which teachtorch functions a few lines of code run.

    python tools/journeys.py             # functions and files per journey
    python tools/journeys.py --list      # ... and which ones, file by file
    python tools/journeys.py --json      # the same as JSON (tests/test_journeys.py)

A journey is what a learner steps through with a debugger: a line or two of code,
its set-up excluded. Each journey runs once to warm up (lazy imports, caches), then
again under ``sys.settrace``, which records every function of the teachtorch package
whose frame starts (comprehensions and generator expressions are left out: they are
lines of their function, not functions to read). Targets, from issue 12: each path
under 30 functions in at most 6 files; conv forward and backward (in
``reference_mode()``) under 40 in at most 8.
"""
import argparse
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import teachtorch as torch

PACKAGE = str(pathlib.Path(torch.__file__).resolve().parent)


def mul_sum_backward():
    x = torch.randn(3, requires_grad=True)
    w = torch.randn(3, requires_grad=True)

    def run():
        y = (x * w).sum()
        y.backward()
    return run


def conv2d_reference():
    conv = torch.nn.Conv2d(1, 10, 5)
    x = torch.randn(1, 1, 28, 28)
    g = torch.ones(1, 10, 24, 24)

    def run():
        with torch.reference_mode():
            out = conv(x)
            out.backward(g)
    return run


def view_stride():
    x = torch.arange(16.0)

    def run():
        v = x.view(2, 8)
        v.stride()
    return run


# name: (set-up returning the journey, code shown, most functions, most files)
JOURNEYS = {
    "mul_sum_backward": (mul_sum_backward, "y = (x * w).sum(); y.backward()", 30, 6),
    "conv2d_reference": (conv2d_reference, ("with torch.reference_mode(): "
                                            "nn.Conv2d(1, 10, 5)(x).backward(g)"), 40, 8),
    "view_stride": (view_stride, "x.view(2, 8).stride()", 30, 6),
}


def trace(run):
    """The teachtorch functions run() calls: [(file, qualified name)] in first-call
    order."""
    seen = {}

    def tracer(frame, event, arg):  # returns None: calls only, no line events
        code = frame.f_code
        if code.co_filename.startswith(PACKAGE) and not code.co_name.startswith("<"):
            path = pathlib.Path(code.co_filename).relative_to(PACKAGE).as_posix()
            seen.setdefault((f"teachtorch/{path}", code.co_qualname), None)

    sys.settrace(tracer)
    try:
        run()
    finally:
        sys.settrace(None)
    return list(seen)


def measure(name):
    setup, code, max_functions, max_files = JOURNEYS[name]
    setup()()                      # warm up: lazy imports and caches settle
    called = trace(setup())
    files = list(dict.fromkeys(f for f, _ in called))
    return {"journey": name, "code": code, "functions": len(called),
            "files": len(files), "max_functions": max_functions - 1,
            "max_files": max_files,
            "within": len(called) < max_functions and len(files) <= max_files,
            "called": [f"{f}: {q}" for f, q in called]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=list(JOURNEYS))
    parser.add_argument("--list", action="store_true", help="name every function")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    results = [measure(n) for n in args.names]
    if args.json:
        print(json.dumps(results, indent=1))
        return
    for r in results:
        mark = "ok" if r["within"] else "OVER"
        print(f"{r['journey']:18} {r['functions']:3} functions in {r['files']:2} files "
              f"(target < {r['max_functions'] + 1} in <= {r['max_files']}) {mark}"
              f"   {r['code']}")
        if args.list:
            by_file = {}
            for entry in r["called"]:
                path, qualname = entry.split(": ")
                by_file.setdefault(path, []).append(qualname)
            for path, names in by_file.items():
                print(f"    {path} ({len(names)}): {', '.join(names)}")


if __name__ == "__main__":
    main()
