"""Facts about number types: torch.finfo / torch.iinfo, can_cast, and the constants
torch.pi, torch.e, torch.inf, torch.nan, torch.newaxis.

``torch.finfo(torch.float32).eps`` is the gap between 1.0 and the next float: the
smallest relative step a float32 can take. Chapter 01 (tensors) opens this file.
"""
import math

import numpy as np

from teachtorch import _errors, dtypes

pi = math.pi
e = math.e
inf = math.inf
nan = math.nan
newaxis = None


def _fmt(v):
    return f"{v:.6g}"


class finfo:
    """Limits of a floating-point dtype (eps, tiny, max, ...). Mirrors: torch.finfo"""

    def __init__(self, type=None):
        d = dtypes.get_default_dtype() if type is None else dtypes.to_dtype(type)
        if not d.is_floating_point:
            raise TypeError(_errors.hint(
                "torch.finfo() requires a floating point input type. Use torch.iinfo to "
                "handle 'torch.finfo'", "for integer types use torch.iinfo."))
        info = np.finfo(d.np)
        self.bits = info.bits
        self.eps = float(info.eps)
        self.max = float(info.max)
        self.min = float(info.min)
        self.tiny = self.smallest_normal = float(info.tiny)
        self.resolution = 10.0 ** -info.precision
        self.dtype = d.name

    def __repr__(self):
        return (f"finfo(resolution={_fmt(self.resolution)}, min={_fmt(self.min)}, "
                f"max={_fmt(self.max)}, eps={_fmt(self.eps)}, smallest_normal="
                f"{_fmt(self.smallest_normal)}, tiny={_fmt(self.tiny)}, "
                f"dtype={self.dtype})")


class iinfo:
    """Limits of an integer dtype (min, max, bits). Mirrors: torch.iinfo"""

    def __init__(self, type):
        d = dtypes.to_dtype(type)
        if d.is_floating_point:
            raise TypeError(_errors.hint(
                "torch.iinfo() requires an integer input type. Use torch.finfo to "
                "handle 'torch.iinfo'", "for float types use torch.finfo."))
        info = np.iinfo(np.uint8 if d is dtypes.bool_ else d.np)
        self.bits = info.bits
        self.max = int(info.max)
        self.min = int(info.min)
        self.dtype = d.name

    def __repr__(self):
        return f"iinfo(min={_fmt(self.min)}, max={_fmt(self.max)}, dtype={self.dtype})"


def can_cast(from_, to):
    """True when PyTorch's casting rules allow from_ -> to without a lower category
    (float -> int or int -> bool are not allowed). Mirrors: torch.can_cast"""
    return dtypes.to_dtype(from_).category <= dtypes.to_dtype(to).category
