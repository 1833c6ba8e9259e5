"""The contract every view keeps: controls and state dicts, a deterministic repr with no
addresses, the same picture for the same code, a static fallback, and callbacks that
never raise whatever value a control is given."""
import ipywidgets as W
import pytest
import torch

import teachtorch
from teachtorch import widgets


def course_y():
    x = teachtorch.tensor(2.0, requires_grad=True)
    w1 = teachtorch.tensor(3.0, requires_grad=True)
    w2 = teachtorch.tensor(1.0, requires_grad=True)
    b = teachtorch.tensor(0.5, requires_grad=True)
    return w1 * x ** 2 + w2 * x + b


def net():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU())


def _readable_relu(x):
    return x * (x > 0)


def _fast_relu(x):
    return x.relu()


_fast_relu.__reference__ = _readable_relu


MAKERS = {
    "GraphView": lambda: widgets.GraphView(course_y()),
    "BackpropView": lambda: widgets.BackpropView(course_y()),
    "BackwardStepper": lambda: widgets.BackwardStepper(course_y()),
    "ConvWindowView": lambda: widgets.ConvWindowView(),
    "RNNUnrollView": lambda: widgets.RNNUnrollView(cell="gru"),
    "StorageView": lambda: widgets.StorageView(teachtorch.arange(6.0).reshape(2, 3)),
    "BroadcastView": lambda: widgets.BroadcastView(),
    "DataLoaderView": lambda: widgets.DataLoaderView(),
    "ModuleTreeView": lambda: widgets.ModuleTreeView(net(), torch.ones(2, 3)),
    "StateDictDiffView": lambda: widgets.StateDictDiffView(net(), {}),
    "TrainingMonitor": lambda: widgets.TrainingMonitor().log(loss=1.0).log(loss=0.5),
    "SourceView": lambda: widgets.SourceView(teachtorch.nn.Linear),
    "SourceView(reference)": lambda: widgets.SourceView(_fast_relu, reference=True),
}


def values_for(control):
    """Every value a learner can reach with this control (ends and a middle)."""
    if isinstance(control, (W.IntSlider, W.Play)):
        lo, hi = control.min, control.max
        return sorted({lo, (lo + hi) // 2, hi})
    if isinstance(control, W.FloatSlider):
        return [control.min, control.max]
    if isinstance(control, W.Checkbox):
        return [not control.value, control.value]
    if isinstance(control, (W.Dropdown, W.ToggleButtons)):
        return [v if not isinstance(v, tuple) else v[1] for v in control.options]
    if isinstance(control, (W.Text, W.Combobox)):
        return ["", "1, 2", "x.t()", "((", control.value]
    raise AssertionError(f"no sweep for {type(control).__name__}")


@pytest.mark.parametrize("name", MAKERS)
def test_contract(name):
    view, again = MAKERS[name](), MAKERS[name]()
    assert repr(view) == repr(again) and "0x" not in repr(view)
    assert view.state["svg"] == again.state["svg"]  # the same code, the same picture
    assert isinstance(view.controls, dict) and view.controls
    bundle = view._repr_mimebundle_()
    assert bundle["text/plain"] == repr(view)
    assert "text/html" in bundle
    assert "application/vnd.jupyter.widget-view+json" in bundle
    for key, control in view.controls.items():
        if control.disabled if hasattr(control, "disabled") else False:
            continue
        for value in values_for(control):
            control.value = value  # a click: must never raise
            assert "error" in view.state
            assert "0x" not in repr(view)
            if view.state["error"]:
                assert "hint:" in view.state["error"], (key, value)
                assert "#c00000" in view._error.value
