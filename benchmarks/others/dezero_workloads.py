"""The notes' workloads written for DeZero (PyPI ``dezero`` 0.0.13, the latest release).

Same shapes, layers and optimizers as benchmarks/workloads.py, with DeZero's own layers
(Linear, Conv2d, RNN, LSTM, EmbedID), functions and optimizers (Adam, SGD). What differs,
because DeZero has no equivalent, is said next to the code:
- no GRU layer: one is written below the way DeZero's own LSTM layer is written;
- no concatenate function: ``Concat`` below, a small DeZero Function;
- RNN/LSTM layers run one time step per call, so the time loop is written out;
- weights start from DeZero's initialisers (scaled normal), not PyTorch's (uniform).
``make_<name>()`` returns ``step()``, one training step that returns the loss as a float
(the data loaders: the number of samples seen). NOT_AVAILABLE maps the workloads DeZero
cannot run to the reason.
"""
import numpy as np

from others.data import randint, randn

# DeZero 0.0.13 evaluates ``np.int`` (removed in NumPy 1.24) as a default argument at
# import time; lend the old alias for the import only, then take it back.
np.int = int
try:
    import dezero
    import dezero.functions as F
    import dezero.layers as L
    from dezero import optimizers
finally:
    del np.int

NOT_AVAILABLE = {
    "dataloader_w2": "DeZero's DataLoader has no worker processes (num_workers)",
}


class Concat(dezero.Function):
    """Joins arrays along ``axis``; the gradient is cut back into the inputs' pieces."""

    def __init__(self, axis):
        self.axis = axis

    def forward(self, *xs):
        return np.concatenate(xs, axis=self.axis)

    def backward(self, gy):
        grads, start = [], 0
        index = [slice(None)] * gy.ndim
        for x in self.inputs:
            index[self.axis] = slice(start, start + x.shape[self.axis])
            grads.append(F.get_item(gy, tuple(index)))
            start += x.shape[self.axis]
        return tuple(grads)


def concat(xs, axis):
    return Concat(axis)(*xs)


def _train_step(model, x, t, optimizer):
    # DeZero's initialisers scale float32 draws by a NumPy float64 number: float32 with
    # NumPy 1, which DeZero was written for, but float64 under NumPy 2's rules (NEP 50).
    # Cast back, so that DeZero computes in float32 like the others. (Its gradients stay
    # float64 all the same: softmax_cross_entropy's backward subtracts an int64 one-hot.
    # That is DeZero's own behaviour with any NumPy, so it is kept.)
    for param in model.params():
        param.data = param.data.astype(np.float32)
    optimizer.setup(model)

    def step():
        loss = F.softmax_cross_entropy(model(x), t)
        model.cleargrads()
        loss.backward()
        optimizer.update()
        return float(loss.data)
    return step


def make_ops():
    """200 small element-wise ops on a 4x4 Variable, recorded and back-propagated."""
    x = dezero.Variable(randn(4, 4))
    # NumPy float32 scalars: DeZero turns a Python float into a float64 array, which
    # would make every result float64 (torch and teachtorch keep float32)
    a, b = np.float32(1.01), np.float32(0.5)

    def step():
        y = x
        for _ in range(50):
            y = y * a
            y = y + b
            y = F.sigmoid(y)
            y = y - x
        out = F.sum(y)
        out.backward()
        x.cleargrad()
        return float(out.data)
    return step


class MLP(dezero.Model):
    def __init__(self):
        super().__init__()
        self.l1 = L.Linear(512, in_size=784)
        self.l2 = L.Linear(256, in_size=512)
        self.l3 = L.Linear(128, in_size=256)
        self.l4 = L.Linear(64, in_size=128)
        self.l5 = L.Linear(10, in_size=64)

    def forward(self, x):
        x = F.reshape(x, (-1, 784))
        for layer in (self.l1, self.l2, self.l3, self.l4):
            x = F.relu(layer(x))
        return self.l5(x)


def make_mlp():
    """MNIST MLP 784-512-256-128-64-10, batch 64, Adam(0.01)."""
    return _train_step(MLP(), randn(64, 1, 28, 28), randint(10, (64,)),
                       optimizers.Adam(alpha=0.01))


class CNN(dezero.Model):
    def __init__(self):
        super().__init__()
        self.conv1 = L.Conv2d(10, 5, in_channels=1)
        self.conv2 = L.Conv2d(20, 5, in_channels=10)
        self.fc1 = L.Linear(10, in_size=320)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(F.pooling(x, 2, stride=2))
        x = F.relu(self.conv2(x))
        x = F.relu(F.pooling(x, 2, stride=2))
        return self.fc1(F.reshape(x, (-1, 320)))


def make_cnn():
    """CNN 1->10->20 (kernel 5, max-pool 2, fc 320), batch 128, Adam."""
    return _train_step(CNN(), randn(128, 1, 28, 28), randint(10, (128,)),
                       optimizers.Adam())


class IdentityBlock(dezero.Layer):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv1 = L.Conv2d(c_in, 3, pad=1, in_channels=c_in)
        self.conv2 = L.Conv2d(c_out, 3, pad=1, in_channels=c_in)
        self.conv = L.Conv2d(c_out, 3, pad=1, in_channels=c_in)

    def forward(self, x):
        y = self.conv2(F.relu(self.conv1(x)))
        return F.relu(self.conv(x) + y)


class ResNet(dezero.Model):
    def __init__(self):
        super().__init__()
        self.r1 = IdentityBlock(1, 10)
        self.r2 = IdentityBlock(10, 20)
        self.fc = L.Linear(10, in_size=20 * 7 * 7)

    def forward(self, x):
        x = F.relu(F.pooling(self.r1(x), 2, stride=2))
        x = F.relu(F.pooling(self.r2(x), 2, stride=2))
        return self.fc(F.reshape(x, (-1, 20 * 7 * 7)))


def make_resnet():
    """Two residual blocks (1->10, 10->20), max-pool, fc; batch 128, Adam."""
    return _train_step(ResNet(), randn(128, 1, 28, 28), randint(10, (128,)),
                       optimizers.Adam())


class CharRNN(dezero.Model):
    """DeZero's RNN layer has one bias (torch's two, b_ih + b_hh, add up to one)."""

    def __init__(self):
        super().__init__()
        self.emb = L.EmbedID(4, 10)
        self.rnn1 = L.RNN(8, in_size=10)
        # DeZero's RNN(h, in_size=i) builds its h2h as i -> h (wrong when i != h)
        self.rnn1.h2h = L.Linear(8, in_size=8, nobias=True)
        self.rnn2 = L.RNN(8, in_size=8)
        self.fc = L.Linear(4, in_size=8)

    def forward(self, x):
        self.rnn1.reset_state()          # a zero hidden state, as in the notes
        self.rnn2.reset_state()
        e = self.emb(x)                  # (batch, seq, 10): batch_first
        outs = [self.rnn2(self.rnn1(e[:, t])) for t in range(x.shape[1])]
        return self.fc(concat(outs, axis=0))   # batch 1: rows are the time steps


def make_rnn():
    """Embedding(4, 10) + 2-layer RNN(10, 8) + Linear on 'hello', Adam."""
    inputs = np.array([[1, 0, 2, 2, 3]])
    labels = np.array([3, 1, 2, 3, 2])
    return _train_step(CharRNN(), inputs, labels, optimizers.Adam())


class GRU(dezero.Layer):
    """DeZero has no GRU; written like DeZero's LSTM layer (one Linear per gate), with
    PyTorch's equations:  r = sigmoid(W_ir x + W_hr h + b_r),
    z = sigmoid(W_iz x + W_hz h + b_z),  n = tanh(W_in x + b_in + r * (W_hn h + b_hn)),
    h' = (1 - z) * n + z * h, computed as n + z * (h - n)."""

    def __init__(self, hidden_size, in_size):
        super().__init__()
        H, I = hidden_size, in_size
        self.x2r, self.x2z, self.x2n = (L.Linear(H, in_size=I) for _ in range(3))
        self.h2r = L.Linear(H, in_size=H, nobias=True)
        self.h2z = L.Linear(H, in_size=H, nobias=True)
        self.h2n = L.Linear(H, in_size=H)
        self.h = None

    def reset_state(self):
        self.h = None

    def forward(self, x):
        if self.h is None:
            self.h = np.zeros((x.shape[0], self.h2n.out_size), np.float32)
        r = F.sigmoid(self.x2r(x) + self.h2r(self.h))
        z = F.sigmoid(self.x2z(x) + self.h2z(self.h))
        n = F.tanh(self.x2n(x) + r * self.h2n(self.h))
        self.h = n + z * (self.h - n)
        return self.h


def _run(cell, xs):
    cell.reset_state()
    return [cell(x) for x in xs]


class NameGRU(dezero.Model):
    def __init__(self):
        super().__init__()
        self.embedding = L.EmbedID(128, 100)
        self.f1, self.b1 = GRU(100, 100), GRU(100, 100)   # layer 1, both directions
        self.f2, self.b2 = GRU(100, 200), GRU(100, 200)   # layer 2 reads both
        self.fc = L.Linear(18, in_size=200)

    def forward(self, x):
        e = self.embedding(x)                              # (seq, batch, 100)
        xs = [e[t] for t in range(x.shape[0])]
        fwd, bwd = _run(self.f1, xs), _run(self.b1, xs[::-1])[::-1]
        xs = [concat([f, b], axis=1) for f, b in zip(fwd, bwd)]
        h_fwd, h_bwd = _run(self.f2, xs)[-1], _run(self.b2, xs[::-1])[-1]
        return self.fc(concat([h_bwd, h_fwd], axis=1))    # torch.cat([h[-1], h[-2]])


def make_gru():
    """Embedding(128, 100) + 2-layer bidirectional GRU(100, 100) + Linear(200, 18)."""
    return _train_step(NameGRU(), randint(128, (12, 256)), randint(18, (256,), seed=2),
                       optimizers.Adam())


class SeqLSTM(dezero.Model):
    """DeZero's LSTM layer: one Linear per gate (torch: one matrix for all four)."""

    def __init__(self):
        super().__init__()
        self.lstm = L.LSTM(128, in_size=64)
        self.fc = L.Linear(10, in_size=128)

    def forward(self, x):
        self.lstm.reset_state()
        for t in range(x.shape[0]):
            h = self.lstm(x[t])
        return self.fc(h)


def make_lstm():
    """LSTM(64, 128) over 20 steps x batch 64 + Linear, SGD(0.01)."""
    return _train_step(SeqLSTM(), randn(20, 64, 64), randint(10, (64,)),
                       optimizers.SGD(lr=0.01))


class ArrayDataset(dezero.Dataset):
    """DeZero's Dataset over two arrays (the notes use torch's TensorDataset)."""

    def __init__(self, data, label):
        self._arrays = data, label
        super().__init__()

    def prepare(self):
        self.data, self.label = self._arrays


def make_dataloader():
    """One epoch of the diabetes file and of MNIST t10k through DataLoader, batch 64."""
    from workloads import dataloader_arrays

    xy, images = dataloader_arrays()
    loaders = [dezero.DataLoader(ArrayDataset(data, label), batch_size=64)
               for data, label in ((xy[:, :-1], xy[:, [-1]]),
                                   (images, np.zeros(len(images), np.int64)))]

    def step():
        seen = 0
        for loader in loaders:
            for x, _ in loader:
                seen += len(x)
        return seen
    return step


WORKLOADS = {
    "ops": make_ops, "mlp": make_mlp, "cnn": make_cnn, "resnet": make_resnet,
    "rnn": make_rnn, "gru": make_gru, "lstm": make_lstm, "dataloader": make_dataloader,
}
