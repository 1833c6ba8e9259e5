"""Pooling layers: MaxPool1d/2d, AvgPool1d/2d, MaxUnpool2d, adaptive pools.

Each layer stores its settings and calls ``teachtorch.ops.pool``.
Chapter 10 (CNN basics) opens this file.
"""
from teachtorch.nn.modules.module import Module
from teachtorch.nn.modules._size_args import _pair, _single
from teachtorch.ops import pool as P
from teachtorch.ops import pool_adaptive as A


class _MaxPoolNd(Module):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices=False, ceil_mode=False):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, padding="
                f"{self.padding}, dilation={self.dilation}, ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPoolNd):
    """Max over sliding windows of a (N, C, L) signal. Mirrors: torch.nn.MaxPool1d"""
    __reference__ = P.MaxPool2dReference  # what reference_mode() runs

    def forward(self, input):
        return P.max_pool1d(input, self.kernel_size, self.stride, self.padding,
                            self.dilation, self.ceil_mode, self.return_indices)


class MaxPool2d(_MaxPoolNd):
    """Max over sliding kh x kw windows; the stride defaults to the kernel size.

    Math: H_out = floor_or_ceil((H + 2p - d*(k-1) - 1) / s) + 1
    Mirrors: torch.nn.MaxPool2d
    """
    __reference__ = P.MaxPool2dReference  # what reference_mode() runs

    def forward(self, input):
        return P.max_pool2d(input, self.kernel_size, self.stride, self.padding,
                            self.dilation, self.ceil_mode, self.return_indices)


class AvgPool1d(Module):
    """Mean over sliding windows of a (N, C, L) signal. Mirrors: torch.nn.AvgPool1d"""
    __reference__ = P.AvgPool2dReference  # what reference_mode() runs

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True):
        super().__init__()
        self.kernel_size = _single(kernel_size)
        self.stride = _single(stride if stride is not None else kernel_size)
        self.padding = _single(padding)
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}")

    def forward(self, input):
        return P.avg_pool1d(input, self.kernel_size, self.stride, self.padding,
                            self.ceil_mode, self.count_include_pad)


class AvgPool2d(Module):
    """Mean over sliding kh x kw windows. Mirrors: torch.nn.AvgPool2d"""
    __reference__ = P.AvgPool2dReference  # what reference_mode() runs

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False,
                 count_include_pad=True, divisor_override=None):
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}")

    def forward(self, input):
        return P.avg_pool2d(input, self.kernel_size, self.stride, self.padding,
                            self.ceil_mode, self.count_include_pad,
                            self.divisor_override)


class MaxUnpool2d(Module):
    """Put max-pooled values back at their indices. Mirrors: torch.nn.MaxUnpool2d"""
    __reference__ = P.MaxUnpool2dReference  # what reference_mode() runs

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = _pair(kernel_size)
        self.stride = _pair(stride if stride is not None else kernel_size)
        self.padding = _pair(padding)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}")

    def forward(self, input, indices, output_size=None):
        return P.max_unpool2d(input, indices, self.kernel_size, self.stride,
                              self.padding, output_size)


class _AdaptivePool(Module):
    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePool):
    """Average-pool (N, C, L) to a fixed length. Mirrors: torch.nn.AdaptiveAvgPool1d"""
    __reference__ = A.AdaptiveAvgPool2dReference  # what reference_mode() runs

    def forward(self, input):
        return P.adaptive_avg_pool1d(input, self.output_size)


class AdaptiveAvgPool2d(_AdaptivePool):
    """Average-pool to a fixed (OH, OW), whatever the input size.

    Mirrors: torch.nn.AdaptiveAvgPool2d
    """
    __reference__ = A.AdaptiveAvgPool2dReference  # what reference_mode() runs

    def forward(self, input):
        return P.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveMaxPool2d(_AdaptivePool):
    """Max-pool to a fixed (OH, OW). Mirrors: torch.nn.AdaptiveMaxPool2d"""
    __reference__ = A.AdaptiveMaxPool2dReference  # what reference_mode() runs

    def __init__(self, output_size, return_indices=False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return P.adaptive_max_pool2d(input, self.output_size, self.return_indices)
