"""nn layers and losses on the device: forward and backward compared with torch (CPU).

Runs on the CPU, and on 'cuda' when a GPU is present or simulated
(``TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/``).
"""
import numpy as np
import pytest
import torch

import teachtorch
from teachtorch import nn as tnn
from tests.helpers import assert_close

RNG = np.random.default_rng(1)


def _same_weights(ours, theirs):
    """Copy our initial parameters and buffers into torch's module (same order)."""
    with torch.no_grad():
        for (n1, p), (n2, q) in zip(ours.state_dict().items(),
                                    theirs.state_dict().items()):
            assert n1 == n2
            q.copy_(torch.tensor(np.array(p.cpu()._data)))


def _check_layer(make, shape, device, *, tol=1e-4, integer_input=None, extra=()):
    ours, theirs = make(tnn), make(torch.nn)
    _same_weights(ours, theirs)
    ours.to(device)
    if integer_input is not None:
        x = RNG.integers(0, integer_input, shape)
        tx, x_ours = torch.tensor(x), teachtorch.tensor(x, device=device)
    else:
        x = RNG.standard_normal(shape).astype(np.float32)
        tx = torch.tensor(x, requires_grad=True)
        x_ours = teachtorch.tensor(x, device=device, requires_grad=True)
    out, tout = ours(x_ours, *extra), theirs(tx)
    out, tout = (out[0], tout[0]) if isinstance(out, tuple) else (out, tout)
    assert out.device.type == device
    assert_close(out, tout, rtol=tol, atol=tol)
    weights = RNG.standard_normal(tuple(tout.shape)).astype(np.float32)
    (out * teachtorch.tensor(weights, device=device)).sum().backward()
    (tout * torch.tensor(weights)).sum().backward()
    if integer_input is None:
        assert x_ours.grad.device.type == device
        assert_close(x_ours.grad, tx.grad, rtol=tol, atol=tol)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        assert p.grad.device.type == device, name
        assert_close(p.grad, q.grad, rtol=tol, atol=tol)
    for b, tb in zip(ours.buffers(), theirs.buffers()):
        assert b.device.type == device
        assert_close(b, tb, rtol=tol, atol=tol)


LAYERS = {
    "linear": (lambda nn: nn.Linear(5, 3), (4, 5)),
    "mlp": (lambda nn: nn.Sequential(nn.Linear(5, 6), nn.ReLU(), nn.Dropout(0.0),
                                     nn.Linear(6, 2), nn.Tanh()), (4, 5)),
    "layernorm": (lambda nn: nn.LayerNorm(5), (3, 5)),
    "batchnorm1d": (lambda nn: nn.BatchNorm1d(5), (6, 5)),
    "activations": (lambda nn: nn.Sequential(nn.GELU(), nn.Sigmoid(), nn.Softplus(),
                                             nn.LeakyReLU(0.2), nn.ELU()), (3, 4)),
    "softmax": (lambda nn: nn.LogSoftmax(dim=1), (3, 4)),
}
CNN_LAYERS = {
    "conv2d": (lambda nn: nn.Conv2d(2, 3, 3, padding=1, stride=2), (2, 2, 7, 7)),
    "conv1d": (lambda nn: nn.Conv1d(2, 3, 3), (2, 2, 8)),
    "maxpool2d": (lambda nn: nn.MaxPool2d(2), (2, 3, 6, 6)),
    "avgpool2d": (lambda nn: nn.AvgPool2d(3, stride=2, padding=1), (2, 3, 7, 7)),
    "adaptiveavgpool": (lambda nn: nn.AdaptiveAvgPool2d(1), (2, 3, 5, 5)),
    "batchnorm2d": (lambda nn: nn.BatchNorm2d(3), (4, 3, 5, 5)),
    "cnn": (lambda nn: nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2),
                                     nn.Flatten(), nn.Linear(36, 2)), (2, 1, 8, 8)),
}
RNN_LAYERS = {
    "rnn": (lambda nn: nn.RNN(4, 5, batch_first=True), (2, 3, 4)),
    "lstm": (lambda nn: nn.LSTM(4, 5, num_layers=2), (3, 2, 4)),
    "gru_bidirectional": (lambda nn: nn.GRU(4, 5, bidirectional=True), (3, 2, 4)),
    "rnn_cell": (lambda nn: nn.RNNCell(4, 5), (2, 4)),
    "lstm_cell": (lambda nn: nn.LSTMCell(4, 5), (2, 4)),
    "gru_cell": (lambda nn: nn.GRUCell(4, 5), (2, 4)),
}


@pytest.mark.parametrize("name", list(LAYERS))
def test_layer_forward_backward(name, device):
    make, shape = LAYERS[name]
    _check_layer(make, shape, device)


@pytest.mark.parametrize("name", list(CNN_LAYERS))
def test_cnn_layer_forward_backward(name, device):
    make, shape = CNN_LAYERS[name]
    _check_layer(make, shape, device)


@pytest.mark.parametrize("name", list(RNN_LAYERS))
def test_rnn_layer_forward_backward(name, device):
    make, shape = RNN_LAYERS[name]
    _check_layer(make, shape, device)


def test_embedding_forward_backward(device):
    _check_layer(lambda nn: nn.Embedding(10, 4), (3, 5), device, integer_input=10)


LOSSES = {
    "cross_entropy": (lambda nn: nn.CrossEntropyLoss(), "class"),
    "cross_entropy_smooth": (lambda nn: nn.CrossEntropyLoss(label_smoothing=0.1),
                             "class"),
    "nll": (lambda nn: nn.NLLLoss(), "class"),
    "mse": (lambda nn: nn.MSELoss(), "same"),
    "l1": (lambda nn: nn.L1Loss(reduction="sum"), "same"),
    "smooth_l1": (lambda nn: nn.SmoothL1Loss(), "same"),
    "bce": (lambda nn: nn.BCELoss(), "prob"),
    "bce_logits": (lambda nn: nn.BCEWithLogitsLoss(), "prob"),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_loss_forward_backward(name, device):
    make, kind = LOSSES[name]
    x = RNG.standard_normal((4, 3)).astype(np.float32)
    if name == "bce":
        x = 1 / (1 + np.exp(-x))
    target = {"class": RNG.integers(0, 3, 4),
              "same": RNG.standard_normal((4, 3)).astype(np.float32),
              "prob": RNG.random((4, 3)).astype(np.float32)}[kind]
    ours_x = teachtorch.tensor(x, device=device, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    loss = make(tnn)(ours_x, teachtorch.tensor(target, device=device))
    tloss = make(torch.nn)(tx, torch.tensor(target))
    assert loss.device.type == device
    assert_close(loss, tloss, rtol=1e-5, atol=1e-6)
    loss.backward()
    tloss.backward()
    assert_close(ours_x.grad, tx.grad, rtol=1e-5, atol=1e-6)


def test_functional_on_device(device):
    x = RNG.standard_normal((2, 3, 6, 6)).astype(np.float32)
    for fn in (lambda F, t: F.relu(t), lambda F, t: F.dropout(t, 0.0),
               lambda F, t: F.interpolate(t, scale_factor=2),
               lambda F, t: F.interpolate(t, size=(9, 4), mode="bilinear"),
               lambda F, t: F.pad(t, (1, 1, 2, 0)), lambda F, t: F.normalize(t, dim=1),
               lambda F, t: F.one_hot((t > 0).long().view(-1), 2).float()):
        ours = fn(tnn.functional, teachtorch.tensor(x, device=device))
        assert ours.device.type == device
        assert_close(ours, fn(torch.nn.functional, torch.tensor(x)), atol=1e-6)


@pytest.mark.parametrize("make, shape", [
    (lambda nn: nn.Conv2d(4, 6, 3, padding=2, dilation=2, groups=2), (2, 4, 6, 6)),
    (lambda nn: nn.Conv2d(3, 2, (3, 1), stride=(2, 1), bias=False), (1, 3, 7, 5)),
    (lambda nn: nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), (1, 2, 7, 7)),
    (lambda nn: nn.AvgPool2d(2, ceil_mode=True, count_include_pad=False), (1, 2, 5, 5)),
])
def test_conv_pool_variants(make, shape, device):
    _check_layer(make, shape, device)


def test_packed_lstm_forward_backward(device):
    """A padded batch of different lengths through a packed bidirectional LSTM."""
    x = RNG.standard_normal((3, 5, 2)).astype(np.float32)
    lengths = [5, 2, 4]
    ours, theirs = tnn.LSTM(2, 3, bidirectional=True, batch_first=True), torch.nn.LSTM(
        2, 3, bidirectional=True, batch_first=True)
    _same_weights(ours, theirs)
    ours.to(device)
    xo = teachtorch.tensor(x, device=device, requires_grad=True)
    tx = torch.tensor(x, requires_grad=True)
    results = []
    for lib, module, inp in ((teachtorch, ours, xo), (torch, theirs, tx)):
        rnn = lib.nn.utils.rnn
        packed = rnn.pack_padded_sequence(inp, lengths, batch_first=True,
                                          enforce_sorted=False)
        out, (h, _) = module(packed)
        padded, _ = rnn.pad_packed_sequence(out, batch_first=True)
        (padded.sum() + (h * h).sum()).backward()
        results.append((padded, h))
    (out, h), (tout, th) = results
    assert out.device.type == device and h.device.type == device
    assert_close(out, tout, atol=1e-5)
    assert_close(h, th, atol=1e-5)
    assert_close(xo.grad, tx.grad, atol=1e-5)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert_close(p.grad, q.grad, atol=1e-5)


def test_packed_sequence_indices_follow_the_data(device):
    """torch: sorted/unsorted indices live on the input's device, batch_sizes on the
    CPU; PackedSequence.to moves the indices with the data."""
    x = teachtorch.tensor(RNG.standard_normal((3, 5, 2)).astype(np.float32), device=device)
    rnn = teachtorch.nn.utils.rnn
    packed = rnn.pack_padded_sequence(x, [2, 5, 4], batch_first=True,
                                      enforce_sorted=False)
    assert packed.sorted_indices.device.type == device
    assert packed.unsorted_indices.device.type == device
    assert packed.batch_sizes.device.type == "cpu"
    assert packed.sorted_indices.cpu().tolist() == [1, 2, 0]
    assert packed.unsorted_indices.cpu().tolist() == [2, 0, 1]
    back = packed.to("cpu")
    assert back.sorted_indices.device.type == "cpu"
    assert back.unsorted_indices.cpu().tolist() == [2, 0, 1]
    padded, lengths = rnn.pad_packed_sequence(back, batch_first=True)
    assert lengths.tolist() == [2, 5, 4]
    assert_close(padded[1], x[1].cpu())
