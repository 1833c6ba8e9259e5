"""Fast kernels: layer, batch and group normalisation, one autograd node each.

The readable versions are the ``*_reference`` functions in
``teachtorch/ops/normalization.py``. These compute the same numbers in one array pass
forward and use the closed-form backward (PyTorch's native_*_norm_backward) on arrays;
with ``create_graph=True`` the backward differentiates the reference instead, so
second derivatives see the batch statistics depend on the input.
"""
from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels.via_reference import reference_grads
from teachtorch.ops._util import make as _const


def _scale_shift(xhat, weight, bias, shape, dtype):
    """The normalised values times the weight plus the bias (each may be None)."""
    y = xhat
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y.astype(dtype, copy=False)


def _batch_norm_reference_grads(ctx, x, weight, bias, grad_output):
    """batch_norm_reference's gradients (running statistics left alone)."""
    from teachtorch.ops.normalization import batch_norm_reference

    training = ctx.consts[3]
    mean, var = (None if a is None else _const(a) for a in ctx.stats)

    def reference(x, w, b):
        return batch_norm_reference(x, mean, var, w, b, training, 0.0, ctx.eps)
    return reference_grads(reference, (x, weight, bias), (grad_output,),
                           ctx.needs_input_grad)


class NativeLayerNorm(Function):
    """Normalise over the last dims, then scale and shift.

    Math: xhat = (x - mean) / sqrt(var + eps);  y = xhat * w + b
          dL/dx = rstd * (g' - mean(g') - xhat * mean(g' * xhat)),  g' = g * w
    Mirrors: torch.nn.functional.layer_norm
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "NativeLayerNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, n_norm, eps):
        xp = get_array_module(x)
        axes = tuple(range(x.ndim - n_norm, x.ndim))
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        rstd = (1.0 / xp.sqrt(var + eps)).astype(x.dtype)
        xhat = centered * rstd
        ctx.consts = (xhat, rstd, axes)
        ctx.n_norm, ctx.eps = n_norm, eps
        ctx.save_for_backward(x, weight, bias)
        return _scale_shift(xhat, weight, bias, x.shape[x.ndim - n_norm:], x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        x, weight, bias = ctx.saved_tensors
        if grad_mode.is_grad_enabled():     # create_graph: differentiate the reference
            from teachtorch.ops.normalization import layer_norm_reference

            return tuple(reference_grads(
                lambda x, w, b: layer_norm_reference(x, ctx.n_norm, w, b, ctx.eps),
                (x, weight, bias), (grad_output,), ctx.needs_input_grad))
        xhat, rstd, axes = ctx.consts
        xhat_t = _const(xhat)
        lead = tuple(range(xhat.ndim - len(axes)))
        grad_w = (grad_output * xhat_t).sum(lead) if ctx.needs_input_grad[1] else None
        grad_b = grad_output.sum(lead) if ctx.needs_input_grad[2] else None
        grad_x = None
        if ctx.needs_input_grad[0]:
            g = grad_output * weight if weight is not None else grad_output
            grad_x = _const(rstd) * (g - g.mean(axes, keepdim=True)
                                     - xhat_t * (g * xhat_t).mean(axes, keepdim=True))
        return grad_x, grad_w, grad_b


class NativeBatchNorm(Function):
    """Normalise each channel (dim 1) over the batch and spatial dims.

    Math: training: xhat = (x - mean_B) / sqrt(var_B + eps), y = w xhat + b,
          dL/dx = w rstd (g - mean(g) - xhat mean(g xhat));
          eval: the running statistics are constants, dL/dx = w rstd g
    Mirrors: torch.nn.functional.batch_norm
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, running_mean, running_var, training, momentum,
                eps):
        xp = get_array_module(x)
        axes = (0,) + tuple(range(2, x.ndim))
        bshape = (1, -1) + (1,) * (x.ndim - 2)
        if training:
            mean = x.mean(axis=axes)
            centered = x - mean.reshape(bshape)
            var = (centered * centered).mean(axis=axes)
            n = x.size // x.shape[1]
            if running_mean is not None:
                running_mean *= 1 - momentum
                running_mean += momentum * mean.astype(running_mean.dtype)
            if running_var is not None:
                running_var *= 1 - momentum
                running_var += momentum * (var * (n / max(n - 1, 1))).astype(
                    running_var.dtype)
        else:
            mean, var = running_mean, running_var
            centered = x - mean.reshape(bshape)
        rstd = (1.0 / xp.sqrt(var + eps)).astype(x.dtype).reshape(bshape)
        xhat = (centered * rstd).astype(x.dtype, copy=False)
        ctx.consts = (xhat, rstd, axes, training)
        ctx.stats = (None, None) if training else (running_mean, running_var)
        ctx.eps = eps
        ctx.save_for_backward(x, weight, bias)
        return _scale_shift(xhat, weight, bias, bshape, x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        x, weight, bias = ctx.saved_tensors
        if grad_mode.is_grad_enabled():     # create_graph: differentiate the reference
            return tuple(_batch_norm_reference_grads(ctx, x, weight, bias,
                                                     grad_output))
        xhat, rstd, axes, training = ctx.consts
        xhat_t = _const(xhat)
        bshape = rstd.shape
        grad_w = (grad_output * xhat_t).sum(axes) if ctx.needs_input_grad[1] else None
        grad_b = grad_output.sum(axes) if ctx.needs_input_grad[2] else None
        grad_x = None
        if ctx.needs_input_grad[0]:
            g = grad_output * weight.reshape(bshape) if weight is not None \
                else grad_output
            if training:
                g = g - g.mean(axes, keepdim=True) - xhat_t * (g * xhat_t).mean(
                    axes, keepdim=True)
            grad_x = _const(rstd) * g
        return grad_x, grad_w, grad_b


class NativeGroupNorm(Function):
    """Split channels into groups; normalise each (sample, group) over its elements.

    Math: like LayerNorm over (C/G, *spatial) per group, then per-channel w, b
    Mirrors: torch.nn.functional.group_norm
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "NativeGroupNormBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias, groups, eps):
        xp = get_array_module(x)
        n, c = x.shape[0], x.shape[1]
        xg = x.reshape(n, groups, -1)
        mean = xg.mean(axis=2, keepdims=True)
        centered = xg - mean
        var = (centered * centered).mean(axis=2, keepdims=True)
        rstd = (1.0 / xp.sqrt(var + eps)).astype(x.dtype)
        xhat = (centered * rstd).reshape(x.shape).astype(x.dtype, copy=False)
        bshape = (1, c) + (1,) * (x.ndim - 2)
        ctx.consts = (xhat, rstd, groups, bshape)
        ctx.eps = eps
        ctx.save_for_backward(x, weight, bias)
        return _scale_shift(xhat, weight, bias, bshape, x.dtype)

    @staticmethod
    def backward(ctx, grad_output):
        x, weight, bias = ctx.saved_tensors
        xhat, rstd, groups, bshape = ctx.consts
        if grad_mode.is_grad_enabled():     # create_graph: differentiate the reference
            from teachtorch.ops.normalization import group_norm_reference

            return tuple(reference_grads(
                lambda x, w, b: group_norm_reference(x, groups, w, b, ctx.eps),
                (x, weight, bias), (grad_output,), ctx.needs_input_grad))
        xhat_t = _const(xhat)
        axes = (0,) + tuple(range(2, xhat.ndim))
        grad_w = (grad_output * xhat_t).sum(axes) if ctx.needs_input_grad[1] else None
        grad_b = grad_output.sum(axes) if ctx.needs_input_grad[2] else None
        grad_x = None
        if ctx.needs_input_grad[0]:
            g = grad_output * weight.reshape(bshape) if weight is not None \
                else grad_output
            n = xhat.shape[0]
            gg = g.reshape(n, groups, -1)
            xh = xhat_t.reshape(n, groups, -1)
            gx = _const(rstd) * (gg - gg.mean(2, keepdim=True)
                                 - xh * (gg * xh).mean(2, keepdim=True))
            grad_x = gx.reshape(xhat.shape)
        return grad_x, grad_w, grad_b
