"""View ops: view, reshape, transpose, permute, expand, squeeze, unsqueeze, diagonal ...

A view is a new window (shape, stride, offset) onto the same storage: nothing is
copied, and writing through one is seen through the other. ``is_view = True`` tells
``Function.apply`` to link the output to its base's storage and version counter.
Chapter 02 (views, indexing, storage and strides) opens this file.
"""
import numpy as np

from teachtorch import _arg_types, _errors
from teachtorch.autograd.function import Function
from teachtorch.ops._util import wrap_dim
from teachtorch.storage import (  # noqa: F401
    Diagonal,
    _canonical,
    diagonal,
    elem_strides,
    expand_strides,
    insert_unit_dims,
    strided,
    view_strides,
)


class ViewFunction(Function):
    """Base for ops whose output shares the input's memory.

    ``is_view = True`` makes ``Function.apply`` link the output to the input's storage
    and version counter (``Tensor._as_view_of``).
    """
    _raw = True
    is_view = True


def infer_shape(shape, numel):
    """Replace a single -1 in shape by what makes the element count right."""
    shape = list(shape)
    if shape.count(-1) > 1:
        raise RuntimeError(_errors.hint("only one dimension can be inferred", "use -1 once."))
    if -1 in shape:
        rest = 1
        for n in shape:
            if n != -1:
                rest *= n
        if rest == 0 or numel % rest:
            raise RuntimeError(_errors.view_bad_size(shape, numel))
        shape[shape.index(-1)] = numel // rest
    total = 1
    for n in shape:
        total *= n
    if total != numel:
        raise RuntimeError(_errors.view_bad_size(shape, numel))
    return tuple(shape)


def _nocopy_reshape(x, shape):
    """x seen with a new shape without copying (PyTorch's strides), or None."""
    if x.flags.c_contiguous and x.strides == _canonical(x.shape, x.itemsize):
        return x.reshape(shape)  # plain C order in, plain C order out (as in torch)
    strides = view_strides(x.shape, elem_strides(x), shape)
    if strides is None:
        return None
    try:
        r = np.reshape(x, shape, copy=False)
    except ValueError:
        return strided(x, shape, strides)
    item = x.itemsize
    if all(a == b * item for a, b, n in zip(r.strides, strides, shape) if n):
        return r
    return strided(x, shape, strides)


class View(ViewFunction):
    """Same memory, new shape (needs compatible strides).

    Math: y = x reshaped;  dL/dx = dL/dy reshaped back
    Mirrors: torch.Tensor.view
    """
    node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return _nocopy_reshape(x, shape)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.reshape(ctx.in_shape)


class ReshapeAlias(View):
    """reshape of a non-contiguous tensor whose strides still allow a view."""
    node_name = "ReshapeAliasBackward0"


class UnsafeView(View):
    """reshape of a fresh copy (what reshape does when a view is impossible).

    The result owns its new memory, so it is not marked as a view.
    """
    node_name = "UnsafeViewBackward0"
    is_view = False



class Transpose(ViewFunction):
    """Swap two dimensions (a view with swapped strides).

    Math: y = x with dims d0, d1 swapped;  dL/dx = dL/dy swapped back
    Mirrors: torch.transpose
    """
    node_name = "TransposeBackward0"

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.dims = (d0, d1)
        return np.swapaxes(x, d0, d1)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.transpose(*ctx.dims)


class T(Transpose):
    """Transpose of a matrix (TBackward0)."""
    node_name = "TBackward0"


class Permute(ViewFunction):
    """Reorder all dimensions.

    Math: y = x with dims in order p;  dL/dx = dL/dy with the inverse order
    Mirrors: torch.permute
    """
    node_name = "PermuteBackward0"

    @staticmethod
    def forward(ctx, x, dims):
        ctx.inverse = tuple(np.argsort(dims))
        return np.transpose(x, dims)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.permute(*ctx.inverse)


class Expand(ViewFunction):
    """Repeat size-1 dims without copying (stride 0).

    Math: y = x broadcast to shape;  dL/dx = dL/dy summed over the expanded dims
    Mirrors: torch.Tensor.expand
    """
    node_name = "ExpandBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        r = np.broadcast_to(x, shape)  # read-only: a write would hit shared elements
        strides = expand_strides(x.shape, elem_strides(x), shape)
        item = x.itemsize
        if all(a == b * item for a, b in zip(r.strides, strides)):
            return r
        shared = any(st == 0 and n > 1 for st, n in zip(strides, shape))
        # (CuPy arrays have no writeable flag: always writeable; strided ignores it)
        writeable = getattr(x.flags, "writeable", True) and not shared
        return strided(x, shape, strides, writeable=writeable)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output  # the engine sums it back to in_shape


class Squeeze(ViewFunction):
    """Drop size-1 dims.

    Math: y = x without size-1 dims;  dL/dx = dL/dy reshaped back
    Mirrors: torch.squeeze
    """
    node_name = "SqueezeBackward0"

    @staticmethod
    def forward(ctx, x, dims):
        ctx.in_shape = x.shape
        return np.squeeze(x, axis=dims) if dims else x.view()

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.reshape(ctx.in_shape)


class SqueezeDim(Squeeze):
    node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    node_name = "SqueezeBackward2"


class Unsqueeze(ViewFunction):
    """Insert a size-1 dim.

    Math: y = x with a new axis at d;  dL/dx = dL/dy squeezed at d
    Mirrors: torch.unsqueeze
    """
    node_name = "UnsqueezeBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        shape, strides = list(x.shape), elem_strides(x)
        new = 1 if dim >= x.ndim else shape[dim] * strides[dim]  # PyTorch's rule
        shape.insert(dim, 1)
        strides.insert(dim, new)
        return insert_unit_dims(x, shape, strides)

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.squeeze(ctx.dim)


class Alias(ViewFunction):
    """The same tensor seen again (what x[...] gives)."""
    node_name = "AliasBackward0"

    @staticmethod
    def forward(ctx, x):
        return x.view()

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


def _shape_arg(args, name="view"):
    shape = tuple(args[0]) if len(args) == 1 and isinstance(args[0], (tuple, list)) \
        else args
    for s in shape:
        if type(s) is not int:  # floats, tensors, NumPy ints: checked one by one
            return _arg_types.size_arg(name, args, "size" if name == "view" else "shape")
    return shape


def view(input, *shape):
    """Same memory with a new shape; fails when strides do not allow it."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)) and hasattr(
            shape[0], "np"):
        raise NotImplementedError("view(dtype) is not supported in teachtorch")
    shape = infer_shape(_shape_arg(shape), input.numel())
    if _nocopy_reshape(input._data, shape) is None:
        raise RuntimeError(_errors.view_not_contiguous(input))
    return View.apply(input, shape)


def reshape(input, *shape):
    """Like view when the memory allows it, otherwise a copy. Mirrors: torch.reshape"""
    shape = infer_shape(_shape_arg(shape, "reshape"), input.numel())
    if _nocopy_reshape(input._data, shape) is not None:
        if input._data.flags.c_contiguous:
            return View.apply(input, shape)
        return ReshapeAlias.apply(input, shape)
    from teachtorch.ops.copy import clone

    return UnsafeView.apply(clone(input, memory_format="contiguous"), shape)


def transpose(input, dim0, dim1):
    n = input.dim()
    return Transpose.apply(input, wrap_dim(dim0, n), wrap_dim(dim1, n))


swapaxes = swapdims = transpose


def t(input):
    """Transpose a matrix (a 0-D or 1-D tensor comes back as it is)."""
    if input.dim() > 2:
        raise RuntimeError(_errors.hint("t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input.dim()}D", "use x.transpose(d0, d1) or x.permute()."))
    if input.dim() < 2:
        return T.apply(input, 0, 0)
    return T.apply(input, 0, 1)


def permute(input, *dims):
    dims = _shape_arg(dims)
    n = input.dim()
    if len(dims) != n:
        raise RuntimeError(
            _errors.hint("permute(sparse_coo): number of dimensions in the tensor input does not match "
            f"the length of the desired ordering of dimensions i.e. input.dim() = {n} is "
            f"not equal to len(dims) = {len(dims)}", "name every dimension once."))
    dims = tuple(wrap_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError(_errors.hint("permute(): duplicate dims are not allowed.", "name "
                           "every dimension exactly once, e.g. permute(2, 0, 1)."))
    return Permute.apply(input, dims)


def expand(input, *sizes):
    """View size-1 dims as repeated (stride 0, no copy). -1 keeps a size."""
    sizes = _shape_arg(sizes)
    shape = input.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise RuntimeError(
            _errors.hint(f"expand({input.type()}{{{list(shape)}}}, size=[{', '.join(map(str, sizes))}]): "
            "the number of sizes provided (%d) must be greater or equal to the number of "
            "dimensions in the tensor (%d)", "expand can add leading dims, never "
            "remove them.") % (len(sizes), len(shape)))
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(
                    _errors.hint(f"The expanded size of the tensor ({s}) isn't allowed in a leading, "
                    f"non-existing dimension {i}", "-1 means 'keep this size', and "
                    "a new leading dim has no size to keep; give a number."))
            target.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        if cur != s and cur != 1:
            raise RuntimeError(
                _errors.hint(f"The expanded size of the tensor ({s}) must match the existing size "
                f"({cur}) at non-singleton dimension {i}.  Target sizes: {list(sizes)}.  "
                f"Tensor sizes: {list(shape)}", "only size-1 dimensions can be "
                "expanded; use repeat() to copy data."))
        target.append(s)
    return Expand.apply(input, tuple(target))


def expand_as(input, other):
    return expand(input, other.shape)


def squeeze(input, dim=None):
    if dim is None:
        return Squeeze.apply(input, tuple(i for i, n in enumerate(input.shape) if n == 1))
    n = input.dim()
    many = isinstance(dim, (tuple, list))
    dims = dim if many else (dim,)
    dims = tuple(wrap_dim(d, n) for d in dims) if n else ()
    dims = tuple(d for d in dims if input.shape[d] == 1)
    return (SqueezeDims if many else SqueezeDim).apply(input, dims)


def unsqueeze(input, dim):
    return Unsqueeze.apply(input, wrap_dim(dim, input.dim() + 1))


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one (a view when memory allows).

    Mirrors: torch.flatten
    """
    n = input.dim()
    if n == 0:
        wrap_dim(start_dim, 0), wrap_dim(end_dim, 0)  # 0-D: only dims 0 and -1
        return reshape(input, 1)
    s, e = wrap_dim(start_dim, n), wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError(_errors.hint("flatten() has invalid args: start_dim cannot come after "
                           "end_dim", "start_dim <= end_dim."))
    if s == e:
        return input
    shape = input.shape
    return reshape(input, tuple(shape[:s]) + (-1,) + tuple(shape[e + 1:]))


def unflatten(input, dim, sizes):
    """Split one dim into several (the inverse of flatten). Mirrors: torch.unflatten"""
    d = wrap_dim(dim, input.dim())
    sizes = tuple(sizes)
    if -1 in sizes:
        known = 1
        for n in sizes:
            known *= n if n != -1 else 1
        sizes = tuple(input.shape[d] // known if n == -1 else n for n in sizes)
    total = 1
    for n in sizes:
        total *= n
    if total != input.shape[d]:
        raise RuntimeError(
            _errors.hint(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of "
            f"dim {dim} ({input.shape[d]}) in the input tensor", "the product of "
            "sizes must equal that dim's length."))
    shape = tuple(input.shape)
    return view(input, shape[:d] + sizes + shape[d + 1:])


def movedim(input, source, destination):
    """Move dims to new positions, keeping the others' order. Mirrors: torch.movedim"""
    n = input.dim()
    src = [wrap_dim(d, n) for d in (source if isinstance(source, (tuple, list))
                                    else (source,))]
    dst = [wrap_dim(d, n) for d in (destination if isinstance(destination, (tuple, list))
                                    else (destination,))]
    order = [None] * n
    for s_, d_ in zip(src, dst):
        order[d_] = s_
    rest = iter(i for i in range(n) if i not in src)
    order = [o if o is not None else next(rest) for o in order]
    return Permute.apply(input, tuple(order))


moveaxis = movedim


def broadcast_to(input, size):
    return expand(input, *size)


def ravel(input):
    """All elements in one dim: a view when contiguous, else a contiguous copy first.

    Mirrors: torch.ravel
    """
    from teachtorch.ops.copy import contiguous

    return view(contiguous(input), -1)
