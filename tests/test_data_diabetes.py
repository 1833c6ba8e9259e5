"""The notes' diabetes program end to end: DiabetesDataset + DataLoader(batch 32,
num_workers=2) + the 8-6-4-1 sigmoid network + BCELoss + SGD, against torch."""

import numpy as np
import pytest
from helpers import to_np

from teachtorch import data_files  # noqa: E402
import teachtorch

torch = pytest.importorskip("torch")

DIABETES = str(data_files.path("diabetes/diabetes.csv.gz"))


def make_dataset_class(lib):
    class DiabetesDataset(lib.utils.data.Dataset):
        def __init__(self, filepath):
            xy = np.loadtxt(filepath, delimiter=",", dtype=np.float32)
            self.len = xy.shape[0]
            self.x_data = lib.from_numpy(xy[:, :-1])
            self.y_data = lib.from_numpy(xy[:, [-1]])

        def __getitem__(self, index):
            return self.x_data[index], self.y_data[index]

        def __len__(self):
            return self.len

    return DiabetesDataset


def make_model(lib):
    class Model(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.linear1 = lib.nn.Linear(8, 6)
            self.linear2 = lib.nn.Linear(6, 4)
            self.linear3 = lib.nn.Linear(4, 1)
            self.sigmoid = lib.nn.Sigmoid()

        def forward(self, x):
            x = self.sigmoid(self.linear1(x))
            x = self.sigmoid(self.linear2(x))
            return self.sigmoid(self.linear3(x))

    model = Model()
    rng = np.random.default_rng(0)
    with lib.no_grad():
        for p in model.parameters():
            p.copy_(
                lib.from_numpy(
                    rng.uniform(-0.5, 0.5, tuple(p.shape)).astype(np.float32)
                )
            )
    return model


def train(lib, workers, shuffle, epochs=2, adam=False):
    dataset = make_dataset_class(lib)(DIABETES)
    train_loader = lib.utils.data.DataLoader(
        dataset=dataset, batch_size=32, shuffle=shuffle, num_workers=workers
    )
    model = make_model(lib)
    criterion = lib.nn.BCELoss(reduction="mean")
    optimizer = (
        lib.optim.Adam(model.parameters(), lr=0.05)
        if adam
        else lib.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    )
    epoch_losses = []
    for _ in range(epochs):
        total = 0.0
        for i, data in enumerate(train_loader, 0):
            inputs, labels = data
            y_pred = model(inputs)
            loss = criterion(y_pred, labels)
            total += loss.item()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        epoch_losses.append(total / len(train_loader))
    return model, epoch_losses


def test_diabetes_training_matches_torch_batch_for_batch():
    """shuffle=False: same batches, so teachtorch (2 workers) and torch (0 workers)
    must reach the same float32 weights."""
    ours, our_losses = train(teachtorch, workers=2, shuffle=False)
    theirs, their_losses = train(torch, workers=0, shuffle=False)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-4)
    for (name, a), (_, b) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert a.dtype == teachtorch.float32
        np.testing.assert_allclose(
            to_np(a), to_np(b), rtol=1e-4, atol=1e-5, err_msg=name
        )


def test_diabetes_training_with_shuffle_and_workers_learns():
    teachtorch.manual_seed(0)
    _, losses = train(teachtorch, workers=2, shuffle=True, epochs=8, adam=True)
    assert losses[-1] < 0.9 * losses[0]
