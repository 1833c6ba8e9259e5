"""Run fuzz cases in one library and print one JSON line per case.

Usage: python worker.py LIB CASES_JSON START. LIB is "torch" or "teachtorch". A case's
result is the value of its last line when that line is an expression, else ``out``.
"""
import io
import json
import math
import os
import re
import sys
import tempfile
import traceback
import warnings

_ADDR = re.compile(r"0x[0-9a-fA-F]+")
_NUMPY_TEXTS = ("operands could not be broadcast", "is out of bounds for axis",
                "is out of bounds for array", "axis ", "numpy", "ndarray",
                "encountered in", "Mean of empty slice", "Degrees of freedom")


def _clean(text):
    text = _ADDR.sub("0x?", str(text))
    return text.replace("teachtorch", "torch")


def _number(x):
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return repr(x)
    return x


def _norm(torch, v, depth=0):
    """A JSON-able description of a result, the same shape for both libraries."""
    if depth > 6:
        return {"t": "deep"}
    if isinstance(v, torch.Tensor):
        d = {"t": "tensor", "dtype": str(v.dtype), "shape": list(v.shape),
             "rg": bool(v.requires_grad)}
        a = v.detach().cpu()
        if a.numel() <= 4096:
            vals = a.reshape(-1).tolist()
            d["values"] = [_number(float(x)) if isinstance(x, float) else x
                           for x in vals]
        else:
            d["values"] = [_number(float(a.double().sum().item()))]
        return d
    if isinstance(v, torch.Size):
        return {"t": "Size", "v": list(v)}
    if isinstance(v, torch.dtype):
        return {"t": "dtype", "v": str(v)}
    if isinstance(v, (bool, int, str)) or v is None:
        return {"t": type(v).__name__, "v": _clean(v) if isinstance(v, str) else v}
    if isinstance(v, float):
        return {"t": "float", "v": _number(v)}
    if isinstance(v, (list, tuple)):
        return {"t": type(v).__name__, "v": [_norm(torch, x, depth + 1) for x in v]}
    if isinstance(v, dict):
        return {"t": "dict", "v": [[_clean(repr(k)), _norm(torch, x, depth + 1)]
                                    for k, x in v.items()]}
    if isinstance(v, torch.nn.Module):
        return {"t": "Module", "v": _clean(repr(v))}
    return {"t": type(v).__name__}


def _from_numpy(tb):
    """True when the frame that raised is inside NumPy."""
    frames = traceback.extract_tb(tb)
    return bool(frames) and ("/numpy/" in frames[-1].filename)


def run_case(torch, code, env):
    lines = code.rstrip().split("\n")
    last = lines[-1]
    body, expr = code, None
    try:
        compile(last, "<case>", "eval")
        body, expr = "\n".join(lines[:-1]), last
    except SyntaxError:
        pass
    torch.manual_seed(0)
    ns = dict(env)
    exec(compile(body, "<case>", "exec"), ns)  # noqa: S102 - running cases is the point
    if expr is not None:
        return eval(compile(expr, "<case>", "eval"), ns)
    return ns.get("out")


def main():
    lib, path, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
    # every warning shows, as a learner would see it; set before the import, so the
    # filters a library installs for itself still apply
    warnings.simplefilter("always")
    if lib == "torch":
        import torch
    else:
        import teachtorch as torch
    import numpy as np
    env = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional, "np": np,
           "optim": torch.optim, "DataLoader": torch.utils.data.DataLoader,
           "TensorDataset": torch.utils.data.TensorDataset}
    with open(path) as f:
        cases = json.load(f)
    result_out = os.fdopen(os.dup(1), "w")
    os.chdir(tempfile.mkdtemp(prefix="fuzz_" + lib))
    for i in range(start, len(cases)):
        code = cases[i]
        sys.stdout = io.StringIO()
        rec = {"i": i}
        with warnings.catch_warnings(record=True) as caught:
            try:
                rec["value"] = _norm(torch, run_case(torch, code, env))
            except BaseException as e:
                if isinstance(e, KeyboardInterrupt):
                    raise
                msg = _clean(e.args[0] if len(e.args) == 1 and isinstance(
                    e.args[0], str) else str(e))
                rec["error"] = [type(e).__name__, msg, _from_numpy(e.__traceback__)]
        sys.stdout = sys.__stdout__
        rec["warnings"] = [[w.category.__name__, _clean(str(w.message)).split("\n")[0],
                            "/numpy/" in w.filename] for w in caught]
        result_out.write(json.dumps(rec) + "\n")
        result_out.flush()


if __name__ == "__main__":
    main()
