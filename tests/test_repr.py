"""repr parity: teachtorch prints exactly what PyTorch prints for the same tensor."""

import math
import zlib

import numpy as np
import pytest
import torch

import teachtorch

DTYPES = [
    "float32",
    "float64",
    "float16",
    "int64",
    "int32",
    "int16",
    "int8",
    "uint8",
    "bool",
]


def _values(rng, kind, shape):
    n = int(np.prod(shape))
    if kind == "unit":
        v = rng.standard_normal(n)
    elif kind == "ints":
        v = rng.integers(-20, 20, n).astype(np.float64)
    elif kind == "wide":  # spans > 1000x: scientific notation
        v = rng.standard_normal(n) * 10.0 ** rng.integers(-6, 6, n)
    elif kind == "tiny":
        v = rng.standard_normal(n) * 1e-5
    elif kind == "huge":
        v = rng.standard_normal(n) * 1e9
    elif kind == "bigints":
        v = rng.integers(-(10**9), 10**9, n).astype(np.float64)
    elif kind == "special":
        v = rng.choice([0.0, -0.0, np.nan, np.inf, -np.inf, 1.5, -2.25, 3.0], n)
    else:  # "zeros"
        v = np.zeros(n)
    return v.reshape(shape)


def _pair(values, dtype):
    a = np.asarray(values)
    if dtype == "bool":
        a = np.nan_to_num(a) > 0
    elif not dtype.startswith("float"):
        a = np.nan_to_num(a, posinf=7, neginf=-7)
        if dtype == "uint8":
            a = np.abs(a) % 256
        info = np.iinfo(dtype)
        a = np.clip(a, info.min, info.max)
    with np.errstate(invalid="ignore", over="ignore"):
        a = np.asarray(a).astype(dtype)
    return teachtorch.from_numpy(a.copy()), torch.from_numpy(a.copy())


SHAPES = [
    (),
    (1,),
    (5,),
    (3, 4),
    (2, 3, 4),
    (2, 1, 3, 2),
    (0,),
    (2, 0),
    (0, 3, 1),
    (40,),
    (12, 9),
    (1100,),
    (40, 40),
    (3, 400),
    (11, 11, 11),
]
KINDS = ["unit", "ints", "wide", "tiny", "huge", "bigints", "special", "zeros"]
CASES = [
    (s, k, d)
    for s in SHAPES
    for k in KINDS
    for d in DTYPES
    if not (
        d != "float32"
        and s in [(1100,), (40, 40), (3, 400), (11, 11, 11)]
        and k not in ("unit", "ints")
    )
]


@pytest.mark.parametrize(
    "shape,kind,dtype", CASES, ids=[f"{s}-{k}-{d}" for s, k, d in CASES]
)
def test_repr_matches_torch(shape, kind, dtype):
    rng = np.random.default_rng(zlib.crc32(repr((shape, kind, dtype)).encode()))
    ours, theirs = _pair(_values(rng, kind, shape), dtype)
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)


@pytest.mark.parametrize("kind", ["unit", "ints", "wide", "special"])
def test_repr_autograd_suffixes(kind):
    rng = np.random.default_rng(1)
    v = _values(rng, kind, (3, 5)).astype(np.float32)
    for lib_pair in [(teachtorch, torch)]:
        out = []
        for lib in lib_pair:
            x = lib.tensor(v, requires_grad=True)
            y = x * 2
            z = x[1, 2] * 3
            w = x.double().mean()
            out.append(
                [
                    repr(x),
                    repr(y),
                    repr(z),
                    repr(w),
                    repr(x.detach()),
                    repr(x[0]),
                    repr(y.max(1)),
                ]
            )
        assert out[0] == out[1]


def test_repr_long_rows_wrap_with_suffix():
    v = np.linspace(-1000, 1000, 23).astype(np.float32)
    for make in (
        lambda lib: lib.tensor(v, requires_grad=True),
        lambda lib: lib.tensor(v, dtype=lib.float64) * 3,
        lambda lib: lib.tensor(v.astype(np.int32)),
    ):
        assert repr(make(teachtorch)) == repr(make(torch))


OPTIONS = [
    {"precision": 2},
    {"precision": 8},
    {"sci_mode": True},
    {"sci_mode": False},
    {"linewidth": 40},
    {"threshold": 10},
    {"threshold": 10, "edgeitems": 1},
    {"profile": "short"},
    {"profile": "full"},
    {"precision": 6, "linewidth": 120},
]


@pytest.mark.parametrize("opts", OPTIONS, ids=[str(o) for o in OPTIONS])
def test_set_printoptions(opts):
    rng = np.random.default_rng(2)
    try:
        teachtorch.set_printoptions(**opts)
        torch.set_printoptions(**opts)
        for kind in ("unit", "wide", "ints", "special"):
            for shape in [(7,), (4, 6), (30, 3), (2, 3, 20)]:
                for dtype in ("float32", "float64", "int64"):
                    ours, theirs = _pair(_values(rng, kind, shape), dtype)
                    assert repr(ours) == repr(theirs), (kind, shape, dtype)
    finally:
        teachtorch.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")


def test_default_dtype_float64_changes_suffix():
    try:
        teachtorch.set_default_dtype(teachtorch.float64)
        torch.set_default_dtype(torch.float64)
        for data in ([1.5, 2.0], [[1, 2]], [True]):
            for dt in (None, "float32", "float64"):
                o = teachtorch.tensor(
                    data, dtype=getattr(teachtorch, dt) if dt else None
                )
                t = torch.tensor(data, dtype=getattr(torch, dt) if dt else None)
                assert repr(o) == repr(t)
        assert repr(teachtorch.zeros(0)) == repr(torch.zeros(0))
        assert repr(teachtorch.zeros(0, dtype=teachtorch.float32)) == repr(
            torch.zeros(0, dtype=torch.float32)
        )
    finally:
        teachtorch.set_default_dtype(teachtorch.float32)
        torch.set_default_dtype(torch.float32)


def test_named_tuple_repr_and_fields():
    v = np.array([[1.0, 5.0, 2.0], [7.0, -1.0, 7.0]], np.float32)
    for name in ("max", "min", "median"):
        ours = getattr(teachtorch, name)(teachtorch.tensor(v, requires_grad=True), 1)
        theirs = getattr(torch, name)(torch.tensor(v, requires_grad=True), 1)
        assert repr(ours) == repr(theirs)
        values, indices = ours
        assert values is ours.values and indices is ours[1]


def test_math_inf_nan_scalars():
    for v in (math.inf, -math.inf, math.nan, -0.0, 1e-10, 123456789.0, 0.1):
        assert repr(teachtorch.tensor(v)) == repr(torch.tensor(v))
        assert repr(teachtorch.tensor([v, 1.0])) == repr(torch.tensor([v, 1.0]))
