"""Matrix products: matmul (@), mm, bmm, mv, dot, addmm.

Chapter 06 (linear regression) and chapter 09 (the MNIST MLP) open this file.
"""
import numpy as np

from teachtorch import _errors
from teachtorch.autograd.function import Function


def _check_matmul(a, b):
    if a.dtype != b.dtype:
        from teachtorch import dtypes

        raise RuntimeError(_errors.dtype_mismatch(
            "matmul", dtypes._FROM_NP[a.dtype], dtypes._FROM_NP[b.dtype]))
    ka = a.shape[-1]
    kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        raise RuntimeError(_errors.matmul_shapes(a.shape, b.shape))


class Mm(Function):
    """Matrix product of two 2-D tensors.

    Math: Y = A @ B;  dL/dA = G @ B.T, dL/dB = A.T @ G
    Mirrors: torch.mm
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "MmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        _check_matmul(a, b)
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        ga = grad_output.mm(b.t()) if ctx.needs_input_grad[0] else None
        gb = a.t().mm(grad_output) if ctx.needs_input_grad[1] else None
        return ga, gb


class Matmul(Function):
    """General matmul with broadcasting batch dims (and 1-D vectors).

    Math: Y = A @ B;  dL/dA = G @ B^T, dL/dB = A^T @ G (summed over broadcast dims)
    Mirrors: torch.matmul
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "MatmulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        _check_matmul(a, b)
        ctx.save_for_backward(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        g = grad_output
        a2 = a.unsqueeze(0) if a.dim() == 1 else a
        b2 = b.unsqueeze(-1) if b.dim() == 1 else b
        if a.dim() == 1:
            g = g.unsqueeze(-2)
        if b.dim() == 1:
            g = g.unsqueeze(-1)
        ga = g.matmul(b2.transpose(-1, -2))
        gb = a2.transpose(-1, -2).matmul(g)
        if a.dim() == 1:
            ga = ga.squeeze(-2)
        if b.dim() == 1:
            gb = gb.squeeze(-1)
        return ga, gb


class Addmm(Function):
    """bias + A @ B in one op (what nn.Linear runs on 2-D input).

    Math: Y = C + A @ B;  dL/dC = G, dL/dA = G @ B.T, dL/dB = A.T @ G
    Mirrors: torch.addmm
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, c, a, b):
        _check_matmul(a, b)
        ctx.save_for_backward(a, b)
        out = a @ b
        out += c
        return out

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        ga = grad_output.mm(b.t()) if ctx.needs_input_grad[1] else None
        gb = a.t().mm(grad_output) if ctx.needs_input_grad[2] else None
        return grad_output, ga, gb


def mm(input, mat2):
    if input.dim() != 2 or mat2.dim() != 2:
        raise RuntimeError(f"self must be a matrix\nhint: mm takes two 2-D tensors; got "
                           f"{input.dim()}-D and {mat2.dim()}-D. Use torch.matmul for "
                           "other shapes.")
    return Mm.apply(input, mat2)


def matmul(input, other):
    """Matrix product following NumPy/PyTorch's rules. Mirrors: torch.matmul"""
    if input.dim() == 2 and other.dim() == 2:
        return Mm.apply(input, other)
    if input.dim() == 0 or other.dim() == 0:
        raise RuntimeError("both arguments to matmul need to be at least 1D, but they are "
                           f"{input.dim()}D and {other.dim()}D\nhint: use * to multiply by "
                           "a scalar.")
    return Matmul.apply(input, other)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    if beta != 1 or alpha != 1:
        return input * beta + mm(mat1, mat2) * alpha
    return Addmm.apply(input, mat1, mat2)
