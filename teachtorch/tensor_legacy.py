"""Tensor methods of older PyTorch code that PyTorch 2.13 still accepts.

``x.new(2, 3)`` (a tensor of x's dtype and device), ``x.type(torch.LongTensor)``,
and the hint a learner gets for a torch.Tensor name teachtorch lacks.
Chapter 01 (tensors) opens this file.
"""
from teachtorch import _api_gaps, _errors
from teachtorch._tensor_absent import ABSENT


class TensorLegacyMixin:
    __slots__ = ()

    def new(self, *args, **kwargs):
        """The old constructor, keeping self's dtype and device.

        x.new(2, 3) is an uninitialised 2x3 tensor (zeros here), x.new([1, 2]) copies
        the list, x.new() is empty. Mirrors: torch.Tensor.new
        """
        from teachtorch import creation

        if len(args) == 1 and hasattr(args[0], "_data") and args[0].dtype is not \
                self.dtype:
            raise TypeError(_errors.legacy_new_dtype_mismatch(self.dtype, args[0].dtype))
        out = creation.legacy_new(_tensor_class(), self.dtype, args, kwargs)
        return out.to(self.device) if self.is_cuda else out

    def bfloat16(self, memory_format=None):
        """Mirrors torch.Tensor.bfloat16; NumPy has no bfloat16, so this raises."""
        raise TypeError(_errors.bfloat16_unsupported())


class _Absent:
    """A torch.Tensor name teachtorch lacks: reading it raises PyTorch's
    AttributeError plus a hint (what it is for, what to use instead)."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __get__(self, obj, objtype=None):
        raise _api_gaps.tensor_attribute_error(obj if obj is not None else objtype,
                                               self.name)


# One descriptor per torch.Tensor name that tools/api_audit.py found missing or out of
# scope. A class attribute costs nothing on other lookups (a __getattr__ on Tensor
# would slow every attribute access); names nobody has still get Python's plain
# "'Tensor' object has no attribute" error.
TensorAbsentMixin = type("TensorAbsentMixin", (), dict(
    {name: _Absent(name) for name in ABSENT}, __slots__=(),
    __doc__="Names of torch.Tensor that teachtorch does not have (each raises)."))


def _tensor_class():
    from teachtorch.tensor import Tensor

    return Tensor
