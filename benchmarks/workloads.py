"""The notes' workloads, written once and run on either library.

Each ``make_<name>(torch)`` receives the library module (``teachtorch`` or ``torch``)
and returns a ``step()`` closure doing one unit of work (and returning the loss, for the
sanity tests); the identical code runs on both, so the timing ratio compares the
libraries, not the programs.
"""
import os
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent


def make_ops(torch):
    """200 small element-wise ops on a 4x4 tensor, recorded and back-propagated."""
    x = torch.randn(4, 4, requires_grad=True)

    def step():
        y = x
        for i in range(50):
            y = y * 1.01
            y = y + 0.5
            y = y.sigmoid()
            y = y - x
        out = y.sum()
        out.backward()
        x.grad = None
        return out
    return step


def make_mlp(torch):
    """MNIST MLP 784-512-256-128-64-10, batch 64, Adam, one training step."""
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.l1 = nn.Linear(784, 512)
            self.l2 = nn.Linear(512, 256)
            self.l3 = nn.Linear(256, 128)
            self.l4 = nn.Linear(128, 64)
            self.l5 = nn.Linear(64, 10)
            self.activate = nn.ReLU()

        def forward(self, x):
            x = x.view(-1, 784)
            x = self.activate(self.l1(x))
            x = self.activate(self.l2(x))
            x = self.activate(self.l3(x))
            x = self.activate(self.l4(x))
            return self.l5(x)

    return _train_step(torch, Net(), torch.randn(64, 1, 28, 28),
                       torch.randint(0, 10, (64,)), "adam", lr=0.01)


def make_cnn(torch):
    """CNN 1->10->20 (kernel 5, max-pool 2, fc 320), batch 128, Adam."""
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 10, 5)
            self.pool1 = nn.MaxPool2d(2)
            self.conv2 = nn.Conv2d(10, 20, 5)
            self.pool2 = nn.MaxPool2d(2)
            self.fc1 = nn.Linear(320, 10)
            self.activate = nn.ReLU()

        def forward(self, x):
            x = self.activate(self.conv1(x))
            x = self.activate(self.pool1(x))
            x = self.activate(self.conv2(x))
            x = self.activate(self.pool2(x))
            x = x.view(-1, 20 * 4 * 4)
            return self.fc1(x)

    return _train_step(torch, Net(), torch.randn(128, 1, 28, 28),
                       torch.randint(0, 10, (128,)), "adam")


def make_resnet(torch):
    """Two residual blocks (1->10, 10->20), max-pool, fc; batch 128."""
    nn = torch.nn

    class IdentityBlock(nn.Module):
        def __init__(self, c_in, c_out):
            super().__init__()
            self.conv1 = nn.Conv2d(c_in, c_in, kernel_size=3, padding=1)
            self.conv2 = nn.Conv2d(c_in, c_out, kernel_size=3, padding=1)
            self.conv = nn.Conv2d(c_in, c_out, kernel_size=3, padding=1)
            self.activate = nn.ReLU()

        def forward(self, x):
            y = self.activate(self.conv1(x))
            y = self.conv2(y)
            return self.activate(self.conv(x) + y)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.r1 = IdentityBlock(1, 10)
            self.p1 = nn.MaxPool2d(2)
            self.r2 = IdentityBlock(10, 20)
            self.p2 = nn.MaxPool2d(2)
            self.fc = nn.Linear(20 * 7 * 7, 10)
            self.activate = nn.ReLU()

        def forward(self, x):
            x = self.activate(self.p1(self.r1(x)))
            x = self.activate(self.p2(self.r2(x)))
            return self.fc(x.view(-1, 20 * 7 * 7))

    return _train_step(torch, Net(), torch.randn(128, 1, 28, 28),
                       torch.randint(0, 10, (128,)), "adam")


def make_rnn(torch):
    """Embedding(4, 10) + 2-layer RNN(10, 8, batch_first) + Linear on 'hello', Adam."""
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(4, 10)
            self.rnn = nn.RNN(input_size=10, hidden_size=8, num_layers=2,
                              batch_first=True)
            self.fc = nn.Linear(8, 4)

        def forward(self, x):
            hidden = torch.zeros(2, x.size(0), 8)
            x = self.emb(x)
            x, _ = self.rnn(x, hidden)
            return self.fc(x).view(-1, 4)

    inputs = torch.LongTensor([[1, 0, 2, 2, 3]])
    labels = torch.LongTensor([3, 1, 2, 3, 2])
    return _train_step(torch, Net(), inputs, labels, "adam")


def make_gru(torch):
    """Embedding(128, 100) + 2-layer bidirectional GRU(100, 100) + Linear(200, 18)."""
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(128, 100)
            self.gru = nn.GRU(100, 100, num_layers=2, bidirectional=True)
            self.fc = nn.Linear(200, 18)

        def forward(self, x):
            _, h = self.gru(self.embedding(x))
            return self.fc(torch.cat([h[-1], h[-2]], dim=-1))

    x = torch.randint(0, 128, (12, 256))
    y = torch.randint(0, 18, (256,))
    return _train_step(torch, Net(), x, y, "adam")


def make_lstm(torch):
    """LSTM(64, 128) over 20 steps x batch 64 + Linear, SGD."""
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(64, 128)
            self.fc = nn.Linear(128, 10)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.fc(out[-1])

    return _train_step(torch, Net(), torch.randn(20, 64, 64),
                       torch.randint(0, 10, (64,)), "sgd")


def make_dataloader(torch, workers=0):
    """One epoch of the diabetes file and of MNIST t10k through DataLoader, batch 64."""
    data = torch.utils.data
    xy, images = dataloader_arrays()
    diabetes = data.TensorDataset(torch.from_numpy(xy[:, :-1]),
                                  torch.from_numpy(xy[:, [-1]]))
    mnist = data.TensorDataset(torch.from_numpy(images),
                               torch.from_numpy(np.zeros(len(images), np.int64)))
    loaders = [data.DataLoader(d, batch_size=64, shuffle=True, num_workers=workers)
               for d in (diabetes, mnist)]

    def step():
        for loader in loaders:
            for _ in loader:
                pass
    return step


def dataloader_arrays():
    """The diabetes table (float32, label last) and MNIST t10k images scaled to [0, 1]."""
    import gzip

    with gzip.open(ROOT / "assets/data/diabetes/diabetes.csv.gz", "rt") as f:
        xy = np.loadtxt(f, delimiter=",", dtype=np.float32)
    with gzip.open(ROOT / "assets/data/mnist/t10k-images-idx3-ubyte.gz", "rb") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)
    return xy, images.astype(np.float32) / 255


def make_dataloader2(torch):
    return make_dataloader(torch, workers=2)


def _train_step(torch, model, x, y, opt_name, lr=None):
    crit = torch.nn.CrossEntropyLoss()
    if opt_name == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr or 0.001)
    else:
        opt = torch.optim.SGD(model.parameters(), lr=lr or 0.01)

    def step():
        loss = crit(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss
    return step


WORKLOADS = {
    "ops": make_ops, "mlp": make_mlp, "cnn": make_cnn, "resnet": make_resnet,
    "rnn": make_rnn, "gru": make_gru, "lstm": make_lstm,
    "dataloader": make_dataloader, "dataloader_w2": make_dataloader2,
}

TARGETS = {"ops": 2.0, "mlp": 1.3, "cnn": 1.5, "resnet": 1.5, "rnn": 3.0, "gru": 1.5,
           "lstm": 2.0}

THREADS = int(os.environ.get("BENCH_THREADS", os.cpu_count() or 1))
