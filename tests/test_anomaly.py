"""Anomaly mode (autograd/anomaly_mode.py): PyTorch's warnings and errors, word for word."""
import os
import re
import warnings

import pytest
import torch

import teachtorch

LIBS = (teachtorch, torch)
TORCH_DIR = os.path.dirname(torch.__file__) + os.sep
TT_DIR = os.path.dirname(teachtorch.__file__) + os.sep


def messages(records):
    """Warning texts, without the C++ origin PyTorch appends and its own frames."""
    out = []
    for r in records:
        text = re.sub(r" \(Triggered internally at .*\)$", "", str(r.message), flags=re.DOTALL)
        out.append(drop_frames(text, TORCH_DIR))
    return out


def drop_frames(text, package):
    """Remove '  File "<package>...' frames (and their source line) from a traceback."""
    lines = text.split("\n")
    keep, skip = [], False
    for line in lines:
        if line.startswith('  File "'):
            skip = line.startswith(f'  File "{package}')
        elif not line.startswith("    "):
            skip = False
        if not skip:
            keep.append(line)
    return "\n".join(keep)


def run(lib, fn, *args):
    """fn(lib) under warnings capture: (warning texts, (error type, message) or None)."""
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=RuntimeWarning)  # NumPy's 0*inf
        try:
            fn(lib, *args)
            error = None
        except Exception as e:  # noqa: BLE001 - compared with torch's below
            error = (type(e), str(e).split("\nhint:")[0])
    lib.autograd.set_detect_anomaly(False)
    return messages(records), error


def both(fn, *args):
    ours, theirs = [run(lib, fn, *args) for lib in LIBS]  # same line for both stacks
    return ours, theirs


def sqrt_at_zero(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    with lib.autograd.detect_anomaly():
        y = (x.sqrt() * 0).sum()
        y.backward()


def test_detect_anomaly_warns_and_nan_backward_names_node_and_forward_line():
    ours, theirs = both(sqrt_at_zero)
    assert ours == theirs
    warned, (kind, message) = ours
    assert kind is RuntimeError
    assert message == "Function 'SqrtBackward0' returned nan values in its 0th output."
    assert warned[0].startswith("Anomaly Detection has been enabled.")
    assert warned[1].startswith("Error detected in SqrtBackward0. Traceback of forward")
    assert "y = (x.sqrt() * 0).sum()" in warned[1]


def test_the_error_message_has_a_hint():
    x = teachtorch.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with teachtorch.autograd.detect_anomaly():
            y = (x.sqrt() * 0).sum()
            with pytest.raises(RuntimeError, match=r"0th output\.\nhint: ") as info:
                y.backward()
    assert "\nhint:" in str(info.value)


def nan_in_second_input(lib):
    a = lib.tensor([1.0])
    b = lib.tensor([0.0], requires_grad=True)
    lib.autograd.set_detect_anomaly(True)
    (a / b * 0).sum().backward()


def test_the_index_names_the_output_that_has_nan():
    ours, theirs = both(nan_in_second_input)
    assert ours == theirs
    assert ours[1][1] == "Function 'DivBackward0' returned nan values in its 1th output."
    assert len(ours[0]) == 1  # set_detect_anomaly does not warn


def nan_unchecked(lib):
    x = lib.tensor([0.0, 1.0], requires_grad=True)
    with lib.autograd.set_detect_anomaly(True, check_nan=False):
        assert lib.is_anomaly_enabled() and not lib.is_anomaly_check_nan_enabled()
        (x.sqrt() * 0).sum().backward()
    assert not lib.is_anomaly_enabled() and lib.is_anomaly_check_nan_enabled()
    return x.grad


def test_check_nan_false_lets_nan_through():
    ours, theirs = both(nan_unchecked)
    assert ours == theirs == ([], None)
    g = nan_unchecked(teachtorch)
    assert g.isnan().tolist() == [True, False]


def made_outside(lib):
    x = lib.tensor([0.0], requires_grad=True)
    y = (x.sqrt() * 0).sum()
    lib.autograd.set_detect_anomaly(True)
    y.backward()


def test_node_made_with_anomaly_off_has_no_forward_information():
    ours, theirs = both(made_outside)
    assert ours == theirs
    assert "No forward pass information available" in ours[0][0]


class Boom:
    """A custom Function whose backward raises, on either library."""

    @staticmethod
    def make(lib):
        class Fails(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a.clone()

            @staticmethod
            def backward(ctx, g):
                raise ValueError("boom")
        return Fails


def backward_raises(lib):
    fails = Boom.make(lib)
    with lib.autograd.set_detect_anomaly(True):
        x = lib.ones(2, requires_grad=True)
        out = fails.apply(x).sum()
        out.backward()


def test_any_error_in_backward_shows_the_forward_line_then_propagates():
    ours, theirs = both(backward_raises)
    assert ours == theirs
    assert ours[1] == (ValueError, "boom")
    assert ours[0][0].startswith("Error detected in FailsBackward. Traceback")
    assert "out = fails.apply(x).sum()" in ours[0][0]


def double_backward(lib):
    with lib.autograd.set_detect_anomaly(True):
        x = lib.tensor([0.0, 1.0], requires_grad=True)
        y = x.sqrt().sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (g * 0).sum().backward()


def test_a_node_made_during_backward_names_its_parent():
    ours, theirs = both(double_backward)
    assert ours == theirs
    assert ours[1][1] == "Function 'DivBackward0' returned nan values in its 1th output."
    assert ours[0][1].startswith("\n\nPrevious calculation was induced by SqrtBackward0.")
    assert "y = x.sqrt().sum()" in ours[0][1]


def test_forward_stack_skips_teachtorch_frames_and_is_stored_like_torch():
    with teachtorch.autograd.set_detect_anomaly(True):
        layer = teachtorch.nn.Linear(2, 1)
        out = layer(teachtorch.ones(1, 2))
    stack = out.grad_fn.metadata["traceback_"]
    assert isinstance(stack, list) and stack
    assert not any(TT_DIR in frame for frame in stack)
    assert "out = layer(teachtorch.ones(1, 2))" in stack[-1]
    plain = layer(teachtorch.ones(1, 2))          # anomaly off: nothing recorded
    assert "traceback_" not in plain.grad_fn.metadata


def test_state_is_clean_after_an_anomaly_error():
    run(teachtorch, double_backward)
    assert not teachtorch.is_anomaly_enabled()
    assert teachtorch.is_grad_enabled()
    x = teachtorch.tensor([1.0, 4.0], requires_grad=True)
    (g,) = teachtorch.autograd.grad(x.sqrt().sum(), x, create_graph=True)
    assert "parent_" not in g.grad_fn.metadata
    g.sum().backward()
    assert x.grad.tolist() == pytest.approx([-0.25, -1 / 32])  # -x**-1.5 / 4


def test_a_healthy_backward_is_the_same_with_anomaly_on():
    def grads(lib, on):
        with lib.autograd.set_detect_anomaly(on):
            x = lib.tensor([[0.5, -1.0], [2.0, 3.0]], requires_grad=True)
            (x.exp() * x.tanh()).sum().backward()
        return x.grad.flatten().tolist()
    assert grads(teachtorch, True) == grads(teachtorch, False)
    assert grads(teachtorch, True) == pytest.approx(grads(torch, True))


def modified_in_place(lib):
    with lib.autograd.set_detect_anomaly(True):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x.exp()
        y.add_(1)
        y.sum().backward()


def test_the_in_place_error_hint_is_true_anomaly_mode_names_the_forward_line():
    ours, theirs = both(modified_in_place)
    assert ours[0] == theirs[0]
    assert "y = x.exp()" in ours[0][0]
    assert ours[1][0] is theirs[1][0] is RuntimeError
    assert "modified by an inplace operation" in ours[1][1]
