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


def _sigmoid_scale(mode, hidden, dtype):
    """Per gate row: 0.5 where the gate is a sigmoid, 1 where it is a tanh.

    sigmoid(x) = (tanh(x/2) + 1) / 2, so with pre-activations scaled by s one tanh
    over all gates gives every activation as a = s*t + (1 - s): no overflow, and one
    pass instead of one per gate. (LSTM: i, f, o sigmoid, g tanh; GRU: r, z sigmoid.)
    """
    if mode == "LSTM":
        s = np.array([0.5, 0.5, 1.0, 0.5], dtype)
    elif mode == "GRU":
        s = np.array([0.5, 0.5, 1.0], dtype)
    else:
        s = np.ones(1, dtype)
    return np.repeat(s, hidden)


def _steps(batch_sizes, reverse):
    """(first row, number of rows) for each time step, in processing order."""
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
    scale = _sigmoid_scale(mode, hidden, x.dtype)
    proj = x @ w_ih.T                         # all time steps: one GEMM
    if b_ih is not None:
        proj += b_ih
        if mode != "GRU":
            proj += b_hh
    proj *= scale
    w_hh_t = np.ascontiguousarray((w_hh * scale[:, None]).T)
    b_hh_scaled = b_hh * scale if (mode == "GRU" and b_hh is not None) else None
    h = h0.copy()
    c = c0.copy() if c0 is not None else None
    out = np.empty((x.shape[0], hidden), x.dtype)
    h_prev = np.empty_like(out)
    acts = np.empty((x.shape[0], w_hh.shape[0]), x.dtype)
    extra = np.empty_like(out) if mode in ("LSTM", "GRU") else None  # tanh(c) / W_hn h
    c_prev = np.empty_like(out) if mode == "LSTM" else None
    one_minus_scale = 1 - scale
    for start, n in _steps(batch_sizes, reverse):
        rows = slice(start, start + n)
        hp = h[:n]
        h_prev[rows] = hp
        gates = hp @ w_hh_t                   # the recurrence: one GEMM per step
        a = acts[rows]
        if mode == "LSTM":
            gates += proj[rows]
            np.tanh(gates, out=gates)
            np.multiply(gates, scale, out=a)
            a += one_minus_scale              # i, f, g, o activations
            i, f, g, o = (a[:, k * hidden:(k + 1) * hidden] for k in range(4))
            c_prev[rows] = c[:n]
            c[:n] *= f
            c[:n] += i * g
            np.tanh(c[:n], out=extra[rows])
            np.multiply(o, extra[rows], out=h[:n])
        elif mode == "GRU":
            if b_hh_scaled is not None:
                gates += b_hh_scaled
            extra[rows] = gates[:, 2 * hidden:]                 # W_hn h + b_hn
            rz = a[:, :2 * hidden]
            np.add(proj[rows, :2 * hidden], gates[:, :2 * hidden], out=rz)
            np.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5                                           # r, z activations
            nn = a[:, 2 * hidden:]
            np.multiply(a[:, :hidden], gates[:, 2 * hidden:], out=nn)
            nn += proj[rows, 2 * hidden:]
            np.tanh(nn, out=nn)
            np.subtract(hp, nn, out=h[:n])                      # h' = n + z*(h - n)
            h[:n] *= a[:, hidden:2 * hidden]
            h[:n] += nn
        else:
            gates += proj[rows]
            if mode == "RNN_TANH":
                np.tanh(gates, out=a)
            else:
                np.maximum(gates, 0, out=a)
            h[:n] = a
        out[rows] = h[:n]
    saved = (x, h_prev, c_prev, acts, extra)
    return out, h, c, saved


# ----- one layer, one direction: backward ---------------------------------------------
def _step_factors(mode, saved, hidden):
    """Everything backward needs at every step that does not depend on the incoming
    gradient, computed for all steps at once (whole-array NumPy, no loop)."""
    x, h_prev, c_prev, acts, extra = saved
    if mode == "LSTM":
        i, f, g, o = (acts[:, k * hidden:(k + 1) * hidden] for k in range(4))
        slope = acts * (1 - acts)                              # sigmoid'
        slope[:, 2 * hidden:3 * hidden] = 1 - g * g            # tanh'
        # d(pre-activation) = [g_c*g, g_c*c_prev, g_c*i, g_h*tanh(c)] * slope
        mult = np.concatenate([g, c_prev, i, extra], axis=1)
        mult *= slope
        return dict(mult=mult, h_to_c=o * (1 - extra * extra), f=f)
    if mode == "GRU":
        r, z, nn = (acts[:, k * hidden:(k + 1) * hidden] for k in range(3))
        return dict(to_n=(1 - z) * (1 - nn * nn),              # dh -> d n-pre
                    n_to_r=extra * r * (1 - r),                # d n-pre -> d r-pre
                    to_z=(h_prev - nn) * z * (1 - z), r=r, z=z)
    return dict(slope=1 - acts * acts if mode == "RNN_TANH" else
                (acts > 0).astype(acts.dtype))


def layer_backward(mode, saved, d_out, dh, dc, w_ih, w_hh, batch_sizes, reverse,
                   has_bias, need_dx=True):
    """Backpropagate through time; returns dx rows, dh0, dc0 and the weight grads.

    Math: walk the steps in reverse; at each step the gate gradients dG follow from the
          chain rule through the cell, and dh_prev = dG_h @ W_hh. Then
          dW_ih = dG_x^T @ x,  dW_hh = dG_h^T @ h_prev,  dx = dG_x @ W_ih (whole GEMMs)
    """
    x, h_prev = saved[0], saved[1]
    hidden = w_hh.shape[1]
    k = _step_factors(mode, saved, hidden)
    d_gx = np.empty((x.shape[0], w_hh.shape[0]), x.dtype)  # d gate pre-activations
    d_gh = np.empty_like(d_gx) if mode == "GRU" else d_gx
    for start, n in reversed(_steps(batch_sizes, reverse)):
        rows = slice(start, start + n)
        g_h = dh[:n] + d_out[rows]
        if mode == "LSTM":
            g_c = dc[:n]
            g_c += g_h * k["h_to_c"][rows]
            dg = d_gx[rows]
            np.multiply(g_c[:, None, :], k["mult"][rows, :3 * hidden].reshape(n, 3, -1),
                        out=dg[:, :3 * hidden].reshape(n, 3, hidden))
            np.multiply(g_h, k["mult"][rows, 3 * hidden:], out=dg[:, 3 * hidden:])
            g_c *= k["f"][rows]                                 # dc_prev
            np.matmul(dg, w_hh, out=dh[:n])
        elif mode == "GRU":
            dn = d_gx[rows, 2 * hidden:]
            np.multiply(g_h, k["to_n"][rows], out=dn)
            dg = d_gh[rows]
            np.multiply(dn, k["n_to_r"][rows], out=dg[:, :hidden])
            np.multiply(g_h, k["to_z"][rows], out=dg[:, hidden:2 * hidden])
            np.multiply(dn, k["r"][rows], out=dg[:, 2 * hidden:])
            g_h *= k["z"][rows]
            np.matmul(dg, w_hh, out=dh[:n])
            dh[:n] += g_h
        else:
            dg = d_gx[rows]
            np.multiply(g_h, k["slope"][rows], out=dg)
            np.matmul(dg, w_hh, out=dh[:n])
    if mode == "GRU":
        d_gx[:, :2 * hidden] = d_gh[:, :2 * hidden]
    grads = {"w_ih": d_gx.T @ x, "w_hh": d_gh.T @ h_prev}
    if has_bias:
        grads["b_ih"] = d_gx.sum(axis=0)
        grads["b_hh"] = d_gh.sum(axis=0)
    return (d_gx @ w_ih if need_dx else None), dh, dc, grads


# ----- the whole stack as one autograd node ------------------------------------------
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
                         saved=saved, masks=masks, packed=packed,
                         batch_first=batch_first,
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
            raise RuntimeError("double backward through RNN/LSTM/GRU is not "
                               "implemented in teachtorch\nhint: call backward() "
                               "without create_graph=True for recurrent models.")
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
                    st["has_bias"], need_dx=layer > 0 or ctx.needs_input_grad[0])
                if dx is not None:
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
        if d_layer is None:          # the input needs no gradient
            gx = None
        else:
            gx = _wrap(d_layer if st["packed"] else _from_packed(d_layer, st["shape"],
                                                                 st["batch_first"]))
        return (gx, _wrap(g_h0), _wrap(g_c0) if lstm else None, *g_weights)


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
