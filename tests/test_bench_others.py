"""The DeZero and MyGrad versions of the benchmark workloads still run.

Sanity, not timing, so the comparison in benchmarks/run.py --others cannot rot quietly:
each workload takes training steps on its fixed batch, its loss is finite, falls, and
starts at the magnitude of PyTorch's first loss on same-shaped data (the weights are
drawn differently, so only the magnitude is compared). The element-wise chain of the
``ops`` workload is compared by value with PyTorch on the same input.
"""
import math
import pathlib
import sys

import numpy as np
import pytest
import torch

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "benchmarks"))

import run
import workloads
from others import data, dezero_workloads, mygrad_workloads

LIBS = {"dezero": dezero_workloads, "mygrad": mygrad_workloads}
TRAINING = ["mlp", "cnn", "resnet", "rnn", "gru", "lstm"]


def torch_first_loss(name):
    torch.manual_seed(0)
    return workloads.WORKLOADS[name](torch)().item()


@pytest.mark.parametrize("lib", LIBS)
def test_every_workload_is_written_or_says_why_not(lib):
    module = LIBS[lib]
    for name in workloads.WORKLOADS:
        assert (name in module.WORKLOADS) != (name in module.NOT_AVAILABLE), name
    for name, reason in module.NOT_AVAILABLE.items():
        assert run.make_step(lib, name) == (None, reason)


@pytest.mark.parametrize("lib", LIBS)
def test_ops_chain_matches_torch(lib):
    step = LIBS[lib].make_ops()
    x = torch.from_numpy(data.randn(4, 4)).requires_grad_()
    y = x
    for _ in range(50):
        y = (y * 1.01 + 0.5).sigmoid() - x
    expected = y.sum().item()
    assert step() == pytest.approx(expected, rel=1e-5)
    assert step() == pytest.approx(expected, rel=1e-5)   # the graph is rebuilt each time


@pytest.mark.parametrize("name", TRAINING)
@pytest.mark.parametrize("lib", LIBS)
def test_training_step_loss_is_sane(lib, name):
    np.random.seed(0)                       # DeZero draws its weights from np.random
    step = run.make_step(lib, name)[0]
    losses = [step() for _ in range(3)]
    assert all(isinstance(v, float) and math.isfinite(v) for v in losses), losses
    assert losses[-1] < losses[0], losses
    assert 0.5 < losses[0] / torch_first_loss(name) < 2, losses


def test_dezero_dataloader_sees_every_sample_once_per_epoch():
    xy, images = workloads.dataloader_arrays()
    step = dezero_workloads.make_dataloader()
    assert step() == len(xy) + len(images)
    assert step() == len(xy) + len(images)    # the loaders start a new epoch
