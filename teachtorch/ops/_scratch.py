"""Scratch buffers that kernels reuse from one call to the next.

Why: a fresh multi-megabyte array costs more than filling it. The operating system
hands new memory out one 4 KiB page at a time (a page fault each, and the page is
zeroed), and NumPy gives the array back when the op ends, so the next call pays again.
conv's column matrices are such temporaries: (C*kh*kw) times the input, used inside
one kernel and then dropped. They are taken from here instead: one buffer per
(name, shape, dtype, device), overwritten by the next call that asks for it.

Rule: only temporaries live here. A buffer from ``scratch`` is never returned from an
op or kept for backward; copy out of it what must live on.
"""
import threading

_local = threading.local()    # one set of buffers per thread: no sharing, no locks
_MAX_BUFFERS = 16             # the least recently used buffer goes beyond this


def _device_id(xp):
    return None if xp.__name__ == "numpy" else int(xp.cuda.Device())


def scratch(xp, name, shape, dtype):
    """An uninitialised array of this shape and dtype, reused across calls.

    Two buffers needed at the same time must have different names.
    """
    cache = getattr(_local, "buffers", None)
    if cache is None:
        cache = _local.buffers = {}
    key = (name, tuple(shape), str(dtype), xp.__name__, _device_id(xp))
    buf = cache.pop(key, None)
    if buf is None:
        if len(cache) >= _MAX_BUFFERS:
            cache.pop(next(iter(cache)))          # dicts keep insertion order
        buf = xp.empty(shape, dtype)
    cache[key] = buf                              # now the most recently used
    return buf
