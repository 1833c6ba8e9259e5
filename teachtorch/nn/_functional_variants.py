"""Variants of nn.functional's layers: the *_with_indices forms, 1-D
twins of 2-D layers (conv_transpose1d, adaptive_max_pool1d, max_unpool1d), lp_pool,
local_response_norm, channel_shuffle, gumbel_softmax, rrelu, alpha_dropout.

Each is a composition of ops that already have a backward; a 1-D op runs its 2-D
twin on a height-1 image, as ``max_pool1d`` does.
Chapter 10 (CNN basics) opens this file.
"""
import math

from teachtorch import _errors


def _ops():
    import teachtorch

    return teachtorch


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """max_pool1d returning (values, indices). Mirrors: F.max_pool1d_with_indices"""
    return _ops().max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode,
                             return_indices=True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """max_pool2d returning (values, indices). Mirrors: F.max_pool2d_with_indices"""
    return _ops().max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode,
                             return_indices=True)


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    """Mirrors: F.adaptive_max_pool2d_with_indices"""
    from teachtorch.ops.pool_adaptive import adaptive_max_pool2d

    return adaptive_max_pool2d(input, output_size, return_indices=True)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max-pool (N, C, L) to a fixed length. Mirrors: F.adaptive_max_pool1d"""
    from teachtorch.ops.pool_adaptive import adaptive_max_pool2d

    size = output_size[0] if isinstance(output_size, (tuple, list)) else output_size
    y, idx = adaptive_max_pool2d(input.unsqueeze(-2), (1, size), return_indices=True)
    y, idx = y.squeeze(-2), idx.squeeze(-2)
    return (y, idx) if return_indices else y


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    return adaptive_max_pool1d(input, output_size, return_indices=True)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Undo max_pool1d (the non-max positions become 0). Mirrors: F.max_unpool1d"""
    from teachtorch.ops.pool import max_unpool2d

    k = kernel_size[0] if isinstance(kernel_size, (tuple, list)) else kernel_size
    s = k if stride is None else (stride[0] if isinstance(stride, (tuple, list))
                                  else stride)
    p = padding[0] if isinstance(padding, (tuple, list)) else padding
    size = None if output_size is None else (1, list(output_size)[-1])
    return max_unpool2d(input.unsqueeze(-2), indices.unsqueeze(-2), (1, k), (1, s),
                        (0, p), size).squeeze(-2)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    """Transposed 1-D convolution: conv_transpose2d on a height-1 image.

    Mirrors: torch.nn.functional.conv_transpose1d
    """
    def one(v):
        return v[0] if isinstance(v, (tuple, list)) else v
    return _ops().conv_transpose2d(
        input.unsqueeze(-2), weight.unsqueeze(-2), bias, (1, one(stride)),
        (0, one(padding)), (0, one(output_padding)), groups,
        (1, one(dilation))).squeeze(-2)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The p-norm of each window: (sum x**p)**(1/p). Mirrors: F.lp_pool2d"""
    kh, kw = kernel_size if isinstance(kernel_size, (tuple, list)) else \
        (kernel_size, kernel_size)
    from teachtorch.ops.pool import avg_pool2d

    out = avg_pool2d(input.pow(norm_type), (kh, kw), stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kh * kw).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """The p-norm of each window of a (N, C, L) signal. Mirrors: F.lp_pool1d"""
    ops = _ops()
    out = ops.avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kernel_size).pow(1.0 / norm_type)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Divide each channel by the energy of its size neighbouring channels (AlexNet).

    Math: b_c = a_c / (k + alpha/size * sum_{c' near c} a_c'**2)**beta
    Mirrors: torch.nn.functional.local_response_norm
    """
    ops = _ops()
    if input.dim() < 3:
        raise ValueError(_errors.hint(
            f"Expected 3D or higher dimensionality input (got {input.dim()} dimensions)",
            "the input is (N, C, ...): channels are what get normalised."))
    if input.numel() == 0:
        return input
    sq = (input * input).unsqueeze(1)  # (N, 1, C, ...)
    c = input.shape[1]
    pad_shape = list(sq.shape)
    pad_shape[2] = size // 2
    before = ops.zeros(pad_shape, dtype=input.dtype, device=input.device)
    pad_shape[2] = (size - 1) // 2
    after = ops.zeros(pad_shape, dtype=input.dtype, device=input.device)
    padded = ops.cat([before, sq, after], 2)
    window = sum(padded.narrow(2, i, c) for i in range(size)) / size
    div = (window.squeeze(1) * alpha + k).pow(beta)
    return input / div


def channel_shuffle(input, groups):
    """Interleave the channels of groups (ShuffleNet). Mirrors: F.channel_shuffle"""
    n, c = input.shape[:2]
    if c % groups:
        raise RuntimeError(_errors.hint(
            f"Number of channels must be divisible by groups. Got {c} channels and "
            f"{groups} groups.", "choose groups that divide the channel count."))
    rest = tuple(input.shape[2:])
    return input.reshape((n, groups, c // groups) + rest).transpose(1, 2).reshape(
        (n, c) + rest)


def gumbel_softmax(logits, tau=1.0, hard=False, eps=1e-10, dim=-1):
    """A differentiable sample from the categorical distribution of logits.

    Math: y = softmax((logits + g) / tau), g = -log(-log(U)); hard=True returns the
          one-hot of argmax(y) with y's gradient (straight-through)
    Mirrors: torch.nn.functional.gumbel_softmax
    """
    ops = _ops()
    from teachtorch.creation import empty_like

    gumbels = -empty_like(logits).exponential_().log()
    y = ops.softmax((logits + gumbels) / tau, dim)
    if not hard:
        return y
    index = y.argmax(dim, keepdim=True)
    y_hard = ops.zeros_like(logits).scatter(dim, index, 1.0)
    return y_hard - y.detach() + y


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """Leaky ReLU with a random negative slope in [lower, upper] while training
    (the mean slope in eval). Mirrors: torch.nn.functional.rrelu"""
    ops = _ops()
    if training:
        from teachtorch.creation import empty_like

        slope = empty_like(input).uniform_(lower, upper)
    else:
        slope = (lower + upper) / 2
    out = ops.where(input >= 0, input, input * slope)
    return input.copy_(out) if inplace else out


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, inplace=True)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps SELU's mean and variance: dropped units get SELU's
    negative saturation value, then an affine correction. Mirrors: F.alpha_dropout"""
    if p < 0 or p > 1:
        raise ValueError(_errors.hint(
            f"dropout probability has to be between 0 and 1, but got {p}",
            "p is the chance of dropping a unit."))
    if not training or p == 0:
        return input
    from teachtorch.creation import empty_like

    alpha_p = -_SELU_ALPHA * _SELU_SCALE
    keep = (empty_like(input).uniform_() >= p).to(input.dtype)
    a = 1.0 / math.sqrt((alpha_p ** 2 * p + 1) * (1 - p))
    b = -a * alpha_p * p
    out = (input * keep + alpha_p * (1 - keep)) * a + b
    return input.copy_(out) if inplace else out


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout that drops whole channels. Mirrors: F.feature_alpha_dropout"""
    if not training or p == 0:
        return input
    from teachtorch.random_tensors import rand

    alpha_p = -_SELU_ALPHA * _SELU_SCALE
    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    keep = (rand(*shape, dtype=input.dtype) >= p).to(input.dtype)
    a = 1.0 / math.sqrt((alpha_p ** 2 * p + 1) * (1 - p))
    b = -a * alpha_p * p
    out = (input * keep + alpha_p * (1 - keep)) * a + b
    return input.copy_(out) if inplace else out


def pdist(input, p=2):
    """Distances between every pair of rows. Mirrors: torch.nn.functional.pdist"""
    return _ops().pdist(input, p)


def triplet_margin_with_distance_loss(anchor, positive, negative, *,
                                      distance_function=None, margin=1.0, swap=False,
                                      reduction="mean"):
    """max(0, margin + d(a, p) - d(a, n)) with any distance function d.

    Mirrors: torch.nn.functional.triplet_margin_with_distance_loss
    """
    from teachtorch.nn._functional_composed import _reduce
    from teachtorch.nn.functional import pairwise_distance

    dist = distance_function if distance_function is not None else pairwise_distance
    d_pos, d_neg = dist(anchor, positive), dist(anchor, negative)
    if swap:
        d_neg = _ops().minimum(d_neg, dist(positive, negative))
    return _reduce((margin + d_pos - d_neg).clamp(min=0), reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None,
                           reduction="mean"):
    """Hinge loss for several correct classes per sample.

    target lists each sample's classes, ended by -1. For every correct class j and
    every other class i: max(0, 1 - (x[j] - x[i])), summed and divided by C.
    Mirrors: torch.nn.functional.multilabel_margin_loss
    """
    import numpy as np

    from teachtorch import _backend
    from teachtorch.nn._functional_composed import _reduce, legacy_reduction
    from teachtorch.ops._util import make

    reduction = legacy_reduction(size_average, reduce, reduction)
    x = input if input.dim() == 2 else input.reshape(1, -1)
    t = _backend.to_numpy(target._data).reshape(x.shape)
    is_target = np.zeros(tuple(x.shape), bool)
    for row, labels in enumerate(t):
        for j in labels:
            if j < 0:
                break
            is_target[row, j] = True
    pos = make(is_target).to(x.dtype)
    # margins[n, j, i] = 1 - (x[n, j] - x[n, i]) for target j, non-target i
    margins = (1 - (x.unsqueeze(2) - x.unsqueeze(1))).clamp(min=0)
    pairs = pos.unsqueeze(2) * (1 - pos).unsqueeze(1)
    loss = (margins * pairs).sum((1, 2)) / x.shape[1]
    if input.dim() == 1:
        loss = loss.reshape(())
    return _reduce(loss, reduction)
