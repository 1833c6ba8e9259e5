"""TrainingMonitor used as a callback from plain training loops (teachtorch and torch):
it records exactly what the loop logged, redraws as it goes, and names a diverged loss."""
import math

import numpy as np
import pytest
import torch

import teachtorch
from teachtorch.viz.curves import smooth
from teachtorch.widgets.training_monitor import TrainingMonitor


def fit(lib, monitor, epochs=20, lr=0.01):
    """The notes' linear regression y = 2x, logged every epoch."""
    x = lib.tensor([[1.0], [2.0], [3.0]])
    y = lib.tensor([[2.0], [4.0], [6.0]])
    model = lib.nn.Linear(1, 1)
    opt = lib.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = lib.nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        monitor.log(loss=loss, accuracy=float(loss.item() < 1.0))
    return losses


@pytest.mark.parametrize("lib", [teachtorch, torch], ids=["teachtorch", "torch"])
def test_monitor_records_the_loop(lib):
    lib.manual_seed(0)
    monitor = TrainingMonitor(total=20)
    losses = fit(lib, monitor)
    picture = monitor.state["svg"]
    assert monitor.state["history"]["loss"] == pytest.approx(losses)
    assert monitor.state["n"] == 20 and monitor.progress.value == 20
    assert monitor.state["progress"] == 1.0 and monitor.state["error"] is None
    assert losses[-1] < losses[0]
    assert "accuracy" in monitor.state["svg"] and "<polyline" in monitor.state["svg"]
    monitor.controls["log_y"].value = True
    monitor.controls["smoothing"].value = 0.5
    assert monitor.state["svg"] != picture
    assert repr(monitor).startswith("TrainingMonitor(steps=20/20, loss=")


def test_redraws_while_running_and_every_n():
    monitor = TrainingMonitor(redraw_every=5)
    seen = []
    for i in range(12):
        monitor(loss=1.0 / (i + 1))
        seen.append(monitor.state.get("n"))
    assert seen == [0] * 4 + [5] * 5 + [10] * 3  # drawn at steps 5 and 10 only
    assert monitor.state["svg"].startswith("<svg")


def test_diverged_loss_is_named_not_hidden():
    monitor = TrainingMonitor()
    monitor.log(loss=1.0)
    monitor.log(loss=math.inf)
    monitor.log(loss=float("nan"))
    assert "loss became inf at step 1" in monitor.state["error"]
    assert "hint:" in monitor.state["error"] and "#c00000" in monitor._error.value
    with pytest.raises(ValueError, match="hint:"):
        TrainingMonitor(total=0)


def test_smoothing_is_an_ema():
    np.testing.assert_allclose(smooth([1.0, 3.0, 3.0], 0.5), [1.0, 2.0, 2.5])
    assert smooth([2.0, 4.0], 0.0) == [2.0, 4.0]
