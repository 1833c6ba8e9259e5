"""One number or one per dimension: the size arguments layers accept.

``nn.Conv2d(1, 10, 5)`` means a 5x5 kernel; ``kernel_size=(5, 3)`` gives each
dimension its own. Every layer turns what it was given into a tuple here.

Mirrors: torch.nn.modules.utils (_single, _pair, _ntuple). Not named utils.py here:
``nn/__init__.py`` star-imports nn.modules, and a submodule called utils would hide
nn.utils (clip_grad_norm_, rnn).
"""
from collections.abc import Iterable


def _ntuple(value, n):
    """value as an n-tuple: a number repeated n times, a sequence as a tuple."""
    if isinstance(value, Iterable):
        return tuple(value)
    return (value,) * n


def _single(value):
    return _ntuple(value, 1)


def _pair(value):
    return _ntuple(value, 2)
