"""Global settings of older tutorials: threads and the default tensor type.

``torch.set_num_threads(1)`` limits the threads matrix products use. NumPy does its
matrix products in OpenBLAS, so teachtorch asks OpenBLAS (through threadpoolctl
when it is installed, else directly through NumPy's bundled library).
``torch.set_default_tensor_type`` is the pre-2.1 spelling of set_default_dtype.
Chapter 01 (tensors) opens this file.
"""
import ctypes
import glob
import os
import warnings

from teachtorch import _errors, dtypes

_threads = [None]
_warned = [False]  # what set_num_threads was given (None: not called yet)


def _openblas():
    """(set, get) functions of the OpenBLAS NumPy loaded, or None."""
    import numpy

    here = os.path.dirname(numpy.__file__)
    for path in sorted(glob.glob(os.path.join(here + ".libs", "*openblas*"))):
        lib = ctypes.CDLL(path)
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", "_64_", ""):
                setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                if setter is not None and getter is not None:
                    getter.restype = ctypes.c_int
                    return setter, getter
    return None


def set_num_threads(n):
    """Use at most n threads for matrix products. Mirrors: torch.set_num_threads"""
    n = int(n)
    if n <= 0:
        raise RuntimeError(_errors.hint("set_num_threads expects a positive integer",
                                        "give 1 or more threads."))
    _threads[0] = n
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(n, user_api="blas")
        return
    except ImportError:
        pass
    blas = _openblas()
    if blas is not None:
        blas[0](ctypes.c_int(n))


def get_num_threads():
    """Threads matrix products may use. Mirrors: torch.get_num_threads"""
    blas = _openblas()
    if blas is not None:
        return int(blas[1]())
    return _threads[0] or (os.cpu_count() or 1)


def set_default_tensor_type(t):
    """Old spelling of set_default_dtype (deprecated since PyTorch 2.1).

    Mirrors: torch.set_default_tensor_type
    """
    if not _warned[0]:  # PyTorch warns once per process
        _warned[0] = True
        warnings.warn(_errors.set_default_tensor_type_deprecated(), UserWarning,
                      stacklevel=2)
    if isinstance(t, str):
        name = t.replace("torch.", "")
        d = next((d for d in dtypes.ALL if d.legacy_name == name), None)
        if d is None:  # PyTorch imports the part before the last dot as a module
            raise ModuleNotFoundError(_errors.hint(
                f"No module named '{t.rsplit('.', 1)[0]}'",
                "use 'torch.FloatTensor' or 'torch.DoubleTensor'."))
    else:
        d = getattr(t, "_dtype", None)
        if d is None:
            raise TypeError(_errors.hint(
                "invalid type object: only floating-point types are supported as the "
                "default type", "pass a tensor type such as torch.DoubleTensor; for a "
                "dtype use torch.set_default_dtype(torch.float64)."))
    if not d.is_floating_point:
        raise TypeError(_errors.default_type_not_float())
    dtypes.set_default_dtype(d)
