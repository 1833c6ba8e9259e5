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


def _parse(args, kwargs):
    dev = kwargs.get("device")
    dt = kwargs.get("dtype")
    copy = kwargs.get("copy", False)
    for a in args:
        if isinstance(a, dtypes.dtype):
            dt = a
        elif isinstance(a, (str, Device, int)):
            dev = a
        elif hasattr(a, "_data"):  # x.to(other): other's dtype and device
            dt, dev = a.dtype, a.device
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
