"""teachtorch.vision.datasets read the real file formats (IDX, CIFAR pickles, folders).

The files are written by the tests themselves in each real format (or are the
shipped MNIST t10k files); expected values come from independent readers written
here with gzip/NumPy, never from teachtorch.
"""
import gzip
import io
import os
import pickle

import numpy as np
import pytest
from PIL import Image

import teachtorch
from teachtorch.vision import datasets, transforms
from teachtorch.vision.datasets._files import SafeUnpickler, load_pickle

ASSETS = os.path.join(os.path.dirname(__file__), "..", "assets", "data", "mnist")


def _reference_t10k():
    with gzip.open(os.path.join(ASSETS, "t10k-images-idx3-ubyte.gz")) as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(10000, 28, 28)
    with gzip.open(os.path.join(ASSETS, "t10k-labels-idx1-ubyte.gz")) as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    return images, labels


def _write_idx(path, array, magic, compress):
    header = magic.to_bytes(4, "big") + b"".join(
        n.to_bytes(4, "big") for n in array.shape)
    data = header + array.astype(">u1").tobytes()
    with (gzip.open if compress else open)(path, "wb") as f:
        f.write(data)


def test_mnist_t10k_shipped_matches_an_independent_reader(tmp_path):
    images, labels = _reference_t10k()
    ds = datasets.MNIST(root=str(tmp_path), train=False)
    assert len(ds) == 10000
    assert ds.data.dtype == teachtorch.uint8 and tuple(ds.data.shape) == (10000, 28, 28)
    assert ds.targets.dtype == teachtorch.int64
    np.testing.assert_array_equal(ds.data.numpy(), images)
    np.testing.assert_array_equal(ds.targets.numpy(), labels)
    img, target = ds[0]
    assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
    assert type(target) is int and target == int(labels[0]) == 7
    np.testing.assert_array_equal(np.asarray(img), images[0])
    assert ds.classes[7] == "7 - seven" and ds.class_to_idx["7 - seven"] == 7
    assert len(ds.classes) == 10
    assert repr(ds).splitlines()[:2] == ["Dataset MNIST", "    Number of datapoints: 10000"]
    assert repr(ds).splitlines()[-1] == "    Split: Test"


@pytest.mark.parametrize("compress", [True, False])
def test_mnist_reads_torchvision_layout(tmp_path, compress):
    rng = np.random.default_rng(1)
    imgs = rng.integers(0, 256, (5, 28, 28)).astype(np.uint8)
    labs = np.array([3, 1, 4, 1, 5], np.uint8)
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    ext = ".gz" if compress else ""
    _write_idx(raw / f"train-images-idx3-ubyte{ext}", imgs, 2051, compress)
    _write_idx(raw / f"train-labels-idx1-ubyte{ext}", labs, 2049, compress)
    ds = datasets.MNIST(str(tmp_path), train=True, transform=transforms.ToTensor(),
                        target_transform=lambda y: y * 10)
    assert len(ds) == 5
    x, y = ds[2]
    assert y == 40
    np.testing.assert_allclose(x.numpy()[0], imgs[2] / np.float32(255), rtol=1e-6)
    assert repr(ds).splitlines()[3] == "    Split: Train"


def test_fashion_mnist_same_reader(tmp_path):
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    imgs = np.arange(2 * 28 * 28).reshape(2, 28, 28).astype(np.uint8)
    _write_idx(raw / "t10k-images-idx3-ubyte.gz", imgs, 2051, True)
    _write_idx(raw / "t10k-labels-idx1-ubyte.gz", np.array([9, 0], np.uint8), 2049, True)
    ds = datasets.FashionMNIST(str(tmp_path), train=False)
    assert ds.classes[ds[0][1]] == "Ankle boot"
    np.testing.assert_array_equal(np.asarray(ds[1][0]), imgs[1])


def test_idx_magic_is_checked(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    imgs = np.zeros((2, 28, 28), np.uint8)
    _write_idx(raw / "train-images-idx3-ubyte.gz", imgs, 2051, True)
    _write_idx(raw / "train-labels-idx1-ubyte.gz", imgs, 2051, True)  # swapped file
    with pytest.raises(RuntimeError, match="magic number is 2051, expected 2049"):
        datasets.MNIST(str(tmp_path), train=True)


def test_mnist_train_missing_names_file_and_split_helper(tmp_path):
    with pytest.raises(RuntimeError) as e:
        datasets.MNIST(str(tmp_path), train=True)
    msg = str(e.value)
    assert msg.startswith("Dataset not found. You can use download=True")
    assert "train-images-idx3-ubyte.gz" in msg
    assert str(tmp_path / "MNIST" / "raw") in msg
    assert "mnist_t10k_split" in msg and "\nhint:" in msg
    with pytest.raises(RuntimeError) as e:
        datasets.MNIST(str(tmp_path), train=True, download=True)
    assert "train-images-idx3-ubyte.gz" in str(e.value)
    assert "downloads nothing" in str(e.value)
    with pytest.raises(RuntimeError, match="FashionMNIST/raw"):
        datasets.FashionMNIST(str(tmp_path), train=False, download=True)


def test_t10k_split_is_seeded_disjoint_and_complete():
    images, labels = _reference_t10k()
    train = datasets.mnist_t10k_split(train=True)
    test = datasets.mnist_t10k_split(train=False)
    assert (len(train), len(test)) == (8000, 2000)
    # the two parts together are exactly t10k: compare sorted pixel-row hashes
    both = np.concatenate([train.data.numpy(), test.data.numpy()]).reshape(10000, -1)
    ref = images.reshape(10000, -1)
    key = lambda a: sorted(map(bytes, a))
    assert key(both) == key(ref)
    # items of the split are items of t10k with their own labels
    perm = np.random.default_rng(0).permutation(10000)
    keep = np.sort(perm[:8000])
    np.testing.assert_array_equal(train.data.numpy(), images[keep])
    np.testing.assert_array_equal(train.targets.numpy(), labels[keep])
    again = datasets.mnist_t10k_split(train=True, seed=0)
    np.testing.assert_array_equal(again.targets.numpy(), train.targets.numpy())
    other = datasets.mnist_t10k_split(train=True, seed=1)
    assert not np.array_equal(other.targets.numpy(), train.targets.numpy())
    assert isinstance(train[0][0], Image.Image)
    with pytest.raises(ValueError, match="n_train"):
        datasets.mnist_t10k_split(n_train=10000)


def _write_cifar(folder, files, n, labels_key, names_key, names, rng):
    folder.mkdir(parents=True)
    written = {}
    for name in files:
        data = rng.integers(0, 256, (n, 3072)).astype(np.uint8)
        labels = [int(v) for v in rng.integers(0, len(names), n)]
        batch = {b"batch_label": name.encode(), b"data": data,
                 labels_key.encode(): labels}
        with open(folder / name, "wb") as f:
            pickle.dump(batch, f, protocol=2)
        written[name] = (data, labels)
    return written


def test_cifar10_real_batch_format(tmp_path):
    rng = np.random.default_rng(0)
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
             "ship", "truck"]
    folder = tmp_path / "cifar-10-batches-py"
    files = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    written = _write_cifar(folder, files, 4, "labels", "label_names", names, rng)
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({b"label_names": [n.encode() for n in names],
                     b"num_vis": 3072}, f, protocol=2)
    train = datasets.CIFAR10(str(tmp_path), train=True)
    test = datasets.CIFAR10(str(tmp_path), train=False)
    assert (len(train), len(test)) == (20, 4)
    assert train.classes == names and train.class_to_idx["cat"] == 3
    data, labels = written["test_batch"]
    img, target = test[1]
    assert isinstance(img, Image.Image) and img.mode == "RGB" and img.size == (32, 32)
    assert target == labels[1] and test.targets == labels
    # row 1 of the batch: 1024 reds, 1024 greens, 1024 blues, each 32x32 row-major
    expected = np.stack([data[1, :1024], data[1, 1024:2048], data[1, 2048:]], -1)
    np.testing.assert_array_equal(np.asarray(img), expected.reshape(32, 32, 3))
    assert test.data.shape == (4, 32, 32, 3) and test.data.dtype == np.uint8
    np.testing.assert_array_equal(train.data[4:8].reshape(4, -1, 3).transpose(0, 2, 1)
                                  .reshape(4, 3072), written["data_batch_2"][0])


def test_cifar100_fine_labels(tmp_path):
    rng = np.random.default_rng(0)
    names = [f"class{i}" for i in range(100)]
    folder = tmp_path / "cifar-100-python"
    written = _write_cifar(folder, ["train", "test"], 3, "fine_labels",
                           "fine_label_names", names, rng)
    with open(folder / "meta", "wb") as f:
        pickle.dump({"fine_label_names": names, "coarse_label_names": ["x"] * 20}, f,
                    protocol=2)
    ds = datasets.CIFAR100(str(tmp_path), train=False)
    assert ds.targets == written["test"][1] and ds.classes == names


def test_cifar_missing_names_files(tmp_path):
    with pytest.raises(RuntimeError) as e:
        datasets.CIFAR10(str(tmp_path), train=False, download=True)
    assert "test_batch" in str(e.value) and "cifar-10-batches-py" in str(e.value)


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned > /dev/null",))


def test_pickle_that_runs_code_is_refused(tmp_path):
    blob = pickle.dumps({b"data": _Evil()}, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="forbidden"):
        SafeUnpickler(io.BytesIO(blob), encoding="latin1").load()
    p = tmp_path / "evil"
    p.write_bytes(pickle.dumps([1, print], protocol=4))
    with pytest.raises(pickle.UnpicklingError, match="builtins.print"):
        load_pickle(p)


def _write_png(path, color, size=(6, 4)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)


def test_image_folder(tmp_path):
    _write_png(tmp_path / "dog" / "b.png", (10, 20, 30))
    _write_png(tmp_path / "dog" / "a.png", (1, 2, 3))
    _write_png(tmp_path / "cat" / "sub" / "z.png", (200, 0, 0))
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    Image.new("L", (3, 3), 7).save(tmp_path / "cat" / "g.PNG")
    ds = datasets.ImageFolder(str(tmp_path), transform=transforms.PILToTensor())
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    rel = [(os.path.relpath(p, tmp_path), t) for p, t in ds.samples]
    assert rel == [("cat/g.PNG", 0), ("cat/sub/z.png", 0), ("dog/a.png", 1),
                   ("dog/b.png", 1)]
    assert ds.targets == [0, 0, 1, 1] and ds.imgs == ds.samples
    x, y = ds[0]  # grey file, converted to RGB by the default loader
    assert tuple(x.shape) == (3, 3, 3) and int(x.numpy().max()) == 7 and y == 0
    assert x.numpy()[:, 0, 0].tolist() == [7, 7, 7]
    x, y = ds[2]
    assert x.numpy()[:, 0, 0].tolist() == [1, 2, 3] and y == 1


def test_dataset_folder_rules(tmp_path):
    for cls in ("a", "b"):
        (tmp_path / cls).mkdir()
        (tmp_path / cls / "x.npy").write_bytes(b"")
        (tmp_path / cls / "y.txt").write_bytes(b"")
    ds = datasets.DatasetFolder(str(tmp_path), loader=lambda p: p, extensions=(".npy",))
    assert [os.path.basename(p) for p, _ in ds.samples] == ["x.npy", "x.npy"]
    assert ds[1] == (ds.samples[1][0], 1)
    ds = datasets.DatasetFolder(str(tmp_path), loader=len,
                                is_valid_file=lambda p: p.endswith(".txt"))
    assert [os.path.basename(p) for p, _ in ds.samples] == ["y.txt", "y.txt"]
    with pytest.raises(ValueError, match="Both extensions and is_valid_file"):
        datasets.DatasetFolder(str(tmp_path), loader=len)
    (tmp_path / "c").mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes c"):
        datasets.DatasetFolder(str(tmp_path), loader=len, extensions=".npy")
    ok = datasets.DatasetFolder(str(tmp_path), loader=len, extensions=".npy",
                                allow_empty=True)
    assert ok.classes == ["a", "b", "c"] and len(ok) == 2
    with pytest.raises(FileNotFoundError, match="Couldn't find any class folder"):
        datasets.ImageFolder(str(tmp_path / "c"))


def test_fake_data_is_seeded_per_index():
    ds = datasets.FakeData(size=4, image_size=(3, 8, 6), num_classes=5)
    a, ya = ds[2]
    teachtorch.manual_seed(123)  # the global seed does not matter
    b, yb = ds[2]
    assert a.size == (6, 8) and a.mode == "RGB"
    assert np.array_equal(np.asarray(a), np.asarray(b)) and ya == yb
    assert 0 <= ya < 5 and len(ds) == 4
    assert not np.array_equal(np.asarray(ds[1][0]), np.asarray(a))
    shifted = datasets.FakeData(size=4, image_size=(3, 8, 6), random_offset=1)
    assert np.array_equal(np.asarray(shifted[1][0]), np.asarray(a))
    with pytest.raises(IndexError):
        ds[4]
    grey = datasets.FakeData(size=1, image_size=(1, 5, 5))
    assert grey[0][0].mode == "L"


def test_write_cifar10_round_trip(tmp_path):
    rng = np.random.default_rng(5)
    images = rng.integers(0, 256, (11, 32, 32, 3)).astype(np.uint8)
    labels = rng.integers(0, 10, 11).tolist()
    folder = datasets.write_cifar10(str(tmp_path), images, labels, train=True)
    with open(os.path.join(folder, "data_batch_1"), "rb") as f:
        raw = pickle.load(f, encoding="bytes")  # plain pickle: the real format
    assert sorted(raw) == [b"batch_label", b"data", b"labels"]
    assert raw[b"data"].shape == (3, 3072) and raw[b"data"].dtype == np.uint8
    np.testing.assert_array_equal(raw[b"data"][0, :1024], images[0, :, :, 0].ravel())
    ds = datasets.CIFAR10(str(tmp_path), train=True)
    np.testing.assert_array_equal(ds.data, images)
    assert ds.targets == labels and ds.classes[0] == "airplane"
    with pytest.raises(ValueError, match=r"\(N, 32, 32, 3\)"):
        datasets.write_cifar10(str(tmp_path), images[:, :16], labels)


def test_repr_like_torchvision(tmp_path):
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize(0.1307, 0.3081)])
    ds = datasets.MNIST(str(tmp_path), train=False, transform=tf)
    # torchvision indents only the first line of the transform block (sic)
    assert repr(ds) == (
        "Dataset MNIST\n"
        "    Number of datapoints: 10000\n"
        f"    Root location: {tmp_path}\n"
        "    Split: Test\n"
        "    StandardTransform\n"
        "Transform: Compose(\n"
        "               ToTensor()\n"
        "               Normalize(mean=0.1307, std=0.3081)\n"
        "           )")
