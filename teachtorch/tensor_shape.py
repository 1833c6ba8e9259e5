"""Tensor methods for shape, memory, indexing and conversion.

One line each, delegating to ``teachtorch.ops``. The view methods here share memory
with the tensor they are called on; see ``ops/views.py``.
"""
from teachtorch import _errors, ops
from teachtorch import storage as _storage


class TensorShapeMixin:
    __slots__ = ()

    # ----- views (share memory) ----------------------------------------------------
    def view(self, *shape): return ops.view(self, *shape)
    def view_as(self, other): return ops.view(self, other.shape)
    def reshape(self, *shape): return ops.reshape(self, *shape)
    def reshape_as(self, other): return ops.reshape(self, other.shape)
    def transpose(self, dim0, dim1): return ops.transpose(self, dim0, dim1)
    def t(self): return ops.t(self)
    def permute(self, *dims): return ops.permute(self, *dims)
    def expand(self, *sizes): return ops.expand(self, *sizes)
    def expand_as(self, other): return ops.expand(self, other.shape)
    def squeeze(self, dim=None): return ops.squeeze(self, dim)
    def unsqueeze(self, dim): return ops.unsqueeze(self, dim)
    swapaxes = transpose
    swapdims = transpose
    def flatten(self, start_dim=0, end_dim=-1): return ops.flatten(self, start_dim, end_dim)
    def unflatten(self, dim, sizes): return ops.unflatten(self, dim, sizes)
    def narrow(self, dim, start, length): return ops.narrow(self, dim, start, length)
    def movedim(self, source, destination): return ops.movedim(self, source, destination)
    moveaxis = movedim
    def diagonal(self, offset=0, dim1=0, dim2=1): return ops.diagonal(self, offset, dim1, dim2)
    def broadcast_to(self, *size): return ops.broadcast_to(self, size[0] if len(size) == 1 and not isinstance(size[0], int) else size)
    def split(self, split_size, dim=0): return ops.split(self, split_size, dim)
    def chunk(self, chunks, dim=0): return ops.chunk(self, chunks, dim)
    def unsafe_chunk(self, chunks, dim=0): return ops.unsafe_chunk(self, chunks, dim)
    def unbind(self, dim=0): return ops.unbind(self, dim)
    def tensor_split(self, indices_or_sections, dim=0): return ops.tensor_split(self, indices_or_sections, dim)
    def ravel(self): return ops.ravel(self)
    def unfold(self, dimension, size, step): return _storage.unfold(self, dimension, size, step)
    def as_strided(self, size, stride, storage_offset=None): return ops.as_strided(self, size, stride, storage_offset)
    def select(self, dim, index): return ops.select(self, dim, index)

    # ----- views that replace self's shape (in place) --------------------------------
    def t_(self): return t_(self)
    def transpose_(self, dim0, dim1): return transpose_(self, dim0, dim1)
    def unsqueeze_(self, dim): return unsqueeze_(self, dim)
    def squeeze_(self, dim=None): return squeeze_(self, dim)
    def resize_(self, *sizes): return ops.resize_(self, *sizes)
    def resize_as_(self, other): return ops.resize_(self, other.shape)

    # ----- copies ------------------------------------------------------------------
    def clone(self, *, memory_format=None): return ops.clone(self, memory_format=memory_format)
    def contiguous(self, memory_format=None): return ops.contiguous(self)

    # ----- copies in a new arrangement -----------------------------------------------
    def repeat(self, *sizes): return ops.copy.repeat(self, *sizes)
    def tile(self, dims): return ops.tile(self, dims)
    def repeat_interleave(self, repeats, dim=None, *, output_size=None): return ops.repeat_interleave(self, repeats, dim)
    def flip(self, *dims): return ops.flip(self, dims[0] if len(dims) == 1 else dims)
    def fliplr(self): return ops.fliplr(self)
    def flipud(self): return ops.flipud(self)
    def roll(self, shifts, dims=None): return ops.roll(self, shifts, dims)
    def tril(self, diagonal=0): return ops.tril(self, diagonal)
    def triu(self, diagonal=0): return ops.triu(self, diagonal)
    def tril_(self, diagonal=0): return ops.apply_inplace(self, ops.tril, diagonal)
    def triu_(self, diagonal=0): return ops.apply_inplace(self, ops.triu, diagonal)
    def diag(self, diagonal=0): return ops.diag(self, diagonal)
    def trace(self): return ops.trace(self)

    # ----- indexing ----------------------------------------------------------------
    def __getitem__(self, index): return ops.getitem(self, index)
    def __setitem__(self, index, value): return ops.setitem(self, index, value)
    def gather(self, dim, index): return ops.gather(self, dim, index)
    def take(self, index): return ops.take(self, index)
    def index_put(self, indices, values, accumulate=False): return ops.index_put(self, indices, values, accumulate)
    def index_put_(self, indices, values, accumulate=False): return ops.apply_inplace(self, ops.index_put, indices, values, accumulate)
    def scatter(self, dim, index, src=None, *, value=None, reduce=None): return ops.scatter(self, dim, index, src, value=value, reduce=reduce)
    def scatter_(self, dim, index, src=None, *, value=None, reduce=None): return ops.apply_inplace(self, ops.scatter, dim, index, src, value=value, reduce=reduce)
    def scatter_add(self, dim, index, src): return ops.scatter_add(self, dim, index, src)
    def scatter_add_(self, dim, index, src): return ops.apply_inplace(self, ops.scatter_add, dim, index, src)
    def index_select(self, dim, index): return ops.index_select(self, dim, index)
    def index_add(self, dim, index, source, *, alpha=1): return ops.index_add(self, dim, index, source, alpha=alpha)
    def index_add_(self, dim, index, source, *, alpha=1): return ops.apply_inplace(self, ops.index_add, dim, index, source, alpha=alpha)
    def index_fill(self, dim, index, value): return ops.index_fill(self, dim, index, value)
    def index_fill_(self, dim, index, value): return ops.apply_inplace(self, ops.index_fill, dim, index, value)
    def masked_fill(self, mask, value): return ops.masked_fill(self, mask, value)
    def masked_fill_(self, mask, value): return ops.apply_inplace(self, ops.masked_fill, mask, value)
    def masked_select(self, mask): return ops.masked_select(self, mask)
    def take_along_dim(self, indices, dim=None): return ops.take_along_dim(self, indices, dim)
    def nonzero(self, *, as_tuple=False): return ops.nonzero(self, as_tuple=as_tuple)
    def argwhere(self): return ops.argwhere(self)

    # ----- ordering ------------------------------------------------------------------
    def sort(self, dim=-1, descending=False, stable=False): return ops.sort(self, dim, descending, stable)
    def argsort(self, dim=-1, descending=False, stable=False): return ops.argsort(self, dim, descending, stable)
    def msort(self): return ops.msort(self)
    def topk(self, k, dim=-1, largest=True, sorted=True): return ops.topk(self, k, dim, largest, sorted)
    def kthvalue(self, k, dim=-1, keepdim=False): return ops.kthvalue(self, k, dim, keepdim)
    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None): return ops.unique(self, sorted, return_inverse, return_counts, dim)

    # ----- dtype and device --------------------------------------------------------
    def to(self, *args, **kwargs): return ops.to(self, *args, **kwargs)
    def float(self): return ops.to_dtype(self, ops.dtypes.float32)
    def double(self): return ops.to_dtype(self, ops.dtypes.float64)
    def half(self): return ops.to_dtype(self, ops.dtypes.float16)
    def long(self): return ops.to_dtype(self, ops.dtypes.int64)
    def int(self): return ops.to_dtype(self, ops.dtypes.int32)
    def short(self): return ops.to_dtype(self, ops.dtypes.int16)
    def char(self): return ops.to_dtype(self, ops.dtypes.int8)
    def byte(self): return ops.to_dtype(self, ops.dtypes.uint8)
    def bool(self): return ops.to_dtype(self, ops.dtypes.bool_)
    def cpu(self, memory_format=None): return ops.to(self, "cpu")
    def cuda(self, device=None, non_blocking=False): return ops.to(self, "cuda" if device is None else device)
    def type_as(self, other): return ops.to_dtype(self, other.dtype)

    # ----- new tensors with this one's dtype and device --------------------------------
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False): return _new("tensor", self, dtype, device, requires_grad, data)
    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False): return _new("zeros", self, dtype, device, requires_grad, *size)
    def new_ones(self, *size, dtype=None, device=None, requires_grad=False): return _new("ones", self, dtype, device, requires_grad, *size)
    def new_empty(self, *size, dtype=None, device=None, requires_grad=False): return _new("empty", self, dtype, device, requires_grad, *size)
    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False): return _new("full", self, dtype, device, requires_grad, size, fill_value)

    # ----- filling with random numbers (in place) ------------------------------------
    def uniform_(self, a=0, b=1, *, generator=None): return _random_fill(self, "uniform", a, b, generator)
    def normal_(self, mean=0, std=1, *, generator=None): return _random_fill(self, "normal", mean, std, generator)
    def random_(self, from_=0, to=None, *, generator=None): return _random_fill(self, "random", from_, to, generator)
    def bernoulli_(self, p=0.5, *, generator=None): return _random_fill(self, "bernoulli", p, None, generator)
    def exponential_(self, lambd=1.0, *, generator=None): return _random_fill(self, "exponential", lambd, None, generator)


def _new(fn, t, dtype, device, requires_grad, *args):
    """x.new_zeros(...) and friends: like torch.zeros but with x's dtype and device."""
    from teachtorch import creation

    return getattr(creation, fn)(*args, dtype=dtype or t.dtype, device=device or t.device,
                                 requires_grad=requires_grad)


def _random_fill(t, kind, a, b, generator):
    from teachtorch import _checks
    from teachtorch import random as _random

    if kind == "normal":
        _checks.normal_std(b)
    elif kind == "uniform":
        _checks.uniform_range(a, b)
    t._check_inplace()
    _random.fill_(t._data, kind, a, b, generator)
    t._bump()
    return t


# ----- the in-place shape changes: x.t_(), x.unsqueeze_(0) ... ----------------------
# PyTorch gives these their own node names (TBackward1 ...); the math is the same.
_INPLACE = {}


def _inplace_node(name):
    """The view Function for x.t_() etc.: same math, PyTorch's in-place node name."""
    if not _INPLACE:  # built on first use (ops is still importing when this loads)
        v = ops.views
        for key, base, node in [("TInplace", v.T, "TBackward1"),
                                ("TransposeInplace", v.Transpose, "TransposeBackward1"),
                                ("UnsqueezeInplace", v.Unsqueeze, "UnsqueezeBackward1"),
                                ("SqueezeInplace", v.Squeeze, "SqueezeBackward3"),
                                ("SqueezeDimInplace", v.Squeeze, "SqueezeBackward4"),
                                ("SqueezeDimsInplace", v.Squeeze, "SqueezeBackward5")]:
            _INPLACE[key] = type(key, (base,), {"node_name": node})
    return _INPLACE[name]


def _become(x, cls, *args):
    """Make x itself the view cls would return (same memory, new shape and strides)."""
    from teachtorch.autograd import grad_mode

    if x.requires_grad and x.grad_fn is None and grad_mode.is_grad_enabled():
        raise RuntimeError(_errors.leaf_inplace())
    y = _inplace_node(cls).apply(x, *args)
    x._data = y._data
    if y.grad_fn is not None:
        x.grad_fn, x._output_nr = y.grad_fn, 0
    x._vc[0] += 1
    return x


def t_(x):
    """Transpose x in place (its shape and strides change; no data moves)."""
    ops.t(x)  # the checks
    return _become(x, "TInplace", *((0, 1) if x.dim() == 2 else (0, 0)))


def transpose_(x, dim0, dim1):
    n = x.dim()
    return _become(x, "TransposeInplace", ops._util.wrap_dim(dim0, n), ops._util.wrap_dim(dim1, n))


def unsqueeze_(x, dim):
    return _become(x, "UnsqueezeInplace", ops._util.wrap_dim(dim, x.dim() + 1))


def squeeze_(x, dim=None):
    if dim is None:
        dims = tuple(i for i, n in enumerate(x.shape) if n == 1)
        return _become(x, "SqueezeInplace", dims)
    many = isinstance(dim, (tuple, list))
    n = x.dim()
    dims = tuple(ops._util.wrap_dim(d, n) for d in (dim if many else (dim,))) if n else ()
    dims = tuple(d for d in dims if x.shape[d] == 1)
    return _become(x, "SqueezeDimsInplace" if many else "SqueezeDimInplace", dims)
