"""Data types: torch.float32 and friends, and PyTorch's type-promotion rules.

A ``dtype`` names an element type. Its repr is PyTorch's (``torch.float32``) so that
printed output in the chapters reads the same as in the notes.

Chapter 01 (tensors) opens this file.
"""
import builtins

import numpy as np


class dtype:
    """An element type such as torch.float32.

    Mirrors: torch.dtype
    """

    __slots__ = (
        "_rank",
        "cpp_name",
        "is_complex",
        "is_floating_point",
        "is_signed",
        "itemsize",
        "legacy_name",
        "name",
        "np",
    )

    def __init__(self, name, np_type, rank, legacy_name, cpp_name):
        self.name = name
        self.np = np.dtype(np_type)
        self.is_floating_point = self.np.kind == "f"
        self.is_complex = False
        self.is_signed = self.np.kind in "if"
        self.itemsize = self.np.itemsize
        self._rank = rank
        self.legacy_name = legacy_name
        self.cpp_name = cpp_name  # the C++ type name some PyTorch errors print

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self):
        return self

    @property
    def category(self):
        """0 for bool, 1 for integers, 2 for floating point."""
        if self.np.kind == "b":
            return 0
        if self.np.kind in "iu":
            return 1
        return 2


bool_ = dtype("bool", np.bool_, 0, "BoolTensor", "bool")
uint8 = dtype("uint8", np.uint8, 1, "ByteTensor", "unsigned char")
int8 = dtype("int8", np.int8, 2, "CharTensor", "signed char")
int16 = dtype("int16", np.int16, 3, "ShortTensor", "short int")
int32 = dtype("int32", np.int32, 4, "IntTensor", "int")
int64 = dtype("int64", np.int64, 5, "LongTensor", "long int")
float16 = dtype("float16", np.float16, 6, "HalfTensor", "c10::Half")
float32 = dtype("float32", np.float32, 7, "FloatTensor", "float")
float64 = dtype("float64", np.float64, 8, "DoubleTensor", "double")

class _NameOnlyDtype(dtype):
    """A PyTorch dtype NumPy cannot store: it exists as a name, and raises a clear
    TypeError as soon as data of that type is asked for (``.np``)."""

    __slots__ = ()

    def __init__(self, name, itemsize, rank, legacy_name, cpp_name):
        self.name = name
        self.is_floating_point = True
        self.is_complex = False
        self.is_signed = True
        self.itemsize = itemsize
        self._rank = rank
        self.legacy_name = legacy_name
        self.cpp_name = cpp_name

    @property
    def np(self):
        from teachtorch import _errors

        raise TypeError(_errors.bfloat16_unsupported())


# NumPy has no bfloat16: the name exists (code that mentions it imports), data does not
bfloat16 = _NameOnlyDtype("bfloat16", 2, 6, "BFloat16Tensor", "c10::BFloat16")

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64)
_NAMES = {d.name: d for d in ALL}
_NAMES["bfloat16"] = bfloat16
_NAMES.update({"float": float32, "double": float64, "half": float16, "long": int64,
               "int": int32, "short": int16})
_FROM_NP = {d.np: d for d in ALL}

_default = [float32]


def _by_name(name):
    return _NAMES[name]


def get_default_dtype():
    """The dtype of float tensors made from Python floats (float32 unless changed)."""
    return _default[0]


def set_default_dtype(d):
    if d not in (float16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def from_numpy_dtype(npd):
    """The teachtorch dtype for a NumPy dtype (TypeError for unsupported ones)."""
    d = _FROM_NP.get(npd)
    if d is None:
        d = _FROM_NP.get(np.dtype(npd))
    if d is None:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(npd).name}. The only "
            "supported types are: float64, float32, float16, int64, int32, int16, "
            "int8, uint8, and bool.")
    return d


def to_dtype(d):
    """Accept a teachtorch dtype, a NumPy dtype, a Python type or a name."""
    if isinstance(d, dtype):
        return d
    if d is builtins.float:     # dtype=float is float64 in PyTorch, whatever the default
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool_
    if isinstance(d, str):
        return _NAMES[d.replace("torch.", "")]
    return from_numpy_dtype(np.dtype(d))


def promote_types(a, b):
    """The smallest dtype both a and b convert to without losing range (torch rules)."""
    if a is b:
        return a
    ca, cb = a.category, b.category
    if ca != cb:
        return a if ca > cb else b
    if ca == 2:
        return a if a._rank > b._rank else b
    if ca == 1:
        # uint8 with a signed int needs the next signed size up
        if a is uint8 or b is uint8:
            other = b if a is uint8 else a
            return int16 if other is int8 else other
        return a if a._rank > b._rank else b
    return a


def scalar_dtype(value):
    """The category dtype of a Python number (bool, int64, default float)."""
    if isinstance(value, builtins.bool):
        return bool_
    if isinstance(value, builtins.int):
        return int64
    return get_default_dtype()


def result_type(*operands):
    """PyTorch's promotion over tensors and Python numbers.

    Tensors with dims outrank 0-dim tensors, which outrank Python numbers; a lower
    tier only matters when its category (bool < int < float) is higher, and a Python
    number then contributes the default dtype of its category.
    """
    dim_t = zero_t = num = None
    for x in operands:
        if hasattr(x, "_data"):
            d = x.dtype
            if x._data.ndim:
                dim_t = d if dim_t is None else promote_types(dim_t, d)
            else:
                zero_t = d if zero_t is None else promote_types(zero_t, d)
        elif x is not None:
            d = scalar_dtype(x)
            num = d if num is None else promote_types(num, d)
    out = dim_t
    for lower in (zero_t, num):
        if lower is None:
            continue
        if out is None or lower.category > out.category:
            out = lower
    return out if out is not None else get_default_dtype()
