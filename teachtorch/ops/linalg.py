"""Matrix products: matmul (@), mm, bmm, mv, dot, outer, addmm, einsum.

Each checks dtypes and shapes first and raises PyTorch's own message (plus a hint),
because "mat1 and mat2 shapes cannot be multiplied" is the error learners meet most.
Chapter 06 (linear regression) and chapter 09 (the MNIST MLP) open this file.
"""
import numpy as np

from teachtorch import _arg_types, _checks, _errors, dtypes
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._util import check_broadcast


def _name(a):
    return dtypes._FROM_NP[a.dtype]


def _check_matmul(a, b, grad=True):
    """Raise PyTorch's error for a @ b with these arrays (the rules depend on ranks, and
    for a 1-D/2-D left operand times a batch, on whether autograd is recording)."""
    na, nb = a.ndim, b.ndim
    ta, tb = _name(a), _name(b)
    if na == 0 or nb == 0:
        raise RuntimeError(_errors.matmul_0d(na, nb))
    ka, kb = a.shape[-1], (b.shape[-2] if nb > 1 else b.shape[0])
    if na == 1 and nb == 1:
        return _check_dot(a, b)
    if nb == 1:                         # (..., n, k) @ (k,): a matrix-vector product
        rows = int(np.prod(a.shape[:-1]))
        if ta is not tb:
            raise RuntimeError(_errors.mv_dtype(tb, ta))
        if ka != kb:
            raise RuntimeError(_errors.mv_size(rows, (rows, ka), kb))
        return
    if na <= 2 and nb >= 3 and not grad:  # no autograd: PyTorch runs one bmm
        na = 3
    elif na == 1 and nb >= 3:           # (k,) @ (..., k, m): PyTorch folds b^T
        if ta is not tb:
            raise RuntimeError(_errors.bmm_dtype(ta, tb))
        if ka != kb:
            rows = int(np.prod(b.shape[:-2])) * b.shape[-1]
            raise RuntimeError(_errors.mv_size(rows, (rows, b.shape[-2]), ka))
        return
    if nb == 2 or na == 1:              # (..., n, k) @ (k, m): folded into one mm
        if ta is not tb:
            raise RuntimeError(_errors.mm_dtype(ta, tb))
        if ka != kb:
            rows = int(np.prod(a.shape[:-1]))
            raise RuntimeError(_errors.matmul_shapes((rows, ka), b.shape))
        return
    if na == 2:                         # (n, k) @ (..., k, m): PyTorch runs (b^T a^T)^T
        if ta is not tb:
            raise RuntimeError(_errors.mm_dtype(ta, tb))
        if ka != kb:
            rows = int(np.prod(b.shape[:-2])) * b.shape[-1]
            raise RuntimeError(_errors.matmul_shapes((rows, kb), a.shape[::-1]))
        return
    check_broadcast(a.shape[:-2], b.shape[:-2])
    if ta is not tb:
        raise RuntimeError(_errors.bmm_dtype(ta, tb))
    if ka != kb:
        batch = int(np.prod(np.broadcast_shapes(a.shape[:-2], b.shape[:-2])))
        raise RuntimeError(_errors.bmm_size([batch, ka], [batch, kb]))


def _check_dot(a, b):
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(_errors.hint(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D "
                           "tensors", "dot is for two vectors; use @ or "
                           "torch.matmul for matrices."))
    if a.dtype != b.dtype:
        raise RuntimeError(_errors.dot_dtype(_name(a), _name(b)))
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(_errors.dot_size(a.shape[0], b.shape[0]))


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
        ctx.save_for_backward(a, b)
        return a @ b

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        ga = grad_output.mm(b.t()) if ctx.needs_input_grad[0] else None
        gb = a.t().mm(grad_output) if ctx.needs_input_grad[1] else None
        return ga, gb


class Bmm(Mm):
    """A batch of matrix products: (B, n, k) @ (B, k, m) -> (B, n, m).

    Math: Y_b = A_b @ B_b;  dL/dA_b = G_b @ B_b^T, dL/dB_b = A_b^T @ G_b
    Mirrors: torch.bmm
    """
    node_name = "BmmBackward0"

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        ga = grad_output.bmm(b.transpose(1, 2)) if ctx.needs_input_grad[0] else None
        gb = a.transpose(1, 2).bmm(grad_output) if ctx.needs_input_grad[1] else None
        return ga, gb


class Mv(Function):
    """Matrix times vector.

    Math: y = A @ v;  dL/dA = outer(g, v), dL/dv = A.T @ g
    Mirrors: torch.mv
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "MvBackward0"

    @staticmethod
    def forward(ctx, a, v):
        ctx.save_for_backward(a, v)
        return a @ v

    @staticmethod
    def backward(ctx, grad_output):
        a, v = ctx.saved_tensors
        ga = grad_output.unsqueeze(1) * v if ctx.needs_input_grad[0] else None
        gv = a.t().mv(grad_output) if ctx.needs_input_grad[1] else None
        return ga, gv


class Dot(Function):
    """Inner product of two vectors.

    Math: y = sum_i a_i b_i;  dy/da = b, dy/db = a
    Mirrors: torch.dot
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "DotBackward0"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return np.dot(a, b)

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        return grad_output * b, grad_output * a


class Matmul(Function):
    """matmul with batch dims that broadcast (and 1-D vectors on either side).

    PyTorch reshapes the result of its batched kernel, so its node prints as
    UnsafeViewBackward0; teachtorch does the same maths in one node of that name.

    Math: Y = A @ B;  dL/dA = G @ B^T, dL/dB = A^T @ G (summed over broadcast dims)
    Mirrors: torch.matmul
    """
    _raw = True
    n_tensor_slots = 2
    node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, b):
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
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = g.matmul(b2.transpose(-1, -2))
            ga = ga.squeeze(-2) if a.dim() == 1 else ga
        if ctx.needs_input_grad[1]:
            gb = a2.transpose(-1, -2).matmul(g)
            gb = gb.squeeze(-1) if b.dim() == 1 else gb
        return ga, gb


class VecMat(Matmul):
    """A vector times a matrix, (k,) @ (k, m) -> (m,).

    PyTorch runs it as a (1, k) @ (k, m) product and squeezes the 1 away, so its node
    prints as SqueezeBackward4; the maths is Matmul's.
    Mirrors: torch.matmul(vector, matrix)
    """
    node_name = "SqueezeBackward4"


class MatBatch(Matmul):
    """A matrix times a batch of matrices, (n, k) @ (..., k, m).

    PyTorch computes it as (B^T A^T)^T and copies the result contiguous, so its node
    prints as CloneBackward0; the maths is Matmul's.
    Mirrors: torch.matmul(matrix, batch)
    """
    node_name = "CloneBackward0"


class Addmm(Function):
    """beta * bias + alpha * (A @ B) in one op (what nn.Linear runs on 2-D input).

    Math: Y = beta*C + alpha*A@B;  dL/dC = beta*G, dL/dA = alpha*G@B.T,
          dL/dB = alpha*A.T@G
    Mirrors: torch.addmm
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, c, a, b, beta=1, alpha=1):
        ctx.save_for_backward(a, b)
        ctx.beta, ctx.alpha = beta, alpha
        out = a @ b
        if alpha != 1:
            out *= alpha
        out += c if beta == 1 else beta * c
        return out

    @staticmethod
    def backward(ctx, grad_output):
        a, b = ctx.saved_tensors
        g = grad_output if ctx.alpha == 1 else grad_output * ctx.alpha
        ga = g.mm(b.t()) if ctx.needs_input_grad[1] else None
        gb = a.t().mm(g) if ctx.needs_input_grad[2] else None
        gc = grad_output if ctx.beta == 1 else grad_output * ctx.beta
        return gc, ga, gb


def mm(input, mat2, *, out=None):
    """Matrix product of two 2-D tensors. Mirrors: torch.mm"""
    if input.dim() != 2:
        raise RuntimeError(_errors.mm_not_matrix("self", input.dim(), mat2.dim()))
    if mat2.dim() != 2:
        raise RuntimeError(_errors.mm_not_matrix("mat2", input.dim(), mat2.dim()))
    _check_matmul(input._data, mat2._data)
    return _out(Mm.apply(input, mat2), out)


def bmm(input, mat2, *, out=None):
    """Batched matrix product of two 3-D tensors. Mirrors: torch.bmm"""
    for name, t in (("batch1", input), ("batch2", mat2)):
        if t.dim() != 3:
            raise RuntimeError(_errors.hint(f"{name} must be a 3D tensor", "bmm takes (B, n, k) "
                               "and (B, k, m); use torch.matmul to broadcast batches."))
    a, b = input._data, mat2._data
    if a.dtype != b.dtype:
        raise RuntimeError(_errors.bmm_dtype(_name(a), _name(b)))
    if b.shape[:2] != (a.shape[0], a.shape[2]):
        expected = [a.shape[0], a.shape[2]]
        raise RuntimeError(_errors.bmm_size(expected, list(b.shape[:2])))
    return _out(Bmm.apply(input, mat2), out)


def mv(input, vec, *, out=None):
    """Matrix (n, k) times vector (k,). Mirrors: torch.mv"""
    if input.dim() != 2 or vec.dim() != 1:
        raise RuntimeError(_errors.hint(f"vector + matrix @ vector expected, got 1, {input.dim()}, "
                           f"{vec.dim()}", "mv takes a 2-D matrix and a 1-D "
                           "vector."))
    a, v = input._data, vec._data
    if a.dtype != v.dtype:
        raise RuntimeError(_errors.mv_dtype(_name(v), _name(a)))
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(_errors.mv_size(a.shape[0], a.shape, v.shape[0]))
    return _out(Mv.apply(input, vec), out)


def dot(input, other, *, out=None):
    """Inner product of two 1-D tensors. Mirrors: torch.dot"""
    _arg_types.tensor_arg("dot", "tensor", 2, other)
    _check_dot(input._data, other._data)
    return _out(Dot.apply(input, other), out)


inner = dot
vdot = dot


def outer(input, vec2, *, out=None):
    """Outer product: out[i, j] = input[i] * vec2[j] (PyTorch records a mul).

    Mirrors: torch.outer
    """
    _arg_types.tensor_arg("outer", "vec2", 2, vec2)
    return _out(input.unsqueeze(1) * vec2, out)


ger = outer


def matmul(input, other, *, out=None):
    """Matrix product following NumPy/PyTorch's rules. Mirrors: torch.matmul"""
    try:
        a, b = input._data, other._data
    except AttributeError:  # a number or a list: PyTorch's TypeError
        _arg_types.tensor_arg("matmul", "input", 1, input)
        _arg_types.tensor_arg("matmul", "other", 2, other)
        raise
    _check_matmul(a, b, (input._requires_grad or other._requires_grad)
                  and grad_mode._state["enabled"])
    na, nb = a.ndim, b.ndim
    if a.dtype == np.bool_ or b.dtype == np.bool_:
        _checks.not_implemented("dot" if na == nb == 1 else "addmm_impl_cpu_", input)
    if na == 2 and nb == 2:
        r = Mm.apply(input, other)
    elif na == 1 and nb == 1:
        r = Dot.apply(input, other)
    elif na == 2 and nb == 1:
        r = Mv.apply(input, other)
    elif na == 1 and nb == 2:
        r = VecMat.apply(input, other)
    elif na == 2:
        r = MatBatch.apply(input, other)
    else:
        r = Matmul.apply(input, other)
    return _out(r, out)


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat1 @ mat2). Mirrors: torch.addmm"""
    if mat1.dim() != 2 or mat2.dim() != 2:
        return mm(mat1, mat2)  # raises PyTorch's message
    _check_matmul(mat1._data, mat2._data)
    check_broadcast(input._data.shape, (mat1._data.shape[0], mat2._data.shape[1]))
    return _out(Addmm.apply(input, mat1, mat2, beta, alpha), out)


def _out(r, out):
    if out is None:
        return r
    from teachtorch.ops._util import write_out

    return write_out(out, r)
