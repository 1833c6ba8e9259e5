"""Kernels behind nn layers: embedding lookup and padding.

Each forward is one vectorised NumPy pass (the normalisation layers are in
ops/normalization.py).
Chapter 10 (CNN basics: padding) and chapter 13 (embeddings) open this file.
"""

from teachtorch import _errors
from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels.via_reference import reference_grads
from teachtorch.ops._util import make as _const  # a tensor outside the graph
from teachtorch.tensor import Tensor


def embedding_reference(weight, indices, padding_idx=None, scale_grad_by_freq=False):
    """Row lookup as plain indexing: out[...] = weight[indices[...]] (indices a Tensor).

    Math: y = W[i];  dL/dW[k] = sum of dL/dy over positions where i == k, divided by
          how often k occurs (scale_grad_by_freq); the padding_idx row gets none
    """
    rows = weight[indices]
    if padding_idx is None and not scale_grad_by_freq:
        return rows
    xp = get_array_module(indices._data)
    flat = indices._data.reshape(-1)
    slope = xp.ones(flat.shape, rows._data.dtype)
    if scale_grad_by_freq:
        slope = slope / xp.bincount(flat, minlength=weight.shape[0])[flat]
    if padding_idx is not None:
        slope = slope * (flat != padding_idx)
    slope = _const(slope.astype(rows._data.dtype).reshape(tuple(indices.shape) + (1,)))
    # the same values (rows - rows.detach() is exactly 0); only the slope changes
    return rows.detach() + (rows - rows.detach()) * slope


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
        if grad_mode.is_grad_enabled():     # create_graph: differentiate the reference
            # the lookup is linear in the weight: any weight gives the same gradient
            stand_in = Tensor._make(xp.zeros(shape, grad_output._data.dtype),
                                    requires_grad=True)
            return reference_grads(
                lambda w: embedding_reference(w, _const(indices), padding_idx,
                                              by_freq), (stand_in,), (grad_output,),
                ctx.needs_input_grad)[0]
        flat = indices.reshape(-1)
        g2 = grad_output.reshape(-1, shape[1])
        # scale_grad_by_freq: each position's gradient / how often its index occurs
        scale = 1.0 / xp.bincount(flat, minlength=shape[0])[flat] if by_freq else None
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
                _errors.hint("Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({before}, {after}) at dimension {axis} of "
                f"input {list(x.shape)}", "reflect padding mirrors the input without "
                "repeating the edge, so each pad must be smaller than that dimension; "
                "use mode='replicate' or 'constant' for wider padding."))
        if mode == "circular" and (before > n or after > n):
            raise RuntimeError(_errors.hint("Padding value causes wrapping around more than once.", "circular padding copies from the other end, "
                               f"so each pad must be at most the dimension's size {n}."))
        sources[axis] = _pad_sources(xp, n, before, after, mode)
    cls = _INDEX_PAD_CLASSES.get((name, k))
    if cls is None:
        cls = type(name + "Nd", (IndexPad,), {"node_name": f"{name}{k}DBackward0"})
        _INDEX_PAD_CLASSES[(name, k)] = cls
    return cls.apply(x, sources)


_INDEX_PAD_CLASSES = {}
