"""Argument types refused as PyTorch's argument parser refuses them.

Sizes given as ints (or one-element integer tensors), dims that must be ints, int-only
keyword arguments, Tensor-only arguments; and PyTorch's names for Tensor methods in
Python's own TypeErrors. Each check is a few isinstance tests made before any NumPy
call. ``_creation_args.py`` does the same for the creation functions; value checks
(ranges, shapes) are in ``_checks.py``.
"""
import numpy as np

from teachtorch._errors import hint


# ----- argument parsing ----------------------------------------------------------------
# torch.Tensor's methods written in Python (torch/_tensor.py) report errors as
# "Tensor.norm() got an unexpected keyword argument 'foo'"; the C ones as "sum() ...".
_PYTHON_TENSOR_METHODS = frozenset((
    "backward", "dim_order", "index", "is_shared", "istft", "lstsq", "lu", "norm",
    "register_hook", "register_post_accumulate_grad_hook", "resize", "resize_as",
    "share_memory_", "solve", "split", "stft", "storage", "storage_type",
    "to_sparse_coo", "unflatten", "unique", "unique_consecutive"))


def name_methods_like_torch(*classes):
    """Give the Tensor methods PyTorch's names in Python's own TypeErrors: a wrong
    keyword then reads "sum() got an unexpected keyword argument 'foo'", not
    "TensorMathMixin.sum() ...". Costs nothing per call (set once at import)."""
    for cls in classes:
        for name, fn in vars(cls).items():
            if callable(fn) and hasattr(fn, "__code__") and not name.startswith("_"):
                fn.__qualname__ = ("Tensor." + name if name in _PYTHON_TENSOR_METHODS
                                   else name)


def size_arg(name, args, arg="size"):
    """view/reshape sizes: ints (or integer tensors of one element, or NumPy ints).
    args is what the caller got: f(2, 3) or f((2, 3)). Returns a tuple of ints."""
    single = len(args) == 1 and not isinstance(args[0], (tuple, list))
    sizes = tuple(args[0]) if len(args) == 1 and not single else tuple(args)
    out = []
    for pos, s in enumerate(sizes, 1):
        if isinstance(s, (int, np.integer)) and not isinstance(s, bool):
            out.append(int(s))
        elif hasattr(s, "_data") and s._data.dtype.kind in "iu" and s._data.size == 1:
            out.append(int(s._data.reshape(())))
        else:
            kind = type(s).__name__
            if single and name == "view":
                msg = (f"view() received an invalid combination of arguments - got "
                       f"({kind}), but expected one of:")
            elif single:
                msg = (f"{name}(): argument '{arg}' (position 1) must be tuple of "
                       f"ints, not {kind}")
            else:
                msg = (f"{name}(): argument '{arg}' failed to unpack the object at pos "
                       f"{pos} with error \"type must be tuple of ints,but got {kind}\"")
            raise TypeError(hint(msg, "sizes are whole numbers; n / 2 is a float in "
                                      "Python 3, use n // 2 or int(...)."))
    return tuple(out)


_OVERLOADED = frozenset(("sum", "mean", "prod", "max", "min", "std", "var", "all", "any",
                         "sort", "argsort", "count_nonzero", "nanmean", "std_mean",
                         "var_mean", "norm", "squeeze"))
_TUPLE_DIM = frozenset(("logsumexp", "amax", "amin", "nansum", "aminmax"))


def _public_name():
    """The name of the outermost teachtorch function on the stack: the one the
    learner called (x.sum -> 'sum'). Only used to word an error."""
    import os
    import sys
    root = os.path.dirname(os.path.abspath(__file__))
    frame, name = sys._getframe(1), "dim"
    while frame is not None:
        if frame.f_code.co_filename.startswith(root) and \
                frame.f_code.co_name != "wrapper":       # skip decorators' frames
            name = frame.f_code.co_name
        frame = frame.f_back
    return name


def dim_arg(dim):
    """A dim that is not a Python int: NumPy ints pass (as int); anything else gets
    PyTorch's TypeError for the op the learner called."""
    if isinstance(dim, np.integer):
        return int(dim)
    if hasattr(dim, "_data") and dim._data.dtype.kind in "iu" and dim._data.size == 1:
        return int(dim._data.reshape(()))
    name, kind = _public_name(), type(dim).__name__
    if name in _OVERLOADED:
        msg = (f"{name}() received an invalid combination of arguments - got ({kind}), "
               "but expected one of:")
    elif name in _TUPLE_DIM:
        msg = f"{name}(): argument 'dim' (position 1) must be tuple of ints, not {kind}"
    elif name == "flip":
        msg = f"flip(): argument 'dims' (position 1) must be tuple of ints, not {kind}"
    else:
        msg = f"{name}(): argument 'dim' (position 1) must be int, not {kind}"
    raise TypeError(hint(msg, "dims are whole numbers (0 is the first dim, -1 the "
                              "last)."))


def int_args(fn, **args):
    """Layer settings such as kernel_size: an int or a tuple of ints (PyTorch's
    arg-parser words otherwise). avg_pool1d words a lone float as an element."""
    for pos, (name, v) in enumerate(args.items(), 2):
        if isinstance(v, (tuple, list)):
            for k, s in enumerate(v, 1):
                if not isinstance(s, (int, np.integer)):
                    msg = (f"{fn}(): argument '{name}' failed to unpack the object at "
                           f"pos {k} with error \"type must be tuple of ints,but got "
                           f"{type(s).__name__}\"")
                    if fn == "avg_pool1d":
                        msg = (f"{fn}(): argument '{name}' (position {pos}) must be "
                               f"tuple of ints, but found element of type "
                               f"{type(s).__name__} at pos {k - 1}")
                    raise TypeError(hint(msg, f"{name} takes whole numbers."))
        elif v is not None and not isinstance(v, (int, np.integer)):
            tail = (f"but found element of type {type(v).__name__} at pos 0"
                    if fn == "avg_pool1d" else f"not {type(v).__name__}")
            raise TypeError(hint(
                f"{fn}(): argument '{name}' (position {pos}) must be tuple of ints, "
                f"{tail}", f"{name} takes whole numbers."))


def tensor_arg(fn, arg, position, value):
    """PyTorch's TypeError for a number (or list, None...) where ``fn`` takes only a
    Tensor, e.g. ``torch.atan2(a, 2)``; ``position`` counts from 1 as PyTorch does."""
    if not hasattr(value, "_data"):
        raise TypeError(hint(
            f"{fn}(): argument '{arg}' (position {position}) must be Tensor, not "
            f"{type(value).__name__}", f"{fn} takes only tensors here: make the "
            "value one first, e.g. torch.full_like(a, 2.0) or torch.tensor(values)."))
