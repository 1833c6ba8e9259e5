"""The notes' recurrent programs, as the same code on torch and teachtorch with
identical weights: hello -> ohlol with RNNCell and with RNN (trained a few steps, loss
compared at every step), the Embedding + RNN model, the bidirectional GRU names
classifier on pack_padded_sequence, and a 2-layer bidirectional LSTM on packed input.
"""
import numpy as np
import pytest
import torch

import teachtorch
from helpers import assert_close

TOL = dict(rtol=2e-4, atol=2e-5)


def sync(ours, theirs):
    sd = ours.state_dict()
    assert list(sd) == list(theirs.state_dict())
    theirs.load_state_dict({k: torch.tensor(v.numpy().copy()) for k, v in sd.items()})


def compare_grads(ours, theirs):
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p.grad, q.grad, rtol=1e-3, atol=1e-5)


def hello_data(lib):
    input_size, batch_size = 4, 1
    x_data = [1, 0, 2, 2, 3]
    y_data = [3, 1, 2, 3, 2]
    one_hot_lookup = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]
    x_one_hot = [one_hot_lookup[x] for x in x_data]
    inputs = lib.Tensor(x_one_hot).view(-1, batch_size, input_size)
    return inputs, y_data


def rnncell_program(lib, steps):
    class Model(lib.nn.Module):
        def __init__(self, input_size, hidden_size, batch_size):
            super(Model, self).__init__()
            self.batch_size = batch_size
            self.hidden_size = hidden_size
            self.rnncell = lib.nn.RNNCell(input_size=input_size, hidden_size=hidden_size)  # noqa: E501

        def forward(self, input, hidden):
            hidden = self.rnncell(input, hidden)
            return hidden

        def init_hidden(self):
            return lib.zeros(self.batch_size, self.hidden_size)
    return Model(4, 4, 1)


def run_rnncell(lib, net, steps):
    inputs, y_data = hello_data(lib)
    labels = lib.LongTensor(y_data).view(-1, 1)
    criterion = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.Adam(net.parameters(), lr=0.1)
    losses = []
    for epoch in range(steps):
        loss = 0
        optimizer.zero_grad()
        hidden = net.init_hidden()
        for input, label in zip(inputs, labels):
            hidden = net(input, hidden)
            loss += criterion(hidden, label)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def rnn_program(lib):
    class Model(lib.nn.Module):
        def __init__(self, input_size, hidden_size, batch_size, num_layers=1):
            super(Model, self).__init__()
            self.num_layers = num_layers
            self.batch_size = batch_size
            self.input_size = input_size
            self.hidden_size = hidden_size
            self.rnn = lib.nn.RNN(input_size=self.input_size,
                                  hidden_size=self.hidden_size, num_layers=num_layers)

        def forward(self, input):
            hidden = lib.zeros(self.num_layers, self.batch_size, self.hidden_size)
            out, _ = self.rnn(input, hidden)
            return out.view(-1, self.hidden_size)
    return Model(4, 4, 1)


def run_rnn(lib, net, steps):
    inputs, y_data = hello_data(lib)
    labels = lib.LongTensor(y_data)
    criterion = lib.nn.CrossEntropyLoss()
    optimizer = lib.optim.Adam(net.parameters(), lr=0.05)
    losses = []
    for epoch in range(steps):
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("build,run", [
    (rnncell_program, run_rnncell),
    (lambda lib, steps=0: rnn_program(lib), run_rnn),
], ids=["RNNCell", "RNN"])
def test_hello_to_ohlol_trains_like_torch(build, run):
    steps = 5 if teachtorch_fast() else 15
    teachtorch.manual_seed(0)
    ours, theirs = build(teachtorch, steps), build(torch, steps)
    sync(ours, theirs)
    losses = run(teachtorch, ours, steps)
    losses_t = run(torch, theirs, steps)
    np.testing.assert_allclose(losses, losses_t, rtol=1e-4, atol=1e-5)
    assert losses[-1] < losses[0]
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p, q, rtol=1e-3, atol=1e-5)


def teachtorch_fast():
    import os

    return os.environ.get("TEACHTORCH_FAST") == "1"


def embedding_rnn_model(lib):
    num_class, inputs_size, hidden_size, embedding_size, num_layers = 4, 4, 8, 10, 2

    class MyModule(lib.nn.Module):
        def __init__(self):
            super(MyModule, self).__init__()
            self.emb = lib.nn.Embedding(inputs_size, embedding_size)
            self.rnn = lib.nn.RNN(input_size=embedding_size, hidden_size=hidden_size,
                                  num_layers=num_layers, batch_first=True)
            self.fc = lib.nn.Linear(hidden_size, num_class)

        def forward(self, x):
            hidden = lib.zeros(num_layers, x.size(0), hidden_size)
            x = self.emb(x)
            x, _ = self.rnn(x, hidden)
            x = self.fc(x)
            return x.view(-1, num_class)
    return MyModule()


def test_embedding_rnn_model_like_torch():
    teachtorch.manual_seed(0)
    ours, theirs = embedding_rnn_model(teachtorch), embedding_rnn_model(torch)
    sync(ours, theirs)
    x_data, y_data = [[1, 0, 2, 2, 3]], [3, 1, 2, 3, 2]
    y = ours(teachtorch.LongTensor(x_data))
    yt = theirs(torch.LongTensor(x_data))
    assert_close(y, yt, **TOL)
    loss = teachtorch.nn.CrossEntropyLoss()(y, teachtorch.LongTensor(y_data))
    loss_t = torch.nn.CrossEntropyLoss()(yt, torch.LongTensor(y_data))
    loss.backward()
    loss_t.backward()
    compare_grads(ours, theirs)


def names_classifier(lib, n_chars=128, hidden_size=16, n_layers=2, n_country=18):
    from_rnn = lib.nn.utils.rnn

    class RNNClassifier(lib.nn.Module):
        def __init__(self, input_size, hidden_size, output_size, n_layers=1,
                     bidirectional=True):
            super(RNNClassifier, self).__init__()
            self.hidden_size = hidden_size
            self.n_layers = n_layers
            self.n_directions = 2 if bidirectional else 1
            self.embedding = lib.nn.Embedding(input_size, hidden_size)
            self.gru = lib.nn.GRU(hidden_size, hidden_size, n_layers,
                                  bidirectional=bidirectional)
            self.fc = lib.nn.Linear(hidden_size * self.n_directions, output_size)

        def _init_hidden(self, batch_size):
            return lib.zeros(self.n_layers * self.n_directions, batch_size,
                             self.hidden_size)

        def forward(self, input, seq_lengths):
            input = input.t()
            batch_size = input.size(1)
            hidden = self._init_hidden(batch_size)
            embedding = self.embedding(input)
            gru_input = from_rnn.pack_padded_sequence(embedding, seq_lengths)
            output, hidden = self.gru(gru_input, hidden)
            if self.n_directions == 2:
                hidden_cat = lib.cat([hidden[-1], hidden[-2]], dim=1)
            else:
                hidden_cat = hidden[-1]
            return self.fc(hidden_cat)
    return RNNClassifier(n_chars, hidden_size, n_country, n_layers)


def names_batch(lib, names):
    """The notes' make_tensors: ASCII codes, zero-padded, longest name first."""
    names = sorted(names, key=len, reverse=True)
    seq_lengths = [len(n) for n in names]
    seq = lib.zeros(len(names), max(seq_lengths)).long()
    for i, name in enumerate(names):
        seq[i, :len(name)] = lib.LongTensor([ord(c) for c in name])
    return seq, lib.LongTensor(seq_lengths)


NAMES = ["Nakamura", "Abe", "Schmidt", "Rossi", "Kowalski", "Li", "Dubois", "Novak"]


def test_bidirectional_gru_names_classifier_like_torch():
    teachtorch.manual_seed(0)
    ours, theirs = names_classifier(teachtorch), names_classifier(torch)
    sync(ours, theirs)
    seq, lengths = names_batch(teachtorch, NAMES)
    seq_t, lengths_t = names_batch(torch, NAMES)
    target = [3, 1, 4, 1, 5, 9, 2, 6]
    y = ours(seq, lengths)
    yt = theirs(seq_t, lengths_t)
    assert_close(y, yt, **TOL)
    loss = teachtorch.nn.CrossEntropyLoss()(y, teachtorch.LongTensor(target))
    loss_t = torch.nn.CrossEntropyLoss()(yt, torch.LongTensor(target))
    assert_close(loss, loss_t, **TOL)
    loss.backward()
    loss_t.backward()
    compare_grads(ours, theirs)


def packed_lstm_model(lib):
    from_rnn = lib.nn.utils.rnn

    class Tagger(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = lib.nn.Embedding(30, 8)
            self.lstm = lib.nn.LSTM(8, 16, num_layers=2, bidirectional=True,
                                    batch_first=True)
            self.fc = lib.nn.Linear(32, 5)

        def forward(self, x, lengths):
            packed = from_rnn.pack_padded_sequence(
                self.embedding(x), lengths, batch_first=True, enforce_sorted=False)
            out, (h, c) = self.lstm(packed)
            out, _ = from_rnn.pad_packed_sequence(out, batch_first=True)
            return self.fc(out).sum(1) + h.sum(0).sum(1, keepdim=True) + c.mean()
    return Tagger()


def test_two_layer_bidirectional_lstm_on_packed_input_like_torch():
    teachtorch.manual_seed(0)
    ours, theirs = packed_lstm_model(teachtorch), packed_lstm_model(torch)
    sync(ours, theirs)
    rng = np.random.default_rng(0)
    x = rng.integers(1, 30, (4, 7))
    lengths = [3, 7, 1, 5]
    y = ours(teachtorch.tensor(x), lengths)
    yt = theirs(torch.tensor(x), lengths)
    assert_close(y, yt, **TOL)
    y.sum().backward()
    yt.sum().backward()
    compare_grads(ours, theirs)
