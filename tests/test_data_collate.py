"""default_collate / default_convert against torch.utils.data on the same samples."""

import collections

import numpy as np
import pytest
from helpers import to_np

import teachtorch

torch = pytest.importorskip("torch")
from torch.utils import data as tdata

from teachtorch.utils import data as odata

Point = collections.namedtuple("Point", ["x", "y"])


def same(ours, theirs):
    """Recursively compare a teachtorch structure with a torch one."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, teachtorch.Tensor), type(ours)
        assert str(ours.dtype) == str(theirs.dtype)
        assert tuple(ours.shape) == tuple(theirs.shape)
        np.testing.assert_array_equal(to_np(ours), to_np(theirs))
        return
    assert type(ours) is type(theirs), (type(ours), type(theirs))
    if isinstance(theirs, dict):
        assert list(ours) == list(theirs)
        for k in theirs:
            same(ours[k], theirs[k])
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            same(a, b)
    else:
        assert ours == theirs


def samples(lib, kind):
    """The same batch of samples built with lib's tensors."""
    rng = np.random.default_rng(1)
    arrays = [rng.standard_normal((2, 3)).astype(np.float32) for _ in range(4)]
    if kind == "tensors":
        return [lib.tensor(a) for a in arrays]
    if kind == "int64 tensors":
        return [lib.tensor([i, i + 1]) for i in range(4)]
    if kind == "arrays":
        return arrays
    if kind == "0-d arrays":
        return [np.array(i, dtype=np.int16) for i in range(4)]
    if kind == "numpy scalars":
        return [np.float32(i) / 3 for i in range(4)]
    if kind == "ints":
        return [1, 2, 3, 4]
    if kind == "floats":
        return [0.5, 1.5, 2.0, 3.25]
    if kind == "bools":
        return [True, False, True, True]
    if kind == "strings":
        return ["a", "bb", "c", "dd"]
    if kind == "pairs":
        return [(lib.tensor(a), i) for i, a in enumerate(arrays)]
    if kind == "lists":
        return [[lib.tensor(a), float(i), "s"] for i, a in enumerate(arrays)]
    if kind == "dicts":
        return [{"img": a, "label": i, "name": f"n{i}"} for i, a in enumerate(arrays)]
    if kind == "ordered dicts":
        return [collections.OrderedDict(b=i, a=a) for i, a in enumerate(arrays)]
    if kind == "namedtuples":
        return [Point(lib.tensor(a), i) for i, a in enumerate(arrays)]
    if kind == "nested":
        return [
            {"pair": (i, [float(i), {"deep": np.int64(i)}]), "t": lib.tensor(a)}
            for i, a in enumerate(arrays)
        ]
    raise KeyError(kind)


KINDS = [
    "tensors",
    "int64 tensors",
    "arrays",
    "0-d arrays",
    "numpy scalars",
    "ints",
    "floats",
    "bools",
    "strings",
    "pairs",
    "lists",
    "dicts",
    "ordered dicts",
    "namedtuples",
    "nested",
]


@pytest.mark.parametrize("kind", KINDS)
def test_default_collate_matches_torch(kind):
    same(
        odata.default_collate(samples(teachtorch, kind)),
        tdata.default_collate(samples(torch, kind)),
    )


@pytest.mark.parametrize(
    "kind",
    ["arrays", "numpy scalars", "dicts", "namedtuples", "strings", "nested", "pairs"],
)
def test_default_convert_matches_torch(kind):
    for s_ours, s_theirs in zip(samples(teachtorch, kind), samples(torch, kind)):
        same(odata.default_convert(s_ours), tdata.default_convert(s_theirs))


def _err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - reported to the caller
        return type(e), str(e)
    raise AssertionError("no error")


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: [lib.ones(3), lib.ones(4)],
        lambda lib: [[1, 2], [1]],
        lambda lib: [object(), object()],
        lambda lib: [np.array(["a", "b"]), np.array(["c", "d"])],
    ],
)
def test_collate_errors_match_torch(make):
    ours = _err(lambda: odata.default_collate(make(teachtorch)))
    theirs = _err(lambda: tdata.default_collate(make(torch)))
    assert ours[0] is theirs[0]
    assert ours[1].split("\nhint:")[0] == theirs[1]


def test_stack_error_has_a_hint():
    _, msg = _err(
        lambda: odata.default_collate([teachtorch.ones(3), teachtorch.ones(4)])
    )
    assert "\nhint: " in msg and "collate_fn" in msg


def test_collated_float32_stays_float32_and_is_a_fresh_array():
    a = [np.ones(3, dtype=np.float32) for _ in range(2)]
    out = odata.default_collate(a)
    assert out.dtype == teachtorch.float32
    out._data[0, 0] = 5
    assert a[0][0] == 1
