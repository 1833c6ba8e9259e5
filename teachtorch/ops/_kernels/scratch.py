"""Scratch buffers that kernels reuse from one call to the next.

Why: a fresh multi-megabyte array costs more than filling it. The operating system
hands new memory out one 4 KiB page at a time (a page fault each, and the page is
zeroed), and NumPy gives the array back when the op ends, so the next call pays again.
conv's column matrices are such temporaries: (C*kh*kw) times the input, used inside
one kernel and then dropped. They are taken from here instead: one buffer per
(name, shape, dtype, device), overwritten by the next call that asks for it.

Rule: only temporaries live here. A buffer from ``scratch`` is never returned from an
op or kept for backward as if it were its own; copy out what must live on. A kernel
may hold on to a ``ticket`` and later ask ``still_holds(ticket)``: True when nobody
has taken that buffer since, so what the kernel wrote there is still there.
"""
import itertools
import threading

_local = threading.local()    # one set of buffers per thread: no sharing, no locks
_MAX_BUFFERS = 16             # beyond this many, or this many bytes, the least
_MAX_BYTES = 512 * 2**20      # recently used buffers are dropped
_tickets = itertools.count(1)


def _device_id(xp):
    return None if xp.__name__ == "numpy" else xp.cuda.Device().id


def _cache():
    cache = getattr(_local, "buffers", None)
    if cache is None:
        cache = _local.buffers = {}
    return cache


def scratch(xp, name, shape, dtype, with_ticket=False):
    """An uninitialised array of this shape and dtype, reused across calls.

    Two buffers needed at the same time must have different names. With
    ``with_ticket=True`` returns (array, ticket) for ``still_holds``.
    """
    cache = _cache()
    key = (name, tuple(shape), dtype, xp.__name__, _device_id(xp))
    entry = cache.pop(key, None)
    buf = xp.empty(shape, dtype) if entry is None else entry[0]
    ticket = (key, next(_tickets))
    cache[key] = (buf, ticket[1])                 # now the most recently used
    while len(cache) > 1 and (len(cache) > _MAX_BUFFERS or sum(
            b.nbytes for b, _ in cache.values()) > _MAX_BYTES):
        cache.pop(next(iter(cache)))              # dicts keep insertion order
    return (buf, ticket) if with_ticket else buf


def still_holds(ticket):
    """The buffer a ticket was issued with, if nobody has taken it since; else None."""
    key, number = ticket
    entry = _cache().get(key)
    return entry[0] if entry is not None and entry[1] == number else None
