"""The environment in which chapter kernels print the numbers stored in the notebooks.

A float32 matrix product adds its terms in an order that depends on the BLAS library's
thread count and on the CPU kernel it picks: OpenBLAS on two threads, or on an AVX-512
CPU, rounds differently from one thread with the AVX2 ("Haswell") kernels the notebooks
were built with, and chapter 09's MNIST accuracy moves in the third digit. So kernels
run with one BLAS thread and, on x86-64 CPUs with AVX2 and FMA, OpenBLAS's Haswell
kernels. Values already in the environment win.

Used by ``teachtorch lab``, chapters/conftest.py (nbval) and ``make chapters``;
binder/start does the same in bash. Any command can run in that environment:

    python -m teachtorch._kernel_env jupyter lab
"""
import os
import platform
import sys

ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def has_avx2_fma():
    """True on an x86-64 CPU whose flags list AVX2 and FMA (read from /proc/cpuinfo)."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    try:
        with open("/proc/cpuinfo") as f:
            flags = set(f.read().split())
    except OSError:
        return False
    return {"avx2", "fma"} <= flags


def defaults():
    """The variables and values that pin the arithmetic (a dict)."""
    values = dict.fromkeys(ONE_THREAD, "1")
    if has_avx2_fma():
        values["OPENBLAS_CORETYPE"] = "Haswell"
    return values


def pin(environ=None):
    """Add the defaults to ``environ`` (``os.environ`` by default) where unset."""
    environ = os.environ if environ is None else environ
    for name, value in defaults().items():
        environ.setdefault(name, value)
    return environ


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m teachtorch._kernel_env COMMAND [ARGS...]")
    os.execvpe(sys.argv[1], sys.argv[1:], pin(dict(os.environ)))
