"""Normalisation layers: layer_norm, batch_norm, group_norm. The references come first.

Each normalises some slice of the input to mean 0 and variance 1, then scales and
shifts it: y = (x - mean) / sqrt(var + eps) * weight + bias. They differ only in
which elements share a mean: layer norm, the last dims of one sample; batch norm, one
channel over the whole batch; group norm, a group of channels of one sample.
Written with Tensor ops, the references differentiate to any order (the statistics
depend on x too). By default a fast kernel (ops/_kernels/norm.py) computes the same
in one node; in ``teachtorch.reference_mode()`` the references run.
Chapter 10 (CNN basics: BatchNorm) opens this file.
"""
from teachtorch.autograd import grad_mode
from teachtorch.ops._kernels.norm import (
    NativeBatchNorm,
    NativeGroupNorm,
    NativeLayerNorm,
)
from teachtorch.reference import is_reference_mode


# ----- the references -----------------------------------------------------------------
def _normalize(x, dims):
    """(x - mean) / sqrt(var + eps) over dims, with the (biased) variance."""
    mean = x.mean(dims, keepdim=True)
    var = ((x - mean) ** 2).mean(dims, keepdim=True)
    return mean, var


def _affine(y, weight, bias, shape):
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y


def layer_norm_reference(x, n_norm, weight=None, bias=None, eps=1e-5):
    """Normalise over the last n_norm dims of x, then y = xhat * weight + bias.

    Math: xhat = (x - mean) / sqrt(var + eps), mean and var over the last n_norm dims
    """
    dims = tuple(range(x.dim() - n_norm, x.dim()))
    mean, var = _normalize(x, dims)
    y = (x - mean) / (var + eps).sqrt()
    return _affine(y, weight, bias, tuple(x.shape[x.dim() - n_norm:]))


def batch_norm_reference(x, running_mean, running_var, weight=None, bias=None,
                         training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1) over the batch and every other dim.

    Math: training: xhat = (x - mean_B) / sqrt(var_B + eps) with the batch statistics,
          and running = (1 - momentum) * running + momentum * batch statistic
          (the unbiased variance n / (n - 1) * var_B for running_var);
          eval: xhat = (x - running_mean) / sqrt(running_var + eps)
    """
    dims = (0,) + tuple(range(2, x.dim()))
    shape = (1, -1) + (1,) * (x.dim() - 2)
    if training:
        mean, var = _normalize(x, dims)
        mean, var = mean.reshape(-1), var.reshape(-1)
        n = x.numel() // x.shape[1]
        with grad_mode.no_grad():          # running statistics are not in the graph
            if running_mean is not None:
                running_mean.mul_(1 - momentum).add_(momentum * mean.detach())
            if running_var is not None:
                running_var.mul_(1 - momentum).add_(
                    momentum * var.detach() * (n / max(n - 1, 1)))
    else:
        mean, var = running_mean, running_var
    y = (x - mean.reshape(shape)) / (var.reshape(shape) + eps).sqrt()
    return _affine(y, weight, bias, shape)


def group_norm_reference(x, num_groups, weight=None, bias=None, eps=1e-5):
    """Split the channels into num_groups groups; normalise each group of each sample.

    Math: like layer_norm over (C / G, *spatial) per group, then per-channel w, b
    """
    grouped = x.reshape(x.shape[0], num_groups, -1)
    mean, var = _normalize(grouped, (2,))
    y = ((grouped - mean) / (var + eps).sqrt()).reshape(tuple(x.shape))
    return _affine(y, weight, bias, (1, -1) + (1,) * (x.dim() - 2))


# ----- what nn.functional calls: the kernel, or the reference -------------------------
def layer_norm(x, n_norm, weight, bias, eps):
    """layer_norm on checked arguments."""
    if is_reference_mode():
        return layer_norm_reference(x, n_norm, weight, bias, eps)
    return NativeLayerNorm.apply(x, weight, bias, n_norm, eps)


def batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps):
    """batch_norm on checked arguments (the running statistics are Tensors)."""
    if is_reference_mode():
        return batch_norm_reference(x, running_mean, running_var, weight, bias,
                                    training, momentum, eps)
    rm = running_mean._data if running_mean is not None else None
    rv = running_var._data if running_var is not None else None
    if training:
        for buf in (running_mean, running_var):
            if buf is not None:
                buf._vc[0] += 1
    return NativeBatchNorm.apply(x, weight, bias, rm, rv, training, momentum, eps)


def group_norm(x, num_groups, weight, bias, eps):
    """group_norm on checked arguments."""
    if is_reference_mode():
        return group_norm_reference(x, num_groups, weight, bias, eps)
    return NativeGroupNorm.apply(x, weight, bias, num_groups, eps)


layer_norm.__reference__ = layer_norm_reference
batch_norm.__reference__ = batch_norm_reference
group_norm.__reference__ = group_norm_reference
