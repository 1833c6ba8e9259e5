"""The notes' workloads written for MyGrad (PyPI ``mygrad`` 2.5.0).

MyGrad is an autograd library for NumPy with functions, not layers: Tensors,
``matmul``, ``conv_nd``, ``max_pool``, activations and ``softmax_crossentropy``. So each
model here is a few weight Tensors and a function using them, with the same shapes as
benchmarks/workloads.py. What differs, because MyGrad has no equivalent:
- no optimizers: ``Adam`` and ``SGD`` below do torch.optim's update (default betas and
  eps, no weight decay) in place on the weights' arrays;
- no RNN or LSTM; its ``nnet.gru`` needs numba (not a dependency here) and uses other
  equations than PyTorch's. The three cells are written out below from MyGrad
  functions, with PyTorch's equations; one bias where torch has two that add up;
- weights start from PyTorch's default init (uniform +-1/sqrt(fan_in); embeddings
  N(0, 1)), drawn with NumPy;
- no Dataset/DataLoader, so the dataloader workloads are not available.
``make_<name>()`` returns ``step()``, one training step that returns the loss as a float.
"""
import mygrad as mg
import numpy as np
from mygrad.nnet import conv_nd, max_pool, relu, sigmoid, softmax_crossentropy

from others.data import randint, randn, uniform

NOT_AVAILABLE = {
    "dataloader": "MyGrad has no Dataset/DataLoader",
    "dataloader_w2": "MyGrad has no Dataset/DataLoader",
}


class Params:
    """Weight Tensors drawn like PyTorch's defaults, from one seeded generator."""

    def __init__(self, seed=0):
        self.rng = np.random.default_rng(seed)
        self.all = []

    def new(self, shape, fan_in):
        return self._keep(uniform(fan_in ** -0.5, shape, self.rng))

    def embedding(self, num, dim):
        return self._keep(self.rng.standard_normal((num, dim), dtype=np.float32))

    def linear(self, n_in, n_out):
        """(W, b) for x @ W + b; W is (in, out), the transpose of torch's weight."""
        return self.new((n_in, n_out), n_in), self.new((n_out,), n_in)

    def conv(self, c_in, c_out, k):
        fan_in = c_in * k * k
        return self.new((c_out, c_in, k, k), fan_in), self.new((c_out, 1, 1), fan_in)

    def _keep(self, array):
        tensor = mg.Tensor(array)
        self.all.append(tensor)
        return tensor


class SGD:
    def __init__(self, params, lr):
        self.params, self.lr = params, lr

    def step(self):
        for p in self.params:
            p.data -= self.lr * p.grad


class Adam:
    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = [np.zeros_like(p.data) for p in params]
        self.v = [np.zeros_like(p.data) for p in params]
        self.t = 0

    def step(self):
        self.t += 1
        b1, b2 = self.betas
        fix1, fix2 = 1 - b1 ** self.t, 1 - b2 ** self.t
        for p, m, v in zip(self.params, self.m, self.v):
            g = p.grad
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p.data -= (self.lr / fix1) * m / (np.sqrt(v / fix2) + self.eps)


def _train_step(forward, params, x, t, optimizer):
    """MyGrad clears a Tensor's grad when it is used again, so no zero_grad()."""

    def step():
        loss = softmax_crossentropy(forward(x), t)
        loss.backward()
        optimizer.step()
        return float(loss.item())
    return step


def make_ops():
    """200 small element-wise ops on a 4x4 Tensor, recorded and back-propagated."""
    x = mg.Tensor(randn(4, 4))

    def step():
        y = x
        for _ in range(50):
            y = y * 1.01
            y = y + 0.5
            y = sigmoid(y)
            y = y - x
        out = y.sum()
        out.backward()
        return float(out.item())
    return step


def make_mlp():
    """MNIST MLP 784-512-256-128-64-10, batch 64, Adam(0.01)."""
    p = Params()
    layers = [p.linear(a, b) for a, b in ((784, 512), (512, 256), (256, 128),
                                          (128, 64), (64, 10))]

    def forward(x):
        x = x.reshape(-1, 784)
        for w, b in layers[:-1]:
            x = relu(x @ w + b)
        w, b = layers[-1]
        return x @ w + b

    return _train_step(forward, p.all, randn(64, 1, 28, 28), randint(10, (64,)),
                       Adam(p.all, lr=0.01))


def _conv(x, wb, padding=0):
    w, b = wb
    return conv_nd(x, w, stride=1, padding=padding) + b


def _pool(x):
    return max_pool(x, (2, 2), 2)


def make_cnn():
    """CNN 1->10->20 (kernel 5, max-pool 2, fc 320), batch 128, Adam."""
    p = Params()
    conv1, conv2, (w, b) = p.conv(1, 10, 5), p.conv(10, 20, 5), p.linear(320, 10)

    def forward(x):
        x = relu(_conv(x, conv1))
        x = relu(_pool(x))
        x = relu(_conv(x, conv2))
        x = relu(_pool(x))
        return x.reshape(-1, 320) @ w + b

    return _train_step(forward, p.all, randn(128, 1, 28, 28), randint(10, (128,)),
                       Adam(p.all))


def make_resnet():
    """Two residual blocks (1->10, 10->20), max-pool, fc; batch 128, Adam."""
    p = Params()

    def block(c_in, c_out):
        return p.conv(c_in, c_in, 3), p.conv(c_in, c_out, 3), p.conv(c_in, c_out, 3)

    r1, r2, (w, b) = block(1, 10), block(10, 20), p.linear(20 * 7 * 7, 10)

    def identity_block(x, convs):
        conv1, conv2, conv = convs
        y = _conv(relu(_conv(x, conv1, 1)), conv2, 1)
        return relu(_conv(x, conv, 1) + y)

    def forward(x):
        x = relu(_pool(identity_block(x, r1)))
        x = relu(_pool(identity_block(x, r2)))
        return x.reshape(-1, 20 * 7 * 7) @ w + b

    return _train_step(forward, p.all, randn(128, 1, 28, 28), randint(10, (128,)),
                       Adam(p.all))


def _recurrent(p, n_in, hidden, gates):
    """Input weights (in, gates*H), hidden weights (H, gates*H), one bias."""
    return (p.new((n_in, gates * hidden), hidden), p.new((hidden, gates * hidden), hidden),
            p.new((gates * hidden,), hidden))


def rnn_layer(xs, weights):
    """tanh RNN over xs (seq, batch, in); returns all hidden states (seq, batch, H)."""
    w_ih, w_hh, b = weights
    gx = xs @ w_ih + b                     # every step's input part at once
    h = np.zeros((xs.shape[1], w_hh.shape[0]), np.float32)
    outs = []
    for t in range(xs.shape[0]):
        h = mg.tanh(gx[t] + h @ w_hh)
        outs.append(h)
    return mg.stack(outs)


def lstm_layer(xs, weights):
    """LSTM, torch's gate order i, f, g, o; returns all hidden states."""
    w_ih, w_hh, b = weights
    H = w_hh.shape[0]
    gx = xs @ w_ih + b
    h = c = np.zeros((xs.shape[1], H), np.float32)
    outs = []
    for t in range(xs.shape[0]):
        g = gx[t] + h @ w_hh
        i, f = sigmoid(g[:, :H]), sigmoid(g[:, H:2 * H])
        c = f * c + i * mg.tanh(g[:, 2 * H:3 * H])
        h = sigmoid(g[:, 3 * H:]) * mg.tanh(c)
        outs.append(h)
    return mg.stack(outs)


def gru_layer(xs, weights, hidden_bias):
    """GRU, torch's equations: r, z from x and h; n = tanh(x_n + r * (h W_hn + b_hn));
    h' = (1 - z) * n + z * h, computed as n + z * (h - n)."""
    w_ih, w_hh, b = weights
    H = w_hh.shape[0]
    gx = xs @ w_ih + b
    h = np.zeros((xs.shape[1], H), np.float32)
    outs = []
    for t in range(xs.shape[0]):
        gh = h @ w_hh
        r = sigmoid(gx[t, :, :H] + gh[:, :H])
        z = sigmoid(gx[t, :, H:2 * H] + gh[:, H:2 * H])
        n = mg.tanh(gx[t, :, 2 * H:] + r * (gh[:, 2 * H:] + hidden_bias))
        h = n + z * (h - n)
        outs.append(h)
    return mg.stack(outs)


def make_rnn():
    """Embedding(4, 10) + 2-layer RNN(10, 8) + Linear on 'hello', Adam."""
    p = Params()
    emb, l1, l2 = p.embedding(4, 10), _recurrent(p, 10, 8, 1), _recurrent(p, 8, 8, 1)
    w, b = p.linear(8, 4)

    def forward(x):
        xs = mg.moveaxis(emb[x], 0, 1)     # batch_first -> (seq, batch, 10)
        out = rnn_layer(rnn_layer(xs, l1), l2)
        return (mg.moveaxis(out, 0, 1) @ w + b).reshape(-1, 4)

    inputs = np.array([[1, 0, 2, 2, 3]])
    labels = np.array([3, 1, 2, 3, 2])
    return _train_step(forward, p.all, inputs, labels, Adam(p.all))


def make_gru():
    """Embedding(128, 100) + 2-layer bidirectional GRU(100, 100) + Linear(200, 18)."""
    p = Params()
    emb = p.embedding(128, 100)
    cells = [(_recurrent(p, n_in, 100, 3), p.new((100,), 100))
             for n_in in (100, 100, 200, 200)]     # layer 1 fwd, bwd; layer 2 fwd, bwd
    w, b = p.linear(200, 18)

    def forward(x):
        xs = emb[x]                                          # (seq, batch, 100)
        fwd, bwd = gru_layer(xs, *cells[0]), gru_layer(xs[::-1], *cells[1])[::-1]
        xs = mg.concatenate([fwd, bwd], axis=-1)
        h_fwd, h_bwd = gru_layer(xs, *cells[2])[-1], gru_layer(xs[::-1], *cells[3])[-1]
        return mg.concatenate([h_bwd, h_fwd], axis=-1) @ w + b   # cat([h[-1], h[-2]])

    return _train_step(forward, p.all, randint(128, (12, 256)),
                       randint(18, (256,), seed=2), Adam(p.all))


def make_lstm():
    """LSTM(64, 128) over 20 steps x batch 64 + Linear, SGD(0.01)."""
    p = Params()
    lstm, (w, b) = _recurrent(p, 64, 128, 4), p.linear(128, 10)

    def forward(x):
        return lstm_layer(x, lstm)[-1] @ w + b

    return _train_step(forward, p.all, randn(20, 64, 64), randint(10, (64,)),
                       SGD(p.all, lr=0.01))


WORKLOADS = {
    "ops": make_ops, "mlp": make_mlp, "cnn": make_cnn, "resnet": make_resnet,
    "rnn": make_rnn, "gru": make_gru, "lstm": make_lstm,
}
