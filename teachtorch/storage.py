"""Storage: the flat block of memory that a tensor and all its views look into.

A tensor is a window onto a storage: ``shape`` says how many elements along each
dimension, ``stride()`` how many storage elements to step for each, and
``storage_offset()`` where the window starts. ``view``, slicing, ``transpose`` and
``expand`` make new windows onto the same storage; ``clone`` and advanced indexing
make new storages.

Chapter 02 (views, indexing, storage and strides) opens this file.
"""
import numpy as np

from teachtorch import _errors
from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function


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

    def _bytes(self):
        """The storage as raw bytes (uint8), sharing the memory."""
        return self._elements().view("uint8")

    def tolist(self):
        return self._bytes().tolist()

    def __getitem__(self, i):
        return self._bytes()[i].item()

    def __setitem__(self, i, value):
        self._bytes()[i] = value

    def __eq__(self, other):
        return isinstance(other, UntypedStorage) and other.data_ptr() == self.data_ptr()

    def __hash__(self):
        return hash(self.data_ptr())

    def __repr__(self):
        lines = [f" {v}" for v in self.tolist()]
        tail = f"[torch.storage.UntypedStorage(device={self.device}) of size {self.nbytes()}]"
        return "\n".join(lines + [tail])

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

    def tolist(self):
        return self._elements().tolist()

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


# ----- windows with hand-made strides: the tools behind views -------------------
def strided(a, shape, strides, writeable=True):
    """A view of a's memory with the given shape and strides (in elements).

    NumPy gives size-1 dims stride 0 where PyTorch computes a real stride; this is how
    we set PyTorch's numbers so that ``stride()`` reports what torch reports.
    """
    xp = get_array_module(a)
    item = a.itemsize
    shape, strides = tuple(shape), tuple(int(s) * item for s in strides)
    if xp is not np:  # CuPy's as_strided has no writeable flag (GPU memory always is)
        return xp.lib.stride_tricks.as_strided(a, shape, strides)
    return np.lib.stride_tricks.as_strided(a, shape, strides, writeable=writeable)


def view_strides(old_shape, old_strides, new_shape):
    """The strides a view of new_shape gets, or None when no view is possible.

    PyTorch's rule (computeStride): walk the old dims from the right in "chunks" of
    dims that are contiguous with each other; each chunk must be split exactly into
    whole new dims. Size-1 dims take the stride of where they sit in the chunk.
    """
    if not old_shape:
        return [1] * len(new_shape)
    numel = 1
    for n in old_shape:
        numel *= n
    if numel == 0:
        if tuple(old_shape) == tuple(new_shape):
            return list(old_strides)
        out, acc = [0] * len(new_shape), 1
        for d in reversed(range(len(new_shape))):
            out[d] = acc
            acc *= max(new_shape[d], 1)
        return out
    out = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    base = old_strides[-1]
    tensor_numel = view_numel = 1
    for d in reversed(range(len(old_shape))):
        tensor_numel *= old_shape[d]
        if d == 0 or (old_shape[d - 1] != 1 and
                      old_strides[d - 1] != tensor_numel * base):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                out[view_d] = view_numel * base
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if d > 0:
                base = old_strides[d - 1]
                tensor_numel = view_numel = 1
    return out if view_d == -1 else None


def _canonical(shape, itemsize):
    """The byte strides of a freshly allocated C-order array of this shape."""
    out, acc = [], itemsize
    for n in reversed(shape):
        out.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(out))


def expand_strides(old_shape, old_strides, shape):
    """PyTorch's strides for x.expand(shape): 0 where a size-1 dim is repeated; a new
    leading dim of size 1 gets size * stride of the dim after it."""
    out = [0] * len(shape)
    if not old_shape:  # a 0-d tensor: every dim repeats the one element
        return out
    lead = len(shape) - len(old_shape)
    for i in reversed(range(len(shape))):
        d = i - lead
        if d >= 0:
            size, stride = old_shape[d], old_strides[d]
        else:
            size = 1
            stride = shape[i + 1] * out[i + 1] if i + 1 < len(shape) else 1
        out[i] = 0 if size != shape[i] else stride
    return out


def insert_unit_dims(a, shape, strides):
    """a with size-1 dims added (shape/strides given in full, PyTorch's numbers).

    NumPy's no-copy reshape usually picks the same strides and is 30x faster than
    as_strided; we check and fall back when it does not.
    """
    r = a.reshape(shape)
    if r.base is None and a.size > 1:  # reshape copied: cannot happen for unit dims
        return strided(a, shape, strides)
    item = a.itemsize
    if all(x == s * item for x, s, n in zip(r.strides, strides, shape) if n != 0):
        return r
    return strided(a, shape, strides)


def elem_strides(a):
    return [s // a.itemsize for s in a.strides]


class Diagonal(Function):
    """A diagonal seen in place: one step along both dims at once.

    Math: y[..., k] = x[..., i0+k, j0+k];  dL/dx = zeros with dL/dy on that diagonal
    Mirrors: torch.diagonal
    """
    node_name = "DiagonalBackward0"
    _raw = True
    is_view = True

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.in_shape, ctx.args = x.shape, (offset, d1, d2)
        return _diagonal_view(x, offset, d1, d2)

    @staticmethod
    def backward(ctx, grad_output):
        return DiagonalScatter.apply(grad_output, ctx.in_shape, *ctx.args)


def _diagonal_view(x, offset, d1, d2):
    """The diagonal of dims d1, d2 as a (writable) view, diagonal last."""
    i0, j0 = max(-offset, 0), max(offset, 0)
    n = max(0, min(x.shape[d1] - i0, x.shape[d2] - j0))
    start = x
    if n > 0:  # move the first element to (i0, j0)
        idx = [slice(None)] * x.ndim
        idx[d1], idx[d2] = slice(i0, None), slice(j0, None)
        start = x[tuple(idx)]
    strides = elem_strides(x)
    keep = [i for i in range(x.ndim) if i not in (d1, d2)]
    return strided(start, [x.shape[i] for i in keep] + [n],
                   [strides[i] for i in keep] + [strides[d1] + strides[d2]])


class DiagonalScatter(Function):
    """zeros(shape) with g written on a diagonal (the backward of diagonal)."""
    _raw = True
    node_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        out = get_array_module(g).zeros(shape, g.dtype)
        _diagonal_view(out, offset, d1, d2)[...] = g
        return out

    @staticmethod
    def backward(ctx, grad_output):
        return Diagonal.apply(grad_output, *ctx.args)


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal as a view (shares memory). Mirrors: torch.diagonal"""
    from teachtorch.ops._util import wrap_dim

    n = input.dim()
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(_errors.hint(f"diagonal dimensions cannot be identical {dim1}, {dim2}", "pick two different dims, e.g. dim1=0, dim2=1."))
    return Diagonal.apply(input, int(offset), d1, d2)


class AsStrided(Function):
    """Any window (size, stride, offset) onto the storage of x: the most general view.

    Math: y[i] = storage[offset + sum_k i_k * stride_k];  dL/dx = dL/dy added back to
    the elements of x that share each storage position
    Mirrors: torch.as_strided
    """
    node_name = "AsStridedBackward0"
    _raw = True
    is_view = True

    @staticmethod
    def forward(ctx, x, root, size, stride, offset, where):
        ctx.shape, ctx.where = x.shape, where
        flat = root.reshape(-1)
        return strided(flat[offset:] if offset < flat.size else flat[:0], size, stride)

    @staticmethod
    def backward(ctx, grad_output):
        from teachtorch.ops.index import AdvancedIndex, IndexGradScatter

        valid, target = ctx.where
        picked = AdvancedIndex.apply(grad_output, (valid,))
        return IndexGradScatter.apply(picked, ctx.shape, target, True)


def as_strided(input, size, stride, storage_offset=None, _node=None):
    """A view of input's storage with the given size, stride and offset (elements).

    Mirrors: torch.as_strided. Powerful and unchecked in PyTorch beyond the storage
    bounds: overlapping windows (stride 0, or smaller than the size) share elements.
    """
    import numpy as np


    size, stride = tuple(int(n) for n in size), tuple(int(s) for s in stride)
    root = input._root if input._root is not None else input._data
    offset = input.storage_offset() if storage_offset is None else int(storage_offset)
    need = 0 if 0 in size else offset + sum((n - 1) * s for n, s in zip(size, stride)) + 1
    if need > root.size or not root.flags.c_contiguous:
        raise RuntimeError(
            _errors.hint(f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset "
            f"{offset}, and itemsize {root.itemsize} requiring a storage size of "
            f"{need * root.itemsize} are out of bounds for storage of size {root.nbytes}", f"the window must stay inside the {root.size} elements of storage."))
    # where each output element lives among input's elements (for the gradient)
    inv = np.full(root.size, -1, dtype=np.int64)
    inv[storage_positions(input).reshape(-1)] = np.arange(input.numel())
    pos = np.asarray(offset, dtype=np.int64)
    for k, (n, s) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[k] = n
        pos = pos + (np.arange(n, dtype=np.int64) * s).reshape(shape)
    flat_index = inv[np.broadcast_to(pos, size)]
    valid = flat_index >= 0
    target = np.unravel_index(flat_index[valid], tuple(input.shape))
    return (_node or AsStrided).apply(input, root, size, stride, offset, (valid, target))


class UnfoldView(AsStrided):
    """Sliding windows of `size` elements every `step` along one dim (a view).

    Math: y[..., i, ..., k] = x[..., i*step + k, ...];  dL/dx = sum over the windows
    Mirrors: torch.Tensor.unfold
    """
    node_name = "UnfoldBackward0"


def unfold(input, dimension, size, step):
    """All windows of length size, step apart, along dimension, as a new last dim."""
    from teachtorch.ops._util import wrap_dim

    n = input.dim()
    d = wrap_dim(dimension, max(n, 1))
    length = input.shape[d] if n else 1
    if size > length:
        raise RuntimeError(_errors.hint(f"maximum size for tensor at dimension {d} is {length} but size "
                           f"is {size}", "a window cannot be longer than the dim."))
    if step <= 0:
        raise RuntimeError(_errors.hint(f"step is {step} but must be > 0", "step >= 1."))
    shape, strides = list(input.shape), list(input.stride())
    inner = strides[d] if n else 1
    if n:
        shape[d] = (length - size) // step + 1
        strides[d] = inner * step
    return as_strided(input, shape + [size], strides + [inner], input.storage_offset(),
                      _node=UnfoldView)


def storage_positions(t):
    """For each element of t, its position in the shared storage (an int array)."""
    import numpy as np

    pos = np.asarray(t.storage_offset(), dtype=np.int64)
    for k, (n, st) in enumerate(zip(t.shape, t.stride())):
        shape = [1] * t.dim()
        shape[k] = n
        pos = pos + (np.arange(n, dtype=np.int64) * st).reshape(shape)
    return np.broadcast_to(pos, tuple(t.shape))


class ViewOfBase(Function):
    """The history a view gets after its base was written through it.

    Math: y = the elements of base at flat positions p;  dL/dbase = dL/dy added at p
    Mirrors: AsStridedBackward0 (the node PyTorch gives such a view)
    """
    node_name = "AsStridedBackward0"
    _raw = True
    is_view = True

    @staticmethod
    def forward(ctx, base, view_array, where):
        ctx.shape, ctx.where = base.shape, where
        return view_array

    @staticmethod
    def backward(ctx, grad_output):
        from teachtorch.ops.index import IndexGradScatter

        return IndexGradScatter.apply(grad_output, ctx.shape, ctx.where, True)
