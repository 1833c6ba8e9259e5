"""Random tensors: rand, randn, randint, randperm, normal, bernoulli, multinomial.

Each draws from the generator's NumPy PCG64 stream (``teachtorch/random.py``), so a
seed reproduces teachtorch's numbers (not PyTorch's), then makes the tensor the way
the other creation functions do (``creation.py``: sizes, dtype, device).
Chapter 01 (tensors) opens this file.
"""
import numpy as np

from teachtorch import _arg_types, _backend, _checks, _creation_args, _errors, dtypes
from teachtorch import random as _random
from teachtorch.creation import _finish, _float_dtype, _size
from teachtorch.creation_out import accepts_out
from teachtorch.tensor import Tensor

_make = Tensor._make


@accepts_out
def rand(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Uniform on [0, 1). Mirrors: torch.rand"""
    if dtype is not None and not dtypes.to_dtype(dtype).is_floating_point:
        _checks.not_implemented("check_uniform_bounds", dtypes.to_dtype(dtype).legacy_name[:-6])
    np_dtype = _float_dtype(dtype).np
    fast = np_dtype if np_dtype in (np.float32, np.float64) else np.float64
    data = _random.rng(generator).random(_size(size, "rand"), dtype=fast)
    return _finish(data.astype(np_dtype, copy=False), None, device, requires_grad)


@accepts_out
def randn(*size, generator=None, dtype=None, device=None, requires_grad=False):
    """Standard normal. Mirrors: torch.randn"""
    if dtype is not None and not dtypes.to_dtype(dtype).is_floating_point:
        _checks.not_implemented("normal_kernel_cpu", dtypes.to_dtype(dtype).legacy_name[:-6])
    np_dtype = _float_dtype(dtype).np
    fast = np_dtype if np_dtype in (np.float32, np.float64) else np.float64
    data = _random.rng(generator).standard_normal(_size(size, "randn"), dtype=fast)
    return _finish(data.astype(np_dtype, copy=False), None, device, requires_grad)


@accepts_out
def randint(low, high=None, size=None, *, generator=None, dtype=None, device=None,
            requires_grad=False):
    """Integers in [low, high). Mirrors: torch.randint"""
    if size is None and isinstance(high, (tuple, list)) or type(high).__name__ == "Size":
        _creation_args.check_int("randint", "high", 1, low)
        low, high, size = 0, low, high
    elif size is not None:
        if high is None:  # randint(10, size=(3,)): the one number is high
            low, high = 0, low
        _creation_args.check_randint(low, high, size, dtype)
    elif high is not None:  # randint(3, 2): the second argument is read as the size
        raise TypeError(_errors.hint(
            "randint(): argument 'size' (position 2) must be tuple of ints, not "
            f"{type(high).__name__}", "give the size as a tuple: torch.randint(3, (2,))."))
    if size is None:
        raise TypeError(
            _errors.hint("randint() received an invalid combination of arguments - got "
            f"({', '.join(type(a).__name__ for a in (low, high) if a is not None)}), but "
            "expected one of:\n * (int high, tuple of ints size, *, torch.Generator "
            "generator, ...)\n * (int low, int high, tuple of ints size, ...)", "give the size too: torch.randint(0, 10, (3,))."))
    if low >= high:
        raise RuntimeError(_errors.hint("random_ expects 'from' to be less than 'to', but got "
                           f"from={low} >= to={high}", "high is excluded, so it must "
                           "be larger than low."))
    data = _random.rng(generator).integers(low, high, size=_size((size,), "randint"))
    return _finish(data.astype((dtypes.to_dtype(dtype) if dtype else dtypes.int64).np),
                   None, device, requires_grad)


@accepts_out
def randperm(n, *, generator=None, dtype=None, device=None, requires_grad=False):
    _creation_args.check_int("randperm", "n", 1, n)
    _size((n,), "randperm")  # n >= 0, with PyTorch's message
    data = _random.rng(generator).permutation(n)
    return _finish(data.astype((dtypes.to_dtype(dtype) if dtype else dtypes.int64).np),
                   None, device, requires_grad)


def rand_like(input, *, dtype=None, device=None, requires_grad=False):
    _arg_types.tensor_arg("rand_like", "input", 1, input)
    return rand(input.shape, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)


def randn_like(input, *, dtype=None, device=None, requires_grad=False):
    _arg_types.tensor_arg("randn_like", "input", 1, input)
    return randn(input.shape, dtype=dtype or input.dtype, device=device or input.device,
                 requires_grad=requires_grad)


def randint_like(input, low, high=None, *, dtype=None):
    if not hasattr(input, "_data"):
        args = (input, low) if high is None else (input, low, high)
        raise _creation_args.invalid_combination("randint_like", args)
    if high is None:
        low, high = 0, low
    return randint(low, high, input.shape, dtype=dtype or input.dtype)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None):
    """Normal samples; mean/std may be tensors (element-wise) or numbers."""
    if out is not None:
        from teachtorch.creation_out import write_out

        return write_out(out, normal(mean, std, size, generator=generator), "normal")
    m = _backend.to_numpy(mean._data) if isinstance(mean, Tensor) else mean
    s = _backend.to_numpy(std._data) if isinstance(std, Tensor) else std
    _checks.normal_std(std)
    shape = _size((size,), "normal") if size is not None else np.broadcast_shapes(
        np.shape(m), np.shape(s))
    data = _random.rng(generator).normal(m, s, shape)
    ref = mean if isinstance(mean, Tensor) else std if isinstance(std, Tensor) else None
    np_dtype = ref._data.dtype if ref is not None else dtypes.get_default_dtype().np
    return _on_device_of(ref, np.asarray(data, dtype=np_dtype))


def _on_device_of(ref, host):
    """A tensor of host data (drawn by the CPU generator) on ref's device."""
    if ref is not None and ref.is_cuda:
        return _make(_backend.to_cupy(host, ref.device.index))
    return _make(host)


def bernoulli(input, p=None, *, generator=None):
    probs = _backend.to_numpy(input._data) if p is None else np.full(input.shape, p)
    data = _random.rng(generator).random(input.shape) < probs
    return _on_device_of(input, data.astype(input._data.dtype))


def multinomial(input, num_samples, replacement=False, *, generator=None):
    _checks.multinomial_args(input, num_samples, replacement)
    p = _backend.to_numpy(input._data).astype(np.float64)
    rows = p.reshape(-1, p.shape[-1])
    out = []
    for row in rows:
        out.append(_random.rng(generator).choice(len(row), size=num_samples,
                                                   replace=replacement, p=row / row.sum()))
    data = np.array(out, dtype=np.int64).reshape(p.shape[:-1] + (num_samples,))
    return _on_device_of(input, data)
