"""Rearranging a tensor by composition: diff, rot90, atleast_nd, column_stack, dstack,
hsplit / vsplit / dsplit.

Compositions of ops that already have a backward (narrow, flip, transpose, cat,
tensor_split), so gradients need nothing new. The core view ops are in
``views.py``, joining and splitting in ``join.py``.
Chapter 02 (views, indexing, storage) opens this file.
"""
from teachtorch import _errors
from teachtorch.ops._util import wrap_dim


def _ops():
    from teachtorch import ops

    return ops


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """Differences of neighbours along dim, n times.

    Math: out[i] = x[i + 1] - x[i]   (for bool tensors: x[i + 1] != x[i])
    Mirrors: torch.diff
    """
    ops = _ops()
    if input.dim() == 0:
        raise RuntimeError(_errors.hint(
            "diff expects input to be at least one-dimensional",
            "differences need a sequence; make it 1-D first."))
    dim = wrap_dim(dim, input.dim())
    parts = [t for t in (prepend, input, append) if t is not None]
    x = ops.cat(parts, dim) if len(parts) > 1 else input
    for _ in range(n):
        length = x.shape[dim]
        if length == 0:
            break
        hi, lo = x.narrow(dim, 1, length - 1), x.narrow(dim, 0, length - 1)
        x = hi != lo if x.dtype is ops.dtypes.bool_ else hi - lo
    return x


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by 90 degrees k times, from the first of dims towards the second.

    Mirrors: torch.rot90
    """
    if len(dims) != 2:
        raise RuntimeError(_errors.hint(
            f"expected total rotation dims == 2, but got dims = {len(dims)}",
            "give the plane to rotate in: dims=(0, 1)."))
    d0, d1 = (wrap_dim(d, input.dim()) for d in dims)
    if d0 == d1:
        raise RuntimeError(_errors.hint(
            f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = "
            f"{d1}", "the two dims name a plane, so they must differ."))
    k %= 4
    if k == 1:
        return input.flip(d1).transpose(d0, d1)
    if k == 2:
        return input.flip((d0, d1))
    if k == 3:
        return input.flip(d0).transpose(d0, d1)
    return input.clone()


def _atleast(tensors, n):
    shaped = []
    for t in tensors:
        if t.dim() == 0:
            t = t.reshape((1,) * n)
        elif t.dim() == 1 and n >= 2:
            t = t.unsqueeze(0) if n == 2 else t.reshape(1, -1, 1)
        elif t.dim() == 2 and n == 3:
            t = t.unsqueeze(-1)
        shaped.append(t)
    return shaped


def _one_or_tuple(tensors, n):
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        return tuple(_atleast(tensors[0], n))
    out = _atleast(tensors, n)
    return out[0] if len(out) == 1 else tuple(out)


def atleast_1d(*tensors):
    """Each tensor with at least 1 dim (a 0-dim one becomes shape (1,)).

    Mirrors: torch.atleast_1d
    """
    return _one_or_tuple(tensors, 1)


def atleast_2d(*tensors):
    """Each tensor with at least 2 dims (a vector becomes a row). Mirrors: torch.atleast_2d"""
    return _one_or_tuple(tensors, 2)


def atleast_3d(*tensors):
    """Each tensor with at least 3 dims. Mirrors: torch.atleast_3d"""
    return _one_or_tuple(tensors, 3)


def column_stack(tensors):
    """Vectors become columns, side by side. Mirrors: torch.column_stack"""
    ops = _ops()
    return ops.cat([t.reshape(-1, 1) if t.dim() < 2 else t for t in tensors], 1)


def dstack(tensors):
    """Stack along the third dim (depth). Mirrors: torch.dstack"""
    return _ops().cat(list(_atleast(tensors, 3)), 2)


def _split(input, sections, dim, name, need):
    if input.dim() < need:
        raise RuntimeError(_errors.hint(
            f"torch.{name} requires a tensor with at least {need} dimension, but got a "
            f"tensor with {input.dim()} dimensions!",
            f"{name} splits along dim {dim}."))
    if isinstance(sections, int) and input.shape[dim] % sections:
        raise RuntimeError(_errors.hint(
            f"torch.{name} attempted to split along dimension {dim}, but the size of "
            f"the dimension {input.shape[dim]} is not divisible by the split_size "
            f"{sections}!", "give a number that divides the size, or a list of split "
            "points."))
    return _ops().tensor_split(input, sections, dim)


def hsplit(input, sections):
    """Split into columns (dim 1; dim 0 for a vector). Mirrors: torch.hsplit"""
    return _split(input, sections, 1 if input.dim() > 1 else 0, "hsplit", 1)


def vsplit(input, sections):
    """Split into rows (dim 0). Mirrors: torch.vsplit"""
    return _split(input, sections, 0, "vsplit", 2)


def dsplit(input, sections):
    """Split along depth (dim 2). Mirrors: torch.dsplit"""
    return _split(input, sections, 2, "dsplit", 3)


def renorm(input, p, dim, maxnorm):
    """Scale each slice along dim whose p-norm exceeds maxnorm down to maxnorm.

    Math: out_i = x_i * min(1, maxnorm / (||x_i||_p + 1e-7))
    Mirrors: torch.renorm
    """
    ops = _ops()
    d = wrap_dim(dim, input.dim())
    others = tuple(i for i in range(input.dim()) if i != d)
    norms = ops.vector_norm(input, p, others, keepdim=True)
    factor = ops.where(norms > maxnorm, maxnorm / (norms + 1e-7), 1.0)
    return input * factor


def sum_to_size(input, *size):
    """Sum input down to size (the reverse of expanding to input's shape).

    Mirrors: torch.Tensor.sum_to_size
    """
    size = tuple(size[0]) if len(size) == 1 and isinstance(size[0], (tuple, list)) \
        else tuple(size)
    shape = tuple(input.shape)
    lead = len(shape) - len(size)
    if lead < 0 or any(s not in (1, n) for s, n in zip(size, shape[lead:])):
        raise RuntimeError(_errors.hint(
            f"size {{{list(size)}}} is not expandable to size {{{list(shape)}}}.",
            "each size must be 1 or match input's, counting from the right."))
    out = input.sum(tuple(range(lead))) if lead else input
    dims = tuple(i for i, (s, n) in enumerate(zip(size, shape[lead:]))
                 if s == 1 and n != 1)
    return out.sum(dims, keepdim=True) if dims else out


def gradient(input, *, spacing=1, dim=None, edge_order=1):
    """Numerical derivative along each dim: central differences inside, one-sided at
    the ends. Returns one tensor per dim. Mirrors: torch.gradient"""
    if edge_order != 1:
        raise NotImplementedError(_errors.hint(
            "torch.gradient with edge_order=2 is not in teachtorch",
            "use edge_order=1 (the default)."))
    dims = list(range(input.dim())) if dim is None else \
        [dim] if isinstance(dim, int) else list(dim)
    steps = list(spacing) if isinstance(spacing, (list, tuple)) else \
        [spacing] * len(dims)
    if len(steps) == 1 and len(dims) > 1:
        steps = steps * len(dims)
    ops = _ops()
    out = []
    for d, h in zip(dims, steps):
        d = wrap_dim(d, input.dim())
        n = input.shape[d]
        if n < 2:
            raise RuntimeError(_errors.hint(
                "torch.gradient expected each dimension size to be at least "
                "edge_order+1", "each dim needs 2 or more points."))
        x = input if input.dtype.is_floating_point else input.float()
        first = (x.narrow(d, 1, 1) - x.narrow(d, 0, 1)) / h
        last = (x.narrow(d, n - 1, 1) - x.narrow(d, n - 2, 1)) / h
        inner = (x.narrow(d, 2, n - 2) - x.narrow(d, 0, n - 2)) / (2 * h)
        out.append(ops.cat([first, inner, last], d))
    return tuple(out)
