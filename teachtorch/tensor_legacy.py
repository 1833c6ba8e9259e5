"""Tensor methods of older PyTorch code that PyTorch 2.13 still accepts.

``x.new(2, 3)`` (a tensor of x's dtype and device), ``x.type(torch.LongTensor)``,
``'{:.2f}'.format(loss)``, and the hint a learner gets for a method teachtorch lacks.
Chapter 01 (tensors) opens this file.
"""
from teachtorch import _api_gaps, _errors


class TensorLegacyMixin:
    __slots__ = ()

    def __getattr__(self, name):
        # only runs when normal lookup failed: PyTorch's wording, then a hint
        raise _api_gaps.tensor_attribute_error(self, name)

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


def _tensor_class():
    from teachtorch.tensor import Tensor

    return Tensor
