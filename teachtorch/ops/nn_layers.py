"""Kernels behind nn layers: embedding lookup, layer/batch/group norm, padding.

Each forward is one vectorised NumPy pass. The normalisations' backward uses the
closed form (PyTorch's native_*_norm_backward): first derivatives are exact;
the statistics are treated as constants if you differentiate twice.
Chapter 10 (CNN basics: BatchNorm, padding) and chapter 13 (embeddings) open this file.
"""

from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function
from teachtorch.ops._util import make as _const  # a tensor outside the graph


class Embedding(Function):
    """Row lookup: out[...] = weight[indices[...]].

    Math: y = W[i];  dL/dW[k] = sum of dL/dy over positions where i == k
          (the padding_idx row gets no gradient)
    Mirrors: torch.nn.functional.embedding
    """
    _raw = True
    node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq=False):
        ctx.info = (indices, weight.shape, padding_idx, scale_grad_by_freq)
        return weight[indices]

    @staticmethod
    def backward(ctx, grad_output):
        indices, shape, padding_idx, by_freq = ctx.info
        xp = get_array_module(indices)
        flat = indices.reshape(-1)
        g2 = grad_output.reshape(-1, shape[1])
        # scale_grad_by_freq: each position's gradient / how often its index occurs
        scale = 1.0 / xp.bincount(flat, minlength=shape[0])[flat] if by_freq else None
        if grad_output.requires_grad:  # create_graph: one-hot GEMM keeps the graph
            onehot = (xp.arange(shape[0])[:, None] == flat[None, :]).astype(
                g2._data.dtype)
            if scale is not None:
                onehot = onehot * scale.astype(onehot.dtype)
            if padding_idx is not None:
                onehot[padding_idx] = 0
            return _const(onehot) @ g2
        rows = g2._data if scale is None else g2._data * scale[:, None].astype(
            g2._data.dtype)
        grad = xp.zeros(shape, g2._data.dtype)
        # scatter-add with repeated ids summed: sort the ids, then add up each run
        order = xp.argsort(flat, kind="stable")
        ids = flat[order]
        starts = xp.flatnonzero(xp.r_[True, ids[1:] != ids[:-1]]) if ids.size else ids
        if ids.size:
            grad[ids[starts]] = xp.add.reduceat(rows[order], starts, axis=0)
        if padding_idx is not None:
            grad[padding_idx] = 0
        return _const(grad)


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
        ctx.save_for_backward(weight)
        y = xhat
        if weight is not None:
            y = y * weight
        if bias is not None:
            y = y + bias
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        xhat, rstd, axes = ctx.consts
        (weight,) = ctx.saved_tensors
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
        ctx.save_for_backward(weight)
        y = xhat
        if weight is not None:
            y = y * weight.reshape(bshape)
        if bias is not None:
            y = y + bias.reshape(bshape)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        xhat, rstd, axes, training = ctx.consts
        (weight,) = ctx.saved_tensors
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
        ctx.save_for_backward(weight)
        y = xhat
        if weight is not None:
            y = y * weight.reshape(bshape)
        if bias is not None:
            y = y + bias.reshape(bshape)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_output):
        xhat, rstd, groups, bshape = ctx.consts
        (weight,) = ctx.saved_tensors
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


class ConstantPadNd(Function):
    """Pad (or crop, with negative sizes) the last dims with a constant.

    Math: y = x placed inside a block of `value`;  dL/dx = the matching slice of g
    Mirrors: torch.nn.functional.pad(mode="constant")
    """
    _raw = True
    node_name = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, widths, value):
        xp = get_array_module(x)
        grow = [(max(a, 0), max(b, 0)) for a, b in widths]
        crop = tuple(slice(max(-a, 0), s - max(-b, 0))
                     for (a, b), s in zip(widths, x.shape))
        y = xp.pad(x[crop], grow, constant_values=value)
        ctx.widths = widths
        return y

    @staticmethod
    def backward(ctx, grad_output):
        index = tuple(slice(max(a, 0), grad_output.shape[i] - max(b, 0))
                      for i, (a, b) in enumerate(ctx.widths))
        g = grad_output[index]
        neg = [(max(-a, 0), max(-b, 0)) for a, b in ctx.widths]
        if any(a or b for a, b in neg):  # cropped parts get zero gradient
            g = ConstantPadNd.apply(g, neg, 0.0)
        return g


class IndexPad(Function):
    """Reflect, replicate or circular padding: each output position copies one input.

    Math: y[..., j] = x[..., src(j)] on each padded dim;
          dL/dx = g @ P per dim, with P[j, i] = 1 where src(j) == i
    Mirrors: torch.nn.functional.pad(mode="reflect" / "replicate" / "circular")
    """
    _raw = True

    @staticmethod
    def forward(ctx, x, sources):
        xp = get_array_module(x)
        y = x
        for axis, src in sources.items():
            y = xp.take(y, src, axis=axis)
        ctx.sources = sources
        ctx.in_shape = x.shape
        return y

    @staticmethod
    def backward(ctx, grad_output):
        xp = get_array_module(grad_output._data)
        g = grad_output
        for axis, src in ctx.sources.items():
            n_in = ctx.in_shape[axis]
            p = (src[:, None] == xp.arange(n_in)[None, :]).astype(g._data.dtype)
            g = (g.transpose(axis, -1) @ _const(p)).transpose(axis, -1)
        return g


def _pad_sources(xp, n, before, after, mode):
    """For one dim: which input index feeds each padded output position."""
    j = xp.arange(-before, n + after)
    if mode == "replicate":
        return xp.clip(j, 0, n - 1)
    if mode == "circular":
        return j % n
    period = 2 * (n - 1)
    j = xp.abs(j) % period if period else xp.zeros_like(j)
    return xp.where(j >= n, period - j, j)


def index_pad(x, pad, mode):
    """Reflect/replicate/circular pad of the last len(pad)//2 dims (torch's order)."""
    xp = get_array_module(x._data)
    k = len(pad) // 2
    name = {"reflect": "ReflectionPad", "replicate": "ReplicationPad",
            "circular": "CircularPad"}[mode]
    sources = {}
    for i in range(k):
        axis = x.ndim - 1 - i
        before, after = pad[2 * i], pad[2 * i + 1]
        n = x.shape[axis]
        if mode == "reflect" and (before >= n or after >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({before}, {after}) at dimension {axis} of "
                f"input {list(x.shape)}\nhint: reflect padding mirrors the input without "
                "repeating the edge, so each pad must be smaller than that dimension; "
                "use mode='replicate' or 'constant' for wider padding.")
        if mode == "circular" and (before > n or after > n):
            raise RuntimeError("Padding value causes wrapping around more than once."
                               f"\nhint: circular padding copies from the other end, "
                               f"so each pad must be at most the dimension's size {n}.")
        sources[axis] = _pad_sources(xp, n, before, after, mode)
    cls = _INDEX_PAD_CLASSES.get((name, k))
    if cls is None:
        cls = type(name + "Nd", (IndexPad,), {"node_name": f"{name}{k}DBackward0"})
        _INDEX_PAD_CLASSES[(name, k)] = cls
    return cls.apply(x, sources)


_INDEX_PAD_CLASSES = {}
