"""Datasets and samplers against torch.utils.data: contents, order, lengths, errors;
shuffling checked for coverage and for determinism under manual_seed."""

import warnings

import numpy as np
import pytest
from helpers import to_np

import teachtorch

torch = pytest.importorskip("torch")
from torch.utils import data as tdata

from teachtorch.utils import data as odata


def lib_data(lib):
    return odata if lib is teachtorch else tdata


def as_lists(x):
    if isinstance(x, (list, tuple)):
        return [as_lists(v) for v in x]
    if hasattr(x, "tolist"):
        return x.tolist()
    return x


def test_tensor_dataset_matches_torch():
    def build(lib):
        d = lib_data(lib)
        x = lib.tensor(np.arange(20.0).reshape(10, 2))
        y = lib.tensor(np.arange(10))
        ds = d.TensorDataset(x, y)
        return len(ds), as_lists(ds[3]), as_lists(ds[-1]), as_lists(ds[2:4])

    assert build(teachtorch) == build(torch)


def test_subset_concat_stack_chain_match_torch():
    def build(lib):
        d = lib_data(lib)
        a, b = list(range(5)), list(range(100, 103))
        sub = d.Subset(a, [4, 0, 2])
        cat = d.ConcatDataset([a, b, sub])
        stack = d.StackDataset(a, [x * 2 for x in a])
        return (
            [sub[i] for i in range(len(sub))],
            len(cat),
            [cat[i] for i in range(len(cat))],
            cat[-1],
            cat[-8],
            cat.cumulative_sizes,
            stack[3],
            len(stack),
        )

    assert build(teachtorch) == build(torch)


class Stream:
    """An IterableDataset factory for either library."""

    @staticmethod
    def make(lib, start, stop):
        class S(lib_data(lib).IterableDataset):
            def __iter__(self):
                return iter(range(start, stop))

            def __len__(self):
                return stop - start

        return S()


def test_chain_dataset_and_add_operators():
    for lib in (teachtorch, torch):
        s = Stream.make(lib, 0, 3) + Stream.make(lib, 10, 12)
        assert isinstance(s, lib_data(lib).ChainDataset)
        assert list(s) == [0, 1, 2, 10, 11] and len(s) == 5
        ds = lib_data(lib).TensorDataset(lib.arange(3)) + lib_data(lib).TensorDataset(
            lib.arange(2)
        )
        assert isinstance(ds, lib_data(lib).ConcatDataset) and len(ds) == 5


@pytest.mark.parametrize(
    "lengths",
    [[3, 7], [0.5, 0.5], [0.3, 0.3, 0.4], [0.33, 0.33, 0.34], [0.1, 0.1, 0.8]],
)
def test_random_split_sizes_and_partition_match_torch(lengths):
    def split(lib):
        g = lib.Generator().manual_seed(42)
        parts = lib_data(lib).random_split(
            range(11 if len(lengths) == 3 else 10), lengths, generator=g
        )
        return [len(p) for p in parts], sorted(i for p in parts for i in p)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert split(teachtorch) == split(torch)


def test_random_split_is_repeatable_with_a_seeded_generator():
    def split(seed):
        g = teachtorch.Generator().manual_seed(seed)
        return [
            list(p.indices)
            for p in odata.random_split(range(20), [0.8, 0.2], generator=g)
        ]

    assert split(1) == split(1)
    assert split(1) != split(2)


def test_sequential_and_batch_sampler_match_torch():
    def build(lib):
        d = lib_data(lib)
        seq = d.SequentialSampler(range(7))
        out = [list(seq), len(seq)]
        for drop in (False, True):
            bs = d.BatchSampler(seq, 3, drop)
            out += [list(bs), len(bs)]
        return out

    assert build(teachtorch) == build(torch)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"num_samples": 5},
        {"num_samples": 23},
        {"replacement": True, "num_samples": 30},
    ],
)
def test_random_sampler_coverage_and_length_like_torch(kwargs):
    ours = list(odata.RandomSampler(range(10), **kwargs))
    theirs = list(tdata.RandomSampler(range(10), **kwargs))
    assert len(ours) == len(theirs)
    assert len(odata.RandomSampler(range(10), **kwargs)) == len(
        tdata.RandomSampler(range(10), **kwargs)
    )
    assert all(0 <= i < 10 for i in ours)
    if not kwargs.get("replacement"):
        # without replacement: every full pass is a permutation
        n = len(ours) // 10 * 10
        for start in range(0, n, 10):
            assert sorted(ours[start : start + 10]) == list(range(10))
        assert len(set(ours[n:])) == len(ours[n:])


def test_random_sampler_deterministic_under_manual_seed_and_generator():
    teachtorch.manual_seed(3)
    a = [list(odata.RandomSampler(range(50))) for _ in range(2)]
    teachtorch.manual_seed(3)
    b = [list(odata.RandomSampler(range(50))) for _ in range(2)]
    assert a == b and a[0] != a[1]  # same run repeats; epochs differ
    g1 = teachtorch.Generator().manual_seed(7)
    g2 = teachtorch.Generator().manual_seed(7)
    assert list(odata.RandomSampler(range(50), generator=g1)) == list(
        odata.RandomSampler(range(50), generator=g2)
    )


def test_subset_random_sampler():
    idx = [3, 9, 11, 20]
    s = odata.SubsetRandomSampler(idx, generator=teachtorch.Generator().manual_seed(0))
    out = list(s)
    assert sorted(out) == idx and len(s) == len(tdata.SubsetRandomSampler(idx))


def test_weighted_random_sampler_respects_weights():
    teachtorch.manual_seed(0)
    w = [0.0, 1.0, 3.0, 0.0]
    s = odata.WeightedRandomSampler(w, 4000)
    counts = np.bincount(list(s), minlength=4)
    assert counts[0] == counts[3] == 0
    assert 2.6 < counts[2] / counts[1] < 3.4
    assert len(s) == len(tdata.WeightedRandomSampler(w, 4000))
    s = odata.WeightedRandomSampler(
        teachtorch.tensor([1.0, 1.0, 1.0]), 3, replacement=False
    )
    assert sorted(s) == [0, 1, 2]


def _err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - reported to the caller
        return type(e), str(e).split("\nhint:")[0]
    raise AssertionError("no error raised")


@pytest.mark.parametrize(
    "make",
    [
        lambda lib, d: d.random_split(range(10), [3, 3]),
        lambda lib, d: d.random_split(range(10), [0.5, 0.6]),
        lambda lib, d: d.RandomSampler(range(3), num_samples=0),
        lambda lib, d: d.RandomSampler(range(3), replacement=1),
        lambda lib, d: d.BatchSampler(range(3), 0, False),
        lambda lib, d: d.BatchSampler(range(3), 2, 1),
        lambda lib, d: d.WeightedRandomSampler([[1.0, 2.0]], 2),
        lambda lib, d: d.WeightedRandomSampler([1.0, 2.0], 0),
        lambda lib, d: d.TensorDataset(lib.ones(3), lib.ones(4)),
        lambda lib, d: d.ConcatDataset([]),
        lambda lib, d: d.ConcatDataset([range(3)])[-5],
        lambda lib, d: d.Dataset()[0],
    ],
)
def test_errors_match_torch(make):
    ours = _err(lambda: make(teachtorch, odata))
    theirs = _err(lambda: make(torch, tdata))
    assert ours == theirs


def test_tensor_dataset_error_has_a_hint():
    with pytest.raises(AssertionError, match="hint: every tensor needs the same"):
        odata.TensorDataset(teachtorch.ones(3), teachtorch.ones(4))


def test_tensor_dataset_rows_share_memory_like_torch():
    x = teachtorch.zeros(4, 2)
    ds = odata.TensorDataset(x)
    ds[1][0][0] = 5.0
    assert to_np(x)[1, 0] == 5.0
