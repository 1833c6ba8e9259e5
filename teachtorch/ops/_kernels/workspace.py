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
changes a result. At most ``limit`` arrays and ``max_bytes`` bytes are kept; the
shape used longest ago is forgotten first. (On a GPU, CuPy's memory pool already
reuses memory, so there ``empty`` is plain ``cupy.empty``.)
The recurrent kernels (rnn.py, rnn_layer.py here) use it.
"""
import sys
import threading


def _refcount_when_free():
    """What ``sys.getrefcount(arrays[k])`` reports for an object only a list holds.

    2 on CPython 3.10-3.13 (the list, and the call's own argument). It is measured
    rather than assumed, since newer interpreters may count differently; None when
    a held object does not read higher, and then nothing is ever reused.
    """
    arrays = [object()]
    free = sys.getrefcount(arrays[0])
    holder = arrays[0]  # noqa: F841 - held on purpose
    return free if sys.getrefcount(arrays[0]) > free else None


_FREE = _refcount_when_free()


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

    def __init__(self, limit=64, max_bytes=512 * 2**20):
        self.limit, self.max_bytes = limit, max_bytes
        self._arrays = {}    # key -> list of arrays, least recently used key first
        self._count = self._bytes = 0
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
                if sys.getrefcount(arrays[k]) == _FREE:  # only this list holds it
                    return arrays[k]
            new = xp.empty(shape, dtype)
            while (self._count >= self.limit
                   or self._bytes + new.nbytes > self.max_bytes):
                oldest = next(iter(self._arrays))
                if oldest == key:                # only this shape is left: don't keep
                    return new
                dropped = self._arrays.pop(oldest)
                self._count -= len(dropped)
                self._bytes -= sum(a.nbytes for a in dropped)
            arrays.append(new)
            self._count += 1
            self._bytes += new.nbytes
            return new

    def clear(self):
        """Forget every kept array (their memory goes back once nothing holds it)."""
        with self._lock:
            self._arrays.clear()
            self._count = self._bytes = 0


WORKSPACE = Workspace()
