"""Switching gradient recording on and off: no_grad, enable_grad, set_grad_enabled.

Each works as a context manager and as a decorator, like PyTorch's.
Chapter 04 (autograd) opens this file.
"""
import functools

_state = {"enabled": True, "inference": False,
          "in_forward": 0}  # >0 while a Function's forward runs on Tensors


def is_grad_enabled():
    """True when operations on tensors that require grad are being recorded."""
    return _state["enabled"]


class _GradModeBase:
    """Context manager that is also a decorator."""

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args):
                return fn(*args, **kwargs)
        return wrapper

    _args = ()

    def __exit__(self, *exc):
        _state["enabled"] = self._prev
        return False


class no_grad(_GradModeBase):
    """Inside ``with no_grad():`` nothing is recorded for backward.

    Mirrors: torch.no_grad (also usable as ``@no_grad`` without parentheses)
    """

    def __new__(cls, orig_func=None):
        self = super().__new__(cls)
        if callable(orig_func):
            return self(orig_func)
        return self

    def __init__(self, orig_func=None):
        pass

    def __enter__(self):
        self._prev = _state["enabled"]
        _state["enabled"] = False


class enable_grad(_GradModeBase):
    """Turn recording back on inside a no_grad block.

    Mirrors: torch.enable_grad
    """

    def __enter__(self):
        self._prev = _state["enabled"]
        _state["enabled"] = True


class set_grad_enabled(_GradModeBase):
    """``set_grad_enabled(False)`` switches recording off (now, or inside ``with``).

    Mirrors: torch.set_grad_enabled
    """

    def __init__(self, mode):
        self._args = (mode,)
        self._prev = _state["enabled"]
        _state["enabled"] = bool(mode)

    def __enter__(self):
        pass

    def __call__(self, fn):
        _state["enabled"] = self._prev  # as a decorator it must not switch now
        return super().__call__(fn)


class inference_mode(_GradModeBase):
    """Like no_grad (teachtorch has no separate inference tensors).

    Mirrors: torch.inference_mode
    """

    def __init__(self, mode=True):
        self._args = (mode,)
        self._mode = mode

    def __enter__(self):
        self._prev = _state["enabled"]
        if self._mode:
            _state["enabled"] = False
