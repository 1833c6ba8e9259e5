"""Where arrays live: NumPy on the CPU, CuPy on a GPU.

This is the ONLY module that imports cupy. Every kernel starts with
``xp = get_array_module(x)`` and then calls ``xp.exp``, ``xp.matmul`` ... so the
same line of code runs on either device.

Chapter 18 (GPU and DataParallel) opens this file.
"""
import importlib
import os

import numpy as np

# TEACHTORCH_FAKE_CUDA=N: use a stand-in for cupy, named by TEACHTORCH_FAKE_CUPY
# (default: the module ``simulated_cupy``, N pretend GPUs made of NumPy, which the
# tests keep in tests/support/; the root conftest.py puts that folder on the path).
FAKE_CUPY = os.environ.get("TEACHTORCH_FAKE_CUPY", "simulated_cupy")


def _import_fake_cupy(name):
    """The module standing in for cupy under TEACHTORCH_FAKE_CUDA."""
    try:
        return importlib.import_module(name)
    except ImportError as e:
        from teachtorch import _errors

        raise ImportError(_errors.hint(
            f"TEACHTORCH_FAKE_CUDA is set but its stand-in for cupy, module "
            f"{name!r}, cannot be imported ({e})",
            "the simulation lives in the repository's tests/support/simulated_cupy; "
            "put tests/support on PYTHONPATH (its conftest.py does), or set "
            "TEACHTORCH_FAKE_CUPY to another module, or unset TEACHTORCH_FAKE_CUDA"),
        ) from e


if os.environ.get("TEACHTORCH_FAKE_CUDA"):
    _cupy = _import_fake_cupy(FAKE_CUPY)
    _CUDA_COUNT = _cupy.cuda.runtime.getDeviceCount()
else:
    try:  # pragma: no cover - depends on the machine
        import cupy as _cupy

        try:
            _CUDA_COUNT = _cupy.cuda.runtime.getDeviceCount()
        except Exception:  # noqa: BLE001 - no driver or no GPU: CPU only
            _CUDA_COUNT = 0
    except Exception:  # noqa: BLE001 - cupy missing or broken: CPU only
        _cupy = None
        _CUDA_COUNT = 0

# a stand-in says so with ``SIMULATED = True`` (teachtorch doctor reports it)
SIMULATED = bool(getattr(_cupy, "SIMULATED", False))


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
        if is_cupy_array(x):  # cupy.asarray would hand back x on its own device
            return x if x.device.id == index else _cupy.array(x)
        return _cupy.asarray(x)


def device_name(index=0):
    """The GPU's name, as the driver reports it.

    Under the simulation (TEACHTORCH_FAKE_CUDA) it is "simulated GPU (NumPy)".
    """
    name = _cupy.cuda.runtime.getDeviceProperties(index)["name"]
    return name.decode() if isinstance(name, bytes) else name


def common_device(arrays):
    """The GPU index the arrays of an op's tensor arguments share (None: CPU only).

    Pass only the tensors' arrays: other array arguments (index bookkeeping made on
    the host) are not tensors and may stay on the CPU.

    Raises PyTorch's RuntimeError when arrays from two devices meet in one op; a 0-d
    CPU array may join GPU arrays, as PyTorch lets a CPU scalar tensor join.
    """
    if _cupy is None:
        return None
    gpu, cpu = set(), False
    for a in arrays:
        if is_cupy_array(a):
            gpu.add(a.device.id)
        elif isinstance(a, np.ndarray) and a.ndim:
            cpu = True
    if len(gpu) > 1 or (gpu and cpu):
        from teachtorch import _errors

        names = [f"cuda:{i}" for i in sorted(gpu)] + (["cpu"] if cpu else [])
        raise RuntimeError(_errors.different_devices(names[0], names[1]))
    return gpu.pop() if gpu else None


class device_guard:
    """Make GPU ``index`` current while a kernel runs (None: nothing to do).

    CuPy runs every kernel on the *current* GPU, whatever GPU its inputs live on;
    PyTorch runs an op on its inputs' device. Function.apply should wrap forward in
    ``with device_guard(common_device([t._data for t in tensor_args])):``.
    """

    def __init__(self, index):
        self._index = index
        self._ctx = None

    def __enter__(self):
        if self._index is not None and self._index != _cupy.cuda.Device().id:
            self._ctx = _cupy.cuda.Device(self._index)
            self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        if self._ctx is not None:
            self._ctx.__exit__(*exc)


def array_device_index(x):
    """The GPU index of a CuPy array, or None for a NumPy array."""
    if is_cupy_array(x):
        return x.device.id
    return None


def current_device():
    """The current GPU's index: where CuPy creates arrays and runs kernels."""
    return _cupy.cuda.Device().id if _CUDA_COUNT else 0


def set_current_device(index):
    _cupy.cuda.Device(index).use()


def synchronize(index=None):
    """Wait for every queued GPU kernel to finish (a no-op without a GPU)."""
    if _cupy is not None and _CUDA_COUNT:
        if index is None:
            _cupy.cuda.Stream.null.synchronize()
        else:
            with _cupy.cuda.Device(index):
                _cupy.cuda.Stream.null.synchronize()
