"""Loss functions: nll_loss, cross_entropy, binary cross-entropy (on probabilities and
on logits), mse_loss, smooth L1 and Huber.

The references come first, each the loss's formula in Tensor ops. By default nll_loss
and the two BCEs run fast kernels (ops/_kernels/loss.py) that compute the same in one
node; in ``teachtorch.reference_mode()`` the references run. cross_entropy is
log_softmax followed by nll_loss, the same two graph nodes PyTorch records
(``NllLossBackward0`` -> ``LogSoftmaxBackward0``).
Chapter 09 (softmax and the MNIST MLP) opens this file.
"""
from teachtorch import _errors
from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels import loss as kernels
from teachtorch.ops.select import where
from teachtorch.ops.softmax import apply_log_softmax
from teachtorch.reference import is_reference_mode
from teachtorch.tensor import Tensor

_REDUCTIONS = ("none", "mean", "sum")


# ----- the references -----------------------------------------------------------------
def reduce_loss(loss, reduction):
    """The element-wise loss, its mean or its sum."""
    if reduction == "mean":
        return loss.mean()
    return loss.sum() if reduction == "sum" else loss


def nll_loss_reference(logp, target, weight=None, reduction="mean", ignore_index=-100):
    """Pick -logp at each target class, weighted; ignore_index rows count for nothing.

    Math: l_i = -w[t_i] * logp[i, t_i];  mean = sum_i l_i / sum_i w[t_i]
    """
    class_dim = 1 if logp.dim() > 1 else 0
    keep = target != ignore_index
    t = where(keep, target, 0).long()
    picked = logp.gather(class_dim, t.unsqueeze(class_dim)).squeeze(class_dim)
    w = keep.to(logp.dtype) if weight is None else weight[t] * keep
    loss = -w * picked
    return loss.sum() / w.sum() if reduction == "mean" else reduce_loss(loss, reduction)


def binary_cross_entropy_reference(p, y, weight=None, reduction="mean"):
    """Binary cross-entropy on probabilities p.

    Math: l = -w (y log p + (1 - y) log(1 - p)), each log at least -100 (as PyTorch)
    """
    loss = -(y * _log_at_least_minus_100(p) + (1 - y) * _log_at_least_minus_100(1 - p))
    return reduce_loss(loss if weight is None else loss * weight, reduction)


def _log_at_least_minus_100(q):
    """log(q), never below -100: log(0) is -100 as in PyTorch (with slope 0 there)."""
    positive = q > 0
    return where(positive, where(positive, q, 1.0).log(), -100.0).clamp(min=-100)


def binary_cross_entropy_with_logits_reference(x, y, weight=None, pos_weight=None,
                                               reduction="mean"):
    """sigmoid then binary cross-entropy, as one stable formula.

    Math: l = w [(1 - y) x + (1 + (pos_weight - 1) y) softplus(-x)],
          softplus(-x) = log(1 + exp(-x)) = -log(sigmoid(x))
    """
    from teachtorch.ops.activations.relu_family import softplus

    log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
    loss = (1 - y) * x + log_weight * softplus(-x)
    return reduce_loss(loss if weight is None else loss * weight, reduction)


# ----- what nn.functional calls: the kernel, or the reference -------------------------
def nll_loss(logp, target, weight, reduction, ignore_index):
    """nll_loss (target: an integer Tensor of class indices)."""
    _check_targets(target._data, logp.shape[1 if logp.dim() > 1 else 0], ignore_index)
    if is_reference_mode():
        return nll_loss_reference(logp, target, weight, reduction, ignore_index)
    return kernels.nll_kernel(logp, target,
                              None if weight is None else weight._data,
                              reduction, ignore_index)


def _check_targets(t, c, ignore_index):
    """Raise torch's IndexError for a class index outside [0, c)."""
    bad = (t != ignore_index) & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(_errors.hint(f"Target {int(t[bad][0])} is out of bounds.", "class "
                         f"indices must be in [0, {c - 1}] for input with {c} classes"
                         " (the size of dim 1)."))


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean",
                  label_smoothing=0.0):
    """log_softmax over the class dim, then nll_loss, for class-index targets.

    Math: l_i = -(1 - e) w[t_i] logp[i, t_i] - (e / C) sum_c w_c logp[i, c],
          logp = log_softmax(x) over the C classes, e = label_smoothing
    """
    class_dim = 0 if input.dim() == 1 else 1
    logp = apply_log_softmax(input, class_dim)
    loss = nll_loss(logp, target, weight, reduction, ignore_index)
    if label_smoothing == 0.0:
        return loss
    n_classes = input.shape[class_dim]
    keep = (target != ignore_index).to(logp.dtype)
    if weight is not None:
        shape = [1] * logp.dim()
        shape[class_dim] = n_classes
        smooth = -(logp * weight.view(*shape)).sum(class_dim) * keep
        kept_weight = weight[where(target != ignore_index, target, 0).long()] * keep
    else:
        smooth = -logp.sum(class_dim) * keep
        kept_weight = keep
    if reduction == "mean":
        smooth = smooth.sum() / kept_weight.sum()
    else:
        smooth = reduce_loss(smooth, reduction)
    return loss * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


def binary_cross_entropy(p, y, weight, reduction):
    """Binary cross-entropy on probabilities (checked to lie in [0, 1])."""
    pd = p._data
    if not ((pd >= 0) & (pd <= 1)).all():  # also catches NaN
        raise RuntimeError(
            _errors.hint("all elements of input should be between 0 and 1", "binary_cross_entropy takes probabilities: pass x.sigmoid(), or use "
            "binary_cross_entropy_with_logits / nn.BCEWithLogitsLoss on raw scores."))
    if is_reference_mode():
        return binary_cross_entropy_reference(p, y, weight, reduction)
    return kernels.BinaryCrossEntropy.apply(
        p, y, None if weight is None else weight._data, reduction)


def binary_cross_entropy_with_logits(x, y, weight, pos_weight, reduction):
    """sigmoid + binary cross-entropy in one stable step."""
    if is_reference_mode():
        return binary_cross_entropy_with_logits_reference(x, y, weight, pos_weight,
                                                          reduction)
    return kernels.BinaryCrossEntropyWithLogits.apply(
        x, y, None if weight is None else weight._data,
        None if pos_weight is None else pos_weight._data, reduction)


nll_loss.__reference__ = nll_loss_reference
binary_cross_entropy.__reference__ = binary_cross_entropy_reference
binary_cross_entropy_with_logits.__reference__ = (
    binary_cross_entropy_with_logits_reference)


# ----- losses with one implementation -------------------------------------------------
def _reduce(xp, loss, reduction):
    if reduction == "mean":
        return xp.asarray(loss.mean(), dtype=loss.dtype)
    if reduction == "sum":
        return xp.asarray(loss.sum(), dtype=loss.dtype)
    return loss


def _grad_scale(grad_output, reduction, n):
    """dL/d(loss_i) as a tensor that broadcasts against the element-wise loss."""
    if reduction == "mean":
        return grad_output * (1.0 / max(n, 1)) if n else grad_output * float("nan")
    return grad_output


class MseLoss(Function):
    """Mean squared error.

    Math: l = (x - y)**2;  dl/dx = 2 (x - y), dl/dy = -2 (x - y)
    Mirrors: torch.nn.functional.mse_loss
    """
    _raw = True
    node_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, x, y, reduction):
        xp = get_array_module(x)
        diff = (x - y).astype(x.dtype, copy=False)
        ctx.reduction, ctx.n = reduction, diff.size
        ctx.save_for_backward(x, y)
        return _reduce(xp, diff * diff, reduction)

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        g = _grad_scale(grad_output, ctx.reduction, ctx.n) * 2 * (x - y)
        return (g if ctx.needs_input_grad[0] else None,
                -g if ctx.needs_input_grad[1] else None)


class SmoothL1Loss(Function):
    """Squared error near 0, absolute error beyond beta (Huber with delta = beta,
    divided by beta).

    Math: l = 0.5 d**2 / beta if |d| < beta else |d| - 0.5 beta;
          dl/dx = d / beta or sign(d)
    Mirrors: torch.nn.functional.smooth_l1_loss (huber_loss with huber=True)
    """
    _raw = True
    node_name = "SmoothL1LossBackward0"

    @staticmethod
    def forward(ctx, x, y, reduction, beta, huber=False):
        xp = get_array_module(x)
        d = x - y
        a = xp.abs(d)
        if huber:  # delta * (|d| - delta/2) beyond delta, d**2/2 inside
            loss = xp.where(a < beta, 0.5 * d * d, beta * (a - 0.5 * beta))
        elif beta == 0:
            loss = a
        else:
            loss = xp.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)
        ctx.params = (reduction, d.size, beta, huber)
        ctx.save_for_backward(x, y)
        return _reduce(xp, loss.astype(x.dtype), reduction)

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        reduction, n, beta, huber = ctx.params
        if huber and y._data.dtype != x._data.dtype:  # PyTorch checks here, not forward
            raise RuntimeError(_errors.hint(
                f"Found dtype {y.dtype.legacy_name[:-6]} but expected "
                f"{x.dtype.legacy_name[:-6]}",
                f"huber_loss's backward needs the target in the input's dtype "
                f"({x.dtype}): pass y.to({x.dtype})."))
        xp = get_array_module(x._data)
        d = x._data - y._data
        inside = xp.abs(d) < beta
        if huber:
            local = xp.where(inside, d, beta * xp.sign(d))
        else:
            local = xp.where(inside, d / (beta if beta else 1.0), xp.sign(d))
        g = _grad_scale(grad_output, reduction, n) * Tensor._make(
            local.astype(x._data.dtype))
        return (g if ctx.needs_input_grad[0] else None,
                -g if ctx.needs_input_grad[1] else None, None, None)


class HuberLoss(SmoothL1Loss):
    """Huber loss: like SmoothL1Loss but not divided by delta.

    Math: l = 0.5 d**2 if |d| < delta else delta (|d| - 0.5 delta)
    Mirrors: torch.nn.functional.huber_loss
    """
    node_name = "HuberLossBackward0"
