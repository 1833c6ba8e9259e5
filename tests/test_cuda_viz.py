"""Pictures of GPU tensors: the graph, backprop and module views copy data to the host.

Runs on the CPU, and on 'cuda' when a GPU is present or simulated
(``TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/``). Each view must show the same
numbers for a graph on the device as for the same graph on the CPU.
"""
import numpy as np

import teachtorch
from teachtorch import nn, viz, widgets
from teachtorch.viz import modules, rnn_unroll

A = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], np.float32)


def _graph(device):
    x = teachtorch.tensor(A, device=device, requires_grad=True)
    return x, (x * 2).tanh().sum()


def test_graph_and_backprop_views_match_cpu(device):
    results = []
    for dev in ("cpu", device):
        _, y = _graph(dev)
        y.backward(retain_graph=True)
        view = widgets.BackpropView(y)
        results.append((viz.to_dot(y), repr(view)))
        assert "match=True" in repr(view)
    assert results[0] == results[1]


def test_module_views_and_rnn_weights_on_device(device):
    teachtorch.manual_seed(0)
    m = nn.Sequential(nn.Linear(3, 4), nn.ReLU())
    stats_cpu = modules.activation_stats(m, teachtorch.tensor(A))
    m.to(device)
    stats = modules.activation_stats(m, teachtorch.tensor(A, device=device))
    assert [s["name"] for s in stats] == [s["name"] for s in stats_cpu]
    for s, c in zip(stats, stats_cpu):
        np.testing.assert_allclose(s["mean"], c["mean"], rtol=1e-6)
    lstm = nn.LSTM(2, 3)
    _, w_cpu = rnn_unroll.weights_from_module(lstm)
    kind, w = rnn_unroll.weights_from_module(lstm.to(device))
    assert kind == "lstm" and set(w) == set(w_cpu)
    for k in w_cpu:
        np.testing.assert_array_equal(w[k], w_cpu[k])
