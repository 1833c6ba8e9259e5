"""Padding layers: ZeroPad, ConstantPad, ReflectionPad, ReplicationPad (1d/2d/3d).

Each is a Module around F.pad, so padding can sit inside a Sequential.
Chapter 10 (CNN basics: padding) opens this file.
"""
from teachtorch.nn import functional as F
from teachtorch.nn.modules.module import Module
from teachtorch.nn.modules._size_args import _ntuple


class _PadNd(Module):
    _dims = 1
    _mode = "constant"

    def __init__(self, padding, value=0.0):
        super().__init__()
        self.padding = _ntuple(padding, 2 * self._dims)  # before and after each dim
        self.value = value

    def forward(self, input):
        if self._mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class ConstantPad1d(_PadNd):
    """Pad the last dim with a constant. Mirrors: torch.nn.ConstantPad1d"""

    def __init__(self, padding, value):
        super().__init__(padding, value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


class ConstantPad2d(ConstantPad1d):
    """Pad the last 2 dims with a constant. Mirrors: torch.nn.ConstantPad2d"""
    _dims = 2


class ConstantPad3d(ConstantPad1d):
    """Pad the last 3 dims with a constant. Mirrors: torch.nn.ConstantPad3d"""
    _dims = 3


class ZeroPad1d(_PadNd):
    """Pad the last dim with zeros. Mirrors: torch.nn.ZeroPad1d"""

    def __init__(self, padding):
        super().__init__(padding, 0.0)


class ZeroPad2d(ZeroPad1d):
    """Pad the last 2 dims (left, right, top, bottom) with zeros.

    Mirrors: torch.nn.ZeroPad2d
    """
    _dims = 2


class ZeroPad3d(ZeroPad1d):
    """Mirrors: torch.nn.ZeroPad3d"""
    _dims = 3


class ReflectionPad1d(ZeroPad1d):
    """Mirror the input at its edges (edge not repeated). Mirrors: torch.nn.ReflectionPad1d
    """
    _mode = "reflect"


class ReflectionPad2d(ReflectionPad1d):
    """Mirrors: torch.nn.ReflectionPad2d"""
    _dims = 2


class ReflectionPad3d(ReflectionPad1d):
    """Mirrors: torch.nn.ReflectionPad3d"""
    _dims = 3


class ReplicationPad1d(ZeroPad1d):
    """Repeat the edge value. Mirrors: torch.nn.ReplicationPad1d"""
    _mode = "replicate"


class ReplicationPad2d(ReplicationPad1d):
    """Mirrors: torch.nn.ReplicationPad2d"""
    _dims = 2


class ReplicationPad3d(ReplicationPad1d):
    """Mirrors: torch.nn.ReplicationPad3d"""
    _dims = 3


class CircularPad1d(ZeroPad1d):
    """Wrap around: the left pad copies the right end. Mirrors: torch.nn.CircularPad1d
    """
    _mode = "circular"


class CircularPad2d(CircularPad1d):
    """Mirrors: torch.nn.CircularPad2d"""
    _dims = 2


class CircularPad3d(CircularPad1d):
    """Mirrors: torch.nn.CircularPad3d"""
    _dims = 3
