"""Argument types refused as PyTorch's parser does (creation functions, bit shifts).

PyTorch words a wrong type in one of two ways. When one form of the function fits
the number of arguments, it names the argument: ``arange(): argument 'end'
(position 1) must be Number, not str``. When several forms fit, it lists what it got
and the forms it knows: ``arange() received an invalid combination of arguments -
got (int, str), but expected one of:``. The checks here are a few isinstance tests,
made before any NumPy call, so a string or a float count never reaches NumPy.
"""
import numpy as np

from teachtorch import dtypes
from teachtorch._errors import hint

# the forms PyTorch lists after "expected one of:" (keyword-only options left out)
_FORMS = {
    "arange": ["(Number end, *, torch.dtype dtype = None, ...)",
               "(Number start, Number end, *, torch.dtype dtype = None, ...)",
               "(Number start, Number end, Number step = 1, *, "
               "torch.dtype dtype = None, ...)"],
    "range": ["(Number start, Number end, Number step = 1, *, torch.dtype dtype = None,"
              " ...)"],
    "eye": ["(int n, *, torch.dtype dtype = None, ...)",
            "(int n, int m, *, torch.dtype dtype = None, ...)"],
    "randint": ["(int high, tuple of ints size, *, torch.Generator generator, "
                "torch.dtype dtype = None, ...)",
                "(int low, int high, tuple of ints size, *, torch.Generator generator,"
                " torch.dtype dtype = None, ...)"],
    "bitwise_left_shift": ["(Tensor input, Tensor other, *, Tensor out = None)",
                           "(Number self, Tensor other)",
                           "(Tensor input, Number other, *, Tensor out = None)"],
    "bitwise_right_shift": ["(Tensor input, Tensor other, *, Tensor out = None)",
                            "(Number self, Tensor other)",
                            "(Tensor input, Number other, *, Tensor out = None)"],
    "randint_like": ["(Tensor input, int high, *, torch.dtype dtype = None, ...)",
                     "(Tensor input, int low, int high, *, torch.dtype dtype = None, ...)"],
    "linspace": ["(Tensor or Number start, Tensor or Number end, int steps, *, "
                 "torch.dtype dtype = None, ...)"],
    "logspace": ["(Tensor or Number start, Tensor or Number end, int steps, "
                 "float base = 10.0, *, torch.dtype dtype = None, ...)"],
}
_HINTS = {
    "arange": "arange takes numbers: torch.arange(5), torch.arange(0, 1, 0.1).",
    "range": "range takes numbers: torch.range(0, 4).",
    "eye": "eye takes whole numbers: torch.eye(3) or torch.eye(2, 3).",
    "randint": "low and high are whole numbers, size a tuple: "
               "torch.randint(0, 10, (3,)).",
    "bitwise_left_shift": "shift by a tensor or a whole number: x << 2.",
    "bitwise_right_shift": "shift by a tensor or a whole number: x >> 2.",
    "randint_like": "the first argument is a tensor to copy the shape of.",
    "linspace": "the number of points is a whole number: torch.linspace(0, 1, 5).",
    "logspace": "the number of points is a whole number: torch.logspace(0, 2, 3).",
}


def is_number(v):
    """What PyTorch's parser takes as a Number: a Python or NumPy number, a Tensor."""
    return isinstance(v, (int, float, complex, np.number)) or hasattr(v, "_data")


def is_int(v):
    """What it takes as an int: not bool, not float; an integer 0-d Tensor is fine."""
    if isinstance(v, (int, np.integer)):
        return not isinstance(v, bool)
    return hasattr(v, "_data") and v._data.dtype.kind in "iu" and v._data.size == 1


def _name(v):
    return "Tensor" if hasattr(v, "_data") else type(v).__name__


def _not_dtype(dtype):
    """Anything but a torch dtype (Python's float, int, bool pass, as in PyTorch)."""
    return (dtype is not None and not isinstance(dtype, dtypes.dtype)
            and dtype not in (float, int, bool, complex))


def invalid_combination(fn, args, dtype=None):
    """PyTorch's TypeError when no form of ``fn`` takes these argument types."""
    got = [_name(a) for a in args]
    if _not_dtype(dtype):
        got.append(f"dtype={_name(dtype)}")
    forms = "".join(f"\n * {form}" for form in _FORMS[fn])
    return TypeError(hint(
        f"{fn}() received an invalid combination of arguments - got ({', '.join(got)}),"
        f" but expected one of:{forms}", _HINTS[fn]))


def _wrong_type(fn, arg, position, want, value):
    return TypeError(hint(
        f"{fn}(): argument '{arg}' (position {position}) must be {want}, not "
        f"{_name(value)}", _HINTS.get(fn, f"{arg} takes a whole number.")))


def check_arange(args, dtype, fn="arange"):
    """arange(end) / arange(start, end[, step]): numbers, and a torch.dtype."""
    if all(is_number(a) for a in args) and not _not_dtype(dtype):
        return
    if len(args) == 1 and not _not_dtype(dtype):
        raise _wrong_type(fn, "end", 1, "Number", args[0])
    if fn == "range" and not _not_dtype(dtype):  # one form: the argument is named
        for position, (arg, v) in enumerate(zip(("start", "end", "step"), args), 1):
            if not is_number(v):
                raise _wrong_type(fn, arg, position, "Number", v)
    raise invalid_combination(fn, args, dtype)


def check_eye(n, m, dtype):
    """eye(n) / eye(n, m): ints (not bool, not float), and a torch.dtype."""
    if is_int(n) and (m is None or is_int(m)) and not _not_dtype(dtype):
        return
    if m is None and not _not_dtype(dtype):
        raise _wrong_type("eye", "n", 1, "int", n)
    raise invalid_combination("eye", (n,) if m is None else (n, m), dtype)


def check_space(fn, start, end, steps, dtype, base=None):
    """linspace / logspace: number (or tensor) ends, an int count, a float base."""
    ok = (is_number(start) and is_number(end) and is_int(steps)
          and (base is None or isinstance(base, (int, float, np.number))))
    if not ok or _not_dtype(dtype):
        args = (start, end, steps) if base is None or base == 10.0 else (
            start, end, steps, base)
        raise invalid_combination(fn, args, dtype)


def check_int(fn, arg, position, value):
    """One int argument such as randperm's n or randint's high."""
    if not is_int(value):
        raise _wrong_type(fn, arg, position, "int", value)


def check_randint(low, high, size, dtype):
    """randint(low, high, size): ints, and a torch.dtype."""
    sized = isinstance(size, (tuple, list)) or type(size).__name__ == "Size"
    if not (is_int(low) and is_int(high) and sized) or _not_dtype(dtype):
        raise invalid_combination("randint", (low, high, size), dtype)
