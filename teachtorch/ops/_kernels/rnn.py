"""Fast kernel: every layer and direction of an RNN / LSTM / GRU as one autograd node.

The readable version is ``rnn_reference`` in ``teachtorch/ops/rnn.py``; this node
computes the same numbers with the layer kernels of ``rnn_layer.py`` (one GEMM for
the inputs of all steps, one GEMM per step for the recurrence, a fused cell, backward
through time on arrays). Sequences are stored *packed*: rows of time step t are
data[off[t]:off[t]+bs[t]], the bs[t] sequences still running, longest first. A padded
batch is the case where every bs[t] equals the batch size; a sequence that has ended
keeps its hidden state, so h_n holds each sequence's state at its own length.
With ``create_graph=True`` the backward differentiates the reference instead.
"""
import numpy as np

from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels.rnn_layer import layer_backward, layer_forward
from teachtorch.ops._kernels.via_reference import reference_grads
from teachtorch.ops._kernels.workspace import WORKSPACE


def _to_packed(x, batch_first):
    """(T, B, I) or (B, T, I) -> packed rows (T*B, I) and batch sizes [B] * T."""
    xp = get_array_module(x)
    if batch_first:
        x = x.transpose(1, 0, 2)
    t, b = x.shape[:2]
    if not x.flags.c_contiguous:
        rows = WORKSPACE.empty(x.shape, x.dtype, xp)
        rows[...] = x
        x = rows
    return x.reshape(t * b, -1), np.full(t, b)


def _from_packed(rows, shape, batch_first):
    t, b = shape
    out = rows.reshape(t, b, -1)
    if batch_first:
        return get_array_module(rows).ascontiguousarray(out.transpose(1, 0, 2))
    return out


class RNNStack(Function):
    """Every layer and direction of an RNN / LSTM / GRU in one node.

    Math: see layer_forward / layer_backward in rnn_layer.py; layer l+1 reads layer
          l's outputs (both directions side by side), with dropout between layers in
          training
    Mirrors: torch._VF.lstm / gru / rnn_tanh / rnn_relu (what nn.LSTM etc. call)
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "RnnBackward0"

    @staticmethod
    def forward(ctx, x, hx, cx, *weights, mode, num_layers, bidirectional, has_bias,
                batch_sizes=None, batch_first=False, sorted_indices=None,
                dropout=0.0, training=False, generator=None):
        xp = get_array_module(x)
        ctx.set_materialize_grads(False)
        inputs = (x, hx, cx)
        packed = batch_sizes is not None
        if packed:
            data, bs = x, np.asarray(batch_sizes)
        else:
            data, bs = _to_packed(x, batch_first)
        if sorted_indices is not None:
            sorted_indices = xp.asarray(sorted_indices)
            hx = hx[:, sorted_indices]
            cx = cx[:, sorted_indices] if cx is not None else None
        dirs = 2 if bidirectional else 1
        per = 4 if has_bias else 2
        layer_in, h_n, c_n, saved, masks = data, [], [], [], []
        for layer in range(num_layers):
            outs = []
            for d in range(dirs):
                k = layer * dirs + d
                w = list(weights[k * per:(k + 1) * per]) + [None, None]
                out, h, c, s = layer_forward(
                    mode, layer_in, hx[k], cx[k] if cx is not None else None,
                    w[0], w[1], w[2], w[3], bs, reverse=d == 1)
                outs.append(out)
                h_n.append(h)
                c_n.append(c)
                saved.append(s)
            layer_out = xp.concatenate(outs, axis=1) if dirs == 2 else outs[0]
            mask = None
            if dropout > 0 and training and layer < num_layers - 1:
                from teachtorch import random

                keep = random.rng(generator).random(layer_out.shape) >= dropout
                mask = xp.asarray(keep.astype(layer_out.dtype) / (1 - dropout))
                layer_out = layer_out * mask
            masks.append(mask)
            layer_in = layer_out
        h_n = xp.stack(h_n)
        c_n = xp.stack(c_n) if cx is not None else None
        ctx.state = dict(mode=mode, num_layers=num_layers, dirs=dirs, per=per, bs=bs,
                         saved=saved, masks=masks, packed=packed,
                         batch_first=batch_first,
                         shape=None if packed else (len(bs), int(bs[0])),
                         sorted_indices=sorted_indices, has_bias=has_bias)
        ctx.save_for_backward(*inputs, *weights)
        if sorted_indices is not None:
            unsorted = xp.argsort(sorted_indices)
            h_n = h_n[:, unsorted]
            c_n = c_n[:, unsorted] if c_n is not None else None
        out = layer_in if packed else _from_packed(layer_in, ctx.state["shape"],
                                                   batch_first)
        return out, h_n, c_n

    @staticmethod
    def backward(ctx, g_out, g_hn, g_cn):
        if grad_mode.is_grad_enabled():     # create_graph: differentiate the reference
            return _reference_backward(ctx, g_out, g_hn, g_cn)
        st = ctx.state
        weights = [w._data for w in ctx.saved_tensors[3:]]
        saved, dirs, per, bs = st["saved"], st["dirs"], st["per"], st["bs"]
        x0 = saved[0][0]
        xp = get_array_module(x0)
        hidden = weights[1].shape[1]
        n_states, batch = st["num_layers"] * dirs, int(bs[0])
        lstm = st["mode"] == "LSTM"

        def state_grad(g):           # a fresh copy: layer_backward updates it in place
            if g is None:
                return xp.zeros((n_states, batch, hidden), x0.dtype)
            g = g._data
            return g[:, st["sorted_indices"]] if st["sorted_indices"] is not None \
                else g.copy()
        g_hn = state_grad(g_hn)
        g_cn = state_grad(g_cn) if lstm else None
        if g_out is None:
            d_layer = xp.zeros((x0.shape[0], dirs * hidden), x0.dtype)
        elif st["packed"]:
            d_layer = g_out._data
        else:
            d_layer = _to_packed(g_out._data, st["batch_first"])[0]
        need_h0 = ctx.needs_input_grad[1]
        g_weights = [None] * len(weights)
        g_h0, g_c0 = xp.empty_like(g_hn), xp.empty_like(g_hn) if lstm else None
        for layer in reversed(range(st["num_layers"])):
            if st["masks"][layer] is not None:
                d_layer = d_layer * st["masks"][layer]
            d_in = None
            for d in range(dirs):
                k = layer * dirs + d
                w_ih, w_hh = weights[k * per], weights[k * per + 1]
                dx, dh, dc, grads = layer_backward(
                    st["mode"], saved[k], d_layer[:, d * hidden:(d + 1) * hidden],
                    g_hn[k], g_cn[k] if lstm else None, w_ih, w_hh, bs, d == 1,
                    st["has_bias"], need_dx=layer > 0 or ctx.needs_input_grad[0],
                    need_dh0=need_h0)
                if dx is not None:
                    d_in = dx if d_in is None else d_in + dx
                if dh is not None:
                    g_h0[k] = dh
                if lstm:
                    g_c0[k] = dc
                names = ("w_ih", "w_hh", "b_ih", "b_hh")[:per]
                for j, name in enumerate(names):
                    g_weights[k * per + j] = _wrap(grads[name])
            d_layer = d_in
        if not need_h0:
            g_h0 = None
        if st["sorted_indices"] is not None:
            unsorted = xp.argsort(st["sorted_indices"])
            g_h0 = g_h0[:, unsorted] if need_h0 else None
            g_c0 = g_c0[:, unsorted] if lstm else None
        if d_layer is None:          # the input needs no gradient
            gx = None
        else:
            gx = _wrap(d_layer if st["packed"] else _from_packed(d_layer, st["shape"],
                                                                 st["batch_first"]))
        return gx, _wrap(g_h0), _wrap(g_c0), *g_weights


def _wrap(array):
    from teachtorch.tensor import Tensor

    if array is None:
        return None
    return Tensor._make(get_array_module(array).ascontiguousarray(array))


def _reference_backward(ctx, g_out, g_hn, g_cn):
    """The gradients as a graph: rnn_reference run again, with the same dropout."""
    from teachtorch.ops.rnn import rnn_reference

    st = ctx.state
    x, hx, cx, *weights = ctx.saved_tensors
    masks = [None if m is None else _wrap(m) for m in st["masks"]]
    order = _wrap(st["sorted_indices"])

    def reference(x, hx, cx, *weights):
        return rnn_reference(
            st["mode"], x, hx, cx, weights, st["num_layers"], st["dirs"] == 2,
            st["has_bias"], batch_sizes=st["bs"] if st["packed"] else None,
            batch_first=st["batch_first"], sorted_indices=order,
            masks=masks)
    return tuple(reference_grads(reference, (x, hx, cx, *weights),
                                 (g_out, g_hn, g_cn), ctx.needs_input_grad))
