"""Loss kernels: nll_loss, mse_loss, binary cross-entropy (plain and with logits),
smooth L1 and Huber. Each is one vectorised forward with its backward beside it.

cross_entropy is log_softmax (``ops/nn_ops.py``) followed by nll_loss, the same two
graph nodes PyTorch records (``NllLossBackward0`` -> ``LogSoftmaxBackward0``).
Chapter 09 (softmax and the MNIST MLP) opens this file.
"""
import numpy as np

from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.tensor import Tensor

_REDUCTIONS = ("none", "mean", "sum")


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


def _scale_array(grad_output, reduction, n):
    """_grad_scale on plain arrays (the no-create_graph fast path)."""
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
        bad = keep & ((t < 0) | (t >= c))
        if bad.any():
            raise IndexError(f"Target {int(t[bad][0])} is out of bounds.\nhint: class "
                             f"indices must be in [0, {c - 1}] for input with {c} classes"
                             " (the size of dim 1).")
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


def nll(logp, target, weight, reduction, ignore_index):
    """Pick the right node: 1-D/2-D input NllLoss, otherwise NllLoss2d on 4-D views."""
    if logp.dim() <= 2:
        return NllLoss.apply(logp, target._data, weight, reduction, ignore_index)
    if logp.dim() == 4:
        return NllLoss2d.apply(logp, target._data, weight, reduction, ignore_index)
    n, c = logp.shape[0], logp.shape[1]
    out = NllLoss2d.apply(logp.view(n, c, -1, 1), target._data.reshape(n, -1, 1),
                          weight, reduction, ignore_index)
    return out.view(*target.shape) if reduction == "none" else out


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
        if not ((p >= 0) & (p <= 1)).all():  # also catches NaN
            raise RuntimeError(
                "all elements of input should be between 0 and 1\nhint: "
                "binary_cross_entropy takes probabilities: pass x.sigmoid(), or use "
                "binary_cross_entropy_with_logits / nn.BCEWithLogitsLoss on raw scores.")
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
        eps = 1e-12
        if not grad_mode.is_grad_enabled() and not ctx.needs_input_grad[1]:
            pd = p._data  # plain backward: one NumPy expression
            g = (y._data - pd) / -get_array_module(pd).maximum(pd * (1 - pd), eps)
            g = _scale_array(grad_output, ctx.reduction, ctx.n) * g
            if ctx.weight is not None:
                g = g * ctx.weight
            return Tensor._make(g.astype(pd.dtype, copy=False)), None, None
        denom = (p * (1 - p)).clamp(min=eps)
        g = _grad_scale(grad_output, ctx.reduction, ctx.n) * (p - y) / denom
        if ctx.weight is not None:
            g = g * Tensor._make(ctx.weight)
        grad_y = None
        if ctx.needs_input_grad[1]:
            gy = _grad_scale(grad_output, ctx.reduction, ctx.n) * (
                (1 - p).clamp(min=eps).log() - p.clamp(min=eps).log())
            grad_y = gy * Tensor._make(ctx.weight) if ctx.weight is not None else gy
        return g, grad_y, None


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
        if not grad_mode.is_grad_enabled() and not ctx.needs_input_grad[1]:
            xd, yd = x._data, y._data  # plain backward: one NumPy expression
            xp = get_array_module(xd)
            s_neg = 1 / (1 + xp.exp(xp.minimum(xd, 80)))
            coef = 1 if pos_weight is None else 1 + (pos_weight - 1) * yd
            g = _scale_array(grad_output, ctx.reduction, ctx.n) * ((1 - yd) - coef * s_neg)
            if weight is not None:
                g = g * weight
            return Tensor._make(g.astype(xd.dtype, copy=False)), None, None, None
        scale = _grad_scale(grad_output, ctx.reduction, ctx.n)
        s_neg = (-x).sigmoid()
        if pos_weight is not None:
            coef = 1 + (Tensor._make(pos_weight) - 1) * y
            g = (1 - y) - coef * s_neg
        else:
            g = (1 - y) - s_neg
        g = scale * g
        grad_y = None
        if ctx.needs_input_grad[1]:
            gy = -x
            if pos_weight is not None:
                gy = gy + (Tensor._make(pos_weight) - 1) * ((-x).exp() + 1).log()
            grad_y = scale * gy
        if weight is not None:
            w = Tensor._make(weight)
            g = g * w
            grad_y = grad_y * w if grad_y is not None else None
        return g, grad_y, None, None


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
