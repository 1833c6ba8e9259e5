"""Tensor methods for shape, memory, indexing and conversion.

One line each, delegating to ``teachtorch.ops``. The view methods here share memory
with the tensor they are called on; see ``ops/views.py``.
"""
from teachtorch import ops


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

    # ----- copies ------------------------------------------------------------------
    def clone(self, *, memory_format=None): return ops.clone(self, memory_format=memory_format)
    def contiguous(self, memory_format=None): return ops.contiguous(self)

    # ----- indexing ----------------------------------------------------------------
    def __getitem__(self, index): return ops.getitem(self, index)
    def __setitem__(self, index, value): return ops.setitem(self, index, value)

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
