"""Convolution layers: Conv1d, Conv2d, ConvTranspose2d.

A layer holds the weight (out_channels, in_channels/groups, *kernel_size) and bias and
calls ``teachtorch.ops.conv``, where the im2col kernel and its naive twin live.
Chapter 10 (CNN basics) and chapter 11 (Inception, ResNet) open this file.
"""
import math

from teachtorch import _errors, creation
from teachtorch.nn import init
from teachtorch.nn.modules.module import Module
from teachtorch.nn.modules._size_args import _ntuple
from teachtorch.nn.parameter import Parameter
from teachtorch.ops import conv as C

_PADDING_MODES = {"zeros", "reflect", "replicate", "circular"}  # a set, as torch prints
_PADDING_STRINGS = {"same", "valid"}


class _ConvNd(Module):
    """What every convolution layer shares: checks, parameters, init, repr.

    Mirrors: torch.nn.modules.conv._ConvNd
    """

    def __init__(self, nd, in_channels, out_channels, kernel_size, stride, padding,
                 dilation, transposed, output_padding, groups, bias, padding_mode,
                 device=None, dtype=None):
        super().__init__()
        if groups <= 0:
            raise ValueError(_errors.hint("groups must be a positive integer", "groups=1 is an "
                             "ordinary convolution."))
        if in_channels % groups != 0:
            raise ValueError(_errors.hint("in_channels must be divisible by groups", "got "
                             f"in_channels={in_channels}, groups={groups}."))
        if out_channels % groups != 0:
            raise ValueError(_errors.hint("out_channels must be divisible by groups", "got "
                             f"out_channels={out_channels}, groups={groups}."))
        kernel_size, stride = _ntuple(kernel_size, nd), _ntuple(stride, nd)
        dilation = _ntuple(dilation, nd)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(
                    _errors.hint(f"Invalid padding string '{padding}', should be one of "
                    f"{_PADDING_STRINGS}", "use 'same', 'valid' or numbers."))
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError(
                    _errors.hint("padding='same' is not supported for strided convolutions", "use stride=1 with 'same', or give the padding as numbers."))
        else:
            padding = _ntuple(padding, nd)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(_errors.hint(f"padding_mode must be one of {_PADDING_MODES}, but got "
                             f"padding_mode='{padding_mode}'", "'zeros' is the "
                             "usual choice."))
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = _ntuple(output_padding, nd)
        self.groups = groups
        self.padding_mode = padding_mode
        if transposed:
            shape = (in_channels, out_channels // groups, *kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *kernel_size)
        self.weight = Parameter(creation.empty(shape, dtype=dtype, device=device))
        if bias:
            self.bias = Parameter(creation.empty(out_channels, dtype=dtype,
                                                 device=device))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """weight ~ kaiming_uniform_(a=sqrt(5)), bias ~ U(+-1/sqrt(fan_in))."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"
             f", stride={self.stride}")
        if self.padding != (0,) * len(self.kernel_size):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def _conv_forward(self, input, conv):
        if self.padding_mode == "zeros":
            return conv(input, self.weight, self.bias, self.stride, self.padding,
                        self.dilation, self.groups)
        nd = len(self.kernel_size)
        pads = C._conv_pads(self.padding, self.kernel_size, self.dilation, self.stride,
                            nd)
        padded = C.pad_mode(input, pads, self.padding_mode)
        return conv(padded, self.weight, self.bias, self.stride, 0, self.dilation,
                    self.groups)


class Conv1d(_ConvNd):
    """1-D convolution over (N, C, L). Mirrors: torch.nn.Conv1d"""
    __reference__ = C.ConvolutionReference  # what reference_mode() runs

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__(1, in_channels, out_channels, kernel_size, stride, padding,
                         dilation, False, 0, groups, bias, padding_mode, device, dtype)

    def forward(self, input):
        return self._conv_forward(input, C.conv1d)


class Conv2d(_ConvNd):
    """2-D convolution over (N, C, H, W): each output channel slides its own
    (in_channels/groups, kh, kw) kernel over the image.

    Math: H_out = floor((H + 2*padding - dilation*(kernel-1) - 1) / stride) + 1
    Mirrors: torch.nn.Conv2d
    """
    __reference__ = C.ConvolutionReference  # what reference_mode() runs

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 dilation=1, groups=1, bias=True, padding_mode="zeros", device=None,
                 dtype=None):
        super().__init__(2, in_channels, out_channels, kernel_size, stride, padding,
                         dilation, False, 0, groups, bias, padding_mode, device, dtype)

    def forward(self, input):
        return self._conv_forward(input, C.conv2d)


class ConvTranspose2d(_ConvNd):
    """Transposed 2-D convolution ("deconvolution"): upsamples by the stride.

    Math: H_out = (H - 1)*stride - 2*padding + dilation*(kernel-1) + output_padding + 1
    Mirrors: torch.nn.ConvTranspose2d
    """
    __reference__ = C.ConvTransposeReference  # what reference_mode() runs

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1,
                 padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(_errors.hint('Only "zeros" padding mode is supported for '
                             "ConvTranspose2d", "drop padding_mode."))
        super().__init__(2, in_channels, out_channels, kernel_size, stride, padding,
                         dilation, True, output_padding, groups, bias, padding_mode,
                         device, dtype)

    def _output_padding(self, input, output_size):
        if output_size is None:
            return self.output_padding
        output_size = tuple(output_size)[-2:]
        spatial = input.shape[-2:]
        mins = [(n - 1) * s - 2 * p + d * (k - 1) + 1 for n, s, p, d, k in zip(
            spatial, self.stride, self.padding, self.dilation, self.kernel_size)]
        maxs = [m + s - 1 for m, s in zip(mins, self.stride)]
        for size, lo, hi in zip(output_size, mins, maxs):
            if not lo <= size <= hi:
                raise ValueError(
                    _errors.hint(f"requested an output size of {list(output_size)}, but valid sizes "
                    f"range from {mins} to {maxs} (for an input of {list(spatial)})", "a strided conv maps several sizes to one; only those can be "
                    "asked back."))
        return tuple(size - lo for size, lo in zip(output_size, mins))

    def forward(self, input, output_size=None):
        output_padding = self._output_padding(input, output_size)
        return C.conv_transpose2d(input, self.weight, self.bias, self.stride,
                                  self.padding, output_padding, self.groups,
                                  self.dilation)
