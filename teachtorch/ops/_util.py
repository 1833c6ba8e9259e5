"""Small helpers shared by the op files: tensor checks, dtype promotion, out=."""
import numpy as np

from teachtorch import _arg_types, _errors, dtypes
from teachtorch import tensor as _tm


def is_tensor(x):
    return isinstance(x, _tm.Tensor)


def make(data, requires_grad=False):
    return _tm.Tensor._make(data, requires_grad)


def as_tensor(x, like=None):
    """A Python number or array as a Tensor (tensors pass through)."""
    if isinstance(x, _tm.Tensor):
        return x
    if like is not None and isinstance(x, (int, float, bool)):
        dt = dtypes.result_type(like, x)
        return make(np.asarray(x, dtype=dt.np))
    from teachtorch.creation import tensor

    return tensor(x)


def binary_dtype(a, b):
    """None when NumPy already computes PyTorch's result dtype, else the np dtype."""
    ta = type(a) is _tm.Tensor or isinstance(a, _tm.Tensor)
    tb = type(b) is _tm.Tensor or isinstance(b, _tm.Tensor)
    if ta and tb:
        if a._data.dtype == b._data.dtype:
            return None
    elif ta and type(b) is float and a._data.dtype.kind == "f":
        return None
    elif ta and type(b) is int and a._data.dtype.kind in "fiu":
        return None
    return dtypes.result_type(a, b).np


def check_broadcast(a, b):
    """Raise PyTorch's message when two shapes cannot broadcast."""
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        raise RuntimeError(_errors.broadcast_shapes(a, b)) from None


def write_out(out, result):
    """Implement ``out=``: resize out to the result's shape and copy into it."""
    if out._requires_grad and out.grad_fn is None:
        from teachtorch.autograd import grad_mode

        if grad_mode.is_grad_enabled() and result.requires_grad:
            raise RuntimeError(
                _errors.hint("add(): functions with out=... arguments don't support automatic "
                "differentiation, but one of the arguments requires grad.", "drop out= and write z = torch.add(x, y)."))
    if out._data.shape != result._data.shape:
        out._data = np.empty(result._data.shape, out._data.dtype)
        out._root = None
    out._data[...] = result._data
    out._vc[0] += 1
    return out


def normalize_dims(dim, ndim):
    """dim may be None, an int or a tuple; returns a tuple of non-negative ints."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        dims = tuple(wrap_dim(d, ndim) for d in dim)
    else:
        dims = (wrap_dim(dim, ndim),)
    return dims if ndim else ()  # a 0-D tensor: dim 0 (or -1) reduces nothing


def wrap_dim(dim, ndim):
    if type(dim) is not int:
        dim = _arg_types.dim_arg(dim)
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if not lo <= dim <= hi:
        raise IndexError(_errors.dim_out_of_range(dim, ndim))
    return dim + ndim if dim < 0 else dim
