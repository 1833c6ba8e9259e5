"""The notes' vision code, run on teachtorch (MNIST t10k, a CIFAR-format batch).

Expected values come from independent NumPy readers of the same files.
"""
import gzip
import os
import pickle

import numpy as np
import pytest
from PIL import Image

import teachtorch as torch
from teachtorch.vision import datasets, transforms, utils
from teachtorch.vision.transforms import v2

ASSETS = os.path.join(os.path.dirname(__file__), "..", "assets", "data", "mnist")


def _dataloader():
    try:
        from teachtorch.utils.data import DataLoader
    except ImportError:
        pytest.skip("teachtorch.utils.data.DataLoader is not written yet")
    return DataLoader


def _t10k_images():
    with gzip.open(os.path.join(ASSETS, "t10k-images-idx3-ubyte.gz")) as f:
        return np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)


def test_notes_mnist_normalize_through_dataloader(tmp_path):
    DataLoader = _dataloader()
    transform = transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize(0.1307, 0.3081)
    ])
    x_test = datasets.MNIST(root=str(tmp_path), train=False, transform=transform,
                            download=False)
    loader = DataLoader(x_test, batch_size=64, shuffle=False)
    images, labels = next(iter(loader))
    assert tuple(images.shape) == (64, 1, 28, 28) and images.dtype == torch.float32
    assert tuple(labels.shape) == (64,) and labels.dtype == torch.int64
    raw = _t10k_images()[:64].astype(np.float32) / np.float32(255)
    ref = (raw - np.float32(0.1307)) / np.float32(0.3081)
    np.testing.assert_allclose(images.numpy()[:, 0], ref, rtol=1e-5, atol=1e-6)
    assert len(loader) == 157  # ceil(10000 / 64)


def test_t10k_split_trains_through_dataloader():
    DataLoader = _dataloader()
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize(0.1307, 0.3081)])
    train = datasets.mnist_t10k_split(train=True, transform=tf)
    torch.manual_seed(0)
    loader = DataLoader(train, batch_size=100, shuffle=True)
    xs, ys = next(iter(loader))
    assert tuple(xs.shape) == (100, 1, 28, 28) and len(loader) == 80
    assert len(set(ys.numpy().tolist())) > 5  # shuffled: many digits in one batch


def _write_cifar_test_batch(root, n=70):
    folder = root / "cifar-10-batches-py"
    folder.mkdir()
    rng = np.random.default_rng(0)
    data = rng.integers(0, 256, (n, 3072)).astype(np.uint8)
    labels = [int(v) for v in rng.integers(0, 10, n)]
    with open(folder / "test_batch", "wb") as f:
        pickle.dump({b"data": data, b"labels": labels}, f, protocol=2)
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({b"label_names": [b"c%d" % i for i in range(10)]}, f, protocol=2)
    return data, labels


def test_notes_cifar10_v2_pipeline(tmp_path):
    DataLoader = _dataloader()
    data, labels = _write_cifar_test_batch(tmp_path)
    image_2_tensor = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])
    dataset = datasets.CIFAR10(root=str(tmp_path), train=False, transform=image_2_tensor,
                               download=True)  # present locally: nothing to download
    data_loader = DataLoader(dataset=dataset, batch_size=64)
    image, target = next(iter(data_loader))
    assert tuple(image.shape) == (64, 3, 32, 32) and image.dtype == torch.float32
    ref = data[:64].reshape(64, 3, 32, 32).astype(np.float32) / np.float32(255)
    np.testing.assert_array_equal(image.numpy(), ref)
    assert target.numpy().tolist() == labels[:64]


def test_notes_make_grid_and_save_image(tmp_path):
    ds = datasets.MNIST(root=str(tmp_path), train=False, transform=transforms.ToTensor())
    batch = torch.stack([ds[i][0] for i in range(16)])
    grid = utils.make_grid(batch, nrow=4)
    assert tuple(grid.shape) == (3, 4 * 30 + 2, 4 * 30 + 2)
    path = tmp_path / "digits.png"
    utils.save_image(batch, str(path), nrow=4)
    back = np.asarray(Image.open(path))
    raw = _t10k_images()[:16]
    # image k at row k // 4, column k % 4, after a 2-pixel border; x/255*255+0.5 -> x
    for k in (0, 5, 15):
        r, c = divmod(k, 4)
        tile = back[2 + 30 * r: 30 * r + 30, 2 + 30 * c: 30 * c + 30]
        np.testing.assert_array_equal(tile[..., 0], raw[k])
        np.testing.assert_array_equal(tile[..., 2], raw[k])
    assert back[0].sum() == 0 and back[:, 30:32].sum() == 0  # padding is black


def test_vision_dataset_in_worker_processes():
    DataLoader = _dataloader()
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize(0.1307, 0.3081)])
    test = datasets.mnist_t10k_split(train=False, transform=tf)
    seen = []
    for xs, ys in DataLoader(test, batch_size=500, num_workers=2):
        assert tuple(xs.shape) == (500, 1, 28, 28)
        seen += ys.numpy().tolist()
    assert seen == test.targets.numpy().tolist()  # workers keep the order
