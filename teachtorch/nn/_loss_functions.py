"""The loss functions of nn.functional: cross_entropy, nll_loss, mse_loss, BCE ...

Each checks its inputs the way PyTorch does (same exception, same words, then a hint)
and calls a kernel from ``teachtorch/ops/loss.py``.
Chapter 09 (softmax and the MNIST MLP) opens this file.
"""
import warnings

import numpy as np

from teachtorch import _checks, _errors
from teachtorch.ops import loss as K
from teachtorch.ops.activations.smooth import log_softmax
from teachtorch.tensor import Tensor

_CE_HINT = (_errors.hint_line("cross_entropy wants input (N, C) raw logits (no softmax) and "
            "target (N,) int64 class indices in [0, C), e.g. torch.tensor([2, 0, 1]); "
            "or a float target of the same shape (N, C) holding class probabilities."))


def legacy_reduction(size_average, reduce, reduction):
    """Map the old size_average/reduce flags to reduction=, warning like PyTorch."""
    if size_average is None and reduce is None:
        if reduction not in ("none", "mean", "sum", "batchmean"):
            raise ValueError(_errors.hint(f"{reduction} is not a valid value for reduction", "use 'mean', 'sum' or 'none'."))
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if (size_average and reduce) else ("sum" if reduce else "none")
    warnings.warn("size_average and reduce args will be deprecated, please use "
                  f"reduction='{ret}' instead.", stacklevel=3)
    return ret


def _check_same_size_warning(input, target, name=None):
    if name is not None:
        if not isinstance(target, Tensor) or tuple(target.shape) != tuple(input.shape):
            _checks.loss_target(name, input, target, dtypes=False)
            _checks.loss_shapes(input, target)
        _checks.loss_target(name, input, target)
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(
            _errors.hint(f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}). This will likely lead to incorrect results due to "
            "broadcasting. Please ensure they have the same size.", "a model with "
            "one output gives (N, 1); squeeze it (out.squeeze(1)) or view the target "
            "as (N, 1)."), stacklevel=3)


def _check_class_target(input, target, weight, hint):
    if input.dim() > 1 and target.dim() == 0:  # PyTorch counts a 0-D target as 0 rows
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         "batch_size (0)." + hint)
    if target.dim() > 1 and input.dim() <= 2:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported"
                           + hint)
    if target.dtype.name not in ("int64", "uint8"):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{target.dtype.legacy_name.replace('Tensor', '')}" + hint)
    if input.dim() == 1:
        if target.dim() == 1 and target.shape[0] != 1:
            raise ValueError("For 1D input, 1D target must have size 1, but got target "
                             f"size: {target.shape[0]}" + hint)
    elif input.shape[0] != (target.shape[0] if target.dim() else 1):
        raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target "
                         f"batch_size ({target.shape[0] if target.dim() else 1})." + hint)
    elif input.dim() > 2 and tuple(target.shape[1:]) != tuple(input.shape[2:]):
        want = [input.shape[0]] + list(input.shape[2:])
        raise RuntimeError(f"Expected target size {want}, got {list(target.shape)}"
                           + hint)
    c = input.shape[1] if input.dim() > 1 else input.shape[0]
    if weight is not None and weight.numel() != c:
        raise RuntimeError(
            f"weight tensor should be defined either for all {c} classes or no classes "
            f"but got weight tensor of shape: {list(weight.shape)}")


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100,
             reduce=None, reduction="mean"):
    """Negative log-likelihood of the target class (input holds log-probabilities).

    Mirrors: torch.nn.functional.nll_loss
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _checks.loss_target("nll_loss", input, target)
    _check_class_target(input, target, weight, _CE_HINT.replace(
        "cross_entropy wants input (N, C) raw logits (no softmax)",
        "nll_loss wants input (N, C) log-probabilities (log_softmax output)"))
    return K.nll_loss(input, target, weight, reduction, ignore_index)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100,
                  reduce=None, reduction="mean", label_smoothing=0.0):
    """log_softmax over dim 1, then nll_loss: the classification loss.

    Math: l_i = -log(exp(x[i, t_i]) / sum_c exp(x[i, c]))
    Mirrors: torch.nn.functional.cross_entropy
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _checks.loss_target("cross_entropy", input, target)
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"log_softmax_lastdim_kernel_impl\" not implemented for "
            f"'{input.dtype.legacy_name.replace('Tensor', '')}'" + _CE_HINT)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing}")
    if tuple(input.shape) == tuple(target.shape):
        if ignore_index != -100 and target.dtype.is_floating_point:
            raise RuntimeError("ignore_index is not supported for floating point target"
                               + _CE_HINT)
        class_dim = 0 if input.dim() == 1 else 1
        return _cross_entropy_probs(log_softmax(input, class_dim), target, weight,
                                    reduction, label_smoothing, class_dim,
                                    input.shape[class_dim])
    _check_class_target(input, target, weight, _CE_HINT)
    return K.cross_entropy(input, target, weight, ignore_index, reduction,
                           label_smoothing)


def cross_entropy_naive(input, target):
    """The textbook cross-entropy, step by step (the naive twin of cross_entropy).

    softmax -> pick the target's probability -> -log -> mean. Each step is its own
    graph node, and exp(x) overflows for logits around 90 (float32): compare with
    cross_entropy, whose fused log_softmax subtracts the max first and never does.

    Math: p = exp(x) / sum(exp(x));  l_i = -log(p[i, t_i])
    """
    e = input.exp()
    p = e / e.sum(1, keepdim=True)
    rows = Tensor._make(np.arange(input.shape[0]))
    picked = p[rows, target]
    return -picked.log().mean()


def _cross_entropy_probs(logp, target, weight, reduction, label_smoothing, class_dim,
                         n_classes):
    if not target.dtype.is_floating_point:
        raise RuntimeError("Expected floating point type for target with class "
                           f"probabilities, got "
                           f"{target.dtype.legacy_name.replace('Tensor', '')}" + _CE_HINT)
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * target
    if weight is not None:
        wshape = [1] * logp.dim()
        wshape[class_dim] = n_classes
        prod = prod * weight.view(*wshape)
    if reduction == "none":
        return -prod.sum(class_dim)
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum() / (logp.numel() / n_classes)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean",
             weight=None):
    """Mean squared error. Mirrors: torch.nn.functional.mse_loss"""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_same_size_warning(input, target, "mse_loss")
    return K.MseLoss.apply(input, target, reduction)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean",
            weight=None):
    """Mean absolute error. Mirrors: torch.nn.functional.l1_loss"""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_same_size_warning(input, target, "l1_loss")
    loss = (input - target).abs()
    return loss.mean() if reduction == "mean" else (
        loss.sum() if reduction == "sum" else loss)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean",
                   beta=1.0):
    """Mirrors: torch.nn.functional.smooth_l1_loss"""
    reduction = legacy_reduction(size_average, reduce, reduction)
    _check_same_size_warning(input, target, "smooth_l1_loss")
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    return K.SmoothL1Loss.apply(input, target, reduction, float(beta), False)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """Mirrors: torch.nn.functional.huber_loss"""
    reduction = legacy_reduction(None, None, reduction)
    _check_same_size_warning(input, target, "huber_loss")
    if delta <= 0:
        raise RuntimeError(_errors.hint("huber_loss does not support non-positive values for delta.", "delta is where the loss turns from squared to "
                           "linear; use a positive number such as 1.0."))
    return K.HuberLoss.apply(input, target, reduction, float(delta), True)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """BCE on probabilities in [0, 1]. Mirrors: torch.nn.functional.binary_cross_entropy
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _checks.loss_target("binary_cross_entropy", input, target, dtypes=False)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            _errors.hint(f"Using a target size ({target.size()}) that is different to the input size "
            f"({input.size()}) is deprecated. Please ensure they have the same size.", "a one-output model gives (N, 1); make the target (N, 1) too: "
            "y.view(-1, 1).float()."))
    _checks.loss_target("binary_cross_entropy", input, target)
    if weight is not None and weight.shape != input.shape:
        _checks.loss_shapes(input, weight)  # weight broadcasts to the input, never wider
        wide = np.broadcast_shapes(tuple(weight.shape), tuple(input.shape))
        if wide != tuple(input.shape):
            raise RuntimeError(_errors.hint(f"output with shape {list(input.shape)} doesn't match the "
                               f"broadcast shape {list(wide)}", "weight has one value "
                               "per element of the input (or broadcasts to it)."))
    t = target._data
    if t.size and (t.min() < 0 or t.max() > 1):
        raise RuntimeError(_errors.hint("all elements of target should be between 0 and 1", "BCE targets are probabilities (0 or 1 for labels)."))
    return K.binary_cross_entropy(input, target, weight, reduction)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None,
                                     reduce=None, reduction="mean", pos_weight=None):
    """Sigmoid + BCE, numerically stable.

    Mirrors: torch.nn.functional.binary_cross_entropy_with_logits
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _checks.loss_target("binary_cross_entropy_with_logits", input, target, False)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(_errors.hint(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})", "a one-output model gives (N, 1); make "
                         "the target (N, 1) too: y.view(-1, 1).float()."))
    _checks.loss_target("binary_cross_entropy_with_logits", input, target)
    return K.binary_cross_entropy_with_logits(input, target, weight, pos_weight,
                                              reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean",
           log_target=False):
    """KL(target || exp(input)); input holds log-probabilities.

    Math: l = target * (log(target) - input)
    Mirrors: torch.nn.functional.kl_div
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _checks.loss_target("kl_div", input, target)
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the "
            "support size.'batchmean' divides only by the batch size, and aligns with "
            "the KL div math definition.'mean' will be changed to behave the same as "
            "'batchmean' in the next major release.", stacklevel=2)
    if log_target:
        loss = target.exp() * (target - input)
    elif target.requires_grad:  # xlogy(t, t) as Tensor ops, so target gets a grad
        safe = Tensor._make((target._data > 0).astype(target._data.dtype))
        xlogx = target * (target * safe + (1 - safe)).log()
        loss = xlogx - target * input
    else:
        t = target._data
        with np.errstate(divide="ignore", invalid="ignore"):
            xlogx = np.where(t > 0, t * np.log(np.where(t > 0, t, 1)), 0).astype(t.dtype)
        loss = Tensor._make(xlogx) - target * input
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.dim() else 1)
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


nll_loss.__reference__ = K.nll_loss_reference
cross_entropy.__reference__ = K.cross_entropy
binary_cross_entropy.__reference__ = K.binary_cross_entropy_reference
binary_cross_entropy_with_logits.__reference__ = (
    K.binary_cross_entropy_with_logits_reference)
