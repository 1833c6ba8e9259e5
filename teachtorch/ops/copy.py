"""Copies and dtype changes: clone, contiguous, to(dtype).

Chapter 02 (storage) opens this file: these are the ops that make a *new* storage.
"""
import numpy as np

from teachtorch.autograd.function import Function


class Clone(Function):
    """A copy with its own memory.

    Math: y = x;  dL/dx = dL/dy
    Mirrors: torch.clone
    """
    _raw = True
    node_name = "CloneBackward0"

    @staticmethod
    def forward(ctx, x, contiguous=False):
        if contiguous:
            return np.ascontiguousarray(x).copy() if not x.flags.c_contiguous else x.copy()
        if 0 in x.strides:
            return x.copy()
        return x.copy(order="K")  # keeps a transposed layout, like torch's clone

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class ToCopy(Function):
    """A copy converted to another dtype.

    Math: y = cast(x);  dL/dx = cast back(dL/dy)
    Mirrors: torch.Tensor.to(dtype)
    """
    _raw = True
    node_name = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, np_dtype):
        ctx.in_dtype = x.dtype
        return x.astype(np_dtype)

    @staticmethod
    def backward(ctx, grad_output):
        from teachtorch import dtypes

        return grad_output.to(dtypes._FROM_NP[ctx.in_dtype])


def clone(input, *, memory_format=None):
    return Clone.apply(input, memory_format == "contiguous")


def contiguous(input, memory_format=None):
    """The tensor itself when already contiguous, else a contiguous copy."""
    if input._data.flags.c_contiguous:
        return input
    return Clone.apply(input, True)


def to_dtype(input, dtype, copy=False):
    if input.dtype is dtype and not copy:
        return input
    return ToCopy.apply(input, dtype.np)


class CopyFrom(Function):
    """dst.copy_(src) recorded for autograd: the result is src (broadcast, cast).

    Math: y = src;  dL/ddst = 0, dL/dsrc = dL/dy
    Mirrors: torch.Tensor.copy_
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, dst, src):
        return np.broadcast_to(np.asarray(src, dtype=dst.dtype), dst.shape).copy()

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * 0, grad_output
