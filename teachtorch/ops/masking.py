"""Choosing elements by a boolean mask: masked_fill and masked_select.

``x.masked_fill(mask, v)`` writes v where mask is True (mask broadcasts to x);
``x.masked_select(mask)`` gathers the masked elements into a 1-D copy. Picking by
index (gather, scatter, index_select) is in ``gather.py``.
Chapter 02 (indexing) opens this file.
"""
import numpy as np

from teachtorch import _arg_types, _backend, _errors
from teachtorch.autograd.function import Function
from teachtorch.ops._util import check_broadcast, is_tensor


class MaskedFill(Function):
    """value where mask is True, x elsewhere.

    Math: y = where(mask, v, x);  dL/dx = dL/dy with zeros where mask
    Mirrors: torch.masked_fill
    """
    _raw = True
    node_name = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.mask = mask
        ctx.save_for_backward()  # PyTorch saves the mask: freed by backward
        xp = _backend.get_array_module(x)
        return xp.where(mask, xp.asarray(value, dtype=x.dtype), x)

    @staticmethod
    def backward(ctx, grad_output):
        ctx.saved_tensors  # noqa: B018 - raises once backward has freed them
        return MaskedFill.apply(grad_output, ctx.mask, 0)


class MaskedFillTensor(MaskedFill):
    """masked_fill with a 0-d tensor as the value (same forward): the value gets a
    gradient too.

    Math: y = where(mask, v, x);  dL/dx = dL/dy with zeros where mask,
          dL/dv = sum of dL/dy where mask
    Mirrors: torch.masked_fill(input, mask, value_tensor)
    """
    node_name = "MaskedFillBackward1"

    @staticmethod
    def backward(ctx, grad_output):
        gx = gv = None
        ctx.saved_tensors  # noqa: B018 - raises once backward has freed them
        if ctx.needs_input_grad[0]:
            gx = MaskedFill.apply(grad_output, ctx.mask, 0)
        if ctx.needs_input_grad[1]:
            gv = MaskedFill.apply(grad_output, ~ctx.mask, 0).sum()
        return gx, gv


def masked_fill(input, mask, value):
    """Mirrors: torch.masked_fill (mask must be bool and broadcast to input)."""
    if not is_tensor(mask) or mask.dtype.name != "bool":
        got = mask.dtype.cpp_name if is_tensor(mask) else \
            type(mask).__name__
        raise RuntimeError(_errors.hint("masked_fill_ only supports boolean masks, but got mask with "
                           f"dtype {got}", "build the mask with a comparison "
                           "(x > 0) or call mask.bool()."))
    if mask._data.shape != input._data.shape:
        check_broadcast(tuple(mask.shape), tuple(input.shape))
    if is_tensor(value):
        if value.dim() != 0:
            raise RuntimeError(
                _errors.hint("masked_fill_ only supports a 0-dimensional value tensor, but got tensor "
                f"with {value.dim()} dimension(s).", "pass a number or a 0-d tensor."))
        return MaskedFillTensor.apply(input, mask._data, value)
    return MaskedFill.apply(input, mask._data, value)


class MaskedSelect(Function):
    """The elements where mask is True, as a 1-D copy.

    Math: y = x[mask];  dL/dx = zeros with dL/dy written where mask
    Mirrors: torch.masked_select
    """
    _raw = True
    node_name = "MaskedSelectBackward0"

    @staticmethod
    def forward(ctx, x, mask):
        shape = np.broadcast_shapes(x.shape, mask.shape)
        xp = _backend.get_array_module(x)
        ctx.shape, ctx.mask = x.shape, xp.broadcast_to(mask, shape)
        return xp.broadcast_to(x, shape)[ctx.mask]

    @staticmethod
    def backward(ctx, grad_output):
        from teachtorch.ops.index import IndexGradScatter

        return IndexGradScatter.apply(grad_output, ctx.mask.shape, ctx.mask, True)


def masked_select(input, mask):
    _arg_types.tensor_arg("masked_select", "mask", 2, mask)
    if not is_tensor(mask) or mask.dtype.name != "bool":
        raise RuntimeError(_errors.hint("masked_select: expected BoolTensor for mask", "build "
                           "the mask with a comparison (x > 0) or call mask.bool()."))
    check_broadcast(tuple(mask.shape), tuple(input.shape))
    return MaskedSelect.apply(input, mask._data)
