"""Reference mode: run every op's readable Tensor-op implementation.

A few ops (convolution, pooling, the RNN layers, softmax and cross-entropy,
normalisation, the optimizers' steps) have two implementations:

- the *reference*, first in the op's file: the math written with ordinary Tensor
  operations, short enough to read in one screen, differentiable to any order;
- the *fast kernel*, in a private ``_kernels`` module: the same numbers, computed
  with array layouts and reusable buffers chosen for speed.

By default the fast kernel runs. Inside ``with teachtorch.reference_mode():`` (or
after ``teachtorch.set_reference_mode(True)``, or with the environment variable
``TEACHTORCH_REFERENCE=1``) every such op runs its reference instead, so a
breakpoint put in the code you are reading is really hit. Tests check that both
paths give the same values, gradients and second derivatives.

    >>> import teachtorch as torch
    >>> with torch.reference_mode():
    ...     y = torch.nn.functional.conv2d(x, w)      # the readable version runs

Chapter 05 (backprop by hand) and chapter 10 (CNN basics) open this file.
"""
import os

_state = {"on": os.environ.get("TEACHTORCH_REFERENCE", "") not in ("", "0")}


def is_reference_mode():
    """True when ops run their reference (Tensor-op) implementations."""
    return _state["on"]


def set_reference_mode(mode):
    """Switch reference mode on (True) or off (False) for the whole program."""
    _state["on"] = bool(mode)


class reference_mode:
    """Context manager (and decorator) that runs the reference implementations.

    ``reference_mode(False)`` does the opposite: it forces the fast kernels, e.g.
    to compare the two inside a block that is otherwise in reference mode.
    """

    def __init__(self, mode=True):
        self.mode = bool(mode)

    def __enter__(self):
        self.prev = _state["on"]
        _state["on"] = self.mode
        return self

    def __exit__(self, *exc):
        _state["on"] = self.prev
        return False

    def __call__(self, fn):
        import functools

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with reference_mode(self.mode):
                return fn(*args, **kwargs)
        return wrapper


def reference_of(obj):
    """The readable reference implementation behind a fast op, or None.

    Convention: a public op (function, Function class or Module class) whose default
    path is a fast kernel carries ``__reference__``, the reference's function or
    class, e.g. ``F.conv2d.__reference__`` or ``nn.Conv2d.__reference__``.
    ``widgets.SourceView(obj, reference=True)`` shows it.
    """
    ref = getattr(obj, "__reference__", None)
    if ref is None and callable(obj):       # a method (SGD.step): its class's reference
        import inspect
        import sys

        fn = inspect.unwrap(obj)
        owner_name, _, _ = getattr(fn, "__qualname__", "").rpartition(".")
        module = sys.modules.get(getattr(fn, "__module__", ""), None)
        owner = getattr(module, owner_name, None) if owner_name and "<" not in \
            owner_name else None
        ref = getattr(owner, "__reference__", None) if owner is not None else None
    return ref
