"""Fast kernels: nll_loss and binary cross-entropy (on probabilities, on logits).

The readable versions are the ``*_reference`` functions in ``teachtorch/ops/loss.py``.
These compute the same numbers with one vectorised array pass each way; with
``create_graph=True`` the BCE backward differentiates the reference instead
(ops/_kernels/via_reference.py). NllLoss's backward is already one Tensor product
(the gradient times a constant one-hot array), so it needs no second path.
"""
import numpy as np

from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels.via_reference import reference_grads
from teachtorch.tensor import Tensor


def _reduce(xp, loss, reduction):
    if reduction == "mean":
        return xp.asarray(loss.mean(), dtype=loss.dtype)
    if reduction == "sum":
        return xp.asarray(loss.sum(), dtype=loss.dtype)
    return loss


def _scale_array(grad_output, reduction, n):
    """dL/d(loss_i) as an array that broadcasts against the element-wise loss."""
    g = grad_output._data
    return g / n if reduction == "mean" else g


class NllLoss(Function):
    """Negative log-likelihood: pick -input[i, target[i]] (times the class weight).

    Math: l_i = -w[t_i] * x[i, t_i];  mean = sum(l_i) / sum(w[t_i]);
          dl_i/dx[i, c] = -w[t_i] if c == t_i else 0 (0 for ignore_index rows)
    Mirrors: torch.nn.functional.nll_loss
    """
    _raw = True
    node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, x, target, weight, reduction, ignore_index):
        xp = get_array_module(x)
        # move classes last: (N, C, d1, ...) -> (N*d1*..., C); target -> (N*d1*...,)
        c = x.shape[1] if x.ndim >= 2 else x.shape[0]
        x2 = xp.moveaxis(x, 1, -1).reshape(-1, c) if x.ndim >= 2 else x.reshape(1, c)
        t = target.reshape(-1).astype(np.int64)
        keep = t != ignore_index
        safe_t = xp.where(keep, t, 0)
        w = weight[safe_t] if weight is not None else xp.ones(t.shape, x.dtype)
        w = (w * keep).astype(x.dtype)
        picked = x2[xp.arange(t.shape[0]), safe_t]
        loss = -w * picked
        ctx.info = (x.shape, c, safe_t, w, reduction)
        if reduction == "none":
            return loss.reshape(target.shape)
        total = loss.sum(dtype=x.dtype)
        if reduction == "sum":
            return xp.asarray(total, dtype=x.dtype)
        denom = w.sum(dtype=x.dtype)
        ctx.denom = denom
        with np.errstate(invalid="ignore", divide="ignore"):
            return xp.asarray(total / denom, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        shape, c, safe_t, w, reduction = ctx.info
        xp = get_array_module(w)
        n = safe_t.shape[0]
        coef = -w
        if reduction == "mean":
            with np.errstate(invalid="ignore", divide="ignore"):
                coef = coef / ctx.denom
        onehot = xp.zeros((n, c), w.dtype)
        onehot[xp.arange(n), safe_t] = coef
        if len(shape) >= 2:  # back to (N, C, d1, ...)
            moved = (shape[0],) + tuple(shape[2:]) + (c,)
            onehot = xp.moveaxis(onehot.reshape(moved), -1, 1)
        else:
            onehot = onehot.reshape(shape)
        g = grad_output
        if reduction == "none":
            g = g.reshape(g.shape[:1] + (1,) + g.shape[1:]) if len(shape) >= 2 else g
        return g * Tensor._make(onehot), None, None


class NllLoss2d(NllLoss):
    """nll_loss for (N, C, H, W) inputs (PyTorch names this node NllLoss2DBackward0).

    Math: as NllLoss, per pixel
    Mirrors: torch.nn.functional.nll_loss on 4-D input
    """
    node_name = "NllLoss2DBackward0"


def nll_kernel(logp, target, weight, reduction, ignore_index):
    """Pick the right node: 1-D/2-D input NllLoss, otherwise NllLoss2d on 4-D views."""
    if logp.dim() <= 2:
        return NllLoss.apply(logp, target._data, weight, reduction, ignore_index)
    if logp.dim() == 4:
        return NllLoss2d.apply(logp, target._data, weight, reduction, ignore_index)
    n, c = logp.shape[0], logp.shape[1]
    out = NllLoss2d.apply(logp.view(n, c, -1, 1), target._data.reshape(n, -1, 1),
                          weight, reduction, ignore_index)
    return out.view(*target.shape) if reduction == "none" else out


class BinaryCrossEntropy(Function):
    """Binary cross-entropy on probabilities; log is clamped at -100 like PyTorch.

    Math: l = -w (y log p + (1 - y) log(1 - p));  dl/dp = w (p - y) / (p (1 - p))
    Mirrors: torch.nn.functional.binary_cross_entropy
    """
    _raw = True
    node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, p, y, weight, reduction):
        xp = get_array_module(p)
        with np.errstate(divide="ignore"):
            log_p = xp.maximum(xp.log(p), -100)
            log_1p = xp.maximum(xp.log1p(-p), -100)
        loss = -(y * log_p + (1 - y) * log_1p)
        if weight is not None:
            loss = loss * weight
        ctx.reduction, ctx.n = reduction, loss.size
        ctx.weight = weight
        ctx.save_for_backward(p, y)
        return _reduce(xp, loss.astype(p.dtype), reduction)

    @staticmethod
    def backward(ctx, grad_output):
        p, y = ctx.saved_tensors
        if grad_mode.is_grad_enabled() or ctx.needs_input_grad[1]:
            from teachtorch.ops.loss import binary_cross_entropy_reference as ref

            w = None if ctx.weight is None else Tensor._make(ctx.weight)
            return tuple(reference_grads(lambda p, y: ref(p, y, w, ctx.reduction),
                                         (p, y), (grad_output,),
                                         ctx.needs_input_grad)) + (None,)
        pd = p._data
        g = (y._data - pd) / -get_array_module(pd).maximum(pd * (1 - pd), 1e-12)
        g = _scale_array(grad_output, ctx.reduction, ctx.n) * g
        if ctx.weight is not None:
            g = g * ctx.weight
        return Tensor._make(g.astype(pd.dtype, copy=False)), None, None


class BinaryCrossEntropyWithLogits(Function):
    """Sigmoid + binary cross-entropy in one stable step (no log of 0).

    Math: l = w [(1 - y) x + (1 + (pw - 1) y) softplus(-x)]
          dl/dx = w [(1 - y) - (1 + (pw - 1) y) sigmoid(-x)]
    Mirrors: torch.nn.functional.binary_cross_entropy_with_logits
    """
    _raw = True
    node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, y, weight, pos_weight, reduction):
        xp = get_array_module(x)
        softplus_neg = xp.logaddexp(0, -x)          # log(1 + e**-x), stable
        if pos_weight is not None:
            loss = (1 - y) * x + (1 + (pos_weight - 1) * y) * softplus_neg
        else:
            loss = (1 - y) * x + softplus_neg
        if weight is not None:
            loss = loss * weight
        ctx.reduction, ctx.n = reduction, loss.size
        ctx.consts = (weight, pos_weight)
        ctx.save_for_backward(x, y)
        return _reduce(xp, loss.astype(x.dtype), reduction)

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        weight, pos_weight = ctx.consts
        if grad_mode.is_grad_enabled() or ctx.needs_input_grad[1]:
            from teachtorch.ops.loss import (
                binary_cross_entropy_with_logits_reference as ref,
            )

            w, pw = (None if a is None else Tensor._make(a) for a in ctx.consts)
            return tuple(reference_grads(lambda x, y: ref(x, y, w, pw, ctx.reduction),
                                         (x, y), (grad_output,),
                                         ctx.needs_input_grad)) + (None, None)
        xd, yd = x._data, y._data
        xp = get_array_module(xd)
        s_neg = 1 / (1 + xp.exp(xp.minimum(xd, 80)))
        coef = 1 if pos_weight is None else 1 + (pos_weight - 1) * yd
        g = _scale_array(grad_output, ctx.reduction, ctx.n) * ((1 - yd) - coef * s_neg)
        if weight is not None:
            g = g * weight
        return Tensor._make(g.astype(xd.dtype, copy=False)), None, None, None
