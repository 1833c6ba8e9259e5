"""dtypes and type promotion against PyTorch."""

import itertools

import numpy as np
import pytest
import torch

import teachtorch

NAMES = [
    "bool",
    "uint8",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "float32",
    "float64",
]


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_promote_types_table(a, b):
    ours = teachtorch.promote_types(getattr(teachtorch, a), getattr(teachtorch, b))
    theirs = torch.promote_types(getattr(torch, a), getattr(torch, b))
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("name", NAMES)
def test_dtype_attributes(name):
    ours, theirs = getattr(teachtorch, name), getattr(torch, name)
    assert repr(ours) == repr(theirs) == str(ours)
    assert ours.is_floating_point == theirs.is_floating_point
    assert ours.is_signed == theirs.is_signed
    assert ours.itemsize == theirs.itemsize
    assert ours.is_complex == theirs.is_complex
    t_ours = teachtorch.zeros(2, dtype=ours)
    t_theirs = torch.zeros(2, dtype=theirs)
    assert t_ours.type() == t_theirs.type()
    assert t_ours.element_size() == t_theirs.element_size()


@pytest.mark.parametrize("alias", ["float", "double", "half", "long", "int", "short"])
def test_aliases(alias):
    assert repr(getattr(teachtorch, alias)) == repr(getattr(torch, alias))


SCALARS = [2, -3, 2.5, True, False]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("scalar", SCALARS, ids=[repr(s) for s in SCALARS])
def test_result_type_tensor_and_scalar(name, scalar):
    ours = teachtorch.result_type(
        teachtorch.ones(2, dtype=getattr(teachtorch, name)), scalar
    )
    theirs = torch.result_type(torch.ones(2, dtype=getattr(torch, name)), scalar)
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("a,b", list(itertools.product(NAMES, NAMES)))
def test_result_type_dim_vs_zero_dim(a, b):
    ours = teachtorch.result_type(
        teachtorch.ones(2, dtype=getattr(teachtorch, a)),
        teachtorch.ones((), dtype=getattr(teachtorch, b)),
    )
    theirs = torch.result_type(
        torch.ones(2, dtype=getattr(torch, a)), torch.ones((), dtype=getattr(torch, b))
    )
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("default", ["float32", "float64"])
def test_default_dtype_governs_python_floats(default):
    try:
        teachtorch.set_default_dtype(getattr(teachtorch, default))
        torch.set_default_dtype(getattr(torch, default))
        for make in (
            lambda lib: lib.tensor([1.5]),
            lambda lib: lib.arange(3) / 2,
            lambda lib: lib.ones(2, dtype=lib.int64) * 0.5,
            lambda lib: lib.tensor([1, 2]).float().sqrt(),
            lambda lib: lib.tensor([True]) + 1.0,
        ):
            assert repr(make(teachtorch).dtype) == repr(make(torch).dtype)
        assert repr(teachtorch.get_default_dtype()) == repr(torch.get_default_dtype())
    finally:
        teachtorch.set_default_dtype(teachtorch.float32)
        torch.set_default_dtype(torch.float32)


def test_set_default_dtype_rejects_integers():
    for lib in (teachtorch, torch):
        with pytest.raises(TypeError):
            lib.set_default_dtype(lib.int64)


@pytest.mark.parametrize(
    "np_type",
    [
        np.float32,
        np.float64,
        np.float16,
        np.int64,
        np.int32,
        np.int16,
        np.int8,
        np.uint8,
        np.bool_,
    ],
)
def test_from_numpy_keeps_dtype(np_type):
    a = np.zeros(3, np_type)
    assert repr(teachtorch.from_numpy(a).dtype) == repr(torch.from_numpy(a).dtype)


def test_to_dtype_spellings():
    from teachtorch import dtypes

    assert dtypes.to_dtype("float32") is teachtorch.float32
    assert dtypes.to_dtype("torch.long") is teachtorch.int64
    assert dtypes.to_dtype(float) is teachtorch.float64      # as torch: dtype=float
    assert dtypes.to_dtype(int) is teachtorch.int64
    assert dtypes.to_dtype(bool) is teachtorch.bool
    assert dtypes.to_dtype(np.float64) is teachtorch.float64
    with pytest.raises(TypeError):
        dtypes.to_dtype(np.complex64)


def test_cpp_names_used_in_matmul_errors():
    for name, cpp in [
        ("float32", "float"),
        ("float64", "double"),
        ("int64", "long int"),
        ("int32", "int"),
        ("int16", "short int"),
        ("int8", "signed char"),
        ("uint8", "unsigned char"),
        ("float16", "c10::Half"),
        ("bool", "bool"),
    ]:
        assert getattr(teachtorch, name).cpp_name == cpp
        with pytest.raises(RuntimeError) as info:
            torch.ones(2, 2) @ torch.ones(
                2, 2, dtype=getattr(torch, name)
            ) if name != "float32" else torch.ones(
                2, 2, dtype=torch.float64
            ) @ torch.ones(2, 2)
        text = str(info.value)
        assert cpp in text


@pytest.mark.parametrize("expr", [
    "lib.tensor([1e6, 1.]).half()",
    "lib.tensor([-1e39], dtype=lib.float64).float()",
    "lib.tensor([300., -129.]).to(lib.int8)",
    "lib.tensor([float('nan'), float('inf')]).to(lib.int64)",
])
def test_overflowing_casts_are_silent_and_match_torch(expr):
    """torch casts out-of-range values without a warning (inf, wrapped ints)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = eval(expr, {"lib": teachtorch})
    theirs = eval(expr, {"lib": torch})
    assert ours.tolist() == theirs.tolist()


def test_python_types_as_dtypes_like_torch():
    """dtype=float is float64 (not the default dtype), int is int64, bool is bool."""
    import torch

    import teachtorch

    for py in (float, int, bool):
        for make in ("ones", "zeros"):
            ours = getattr(teachtorch, make)(2, dtype=py).dtype
            theirs = getattr(torch, make)(2, dtype=py).dtype
            assert str(ours) == str(theirs), (py, make)
        assert str(teachtorch.tensor([1, 0], dtype=py).dtype) == \
            str(torch.tensor([1, 0], dtype=py).dtype)
        assert str(teachtorch.ones(2).to(py).dtype) == str(torch.ones(2).to(py).dtype)
