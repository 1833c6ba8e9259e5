"""Where arrays live: NumPy on the CPU, CuPy on a GPU.

This is the ONLY module that imports cupy. Every kernel starts with
``xp = get_array_module(x)`` and then calls ``xp.exp``, ``xp.matmul`` ... so the
same line of code runs on either device.

Chapter 16 (vision tools, GPU) opens this file.
"""
import numpy as np

try:  # pragma: no cover - depends on the machine
    import cupy as _cupy

    try:
        _CUDA_COUNT = _cupy.cuda.runtime.getDeviceCount()
    except Exception:
        _CUDA_COUNT = 0
except Exception:  # cupy missing or broken: CPU only
    _cupy = None
    _CUDA_COUNT = 0


def is_cuda_available():
    """True when CuPy imports and sees at least one GPU."""
    return _CUDA_COUNT > 0


def device_count():
    return _CUDA_COUNT


def get_array_module(x):
    """numpy for NumPy arrays (and anything else), cupy for CuPy arrays."""
    if _cupy is not None and isinstance(x, _cupy.ndarray):
        return _cupy
    return np


def is_cupy_array(x):
    return _cupy is not None and isinstance(x, _cupy.ndarray)


def to_numpy(x):
    """A NumPy array with the same values (a copy only when x lives on a GPU)."""
    if is_cupy_array(x):
        return _cupy.asnumpy(x)
    return x


def to_cupy(x, index=0):
    """A CuPy array on GPU ``index`` with the same values."""
    if _cupy is None:
        raise RuntimeError("CuPy is not installed")
    with _cupy.cuda.Device(index):
        return _cupy.asarray(x)


def array_device_index(x):
    """The GPU index of a CuPy array, or None for a NumPy array."""
    if is_cupy_array(x):
        return x.device.id
    return None


def synchronize(index=None):
    """Wait for every queued GPU kernel to finish (a no-op without a GPU)."""
    if _cupy is not None and _CUDA_COUNT:
        if index is None:
            _cupy.cuda.Stream.null.synchronize()
        else:
            with _cupy.cuda.Device(index):
                _cupy.cuda.Stream.null.synchronize()
