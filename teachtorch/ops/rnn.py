"""Recurrent layers as fused kernels: RNN (tanh/relu), LSTM and GRU, all layers at once.

One ``RNNStack`` node runs every layer and direction. Per layer and direction:
  * the input projection x @ W_ih.T for *all* time steps is one GEMM,
  * each time step is one GEMM (h @ W_hh.T) plus a fused element-wise cell,
  * backward walks the steps in reverse with one GEMM per step (dh @ W_hh), then
    gets dW_ih, dW_hh and dx as three whole-sequence GEMMs.
Sequences are stored *packed*: rows of time step t are data[off[t]:off[t]+bs[t]], the
bs[t] sequences still running, longest first. A padded batch is the case where every
bs[t] equals the batch size; a sequence that has ended keeps its hidden state, so
h_n holds each sequence's state at its own length.
Chapter 12 (RNN basics) and chapter 13 (names classifier, GRU) open this file.
"""
import numpy as np

from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def sigmoid(x):
    """1 / (1 + e^-x), written with tanh so that it never overflows."""
    return 0.5 * (np.tanh(0.5 * x) + 1)


def _steps(batch_sizes, reverse):
    """(t, first row, number of rows) for each time step, in processing order."""
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]])
    order = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
    return [(int(offsets[t]), int(batch_sizes[t])) for t in order]


# ----- one layer, one direction: forward ----------------------------------------------
def layer_forward(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, batch_sizes, reverse):
    """Run one direction of one layer over packed rows x (N_total, I).

    Math (LSTM): i,f,g,o = sig, sig, tanh, sig of (x W_ih^T + b_ih + h W_hh^T + b_hh)
                 c' = f*c + i*g;  h' = o*tanh(c')
         (GRU):  r,z = sig(x W_ir^T + b_ir + h W_hr^T + b_hr), same for z
                 n = tanh(x W_in^T + b_in + r*(h W_hn^T + b_hn));  h' = (1-z)*n + z*h
         (RNN):  h' = tanh or relu(x W_ih^T + b_ih + h W_hh^T + b_hh)
    Returns the output rows (N_total, H), h_n, c_n and what backward needs.
    """
    hidden = w_hh.shape[1]
    proj = x @ w_ih.T                         # all time steps: one GEMM
    if b_ih is not None:
        proj += b_ih
        if mode != "GRU":
            proj += b_hh
    w_hh_t = np.ascontiguousarray(w_hh.T)
    h = h0.copy()
    c = c0.copy() if c0 is not None else None
    out = np.empty((x.shape[0], hidden), x.dtype)
    h_prev = np.empty_like(out)
    acts = np.empty((x.shape[0], w_hh.shape[0]), x.dtype)
    extra = np.empty_like(out) if mode in ("LSTM", "GRU") else None  # tanh(c) / W_hn h
    c_prev = np.empty_like(out) if mode == "LSTM" else None
    for start, n in _steps(batch_sizes, reverse):
        rows = slice(start, start + n)
        hp = h[:n]
        h_prev[rows] = hp
        gates = hp @ w_hh_t                   # the recurrence: one GEMM per step
        if mode == "LSTM":
            gates += proj[rows]
            a = acts[rows]
            a[:, :2 * hidden] = sigmoid(gates[:, :2 * hidden])
            a[:, 2 * hidden:3 * hidden] = np.tanh(gates[:, 2 * hidden:3 * hidden])
            a[:, 3 * hidden:] = sigmoid(gates[:, 3 * hidden:])
            i, f, g, o = (a[:, k * hidden:(k + 1) * hidden] for k in range(4))
            c_prev[rows] = c[:n]
            c[:n] = f * c[:n] + i * g
            tc = np.tanh(c[:n])
            extra[rows] = tc
            h[:n] = o * tc
        elif mode == "GRU":
            if b_hh is not None:
                gates += b_hh
            px = proj[rows]
            a = acts[rows]
            a[:, :2 * hidden] = sigmoid(px[:, :2 * hidden] + gates[:, :2 * hidden])
            r, z = a[:, :hidden], a[:, hidden:2 * hidden]
            hn = gates[:, 2 * hidden:]
            extra[rows] = hn
            a[:, 2 * hidden:] = np.tanh(px[:, 2 * hidden:] + r * hn)
            h[:n] = a[:, 2 * hidden:] + z * (hp - a[:, 2 * hidden:])
        else:
            gates += proj[rows]
            acts[rows] = np.tanh(gates) if mode == "RNN_TANH" else np.maximum(gates, 0)
            h[:n] = acts[rows]
        out[rows] = h[:n]
    saved = (x, h_prev, c_prev, acts, extra)
    return out, h, c, saved


# ----- one layer, one direction: backward ---------------------------------------------
def layer_backward(mode, saved, d_out, dh, dc, w_ih, w_hh, batch_sizes, reverse,
                   has_bias):
    """Backpropagate through time; returns dx rows, dh0, dc0 and the weight grads.

    Math: walk the steps in reverse; at each step the gate gradients dG follow from the
          chain rule through the cell, and dh_prev = dG_h @ W_hh. Then
          dW_ih = dG_x^T @ x,  dW_hh = dG_h^T @ h_prev,  dx = dG_x @ W_ih (whole GEMMs)
    """
    x, h_prev, c_prev, acts, extra = saved
    hidden = w_hh.shape[1]
    d_gx = np.empty_like(acts)                 # gradient at the gate pre-activations
    d_gh = np.empty_like(acts) if mode == "GRU" else d_gx
    for start, n in reversed(_steps(batch_sizes, reverse)):
        rows = slice(start, start + n)
        g_h = dh[:n] + d_out[rows]
        a = acts[rows]
        if mode == "LSTM":
            i, f, g, o = (a[:, k * hidden:(k + 1) * hidden] for k in range(4))
            tc = extra[rows]
            g_c = dc[:n] + g_h * o * (1 - tc * tc)
            dg = d_gx[rows]
            dg[:, :hidden] = g_c * g * i * (1 - i)
            dg[:, hidden:2 * hidden] = g_c * c_prev[rows] * f * (1 - f)
            dg[:, 2 * hidden:3 * hidden] = g_c * i * (1 - g * g)
            dg[:, 3 * hidden:] = g_h * tc * o * (1 - o)
            dc[:n] = g_c * f
            dh[:n] = dg @ w_hh
        elif mode == "GRU":
            r, z, nn = a[:, :hidden], a[:, hidden:2 * hidden], a[:, 2 * hidden:]
            dn = g_h * (1 - z) * (1 - nn * nn)
            dgx, dgh = d_gx[rows], d_gh[rows]
            dgx[:, :hidden] = dn * extra[rows] * r * (1 - r)
            dgx[:, hidden:2 * hidden] = g_h * (h_prev[rows] - nn) * z * (1 - z)
            dgx[:, 2 * hidden:] = dn
            dgh[:, :2 * hidden] = dgx[:, :2 * hidden]
            dgh[:, 2 * hidden:] = dn * r
            dh[:n] = g_h * z + dgh @ w_hh
        else:
            d = g_h * (1 - a * a) if mode == "RNN_TANH" else g_h * (a > 0)
            d_gx[rows] = d
            dh[:n] = d @ w_hh
    grads = {"w_ih": d_gx.T @ x, "w_hh": d_gh.T @ h_prev}
    if has_bias:
        grads["b_ih"] = d_gx.sum(axis=0)
        grads["b_hh"] = d_gh.sum(axis=0)
    return d_gx @ w_ih, dh, dc, grads


# ----- the whole stack as one autograd node --------------------------------------------
def _to_packed(x, batch_first):
    """(T, B, I) or (B, T, I) -> packed rows (T*B, I) and batch sizes [B] * T."""
    if batch_first:
        x = x.transpose(1, 0, 2)
    t, b = x.shape[:2]
    return np.ascontiguousarray(x).reshape(t * b, -1), np.full(t, b)


def _from_packed(rows, shape, batch_first):
    t, b = shape
    out = rows.reshape(t, b, -1)
    return np.ascontiguousarray(out.transpose(1, 0, 2)) if batch_first else out


class RNNStack(Function):
    """Every layer and direction of an RNN / LSTM / GRU in one node.

    Math: see layer_forward / layer_backward; layer l+1 reads layer l's outputs
          (both directions side by side), with dropout between layers in training
    Mirrors: torch._VF.lstm / gru / rnn_tanh / rnn_relu (what nn.LSTM etc. call)
    """
    _raw = True
    n_tensor_slots = 3
    node_name = "RnnBackward0"

    @staticmethod
    def forward(ctx, x, hx, cx, *weights, mode, num_layers, bidirectional, has_bias,
                batch_sizes=None, batch_first=False, sorted_indices=None,
                dropout=0.0, training=False, generator=None):
        ctx.set_materialize_grads(False)
        packed = batch_sizes is not None
        if packed:
            data, bs = x, np.asarray(batch_sizes)
        else:
            data, bs = _to_packed(x, batch_first)
        if sorted_indices is not None:
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
            layer_out = np.concatenate(outs, axis=1) if dirs == 2 else outs[0]
            mask = None
            if dropout > 0 and training and layer < num_layers - 1:
                from teachtorch import random

                keep = random.rng(generator).random(layer_out.shape) >= dropout
                mask = keep.astype(layer_out.dtype) / (1 - dropout)
                layer_out = layer_out * mask
            masks.append(mask)
            layer_in = layer_out
        h_n = np.stack(h_n)
        c_n = np.stack(c_n) if cx is not None else None
        ctx.state = dict(mode=mode, num_layers=num_layers, dirs=dirs, per=per, bs=bs,
                         saved=saved, masks=masks, packed=packed, batch_first=batch_first,
                         shape=None if packed else (len(bs), int(bs[0])),
                         sorted_indices=sorted_indices, has_bias=has_bias)
        ctx.save_for_backward(*weights)
        if sorted_indices is not None:
            unsorted = np.argsort(sorted_indices)
            h_n = h_n[:, unsorted]
            c_n = c_n[:, unsorted] if c_n is not None else None
        out = layer_in if packed else _from_packed(layer_in, ctx.state["shape"],
                                                   batch_first)
        return out, h_n, c_n

    @staticmethod
    def backward(ctx, g_out, g_hn, g_cn):
        if grad_mode.is_grad_enabled():
            raise RuntimeError("double backward through RNN/LSTM/GRU is not implemented "
                               "in teachtorch\nhint: call backward() without "
                               "create_graph=True for recurrent models.")
        st = ctx.state
        weights = [w._data for w in ctx.saved_tensors]
        saved, dirs, per, bs = st["saved"], st["dirs"], st["per"], st["bs"]
        x0 = saved[0][0]
        hidden = weights[1].shape[1]
        n_states, batch = st["num_layers"] * dirs, int(bs[0])
        zeros = np.zeros((n_states, batch, hidden), x0.dtype)
        g_hn = zeros.copy() if g_hn is None else g_hn._data.copy()
        lstm = st["mode"] == "LSTM"
        g_cn = (zeros.copy() if g_cn is None else g_cn._data.copy()) if lstm else None
        if st["sorted_indices"] is not None:
            g_hn = g_hn[:, st["sorted_indices"]]
            g_cn = g_cn[:, st["sorted_indices"]] if lstm else None
        if g_out is None:
            d_layer = np.zeros((x0.shape[0], dirs * hidden), x0.dtype)
        elif st["packed"]:
            d_layer = g_out._data
        else:
            d_layer = _to_packed(g_out._data, st["batch_first"])[0]
        g_weights = [None] * len(weights)
        g_h0, g_c0 = np.empty_like(g_hn), np.empty_like(g_hn) if lstm else None
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
                    st["has_bias"])
                d_in = dx if d_in is None else d_in + dx
                g_h0[k] = dh
                if lstm:
                    g_c0[k] = dc
                names = ("w_ih", "w_hh", "b_ih", "b_hh")[:per]
                for j, name in enumerate(names):
                    g_weights[k * per + j] = _wrap(grads[name])
            d_layer = d_in
        if st["sorted_indices"] is not None:
            unsorted = np.argsort(st["sorted_indices"])
            g_h0 = g_h0[:, unsorted]
            g_c0 = g_c0[:, unsorted] if lstm else None
        gx = d_layer if st["packed"] else _from_packed(d_layer, st["shape"],
                                                       st["batch_first"])
        return (_wrap(gx), _wrap(g_h0), _wrap(g_c0) if lstm else None, *g_weights)


def _wrap(array):
    from teachtorch.tensor import Tensor

    return Tensor._make(np.ascontiguousarray(array))


def rnn_stack(mode, input, hx, cx, weights, num_layers, bidirectional, has_bias,
              batch_sizes=None, batch_first=False, sorted_indices=None, dropout=0.0,
              training=False):
    """Run RNNStack; returns (output, h_n, c_n) with c_n None except for LSTM."""
    return RNNStack.apply(input, hx, cx, *weights, mode=mode, num_layers=num_layers,
                          bidirectional=bidirectional, has_bias=has_bias,
                          batch_sizes=batch_sizes, batch_first=batch_first,
                          sorted_indices=sorted_indices, dropout=dropout,
                          training=training)
