"""Variable: PyTorch's old wrapper, kept because older notes use it everywhere.

Since PyTorch 0.4 a Variable *is* a Tensor: ``Variable(t, requires_grad=True)`` just
returns a tensor sharing t's memory with requires_grad set. teachtorch does the same.
Chapter 04 (autograd) opens this file.
"""


class _VariableMeta(type):
    def __instancecheck__(cls, obj):
        from teachtorch.tensor import Tensor

        return isinstance(obj, Tensor)


class Variable(metaclass=_VariableMeta):
    """Variable(tensor, requires_grad=False) -> a Tensor.

    Mirrors: torch.autograd.Variable
    """

    def __new__(cls, data=None, requires_grad=False, volatile=False):
        if data is None:
            from teachtorch.creation import tensor

            data = tensor([])
        out = data.detach()
        if requires_grad:
            out.requires_grad_(True)
        return out
