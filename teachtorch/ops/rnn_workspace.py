"""Scratch arrays that the recurrent kernels reuse from one call to the next.

Why this exists: a fresh NumPy array of a few MB is fresh memory for the operating
system, and the first write to each 4 KiB page of it stops the program for a page
fault (about a microsecond on a virtual machine). The LSTM benchmark (20 steps x
batch 64, hidden 128) asked for ~10 MB of new arrays per training step: ~3 ms of a
12 ms step went to page faults, not to arithmetic. A training loop calls the layer
with the same shapes every step, so the kernels ask this workspace instead of
``xp.empty`` and get back an array of the last step that nobody uses any more.

"Nobody uses it" is read off Python's reference count: an array that only this
workspace's list refers to (no graph saved it, no tensor wraps it, no view of it is
alive) can be handed out again. Everything else stays untouched, so reuse never
changes a result. At most ``limit`` arrays are kept; the shape used longest ago is
forgotten first.
Chapter 12 (RNN basics) opens the recurrent kernels that use it.
"""
import sys
import threading


class Workspace:
    """A cache of NumPy arrays keyed by (shape, dtype).

    >>> import numpy as np
    >>> ws = Workspace()
    >>> a = ws.empty((2, 3), np.dtype(np.float32), np)
    >>> ws.empty((2, 3), np.dtype(np.float32), np) is a   # a is still held
    False
    >>> del a
    >>> ws.empty((2, 3), np.dtype(np.float32), np).shape  # reused, not new
    (2, 3)
    """

    def __init__(self, limit=32):
        self.limit = limit
        self._arrays = {}    # key -> list of arrays, least recently used key first
        self._count = 0
        self._lock = threading.Lock()

    def empty(self, shape, dtype, xp):
        """An uninitialised array, as ``xp.empty(shape, dtype)``, reused if free."""
        if xp.__name__ != "numpy":   # CuPy's own memory pool already reuses memory
            return xp.empty(shape, dtype)
        key = (shape, dtype)
        with self._lock:
            arrays = self._arrays.pop(key, [])
            self._arrays[key] = arrays           # now the most recently used key
            for k in range(len(arrays)):
                if sys.getrefcount(arrays[k]) == 2:  # the list and this call only
                    return arrays[k]
            new = xp.empty(shape, dtype)
            if self._count >= self.limit:
                oldest = next(iter(self._arrays))
                if oldest == key:                # one shape fills the cache: keep it
                    return new
                self._count -= len(self._arrays.pop(oldest))
            arrays.append(new)
            self._count += 1
            return new

    def clear(self):
        """Forget every kept array (their memory goes back once nothing holds it)."""
        with self._lock:
            self._arrays.clear()
            self._count = 0


WORKSPACE = Workspace()
