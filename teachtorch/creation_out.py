"""``out=`` on the creation functions: torch.arange(5, out=buf) writes into buf.

Old tutorials pass a tensor to fill instead of taking the returned one. PyTorch
resizes ``out`` to the result's shape, keeps its dtype when none is given, and
returns ``out`` itself. Chapter 01 (tensors) opens this file.
"""
import functools
import warnings

from teachtorch import _errors
from teachtorch.autograd import grad_mode


def _scalar_name(dtype):
    return dtype.legacy_name[:-len("Tensor")]  # 'Float', 'Long', ...


def write_out(out, result, fn):
    """Put result into out (resizing it if needed) and return out."""
    if out.requires_grad and grad_mode.is_grad_enabled():
        raise RuntimeError(_errors.hint(
            f"aten::{fn}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad.",
            "fill a tensor that does not require grad, or use the returned value."))
    if fn == "arange" and out.numel() and out.numel() != result.numel():
        warnings.warn(
            f"The number of elements in the out tensor of shape {list(out.shape)} is "
            f"{out.numel()} which does not match the computed number of elements "
            f"{result.numel()}. Note that this may occur as a result of rounding error. "
            f"The out tensor will be resized to a tensor of shape ({result.numel()},).",
            UserWarning, stacklevel=3)
    if out.shape == result.shape:
        out._data[...] = result._data
    else:  # resized: new memory, as resize_ gives
        out._data = result._data
        out._root = None
    out._bump()
    return out


def accepts_out(fn):
    """Give a creation function PyTorch's out= argument."""
    name = fn.__name__

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        out = kwargs.pop("out", None)
        if out is None:
            return fn(*args, **kwargs)
        dtype = kwargs.get("dtype")
        if dtype is None:
            kwargs["dtype"] = out.dtype
        elif dtype is not out.dtype:
            raise RuntimeError(_errors.hint(
                f"dtype {_scalar_name(dtype)} does not match dtype of out parameter "
                f"({_scalar_name(out.dtype)})",
                "leave dtype out (out's dtype is used) or make out that dtype."))
        if out.is_cuda and kwargs.get("device") is None:
            kwargs["device"] = out.device
        return write_out(out, fn(*args, **kwargs), name)
    return wrapper
