"""No NumPy error or warning reaches a learner.

1. Every op of the op table (tests/op_specs.py) on awkward values (nan, inf, 0, huge,
   negative, empty), forward and backward: no NumPy RuntimeWarning gets out, and an
   error, if any, is not NumPy's (raised inside NumPy, or in NumPy's words).
2. Every fuzz case (tests/fuzz) run on teachtorch: the same two rules.
"""
import os
import sys
import traceback
import warnings

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))
from op_specs import all_specs

import teachtorch
from tests.fuzz.known import KNOWN
from tests.fuzz.runner import _NUMPY_TEXTS, _run_lib, load_cases

AWKWARD = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30, -2.5, 1e-40,
                    3.0, -1.0, 0.5], dtype=np.float32)


def _numpy_error(e):
    """The text of e when it came from NumPy (raised inside it, or in its words)."""
    frames = traceback.extract_tb(e.__traceback__)
    inside = bool(frames) and "/numpy/" in frames[-1].filename
    text = str(e)
    if inside or any(t in text for t in _NUMPY_TEXTS):
        return f"{type(e).__name__}: {text}"
    return None


def _inputs(spec, rng):
    if spec.fixed_shapes is not None:
        shapes = list(spec.fixed_shapes)
    else:
        shapes = [(3, 4)] * spec.nargs
    arrays = []
    for s in shapes:
        arrays.append(rng.choice(AWKWARD, size=s).astype(np.float32))
    return arrays


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.name)
def test_op_table_on_awkward_values_leaks_nothing_from_numpy(spec):
    rng = np.random.default_rng(0)
    leaks = []
    for trial in range(3):
        arrays = _inputs(spec, rng) if trial < 2 else [
            np.zeros((0,) + a.shape[1:], np.float32) for a in _inputs(spec, rng)]
        xs = [teachtorch.tensor(a, requires_grad=spec.grad) for a in arrays]
        with warnings.catch_warnings(record=True) as caught:
            # pytest drops filters made while it collects (the import); put it back
            teachtorch._checks.quiet_numpy_float_warnings()
            warnings.simplefilter("always", append=True)
            try:
                y = spec.fn(teachtorch, *xs)
                if spec.grad and getattr(y, "requires_grad", False):
                    y.sum().backward()
            except Exception as e:  # noqa: BLE001 - only NumPy's errors fail the test
                text = _numpy_error(e)
                if text:
                    leaks.append(text)
        leaks += [f"{w.category.__name__}: {w.message}" for w in caught
                  if "/numpy/" in w.filename or "encountered in" in str(w.message)
                  or "slice" in str(w.message)]
    assert not leaks, f"{spec.name}: {leaks}"


# fuzz cases whose NumPy error is still there (listed with reasons in known.py)
def test_fuzz_cases_leak_nothing_from_numpy():
    cases = [(k, n, c) for k, rows in load_cases().items() for n, c in rows]
    records = _run_lib("teachtorch", [c for _, _, c in cases])
    leaks = []
    for (kind, name, _), rec in zip(cases, records):
        if name in KNOWN:
            continue
        err = rec.get("error")
        if err and (err[2] or any(t in err[1] for t in _NUMPY_TEXTS)):
            leaks.append(f"[{kind}] {name}: {err[0]}: {err[1].splitlines()[0]}")
        for cat, msg, from_numpy in rec.get("warnings", []):
            if from_numpy or "encountered in" in msg:
                leaks.append(f"[{kind}] {name}: {cat}: {msg}")
    assert not leaks, f"{len(leaks)} cases let NumPy out:\n" + "\n".join(leaks)
