"""Moving tensors between devices and dtypes: ``x.to(...)``, ``.cuda()``, ``.cpu()``.

Chapter 18 (GPU and DataParallel) opens this file.
"""
from teachtorch import _backend, _errors, dtypes
from teachtorch.autograd.function import Function
from teachtorch.device import device as Device
from teachtorch.ops.copy import to_dtype


class ToDevice(Function):
    """A copy on another device.

    Math: y = x;  dL/dx = dL/dy moved back
    Mirrors: torch.Tensor.to(device)
    """
    _raw = True
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, target):
        ctx.source = _backend.array_device_index(x)
        if target.type == "cpu":
            return _backend.to_numpy(x).copy() if not _backend.is_cupy_array(x) else \
                _backend.to_numpy(x)
        return _backend.to_cupy(x, target.index or 0)

    @staticmethod
    def backward(ctx, grad_output):
        back = Device("cpu") if ctx.source is None else Device("cuda", ctx.source)
        return grad_output.to(back)


_TO_KEYWORDS = ("device", "dtype", "non_blocking", "copy", "memory_format")
_PY_TYPES = {float: dtypes.float64, int: dtypes.int64, bool: dtypes.bool_}


def _arg_name(a):
    """How PyTorch's argument parser names a value in its TypeError."""
    if isinstance(getattr(a, "_dtype", None), dtypes.dtype):
        return "torch.tensortype"  # a legacy class such as torch.LongTensor
    if isinstance(a, dtypes.dtype):
        return "torch.dtype"
    if isinstance(a, Device):
        return "torch.device"
    return "Tensor" if hasattr(a, "_data") else type(a).__name__


def _parse(args, kwargs):
    """(device, dtype, copy) from x.to's arguments; TypeError for anything else."""
    if not kwargs and len(args) == 1 and isinstance(args[0], dtypes.dtype):
        return None, args[0], False  # x.to(torch.float64): the common case, fast
    bad = [k for k in kwargs if k not in _TO_KEYWORDS]
    if bad:
        got = ", ".join(f"{k}={_arg_name(v)}" for k, v in kwargs.items()) + ", "
        raise TypeError(_errors.to_invalid_arguments(got))
    dev = kwargs.get("device")
    dt = kwargs.get("dtype")
    copy = kwargs.get("copy", False)
    flags = []  # positional non_blocking, copy
    positional_dtype = False
    for a in args:
        if isinstance(a, bool):
            flags.append(a)
        elif a is None:
            continue
        elif isinstance(a, dtypes.dtype) and not flags:
            dt, positional_dtype = a, True
        elif isinstance(a, type) and a in _PY_TYPES and not flags:
            dt, positional_dtype = _PY_TYPES[a], True
        elif isinstance(a, (str, Device, int)) and not flags and not positional_dtype:
            dev = a
        elif hasattr(a, "_data") and not flags:  # x.to(other): other's dtype, device
            dt, dev = a.dtype, a.device
        else:
            got = ", ".join(_arg_name(v) for v in args)
            raise TypeError(_errors.to_invalid_arguments(got))
    if len(flags) > 2:
        raise TypeError(_errors.to_invalid_arguments(", ".join(_arg_name(v)
                                                               for v in args)))
    if len(flags) == 2:
        copy = flags[1]
    return dev, dt, copy


def to(x, *args, **kwargs):
    """Return x with the given dtype and/or on the given device (x itself if no change)."""
    dev, dt, copy = _parse(args, kwargs)
    out = x
    if type(dev) is int and not _backend.is_cuda_available():  # x.to(0), x.cuda(0)
        raise RuntimeError(_errors.no_accelerator())
    if dev is not None:
        dev = Device(dev) if not isinstance(dev, Device) else dev
        if dev.type == "cuda" and not _backend.is_cuda_available():
            raise AssertionError(_errors.cuda_unavailable())
        if dev.type == "cuda" and dev.index is None:  # plain 'cuda': the current GPU
            dev = Device("cuda", _backend.current_device())
        if dev.type == "cuda" and not 0 <= dev.index < _backend.device_count():
            raise RuntimeError(_errors.invalid_device_ordinal(dev.index,
                                                              _backend.device_count()))
        if dev != x.device:
            out = ToDevice.apply(out, dev)
    if dt is not None:
        out = to_dtype(out, dtypes.to_dtype(dt), copy=copy and out is x)
    elif copy and out is x:
        out = x.clone()
    return out
