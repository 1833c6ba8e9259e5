"""Comparisons: ==, !=, <, <=, >, >= give bool tensors (no gradient flows through).

Chapter 02 (indexing with masks) opens this file.
"""
import numpy as np

from teachtorch import _arg_types, _checks, _errors
from teachtorch.ops._util import binary_dtype, check_broadcast, is_tensor, make
from teachtorch.ops.reduce import array_of


def _compare(ufunc, a, b):
    if not is_tensor(a):
        from teachtorch.ops._util import as_tensor

        a = as_tensor(a, like=b)
    bd = b._data if is_tensor(b) else b
    if is_tensor(b) and a._data.shape != b._data.shape:
        check_broadcast(a._data.shape, b._data.shape)
    dtype = binary_dtype(a, b)
    ad = a._data
    if dtype is not None:
        ad = ad.astype(dtype, copy=False)
        bd = bd.astype(dtype, copy=False) if hasattr(bd, "astype") else \
            np.dtype(dtype).type(bd)
    return make(array_of(ufunc(ad, bd)))


def eq(input, other):
    """Element-wise ==. Mirrors: torch.eq"""
    return _compare(np.equal, input, other)


def ne(input, other):
    return _compare(np.not_equal, input, other)


def lt(input, other):
    return _compare(np.less, input, other)


def le(input, other):
    return _compare(np.less_equal, input, other)


def gt(input, other):
    return _compare(np.greater, input, other)


def ge(input, other):
    return _compare(np.greater_equal, input, other)


def equal(input, other):
    """True when both have the same shape and values. Mirrors: torch.equal"""
    _arg_types.tensor_arg("equal", "other", 2, other)
    return input.shape == other.shape and bool(np.array_equal(input._data, other._data))


def logical_not(input):
    return make(np.logical_not(input._data))


def logical_and(input, other):
    return make(np.logical_and(input._data, other._data if is_tensor(other) else other))


def logical_or(input, other):
    return make(np.logical_or(input._data, other._data if is_tensor(other) else other))


def logical_xor(input, other):
    return make(np.logical_xor(input._data, other._data if is_tensor(other) else other))


def _bitwise(ufunc, a, b):
    if a._data.dtype.kind == "f" or (is_tensor(b) and b._data.dtype.kind == "f") or \
            isinstance(b, float):
        if is_tensor(b):
            check_broadcast(a._data.shape, b._data.shape)
        _checks.integer_bits(ufunc.__name__ + "_cpu", a, b)
    return make(array_of(ufunc(a._data, b._data if is_tensor(b) else b)))


def bitwise_and(input, other):
    return _bitwise(np.bitwise_and, input, other)


def bitwise_or(input, other):
    return _bitwise(np.bitwise_or, input, other)


def bitwise_xor(input, other):
    return _bitwise(np.bitwise_xor, input, other)


def bitwise_not(input):
    if input._data.dtype.kind == "f":
        _checks.not_implemented("bitwise_not_cpu", input)
    return make(np.invert(input._data))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other|, element-wise. Mirrors: torch.isclose"""
    _arg_types.tensor_arg("isclose", "other", 2, other)
    if input.dtype is not other.dtype:
        raise RuntimeError(
            _errors.hint(f"{input.dtype.legacy_name[:-6]} did not match "
            f"{other.dtype.legacy_name[:-6]}", "isclose compares "
            "tensors of one dtype; convert one side first, e.g. other.to(input.dtype)."))
    return make(array_of(np.isclose(input._data, other._data, rtol, atol,
                                    equal_nan)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """True when isclose holds everywhere. Mirrors: torch.allclose"""
    _arg_types.tensor_arg("allclose", "other", 2, other)
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


greater = gt
greater_equal = ge
less = lt
less_equal = le
not_equal = ne
