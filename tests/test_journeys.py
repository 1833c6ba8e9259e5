"""The reading paths stay short (tools/journeys.py; numbers in DEVELOPING.md)."""
import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def journeys():
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "journeys.py"), "--json",
         "mul_sum_backward", "view_stride"],
        capture_output=True, text=True, check=True, cwd=ROOT)
    return {r["journey"]: r for r in json.loads(out.stdout)}


def files_of(result):
    return {entry.split(": ")[0] for entry in result["called"]}


def test_view_and_stride_path_is_within_target(journeys):
    r = journeys["view_stride"]
    assert r["functions"] < 30 and r["files"] <= 6, r["called"]
    assert "teachtorch/ops/views.py: View.forward" in r["called"]


def test_the_autograd_core_of_a_backward_is_short(journeys):
    """Function.apply and the engine: 18 functions in function.py and engine.py
    carry x * w, .sum() and backward(); nothing else of autograd/ runs."""
    r = journeys["mul_sum_backward"]
    core = [c for c in r["called"] if c.startswith("teachtorch/autograd/")]
    assert len(core) <= 18, core
    assert {c.split(": ")[0] for c in core} == {
        "teachtorch/autograd/function.py", "teachtorch/autograd/engine.py"}
    for idea in ("Function.apply", "_connect", "backward_steps", "_call_node",
                 "_accumulate", "Mul.forward", "Mul.backward", "Sum.backward",
                 "Tensor.backward"):
        assert any(c.endswith(": " + idea) for c in r["called"]), idea


@pytest.mark.xfail(strict=True, reason=(
    "op side, outside autograd/: Sum.backward's expand goes through tensor_shape.py, "
    "ops/views.py and storage.py (9 functions), plus arith._plain, "
    "reduce.dim_or_axis and reduce.array_of; see DEVELOPING.md, 'Reading paths'"))
def test_mul_sum_backward_path_is_within_target(journeys):
    r = journeys["mul_sum_backward"]
    assert r["functions"] < 30 and r["files"] <= 6, r["called"]
