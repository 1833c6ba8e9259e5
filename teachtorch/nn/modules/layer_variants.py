"""Layer variants: 1-D twins of 2-D layers (ConvTranspose1d,
AdaptiveMaxPool1d, MaxUnpool1d), LPPool, LocalResponseNorm, ChannelShuffle, RReLU,
AlphaDropout, and the deprecated NLLLoss2d.

Each forward is one call into ``nn.functional``; the reprs are PyTorch's.
Chapter 10 (CNN basics) opens this file.
"""
import warnings

from teachtorch import _errors
from teachtorch.nn import functional as F
from teachtorch.nn.modules.conv import _ConvNd
from teachtorch.nn.modules.loss import NLLLoss, _Loss
from teachtorch.nn.modules.module import Module


class ConvTranspose1d(_ConvNd):
    """Transposed 1-D convolution: upsamples a (N, C, L) signal by the stride.

    Math: L_out = (L - 1)*stride - 2*padding + dilation*(kernel-1) + output_padding + 1
    Mirrors: torch.nn.ConvTranspose1d
    """

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0,
                 output_padding=0, groups=1, bias=True, dilation=1,
                 padding_mode="zeros", device=None, dtype=None):
        if padding_mode != "zeros":
            raise ValueError(_errors.hint('Only "zeros" padding mode is supported for '
                             "ConvTranspose1d", "drop padding_mode."))
        super().__init__(1, in_channels, out_channels, kernel_size, stride, padding,
                         dilation, True, output_padding, groups, bias, padding_mode,
                         device, dtype)

    def forward(self, input, output_size=None):
        output_padding = self.output_padding
        if output_size is not None:
            lo = ((input.shape[-1] - 1) * self.stride[0] - 2 * self.padding[0] +
                  self.dilation[0] * (self.kernel_size[0] - 1) + 1)
            output_padding = (list(output_size)[-1] - lo,)
        return F.conv_transpose1d(input, self.weight, self.bias, self.stride,
                                  self.padding, output_padding, self.groups,
                                  self.dilation)


class AdaptiveMaxPool1d(Module):
    """Max-pool (N, C, L) to a fixed length. Mirrors: torch.nn.AdaptiveMaxPool1d"""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def extra_repr(self):
        return f"output_size={self.output_size}"

    def forward(self, input):
        return F.adaptive_max_pool1d(input, self.output_size, self.return_indices)


class MaxUnpool1d(Module):
    """Put max-pooled values back at their indices. Mirrors: torch.nn.MaxUnpool1d"""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size = (kernel_size,)
        self.stride = (stride if stride is not None else kernel_size,)
        self.padding = (padding,)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}")

    def forward(self, input, indices, output_size=None):
        return F.max_unpool1d(input, indices, self.kernel_size, self.stride,
                              self.padding, output_size)


class _LPPool(Module):
    def __init__(self, norm_type, kernel_size, stride=None, ceil_mode=False):
        super().__init__()
        self.norm_type = norm_type
        self.kernel_size = kernel_size
        self.stride = stride
        self.ceil_mode = ceil_mode

    def extra_repr(self):
        return (f"norm_type={self.norm_type}, kernel_size={self.kernel_size}, "
                f"stride={self.stride}, ceil_mode={self.ceil_mode}")


class LPPool1d(_LPPool):
    """The p-norm of each window of a signal. Mirrors: torch.nn.LPPool1d"""

    def forward(self, input):
        return F.lp_pool1d(input, self.norm_type, self.kernel_size, self.stride,
                           self.ceil_mode)


class LPPool2d(_LPPool):
    """The p-norm of each window of an image. Mirrors: torch.nn.LPPool2d"""

    def forward(self, input):
        return F.lp_pool2d(input, self.norm_type, self.kernel_size, self.stride,
                           self.ceil_mode)


class LocalResponseNorm(Module):
    """AlexNet's normalisation across neighbouring channels.

    Mirrors: torch.nn.LocalResponseNorm
    """

    def __init__(self, size, alpha=1e-4, beta=0.75, k=1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def extra_repr(self):
        return f"{self.size}, alpha={self.alpha}, beta={self.beta}, k={self.k}"

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)


class ChannelShuffle(Module):
    """Interleave channel groups (ShuffleNet). Mirrors: torch.nn.ChannelShuffle"""

    def __init__(self, groups):
        super().__init__()
        self.groups = groups

    def extra_repr(self):
        return f"groups={self.groups}"

    def forward(self, input):
        return F.channel_shuffle(input, self.groups)


class RReLU(Module):
    """Leaky ReLU with a random slope while training. Mirrors: torch.nn.RReLU"""

    def __init__(self, lower=1.0 / 8, upper=1.0 / 3, inplace=False):
        super().__init__()
        self.lower, self.upper, self.inplace = lower, upper, inplace

    def extra_repr(self):
        return f"lower={self.lower}, upper={self.upper}" + (
            ", inplace=True" if self.inplace else "")

    def forward(self, input):
        return F.rrelu(input, self.lower, self.upper, self.training, self.inplace)


class AlphaDropout(Module):
    """Dropout for SELU networks. Mirrors: torch.nn.AlphaDropout"""

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        self.p, self.inplace = p, inplace

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"

    def forward(self, input):
        return F.alpha_dropout(input, self.p, self.training, self.inplace)


class FeatureAlphaDropout(AlphaDropout):
    """AlphaDropout of whole channels. Mirrors: torch.nn.FeatureAlphaDropout"""

    def forward(self, input):
        return F.feature_alpha_dropout(input, self.p, self.training, self.inplace)


class NLLLoss2d(NLLLoss):
    """The old name of NLLLoss for images (deprecated). Mirrors: torch.nn.NLLLoss2d"""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None,
                 reduction="mean"):
        warnings.warn(
            "`NLLLoss2d` has been deprecated. Please use `NLLLoss` instead as a drop-in "
            "replacement and see https://pytorch.org/docs/main/nn.html#torch.nn.NLLLoss "
            "for more details.", FutureWarning, stacklevel=2)
        super().__init__(weight, size_average, ignore_index, reduce, reduction)


class MultiLabelMarginLoss(_Loss):
    """Hinge loss for several correct classes per sample.

    Mirrors: torch.nn.MultiLabelMarginLoss
    """

    def forward(self, input, target):
        return F.multilabel_margin_loss(input, target, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """Triplet loss with any distance function.

    Mirrors: torch.nn.TripletMarginWithDistanceLoss
    """

    def __init__(self, *, distance_function=None, margin=1.0, swap=False,
                 reduction="mean"):
        super().__init__(reduction=reduction)
        self.distance_function = distance_function
        self.margin, self.swap = margin, swap

    def forward(self, anchor, positive, negative):
        return F.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction)
