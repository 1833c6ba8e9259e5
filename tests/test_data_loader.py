"""DataLoader against torch.utils.data.DataLoader: batches, order, lengths, errors,
and real worker processes (order, seeds, worker info, errors, dying workers)."""

import gc
import multiprocessing
import os
import re
import time
import warnings

import numpy as np
import pytest
from helpers import to_np

from teachtorch import data_files  # noqa: E402
import teachtorch

torch = pytest.importorskip("torch")
from torch.utils import data as tdata

from teachtorch.utils import data as odata

DIABETES = str(data_files.path("diabetes/diabetes.csv.gz"))


def lib_data(lib):
    return odata if lib is teachtorch else tdata


def as_lists(x):
    if isinstance(x, (list, tuple)):
        return [as_lists(v) for v in x]
    if isinstance(x, dict):
        return {k: as_lists(v) for k, v in x.items()}
    if hasattr(x, "tolist"):
        return [str(x.dtype), x.tolist()]
    return x


def tensor_dataset(lib, n=10):
    x = lib.tensor(np.arange(n * 2, dtype=np.float32).reshape(n, 2))
    return lib_data(lib).TensorDataset(x, lib.arange(n))


LOADERS = [
    {"batch_size": 4},
    {"batch_size": 4, "drop_last": True},
    {"batch_size": 1},
    {"batch_size": None},
    {"batch_size": 3, "collate_fn": lambda b: [len(b), b[0][1].item()]},
]


@pytest.mark.parametrize("kwargs", LOADERS)
def test_sequential_batches_match_torch(kwargs):
    def run(lib):
        loader = lib_data(lib).DataLoader(tensor_dataset(lib), **kwargs)
        return len(loader), [as_lists(b) for b in loader]

    assert run(teachtorch) == run(torch)


def test_sampler_and_batch_sampler_options_match_torch():
    def run(lib):
        d = lib_data(lib)
        ds = tensor_dataset(lib)
        a = d.DataLoader(ds, batch_size=3, sampler=[9, 1, 5, 3, 7])
        b = d.DataLoader(ds, batch_sampler=[[0, 1], [8], [2, 9, 4]])
        return [as_lists(x) for x in a], len(a), [as_lists(x) for x in b], len(b)

    assert run(teachtorch) == run(torch)


def test_dict_samples_and_numpy_samples_match_torch():
    class D:
        def __init__(self, lib):
            self.lib = lib

        def __getitem__(self, i):
            return {"x": np.full(3, i, dtype=np.float32), "y": i, "name": str(i)}

        def __len__(self):
            return 5

    def run(lib):
        return [as_lists(b) for b in lib_data(lib).DataLoader(D(lib), batch_size=2)]

    assert run(teachtorch) == run(torch)


def test_shuffle_covers_every_sample_and_repeats_under_manual_seed():
    ds = tensor_dataset(teachtorch, 23)

    def epoch(loader):
        return [i for _, y in loader for i in y.tolist()]

    teachtorch.manual_seed(0)
    loader = odata.DataLoader(ds, batch_size=5, shuffle=True)
    e1, e2 = epoch(loader), epoch(loader)
    assert sorted(e1) == sorted(e2) == list(range(23))
    assert e1 != e2  # a new order every epoch
    teachtorch.manual_seed(0)
    assert epoch(loader) == e1
    g = teachtorch.Generator().manual_seed(5)
    g2 = teachtorch.Generator().manual_seed(5)
    assert epoch(
        odata.DataLoader(ds, batch_size=5, shuffle=True, generator=g)
    ) == epoch(odata.DataLoader(ds, batch_size=5, shuffle=True, generator=g2))
    # torch: same structure (5 batches of 5, last of 3)
    shapes = [tuple(x.shape) for x, _ in loader]
    theirs = [
        tuple(x.shape)
        for x, _ in tdata.DataLoader(
            tensor_dataset(torch, 23), batch_size=5, shuffle=True
        )
    ]
    assert shapes == theirs


@pytest.mark.parametrize(
    "kwargs",
    [
        {"batch_size": 4, "shuffle": True},
        {"batch_size": 3, "shuffle": True, "drop_last": True},
        {"batch_size": None, "shuffle": True},
    ],
)
def test_two_workers_give_the_same_batches_as_zero(kwargs):
    ds = tensor_dataset(teachtorch, 31)
    teachtorch.manual_seed(11)
    zero = [as_lists(b) for b in odata.DataLoader(ds, num_workers=0, **kwargs)]
    teachtorch.manual_seed(11)
    two = [as_lists(b) for b in odata.DataLoader(ds, num_workers=2, **kwargs)]
    assert zero == two and len(zero) > 3


class WhoLoads:
    """dataset[i] -> (i, worker id, pid, a random draw) seen from inside the loader."""

    def __init__(self, lib):
        self.lib = lib

    def __getitem__(self, i):
        info = lib_data(self.lib).get_worker_info()
        wid = -1 if info is None else info.id
        return (
            i,
            wid,
            os.getpid(),
            float(self.lib.rand(1).item()),
            int(os.environ.get("TT_INIT_MARK", "0")),
        )

    def __len__(self):
        return 8


def _mark_init(worker_id):
    os.environ["TT_INIT_MARK"] = str(100 + worker_id)


def test_workers_are_real_processes_with_worker_info_and_init_fn():
    assert odata.get_worker_info() is None
    loader = odata.DataLoader(
        WhoLoads(teachtorch), batch_size=2, num_workers=2, worker_init_fn=_mark_init
    )
    rows = [list(zip(*[t.tolist() for t in b])) for b in loader]
    rows = [r for batch in rows for r in batch]
    assert [r[0] for r in rows] == list(range(8))
    assert {r[1] for r in rows} == {0, 1}
    pids = {r[2] for r in rows}
    assert len(pids) == 2 and os.getpid() not in pids
    assert {r[4] for r in rows} == {100, 101}  # worker_init_fn ran in each worker
    # batches alternate between workers, as in torch
    assert [r[1] for r in rows] == [0, 0, 1, 1, 0, 0, 1, 1]
    assert "TT_INIT_MARK" not in os.environ


def test_worker_seeds_differ_per_worker_and_repeat_under_manual_seed():
    def draws():
        teachtorch.manual_seed(4)
        loader = odata.DataLoader(WhoLoads(teachtorch), batch_size=4, num_workers=2)
        return [v for b in loader for v in b[3].tolist()]

    a, b = draws(), draws()
    assert a == b
    assert a[:4] != a[4:]  # worker 0 and worker 1 draw different numbers


def test_persistent_workers_keep_their_processes_across_epochs():
    loader = odata.DataLoader(
        WhoLoads(teachtorch),
        batch_size=2,
        num_workers=2,
        persistent_workers=True,
        shuffle=True,
    )
    epochs = [
        [r for b in loader for r in zip(*[t.tolist() for t in b])] for _ in range(3)
    ]
    for rows in epochs:
        assert sorted(r[0] for r in rows) == list(range(8))
    pids = [{r[2] for r in rows} for rows in epochs]
    assert pids[0] == pids[1] == pids[2] and len(pids[0]) == 2
    # break in the middle of an epoch: the next epoch is still complete
    for i, _ in enumerate(loader):
        if i == 1:
            break
    assert sorted(r[0] for b in loader for r in zip(*[t.tolist() for t in b])) == list(
        range(8)
    )
    workers = loader._iterator._workers
    del loader
    gc.collect()
    time.sleep(0.2)
    assert not any(w.is_alive() for w in workers)


def make_stream(lib):
    """An IterableDataset that splits range(14) between workers, like torch's docs."""

    class Stream(lib_data(lib).IterableDataset):
        def __iter__(self):
            info = lib_data(lib).get_worker_info()
            if info is None:
                return iter(range(14))
            return iter(range(info.id, 14, info.num_workers))

        def __len__(self):
            return 14

    return Stream()


@pytest.mark.parametrize(
    "kwargs",
    [{"batch_size": 3}, {"batch_size": 3, "drop_last": True}, {"batch_size": None}],
)
@pytest.mark.parametrize("workers", [0, 2])
def test_iterable_dataset_batches_match_torch(kwargs, workers):
    def run(lib):
        loader = lib_data(lib).DataLoader(
            make_stream(lib), num_workers=workers, **kwargs
        )
        return [as_lists(b) for b in loader], len(loader)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about len() and drop_last
        assert run(teachtorch) == run(torch)


class Failing:
    def __init__(self, exc, at=5):
        self.exc, self.at = exc, at

    def __getitem__(self, i):
        if i == self.at:
            raise self.exc(f"bad sample {i}")
        return i

    def __len__(self):
        return 10


@pytest.mark.parametrize("exc", [ValueError, KeyError, IndexError])
def test_worker_exception_is_reraised_with_worker_id_and_traceback(exc):
    pattern = (
        rf"Caught {exc.__name__} in DataLoader worker process (\d)\.\n"
        r"Original Traceback \(most recent call last\):"
    )
    for lib in (teachtorch, torch):
        loader = lib_data(lib).DataLoader(Failing(exc), batch_size=2, num_workers=2)
        kind, text = first_error(loader)
        assert kind is exc
        assert re.search(pattern, text), text
        assert re.search(pattern, text).group(1) == "0"  # batch 2 goes to worker 0
        assert "bad sample 5" in text and "__getitem__" in text


def first_error(loader):
    """(type, text) of the error iterating raises; the workers are stopped at once
    (torch's re-raise leaves its iterator in a reference cycle, which would delay
    its worker shutdown to a later gc run and slow down some other test)."""
    it = iter(loader)
    try:
        for _ in it:
            pass
    except Exception as e:  # noqa: BLE001 - reported to the caller
        return type(e), str(e)
    finally:
        stop = getattr(it, "_shutdown_workers", None) or getattr(it, "_shutdown", None)
        if stop is not None:
            stop()
    raise AssertionError("no error raised")


def test_exception_with_zero_workers_is_the_original():
    with pytest.raises(ValueError, match="^bad sample 5$"):
        list(odata.DataLoader(Failing(ValueError), batch_size=2))


class Dying:
    def __getitem__(self, i):
        if i == 3:
            os._exit(1)
        return i

    def __len__(self):
        return 10


def test_dying_worker_raises_instead_of_hanging():
    loader = odata.DataLoader(Dying(), batch_size=2, num_workers=2)
    start = time.time()
    with pytest.raises(
        RuntimeError,
        match=r"DataLoader worker \(pid \d+\) exited unexpectedly "
        r"with exit code 1",
    ) as info:
        list(loader)
    assert time.time() - start < 60  # a hang guard, not a timing test
    assert "\nhint: " in str(info.value)


class Slow:
    def __getitem__(self, i):
        time.sleep(2 if i == 0 else 0)
        return i

    def __len__(self):
        return 4


def test_timeout_raises_torch_error():
    loader = odata.DataLoader(Slow(), batch_size=2, num_workers=1, timeout=0.5)
    with pytest.raises(RuntimeError, match=r"^DataLoader timed out after 0.5 seconds"):
        list(loader)


def test_breaking_early_cleans_up_workers():
    before = set(multiprocessing.active_children())
    for _ in range(3):
        for i, _ in enumerate(
            odata.DataLoader(range(100), batch_size=2, num_workers=2)
        ):
            if i == 2:
                break
    gc.collect()
    time.sleep(0.3)
    leaked = [p for p in multiprocessing.active_children() if p not in before]
    assert leaked == []


def _err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - reported to the caller
        return type(e), str(e).split("\nhint:")[0]
    raise AssertionError("no error raised")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"num_workers": -1},
        {"timeout": -1},
        {"prefetch_factor": 2},
        {"persistent_workers": True},
        {"sampler": [0, 1], "shuffle": True},
        {"batch_sampler": [[0]], "batch_size": 2},
        {"batch_size": None, "drop_last": True},
    ],
)
def test_argument_errors_match_torch(kwargs):
    ours = _err(lambda: odata.DataLoader(tensor_dataset(teachtorch), **kwargs))
    theirs = _err(lambda: tdata.DataLoader(tensor_dataset(torch), **kwargs))
    assert ours == theirs


def test_iterable_dataset_with_shuffle_and_setting_attributes_errors_match_torch():
    ours = _err(lambda: odata.DataLoader(make_stream(teachtorch), shuffle=True))
    theirs = _err(lambda: tdata.DataLoader(make_stream(torch), shuffle=True))
    assert ours == theirs

    def set_bs(lib):
        loader = lib_data(lib).DataLoader(tensor_dataset(lib))
        loader.batch_size = 3

    assert _err(lambda: set_bs(teachtorch)) == _err(lambda: set_bs(torch))


def test_pin_memory_is_accepted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loader = odata.DataLoader(
            tensor_dataset(teachtorch), batch_size=5, pin_memory=True
        )
    assert len(list(loader)) == 2


class DiabetesDataset(odata.Dataset):
    """The notes' pattern, unchanged except for the import."""

    def __init__(self, filepath):
        xy = np.loadtxt(filepath, delimiter=",", dtype=np.float32)
        self.len = xy.shape[0]
        self.x_data = teachtorch.from_numpy(xy[:, :-1])
        self.y_data = teachtorch.from_numpy(xy[:, [-1]])

    def __getitem__(self, index):
        return self.x_data[index], self.y_data[index]

    def __len__(self):
        return self.len


def test_diabetes_dataset_loader_with_two_workers():
    dataset = DiabetesDataset(DIABETES)
    train_loader = odata.DataLoader(
        dataset=dataset, batch_size=32, shuffle=True, num_workers=2
    )
    assert len(dataset) == 759 and len(train_loader) == 24
    teachtorch.manual_seed(0)
    seen = []
    for i, data in enumerate(train_loader, 0):
        inputs, labels = data
        assert inputs.dtype == teachtorch.float32 and labels.dtype == teachtorch.float32
        assert tuple(inputs.shape) == ((32, 8) if i < 23 else (23, 8))
        assert tuple(labels.shape[1:]) == (1,)
        seen.append(to_np(inputs))
    rows = np.concatenate(seen)
    assert rows.shape == (759, 8)
    # every row of the file exactly once
    order = np.lexsort(rows.T)
    full = dataset.x_data.numpy()
    np.testing.assert_array_equal(rows[order], full[np.lexsort(full.T)])


def test_spawn_context_pickles_dataset_and_tensors():
    """Without fork (Windows, macOS default) the dataset and batches travel by pickle."""
    ds = tensor_dataset(teachtorch, 10)
    loader = odata.DataLoader(
        ds, batch_size=4, num_workers=2, multiprocessing_context="spawn"
    )
    assert [as_lists(b) for b in loader] == [
        as_lists(b) for b in tdata.DataLoader(tensor_dataset(torch, 10), batch_size=4)
    ]
