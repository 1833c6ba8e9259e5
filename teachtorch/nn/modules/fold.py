"""nn.Unfold and nn.Fold: F.unfold / F.fold (im2col / col2im) as layers.

The arithmetic is in ``teachtorch/ops/unfold.py``.
Chapter 10 (CNN basics) opens this file.
"""
from teachtorch.nn import functional as F
from teachtorch.nn.modules.module import Module
from teachtorch.ops import unfold as U


class Unfold(Module):
    """Every sliding window as a column: (N, C, H, W) -> (N, C*kh*kw, L).

    Mirrors: torch.nn.Unfold
    """
    __reference__ = U.UnfoldReference  # what reference_mode() runs

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")


class Fold(Module):
    """Columns back into an image of output_size, summing overlaps.

    Mirrors: torch.nn.Fold
    """
    __reference__ = U.FoldReference  # what reference_mode() runs

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation,
                      self.padding, self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")
