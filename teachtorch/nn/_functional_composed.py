"""More of nn.functional, written as compositions of Tensor ops (the autograd graph
shows each step): hard/soft shrink activations, GLU, instance norm, and the
margin/ranking/probabilistic losses.

Chapter 14 (nn.Module internals) opens this file.
"""
import math

import numpy as np

from teachtorch import _checks, _errors, ops
from teachtorch._backend import get_array_module
from teachtorch.nn._loss_functions import legacy_reduction
from teachtorch.ops._util import make as _const  # a tensor outside the graph


def _reduce(loss, reduction):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


# ----- activations ----------------------------------------------------------------
def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6. Mirrors: torch.nn.functional.hardsigmoid"""
    return ((input + 3) / 6).clamp(0, 1)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6. Mirrors: torch.nn.functional.hardswish"""
    return input * hardsigmoid(input)


def softsign(input):
    """x / (1 + |x|). Mirrors: torch.nn.functional.softsign"""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh(x). Mirrors: torch.nn.functional.tanhshrink"""
    return input - input.tanh()


def softshrink(input, lambd=0.5):
    """x - lambd, x + lambd or 0: shrink towards 0. Mirrors: F.softshrink"""
    return input - input.clamp(-lambd, lambd)


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0. Mirrors: torch.nn.functional.hardshrink"""
    return input * _const((np.abs(input._data) > lambd).astype(input._data.dtype))


def glu(input, dim=-1):
    """Gated linear unit: first half * sigmoid(second half) along dim.

    Mirrors: torch.nn.functional.glu
    """
    n = input.shape[dim]
    if n % 2:
        raise RuntimeError(_errors.hint("Halving dimension must be even, but dimension "
                           f"{dim % input.dim()} is size {n}", "GLU splits that "
                           "dim into two equal halves (values and gates)."))
    a, b = input.chunk(2, dim)
    return a * b.sigmoid()


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalise each (sample, channel) over its spatial positions.

    Mirrors: torch.nn.functional.instance_norm
    """
    from teachtorch.nn.functional import batch_norm, group_norm

    if not use_input_stats:  # eval with tracked statistics: plain per-channel affine
        return batch_norm(input, running_mean, running_var, weight, bias, False,
                          momentum, eps)
    if running_mean is not None and running_var is not None:
        x = input._data
        axes = tuple(range(2, x.ndim))
        n_space = int(np.prod(x.shape[2:]))
        mean = x.mean(axis=axes).mean(0)
        var = x.var(axis=axes, ddof=1 if n_space > 1 else 0).mean(0)
        for buf, new in ((running_mean, mean), (running_var, var)):
            buf._data *= 1 - momentum
            buf._data += (momentum * new).astype(buf._data.dtype)
            buf._vc[0] += 1
    return group_norm(input, input.shape[1], weight, bias, eps)


# ----- losses ------------------------------------------------------------------------
def margin_ranking_loss(input1, input2, target, margin=0.0, size_average=None,
                        reduce=None, reduction="mean"):
    """max(0, -y * (x1 - x2) + margin). Mirrors: F.margin_ranking_loss"""
    reduction = legacy_reduction(size_average, reduce, reduction)
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """x where y == 1, max(0, margin - x) where y == -1. Mirrors: F.hinge_embedding_loss
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    t = target._data
    not_pos = _const((t != 1).astype(input._data.dtype))
    not_neg = _const((t != -1).astype(input._data.dtype))
    loss = (margin - input).clamp(min=0) * not_pos + input * not_neg
    return _reduce(loss, reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-y x)). Mirrors: torch.nn.functional.soft_margin_loss"""
    from teachtorch.nn.functional import softplus

    reduction = legacy_reduction(size_average, reduce, reduction)
    return _reduce(softplus(-target * input), reduction)


def cosine_embedding_loss(input1, input2, target, margin=0.0, size_average=None,
                          reduce=None, reduction="mean"):
    """1 - cos where y == 1, max(0, cos - margin) where y == -1.

    Mirrors: torch.nn.functional.cosine_embedding_loss
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    eps = 1e-12
    dim = input1.dim() - 1
    prod = (input1 * input2).sum(dim)
    mag1 = (input1 * input1).sum(dim) + eps
    mag2 = (input2 * input2).sum(dim) + eps
    cos = prod / (mag1 * mag2).sqrt()
    t = target._data
    pos = _const((t == 1).astype(cos._data.dtype))
    neg = _const((t == -1).astype(cos._data.dtype))
    loss = (1 - cos) * pos + (cos - margin).clamp(min=0) * neg
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6,
                        swap=False, size_average=None, reduce=None, reduction="mean"):
    """max(0, margin + d(a, p) - d(a, n)). Mirrors: F.triplet_margin_loss"""
    from teachtorch.nn.functional import pairwise_distance

    reduction = legacy_reduction(size_average, reduce, reduction)
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = ops.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((margin + d_pos - d_neg).clamp(min=0), reduction)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None,
                     eps=1e-8, reduce=None, reduction="mean"):
    """Poisson negative log-likelihood. Mirrors: F.poisson_nll_loss"""
    reduction = legacy_reduction(size_average, reduce, reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        t = target._data
        with np.errstate(divide="ignore", invalid="ignore"):
            stirling = t * np.log(t) - t + 0.5 * np.log(2 * math.pi * t)
        loss = loss + _const(np.where(t > 1, stirling, 0).astype(t.dtype))
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """0.5 * (log(var) + (input - target)**2 / var). Mirrors: F.gaussian_nll_loss"""
    if tuple(var.shape) != tuple(input.shape):
        if tuple(input.shape[:-1]) == tuple(var.shape):
            var = var.unsqueeze(-1)
        elif not (tuple(input.shape[:-1]) == tuple(var.shape[:-1])
                  and var.shape[-1] == 1):
            raise ValueError(_errors.hint("var is of incorrect size", "var must match input's "
                             "shape, or drop/keep-as-1 its last dim."))
    if (var._data < 0).any():
        raise ValueError("var has negative entry/entries")
    # clamp for stability without changing the gradient path (as PyTorch does)
    var = var + _const(np.maximum(var._data, eps) - var._data)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None,
                                reduce=None, reduction="mean"):
    """Per-class binary logistic loss averaged over classes. Mirrors: F."""
    from teachtorch.nn.functional import logsigmoid

    reduction = legacy_reduction(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    loss = loss.sum(input.dim() - 1) / input.shape[-1]
    return _reduce(loss, reduction)


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """Multi-class hinge: sum_{i != y} max(0, margin - x[y] + x[i])**p / C.

    Mirrors: torch.nn.functional.multi_margin_loss
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    _checks.loss_target("multi_margin_loss", input, target)
    _checks.multi_margin_target(input, target)
    x = input if input.dim() == 2 else input.view(1, -1)
    c = x.shape[1]
    t = target._data.reshape(-1)
    xp = get_array_module(t)
    onehot = xp.zeros((x.shape[0], c), x._data.dtype)
    onehot[xp.arange(x.shape[0]), t] = 1
    x_y = (x * _const(onehot)).sum(1, keepdim=True)
    z = (margin - x_y + x).relu()  # gradient 0 at the kink, as PyTorch's kernel
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * _const(weight._data[t].reshape(-1, 1))
    loss = (z * _const(1 - onehot)).sum(1) / c
    if input.dim() == 1:
        loss = loss.view(())
    return _reduce(loss, reduction)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """Divide by the root mean square over the last dims (no mean subtraction).

    Math: y = x / sqrt(mean(x**2) + eps) * w
    Mirrors: torch.nn.functional.rms_norm
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(
        normalized_shape)
    k = len(shape)
    if tuple(input.shape[input.dim() - k:]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size"
            f"{list(input.shape)}")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    dims = tuple(range(input.dim() - k, input.dim()))
    out = input / ((input * input).mean(dims, keepdim=True) + eps).sqrt()
    return out * weight if weight is not None else out


# in-place spellings (F.elu_(x) ...): the same as inplace=True
def elu_(input, alpha=1.0):
    from teachtorch.ops.activations.relu_family import elu

    return elu(input, alpha, inplace=True)


def selu_(input):
    from teachtorch.ops.activations.relu_family import selu

    return selu(input, inplace=True)


def celu_(input, alpha=1.0):
    from teachtorch.ops.activations.relu_family import celu

    return celu(input, alpha, inplace=True)


def leaky_relu_(input, negative_slope=0.01):
    from teachtorch.ops.activations.relu_family import leaky_relu

    return leaky_relu(input, negative_slope, inplace=True)


def threshold_(input, threshold, value):
    from teachtorch.ops.activations.relu_family import threshold as threshold_fn

    return threshold_fn(input, threshold, value, inplace=True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    from teachtorch.nn.functional import hardtanh

    return hardtanh(input, min_val, max_val, inplace=True)


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0,
                                 is_causal=False, scale=None, enable_gqa=False):
    """softmax(Q K^T * scale + mask) V, the core of attention, step by step.

    A boolean mask keeps the positions that are True; a float mask is added to the
    scores; is_causal hides the future (position i sees keys 0..i).

    Math: A = softmax(Q K^T / sqrt(E));  out = A V
    Mirrors: torch.nn.functional.scaled_dot_product_attention
    """
    from teachtorch.nn.functional import dropout, softmax

    L, S = query.shape[-2], key.shape[-2]
    if scale is None:
        scale = 1.0 / math.sqrt(query.shape[-1])
    scores = (query @ key.transpose(-2, -1)) * scale
    dtype = scores._data.dtype
    xp = get_array_module(scores._data)
    bias = xp.zeros((L, S), dtype)
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError("_scaled_dot_product_attention: Explicit attn_mask "
                               "should not be set when is_causal=True")
        bias[xp.triu_indices(L, 1, S)] = -np.inf
    if attn_mask is not None:
        if attn_mask.dtype.name == "bool":
            bias = np.where(attn_mask._data, bias, -np.inf).astype(dtype)
        else:
            scores = scores + attn_mask
    if bias.any():
        scores = scores + _const(bias)
    weights = softmax(scores, -1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ value
