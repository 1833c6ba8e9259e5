"""Parameter: a Tensor that a Module registers as something to learn.

Assigning a Parameter to a Module attribute (``self.w = nn.Parameter(...)``) puts it in
``module._parameters``, so ``model.parameters()`` hands it to the optimizer.
Chapter 14 (nn.Module internals) opens this file.
"""
from teachtorch import _errors
from teachtorch.tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad by default and belongs to a Module.

    ``Parameter(data)`` shares ``data``'s memory (no copy); ``Parameter()`` is empty.

    Mirrors: torch.nn.Parameter
    """

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from teachtorch import creation

            data = creation.empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(
                _errors.hint(f"Parameter(): argument 'data' must be Tensor, not {type(data).__name__}", "wrap the values first: nn.Parameter(torch.tensor(values))."))
        self = object.__new__(cls)
        self._init_from(data._data, False)
        self._root = data._root
        self._vc = data._vc
        if requires_grad:
            if not data.dtype.is_floating_point:
                raise RuntimeError(
                    _errors.hint("Only Tensors of floating point and complex dtype can require "
                    "gradients", f"this tensor is {data.dtype}; make it float "
                    "first (nn.Parameter(x.float())), or pass requires_grad=False."))
            self._requires_grad = True
        return self

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        new = Parameter(self.detach().clone(), self.requires_grad)
        if self.grad is not None:
            new.grad = self.grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    def __reduce_ex__(self, protocol):
        return (Parameter, (Tensor._make(self._data).clone(), self.requires_grad))


class Buffer(Tensor):
    """Marks a tensor to be registered as a buffer when assigned to a Module.

    Mirrors: torch.nn.Buffer
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            from teachtorch import creation

            data = creation.empty(0)
        self = object.__new__(cls)
        self._init_from(data._data, data.requires_grad)
        self._root = data._root
        self._vc = data._vc
        self.persistent = persistent
        return self

    def __init__(self, data=None, *, persistent=True):
        pass


class UninitializedParameter(Parameter):
    """Placeholder type for lazy modules (teachtorch has no lazy modules)."""
