"""Storage: the flat block of memory that a tensor and all its views look into.

A tensor is a window onto a storage: ``shape`` says how many elements along each
dimension, ``stride()`` how many storage elements to step for each, and
``storage_offset()`` where the window starts. ``view``, slicing, ``transpose`` and
``expand`` make new windows onto the same storage; ``clone`` and advanced indexing
make new storages.

Chapter 02 (views, indexing, storage and strides) opens this file.
"""
from teachtorch._backend import get_array_module


def array_ptr(a):
    """The address of an array's first element (NumPy or CuPy)."""
    iface = getattr(a, "__array_interface__", None)
    if iface is not None:
        return iface["data"][0]
    return a.data.ptr


class UntypedStorage:
    """The bytes behind a tensor; shared by every view of it.

    Mirrors: torch.UntypedStorage
    """

    def __init__(self, root, dtype):
        self._root = root      # the array that owns the memory
        self.dtype = dtype

    def data_ptr(self):
        return array_ptr(self._root)

    def nbytes(self):
        return self._root.nbytes

    def size(self):
        return self._root.nbytes

    def __len__(self):
        return self.size()

    @property
    def device(self):
        from teachtorch.device import device_of_array

        return device_of_array(self._root)

    def _elements(self):
        xp = get_array_module(self._root)
        return xp.ravel(self._root) if self._root.flags.c_contiguous else \
            self._root.reshape(-1)

    def tolist(self):
        return self._elements().tolist()

    def __eq__(self, other):
        return isinstance(other, UntypedStorage) and other.data_ptr() == self.data_ptr()

    def __hash__(self):
        return hash(self.data_ptr())

    def __repr__(self):
        return self._repr("torch.storage.UntypedStorage", self.nbytes())

    def _repr(self, kind, n):
        vals = self._elements()
        lines = [" " + _fmt(v) for v in vals.tolist()]
        head = "\n".join(lines)
        tail = f"[{kind}(dtype={self.dtype}, device={self.device}) of size {n}]"
        return head + "\n" + tail if lines else tail


class TypedStorage(UntypedStorage):
    """The same memory counted in elements of one dtype.

    Mirrors: torch.TypedStorage (what ``tensor.storage()`` returns)
    """

    def size(self):
        return self._root.size

    def __len__(self):
        return self._root.size

    def __getitem__(self, i):
        return self._elements()[i].item()

    def __setitem__(self, i, value):
        self._elements()[i] = value

    def __repr__(self):
        return self._repr("torch.storage.TypedStorage", self.size())


def _fmt(v):
    if isinstance(v, float):
        return repr(v)
    return str(v)
