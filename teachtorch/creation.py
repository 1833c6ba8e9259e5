"""Making tensors: tensor, from_numpy, zeros, ones, arange, rand, randn ...

``torch.tensor(data)`` always copies and infers the dtype (ints -> int64, floats ->
float32, bools -> bool). ``torch.from_numpy(a)`` shares a's memory and keeps its
dtype. ``torch.Tensor(2, 3)`` is the old constructor: float32, uninitialised (zeros
here, so results are reproducible).
Chapter 01 (tensors and the NumPy bridge) opens this file.
"""
import builtins

import numpy as np

from teachtorch import _arg_types, _backend, _checks, _creation_args, _errors, _ranges, dtypes
from teachtorch.creation_out import accepts_out
from teachtorch.tensor import Tensor

_make = Tensor._make


def _finish(data, dtype=None, device=None, requires_grad=False):
    if requires_grad and not (dtype is not None and dtypes.to_dtype(dtype).is_floating_point
                              or dtype is None and data.dtype.kind == "f"):
        raise RuntimeError(_errors.hint("Only Tensors of floating point and complex dtype can require "
                           "gradients", "make the data float (1. instead of 1), or "
                           "pass dtype=torch.float32."))
    if dtype is not None:
        np_dtype = dtypes.to_dtype(dtype).np
        if data.dtype != np_dtype:
            with np.errstate(over="ignore", invalid="ignore"):  # 1e40 -> inf, as torch
                data = data.astype(np_dtype)
    t = _make(data)
    if device is not None:
        from teachtorch.device import device as Device

        dev = Device(device) if not isinstance(device, Device) else device
        if dev.type == "cuda":
            t = t.to(dev)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _infer(data, exact=False):
    """Convert nested lists / numbers / arrays / tensors into an array, torch-style.

    exact=True (an explicit dtype follows): Python floats are kept at full precision
    instead of being rounded to the default float32 first, as torch.tensor does.
    """
    if isinstance(data, Tensor):
        return _backend.to_numpy(data._data).copy()
    if isinstance(data, np.ndarray):
        a = data.copy()
        dtypes.from_numpy_dtype(a.dtype)  # raises for dtypes teachtorch lacks
        return a
    if isinstance(data, np.generic):  # a NumPy scalar keeps its dtype, as in torch
        dtypes.from_numpy_dtype(data.dtype)
        return np.array(data)
    np_scalars = []
    if isinstance(data, (list, tuple)):
        flat = list(_flat(data))
        if any(isinstance(x, Tensor) for x in flat):
            data = _unwrap(data)
        np_scalars = [x.dtype for x in flat if isinstance(x, np.generic)]
    try:
        a = np.array(data)
    except ValueError:
        raise ValueError(_ragged(data)) from None
    if a.dtype == object:
        odd = next((x for x in (_flat(data) if isinstance(data, (list, tuple)) else [data])
                    if not isinstance(x, (int, float, bool, np.generic))), data)
        raise RuntimeError(_errors.hint(f"Could not infer dtype of {type(odd).__name__}", "torch.tensor takes numbers, nested lists of numbers, NumPy "
                           "arrays or tensors."))
    if np_scalars:  # Python numbers count as the default dtypes, NumPy ones as theirs
        kind = {"b": dtypes.bool_, "i": dtypes.int64, "u": dtypes.int64}
        dt = kind.get(a.dtype.kind, dtypes.get_default_dtype())
        for d in np_scalars:
            dt = dtypes.promote_types(dt, dtypes.from_numpy_dtype(d))
        return a.astype(dt.np)
    if a.dtype.kind == "f" and not exact:
        a = a.astype(dtypes.get_default_dtype().np)
    elif a.dtype.kind in "iu":
        if a.dtype == np.uint64:  # a Python int >= 2**63: NumPy chose uint64
            raise ValueError(_errors.hint("Overflow when unpacking long long",
                                          "int64 holds up to 2**63 - 1."))
        a = a.astype(np.int64)
    elif a.dtype.kind == "b":
        pass
    elif a.dtype.kind in "US":
        raise TypeError(_errors.hint("new(): invalid data type 'str'", "tensors hold numbers; map "
                        "strings to indices first (e.g. ord(ch) or a vocabulary dict)."))
    return a


def _ragged(data, dim=0):
    """PyTorch's message for nested lists of unequal length."""
    lens = [len(x) for x in data if isinstance(x, (list, tuple))]
    if lens and any(n != lens[0] for n in lens):
        bad = next(n for n in lens if n != lens[0])
        return (_errors.hint(f"expected sequence of length {lens[0]} at dim {dim + 1} (got {bad})", "every row of a nested list must have the same length."))
    for x in data:
        if isinstance(x, (list, tuple)):
            msg = _ragged(x, dim + 1)
            if msg:
                return msg
    return "" if dim else "could not build a tensor from this data"


def _flat(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flat(x)
        else:
            yield x


def _unwrap(data):
    if isinstance(data, Tensor):  # a tensor inside a list counts as one number
        if data._data.size != 1:
            raise ValueError(_errors.one_element(data))
        return data.item()
    if isinstance(data, (list, tuple)):
        return [_unwrap(x) for x in data]
    return data


def tensor(data, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor holding a copy of data. Mirrors: torch.tensor"""
    if device is None and isinstance(data, Tensor):  # a copy stays on data's device
        device = data.device
    a = _infer(data, exact=dtype is not None)
    if dtype is not None and not isinstance(data, (Tensor, np.ndarray)) and \
            np.dtype(dtypes.to_dtype(dtype).np).kind in "iu":
        _checks.int_values_fit(a, dtypes.to_dtype(dtype))
    return _finish(a, dtype, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like tensor, but shares memory with a NumPy array or tensor when it can."""
    if isinstance(data, Tensor):
        return data.to(dtype) if dtype is not None else data
    if isinstance(data, np.ndarray):
        return _finish(data, dtype, device)
    return tensor(data, dtype, device)


asarray = as_tensor


def from_numpy(ndarray):
    """A tensor sharing ndarray's memory (change one, the other changes).

    Mirrors: torch.from_numpy
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(_errors.hint(f"expected np.ndarray (got {type(ndarray).__name__})", "use torch.tensor(data) for lists and numbers."))
    dtypes.from_numpy_dtype(ndarray.dtype)
    return _make(ndarray)


def _size(size, fn="empty"):
    """The shape from f(2, 3), f((2, 3)) or f([2, 3]), checked like PyTorch.

    A 0-dim integer tensor counts as a number: torch.zeros(2, lengths.max()).
    """
    if len(size) == 1 and isinstance(size[0], (tuple, list)) or (
            len(size) == 1 and type(size[0]).__name__ == "Size"):
        size = tuple(size[0])
    elif len(size) == 1 and not isinstance(size[0], (int, np.integer)) and \
            not _is_int_0dim(size[0]):
        raise TypeError(
            _errors.hint(f"{fn}(): argument 'size' (position 1) must be tuple of ints, not "
            f"{type(size[0]).__name__}", "sizes are whole numbers, e.g. "
            f"torch.{fn}(2, 3) or torch.{fn}((2, 3))."))
    tensors = False  # a one-element tensor among the sizes (rare: checked after)
    for pos, s in enumerate(size):
        if (not isinstance(s, (int, np.integer)) or isinstance(s, bool)):
            if not _is_int_one(s):
                raise TypeError(_errors.hint(_bad_size_item(fn, pos, s), "sizes are whole "
                                f"numbers, e.g. torch.{fn}(2, 3) or torch.{fn}((2, 3))."))
            tensors = True
        elif s < 0 and fn == "zeros":  # (PyTorch's zeros words it its own way)
            raise RuntimeError(_errors.hint("zeros: Dimension size must be non-negative.",
                                            "every size must be >= 0."))
        elif s < 0:
            raise RuntimeError(_errors.hint(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}", "every size must be >= 0."))
    if tensors:
        size = tuple(int(s.item()) if isinstance(s, Tensor) else s for s in size)
        return _size(size, fn)  # now all ints: the checks above, once more
    return tuple(int(s) for s in size)


def _bad_size_item(fn, pos, s):
    """PyTorch's words for a size that is not an int: the first item is named by
    position, a later one by 'failed to unpack'."""
    kind = type(s).__name__
    if pos == 0:
        position = 2 if fn == "randint" else 1
        return (f"{fn}(): argument 'size' (position {position}) must be tuple of ints, "
                f"but found element of type {kind} at pos 0")
    return (f"{fn}(): argument 'size' failed to unpack the object at pos {pos + 1} with "
            f"error \"type must be tuple of ints,but got {kind}\"")


def _is_int_one(s):
    """An integer tensor of one element: PyTorch takes it as one size in a list of
    sizes (torch.zeros(2, lengths[:1]))."""
    return isinstance(s, Tensor) and s._data.size == 1 and s.dtype.category == 1


def _is_int_0dim(s):
    """A 0-dim integer tensor, which PyTorch accepts wherever a size is expected."""
    return isinstance(s, Tensor) and s.ndim == 0 and s.dtype.category == 1


def _float_dtype(dtype):
    if isinstance(dtype, str):
        raise TypeError(_errors.hint(
            f"{_arg_types._public_name()}(): argument 'dtype' must be torch.dtype, not "
            f"{type(dtype).__name__}", "write dtype=torch.float32, not a string."))
    return dtypes.to_dtype(dtype) if dtype is not None else dtypes.get_default_dtype()


@accepts_out
def zeros(*size, dtype=None, device=None, requires_grad=False):
    """A tensor of 0s (float32 unless dtype says otherwise). Mirrors: torch.zeros"""
    if len(size) == 1 and isinstance(size[0], (int, np.integer)) and size[0] < 0:
        raise RuntimeError(_errors.hint("zeros: Dimension size must be non-negative.", "every "
                           "size must be >= 0."))
    return _finish(np.zeros(_size(size, "zeros"), _float_dtype(dtype).np), None, device,
                   requires_grad)


@accepts_out
def ones(*size, dtype=None, device=None, requires_grad=False):
    return _finish(np.ones(_size(size, "ones"), _float_dtype(dtype).np), None, device,
                   requires_grad)


@accepts_out
def empty(*size, dtype=None, device=None, requires_grad=False, **kwargs):
    """Uninitialised in PyTorch; zero-filled here so runs are reproducible."""
    return _finish(np.zeros(_size(size, "empty"), _float_dtype(dtype).np), None, device,
                   requires_grad)


@accepts_out
def full(size, fill_value, *, dtype=None, device=None, requires_grad=False):
    if isinstance(size, (int, np.integer)):
        raise TypeError(_errors.hint(
            "full(): argument 'size' (position 1) must be tuple of ints, not int",
            "the size is a tuple: torch.full((2,), 1.0)."))
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if not isinstance(fill_value, (int, float, bool, np.number, np.bool_)):
        raise TypeError(_errors.hint("full(): argument 'fill_value' (position 2) must be Number, not "
                        f"{type(fill_value).__name__}", "fill with a number."))
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value)
    return _finish(np.full(_size((size,), "full"), fill_value, dtypes.to_dtype(dtype).np), None,
                   device, requires_grad)


@accepts_out
def eye(n, m=None, *, dtype=None, device=None, requires_grad=False):
    """The identity matrix (n x m). Mirrors: torch.eye"""
    _creation_args.check_eye(n, m, dtype)
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(_errors.hint(f"{name} must be greater or equal to 0, got {v}", "sizes are >= 0."))
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype).np), None, device,
                   requires_grad)


@accepts_out
def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Values from start (inclusive) to end (exclusive). Mirrors: torch.arange"""
    _creation_args.check_arange((start,) if end is None else (
        (start, end) if step == 1 else (start, end, step)), dtype)
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if not (np.isfinite(vals[0]) and np.isfinite(vals[1])):
        raise RuntimeError(_errors.hint(
            f"unsupported range: {_number_text(vals[0])} -> {_number_text(vals[1])}",
            "a range needs finite ends: torch.arange(0, 10)."))
    if dtype is None:
        is_float = any(isinstance(v, float) for v in vals)
        dtype = dtypes.get_default_dtype() if is_float else dtypes.int64
    dt = dtypes.to_dtype(dtype)
    if dt is dtypes.int64:  # PyTorch computes int64 ranges in int64: 0.5 becomes 0
        vals = [int(v) for v in vals]
    if vals[2] == 0:
        raise (ValueError if dt is dtypes.int64 and step != 0 else RuntimeError)(
            _errors.hint("step must be nonzero", "arange(start, end, step) needs step != 0."))
    if (vals[1] - vals[0]) * vals[2] < 0:
        raise RuntimeError(
            _errors.hint("upper bound and lower bound inconsistent with step sign", "to count "
            "down, give a negative step: torch.arange(10, 0, -1)."))
    # PyTorch's length rule: ceil((end - start) / step), computed in double
    n = int(np.ceil((vals[1] - vals[0]) / vals[2]))
    data = _ranges.arange_values(vals[0], vals[2], max(n, 0), dt.np)
    return _finish(data, None, device, requires_grad)


def _number_text(v):
    """A number as PyTorch's C++ prints it in messages: 0 (not 0.0), 0.5, inf, nan."""
    v = float(v)
    return str(int(v)) if v.is_integer() else str(v)


def _check_steps(steps):
    if steps < 0:
        raise RuntimeError(_errors.hint("number of steps must be non-negative", "steps is how "
                           "many points you want, e.g. 5."))


@accepts_out
def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False):
    """steps evenly spaced values from start to end (both included).

    Mirrors: torch.linspace
    """
    _creation_args.check_space("linspace", start, end, steps, dtype)
    _check_steps(steps)
    return _finish(np.linspace(start, end, steps).astype(_float_dtype(dtype).np), None,
                   device, requires_grad)


@accepts_out
def logspace(start, end, steps, base=10.0, *, dtype=None, device=None,
             requires_grad=False):
    """base ** linspace(start, end, steps). Mirrors: torch.logspace"""
    _creation_args.check_space("logspace", start, end, steps, dtype, base)
    _check_steps(steps)
    return _finish(np.logspace(start, end, steps, base=base).astype(
        _float_dtype(dtype).np), None, device, requires_grad)


def zeros_like(input, *, dtype=None, device=None, requires_grad=False):
    _arg_types.tensor_arg("zeros_like", "input", 1, input)
    return zeros(input.shape, dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad)


def ones_like(input, *, dtype=None, device=None, requires_grad=False):
    _arg_types.tensor_arg("ones_like", "input", 1, input)
    return ones(input.shape, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def empty_like(input, *, dtype=None, device=None, requires_grad=False):
    _arg_types.tensor_arg("empty_like", "input", 1, input)
    return zeros_like(input, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(input, fill_value, *, dtype=None, device=None, requires_grad=False):
    _arg_types.tensor_arg("full_like", "input", 1, input)
    return full(input.shape, fill_value, dtype=dtype or input.dtype,
                device=device or input.device, requires_grad=requires_grad)


# ----- the old constructors: torch.Tensor(...), torch.FloatTensor(...) ------------------
def legacy_new(cls, dtype, args, kwargs):
    """torch.Tensor(2, 3) -> uninitialised (zeros); torch.Tensor([1, 2]) -> copy."""
    if kwargs.get("device") not in (None, "cpu"):
        pass
    if not args:
        data = np.zeros((0,), dtype.np)
    elif len(args) == 1 and isinstance(args[0], Tensor):
        return args[0] if args[0].dtype is dtype else args[0].to(dtype)
    elif len(args) == 1 and isinstance(args[0], np.ndarray) and args[0].dtype == dtype.np:
        return _make(args[0])  # same dtype: shares the array's memory, as in PyTorch
    elif len(args) == 1 and type(args[0]).__name__ == "TypedStorage":
        return _from_storage(args[0], dtype)
    elif all(isinstance(a, (int, np.integer)) and not isinstance(a, builtins.bool)
             for a in args):
        data = np.zeros(_size(args), dtype.np)
    elif len(args) == 1 and type(args[0]).__name__ == "Size":
        data = np.zeros(tuple(args[0]), dtype.np)
    elif len(args) == 1:
        data = np.array(_unwrap(args[0]) if isinstance(args[0], (list, tuple)) else
                        args[0], dtype=dtype.np)
    else:
        raise TypeError(_errors.hint("new() received an invalid combination of arguments", "Tensor(2, 3) makes a 2x3 tensor; Tensor([1, 2]) copies a list."))
    return _make(data)


def _from_storage(storage, dtype):
    """torch.LongTensor(storage): a 1-D tensor over the storage's memory."""
    if storage.dtype is not dtype:
        raise TypeError(_errors.hint(f"expected {dtype.legacy_name[:-6]} storage (got "
                        f"{storage.dtype.legacy_name[:-6]})", "the storage's dtype "
                        "must match the tensor type; use torch.tensor(storage.tolist())."))
    t = _make(storage._elements())
    t._root = storage._root
    return t


class _LegacyTensorType(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls._dtype


def _legacy_class(name, dt):
    def __new__(cls, *args, **kwargs):
        return legacy_new(Tensor, dt, args, kwargs)
    return _LegacyTensorType(name, (), {"__new__": __new__, "_dtype": dt,
                                        "__doc__": f"Old constructor for {dt} tensors."})


FloatTensor = _legacy_class("FloatTensor", dtypes.float32)
DoubleTensor = _legacy_class("DoubleTensor", dtypes.float64)
HalfTensor = _legacy_class("HalfTensor", dtypes.float16)
LongTensor = _legacy_class("LongTensor", dtypes.int64)
IntTensor = _legacy_class("IntTensor", dtypes.int32)
ShortTensor = _legacy_class("ShortTensor", dtypes.int16)
CharTensor = _legacy_class("CharTensor", dtypes.int8)
ByteTensor = _legacy_class("ByteTensor", dtypes.uint8)
BoolTensor = _legacy_class("BoolTensor", dtypes.bool_)
BFloat16Tensor = _legacy_class("BFloat16Tensor", dtypes.bfloat16)  # refuses data
