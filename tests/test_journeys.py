"""The reading paths stay short (tools/journeys.py; numbers in DEVELOPING.md)."""
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def journeys():
    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "journeys.py"), "--json",
         "mul_sum_backward", "view_stride", "conv2d_reference"],
        capture_output=True, text=True, check=True, cwd=ROOT)
    return {r["journey"]: r for r in json.loads(out.stdout)}


def files_of(result):
    return {entry.split(": ")[0] for entry in result["called"]}


def test_view_and_stride_path_is_within_target(journeys):
    r = journeys["view_stride"]
    assert r["functions"] < 30 and r["files"] <= 6, r["called"]
    assert "teachtorch/ops/views.py: View.forward" in r["called"]


def test_the_autograd_core_of_a_backward_is_short(journeys):
    """Function.apply and the engine: 16 functions in function.py and engine.py
    carry x * w, .sum() and backward(); nothing else of autograd/ runs."""
    r = journeys["mul_sum_backward"]
    core = [c for c in r["called"] if c.startswith("teachtorch/autograd/")]
    assert len(core) <= 16, core
    assert {c.split(": ")[0] for c in core} == {
        "teachtorch/autograd/function.py", "teachtorch/autograd/engine.py"}
    for idea in ("Function.apply", "_connect", "backward_steps", "_call_node",
                 "_accumulate", "Mul.forward", "Mul.backward", "Sum.backward",
                 "Tensor.backward"):
        assert any(c.endswith(": " + idea) for c in r["called"]), idea


def test_mul_sum_backward_path_is_within_target(journeys):
    r = journeys["mul_sum_backward"]
    assert r["functions"] < 30 and r["files"] <= 6, r["called"]


def test_sum_spreads_its_gradient_back_with_one_op(journeys):
    """Sum.backward broadcasts with ExpandBack, not through expand's view plumbing."""
    r = journeys["mul_sum_backward"]
    assert "teachtorch/ops/reduce.py: ExpandBack.forward" in r["called"]
    assert not files_of(r) & {"teachtorch/ops/views.py", "teachtorch/storage.py",
                              "teachtorch/tensor_shape.py"}, r["called"]


def test_the_conv_reference_runs_on_arrays_with_no_context_managers_on_the_cpu(
        journeys):
    """ConvolutionReference is a ``_raw`` Function: its forward is NumPy on the
    arrays (no Tensor op layers on the path), and with no GPU about Function.apply
    makes no device current and switches no grad mode."""
    r = journeys["conv2d_reference"]
    for idea in ("ConvolutionReference.forward", "ConvolutionReference.backward",
                 "Correlation.forward"):
        assert "teachtorch/ops/conv.py: " + idea in r["called"], idea
    assert not files_of(r) & {"teachtorch/autograd/grad_mode.py",
                              "teachtorch/ops/views.py", "teachtorch/ops/index.py",
                              "teachtorch/ops/linalg.py", "teachtorch/_api_gaps.py"}, \
        r["called"]
    assert not any("device_guard" in c for c in r["called"]), r["called"]


def test_conv2d_reference_path_is_within_target(journeys):
    r = journeys["conv2d_reference"]
    assert r["functions"] < 40 and r["files"] <= 8, r["called"]


@pytest.mark.parametrize("reduce", [
    lambda x: x.sum() ** 2,
    lambda x: (x.sum(1) ** 2).sum(),
    lambda x: (x.sum((0, 2), keepdim=True) ** 2).sum(),
    lambda x: (x.var(keepdim=True) ** 2).sum(),
], ids=["all", "dim", "dims-keepdim", "var-keepdim"])
def test_expand_back_keeps_second_derivatives_as_in_torch(reduce):
    """The shortened path still differentiates twice, with PyTorch's node name."""
    import torch

    import teachtorch

    results = []
    for lib in (torch, teachtorch):
        x = lib.arange(1.0, 25.0, dtype=lib.float64).reshape(2, 3, 4).requires_grad_()
        (g,) = lib.autograd.grad(reduce(x), x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        results.append((type(g.grad_fn).__name__, g.tolist(), gg.tolist()))
    assert results[0][0] == results[1][0]
    np.testing.assert_allclose(results[1][1], results[0][1])
    np.testing.assert_allclose(results[1][2], results[0][2])
