"""Fast kernel: one recurrent layer in one direction, forward and backward in time.

The readable version is ``teachtorch/ops/rnn.py`` (a loop over the cell equations);
this one computes the same numbers with batched GEMMs and in-place array work.

Per layer and direction:
  * the input projection x @ W_ih.T for *all* time steps is one (batched) GEMM,
  * each time step is one GEMM (h @ W_hh.T) plus a fused element-wise cell,
  * backward walks the steps in reverse with one GEMM per step (dG @ W_hh), then
    gets dW_ih, dW_hh and dx as whole-sequence GEMMs after the loop.
Rows are *packed*: rows of time step t are x[off[t]:off[t]+bs[t]], the bs[t] sequences
still running, longest first (a padded batch has every bs[t] equal to the batch).

Layout: gate-major. The stacked weight (K*H, I) of PyTorch (K gates: LSTM i, f, g, o;
GRU r, z, n) is viewed as K blocks (K, H, I), and gate values are kept as (K, rows,
H), so each gate of a time step, acts[k, rows], is one contiguous block: the cell's
element-wise work runs on whole blocks, never on column slices of a wide matrix.
Every array stays float32 (no float64 anywhere), and the big ones come from
``WORKSPACE`` (workspace.py) so that a training loop reuses them.
The same code runs on NumPy and CuPy: ``xp`` is the array module of the input.
"""
import numpy as np

from teachtorch._backend import get_array_module
from teachtorch.ops._kernels.workspace import WORKSPACE


def _gate_scale(mode, xp, dtype):
    """Per gate, shape (K, 1, 1): 0.5 where the gate is a sigmoid, 1 where a tanh.

    sigmoid(x) = (tanh(x/2) + 1) / 2, so with pre-activations scaled by s one tanh
    over all gates gives every activation as a = s*t + (1 - s): no overflow, and one
    pass instead of one per gate. (LSTM: i, f, o sigmoid, g tanh; GRU: r, z sigmoid.)
    The scale is folded into the weights, so the GEMMs produce scaled values directly.
    """
    per_gate = {"LSTM": [0.5, 0.5, 1.0, 0.5], "GRU": [0.5, 0.5, 1.0]}.get(mode, [1.0])
    return xp.asarray(per_gate, dtype=dtype).reshape(-1, 1, 1)


def _steps(batch_sizes, reverse):
    """(first row, number of rows) for each time step, in processing order."""
    offsets = np.concatenate([[0], np.cumsum(batch_sizes)[:-1]])
    order = range(len(batch_sizes) - 1, -1, -1) if reverse else range(len(batch_sizes))
    return [(int(offsets[t]), int(batch_sizes[t])) for t in order]


def _blocks(buffer, n_gates, n, hidden):
    """The first n rows of every gate as one contiguous (K, n, H) array."""
    return buffer[:n_gates * n * hidden].reshape(n_gates, n, hidden)


# ----- forward ------------------------------------------------------------------------
def layer_forward(mode, x, h0, c0, w_ih, w_hh, b_ih, b_hh, batch_sizes, reverse):
    """Run one direction of one layer over packed rows x (N, I).

    Math (LSTM): i,f,g,o = sig, sig, tanh, sig of (x W_ih^T + b_ih + h W_hh^T + b_hh)
                 c' = f*c + i*g;  h' = o*tanh(c')
         (GRU):  r,z = sig(x W_ir^T + b_ir + h W_hr^T + b_hr), same for z
                 n = tanh(x W_in^T + b_in + r*(h W_hn^T + b_hn));  h' = (1-z)*n + z*h
         (RNN):  h' = tanh or relu(x W_ih^T + b_ih + h W_hh^T + b_hh)
    Returns the output rows (N, H), h_n, c_n and what backward needs.
    """
    xp = get_array_module(x)
    rows_total, dtype = x.shape[0], x.dtype
    hidden, batch = w_hh.shape[1], h0.shape[0]
    n_gates = {"LSTM": 4, "GRU": 3}.get(mode, 1)
    scale = _gate_scale(mode, xp, dtype)
    w_ih_t = (w_ih.reshape(n_gates, hidden, -1) * scale).transpose(0, 2, 1)  # (K, I, H)
    w_hh_t = xp.ascontiguousarray(
        (w_hh.reshape(n_gates, hidden, hidden) * scale).transpose(0, 2, 1))
    # acts[k] starts as gate k's scaled input projection for every step; each step
    # turns its rows into the gate's activations in place
    acts = WORKSPACE.empty((n_gates, rows_total, hidden), dtype, xp)
    xp.matmul(x, w_ih_t, out=acts)            # all time steps, all gates: one GEMM call
    b_hn = None
    if b_ih is not None:
        bias = (b_ih + b_hh).reshape(n_gates, 1, hidden)
        if mode == "GRU":                      # b_hn stays inside r * (W_hn h + b_hn)
            bias[2] = b_ih[2 * hidden:]
            b_hn = b_hh[2 * hidden:]
        acts += bias * scale
    h = h0.copy()
    c = c0.copy() if c0 is not None else None
    gates = WORKSPACE.empty((n_gates * batch * hidden,), dtype, xp)  # h W_hh^T, a step
    tmp = WORKSPACE.empty(h.shape, dtype, xp)
    out = WORKSPACE.empty((rows_total, hidden), dtype, xp)
    h_prev = WORKSPACE.empty((rows_total, hidden), dtype, xp)
    extra = c_prev = None
    if mode in ("LSTM", "GRU"):                # LSTM: tanh(c'); GRU: W_hn h + b_hn
        extra = WORKSPACE.empty((rows_total, hidden), dtype, xp)
    if mode == "LSTM":
        c_prev = WORKSPACE.empty((rows_total, hidden), dtype, xp)
        shift = 1 - scale
    h0_is_zero = not h0.any()                  # the usual case: no initial state given
    for s, (start, n) in enumerate(_steps(batch_sizes, reverse)):
        rows = slice(start, start + n)
        hp, a, g = h[:n], acts[:, rows], _blocks(gates, n_gates, n, hidden)
        h_prev[rows] = hp
        if s == 0 and h0_is_zero:
            g[...] = 0                          # 0 @ W_hh^T: no GEMM needed
        else:
            xp.matmul(hp, w_hh_t, out=g)       # the recurrence: one GEMM per step
        if mode == "LSTM":
            a += g
            xp.tanh(a, out=a)
            a *= scale
            a += shift                          # i, f, g, o activations
            i, f, gg, o = a
            c_prev[rows] = c[:n]
            c[:n] *= f
            xp.multiply(i, gg, out=tmp[:n])
            c[:n] += tmp[:n]
            xp.tanh(c[:n], out=extra[rows])
            xp.multiply(o, extra[rows], out=h[:n])
        elif mode == "GRU":
            r, z, nn = a
            hn = g[2]
            if b_hn is not None:
                hn += b_hn
            extra[rows] = hn                    # W_hn h + b_hn
            rz = a[:2]
            rz += g[:2]
            xp.tanh(rz, out=rz)
            rz *= 0.5
            rz += 0.5                           # r, z activations
            xp.multiply(r, hn, out=tmp[:n])
            nn += tmp[:n]
            xp.tanh(nn, out=nn)
            xp.subtract(hp, nn, out=h[:n])      # h' = n + z*(h - n)
            h[:n] *= z
            h[:n] += nn
        else:
            a += g
            if mode == "RNN_TANH":
                xp.tanh(a, out=a)
            else:
                xp.maximum(a, 0, out=a)
            h[:n] = a[0]
        out[rows] = h[:n]
    saved = (x, h_prev, c_prev, acts, extra, h0_is_zero)
    return out, h, c, saved


# ----- backward -----------------------------------------------------------------------
def _step_factors(mode, saved, xp):
    """Everything backward needs at every step that does not depend on the incoming
    gradient, computed for all steps at once (whole arrays, no loop)."""
    _, h_prev, c_prev, acts, extra, _ = saved
    shape, dtype = h_prev.shape, h_prev.dtype
    if mode == "LSTM":
        i, f, g, o = acts
        # d(pre-activation) = [g_c*g, g_c*c_prev, g_c*i, g_h*tanh(c')] * slope
        mult = WORKSPACE.empty(acts.shape, dtype, xp)
        xp.subtract(1, acts, out=mult)
        mult *= acts                            # sigmoid' = a(1 - a) ...
        xp.multiply(g, g, out=mult[2])
        xp.subtract(1, mult[2], out=mult[2])    # ... but tanh' = 1 - g^2 for g
        mult[0] *= g
        mult[1] *= c_prev
        mult[2] *= i
        mult[3] *= extra
        h_to_c = WORKSPACE.empty(shape, dtype, xp)  # dh -> dc: o * (1 - tanh(c')^2)
        xp.multiply(extra, extra, out=h_to_c)
        xp.subtract(1, h_to_c, out=h_to_c)
        h_to_c *= o
        return {"mult": mult, "h_to_c": h_to_c, "f": f}
    if mode == "GRU":
        r, z, nn = acts
        one_minus_z = WORKSPACE.empty(shape, dtype, xp)
        xp.subtract(1, z, out=one_minus_z)
        to_n = WORKSPACE.empty(shape, dtype, xp)      # dh -> d n-pre
        xp.multiply(nn, nn, out=to_n)
        xp.subtract(1, to_n, out=to_n)
        to_n *= one_minus_z
        n_to_r = WORKSPACE.empty(shape, dtype, xp)    # d n-pre -> d r-pre
        xp.subtract(1, r, out=n_to_r)
        n_to_r *= r
        n_to_r *= extra
        to_z = WORKSPACE.empty(shape, dtype, xp)      # dh -> d z-pre
        xp.subtract(h_prev, nn, out=to_z)
        to_z *= z
        to_z *= one_minus_z
        return {"to_n": to_n, "n_to_r": n_to_r, "to_z": to_z, "r": r, "z": z}
    slope = WORKSPACE.empty(shape, dtype, xp)
    if mode == "RNN_TANH":
        xp.multiply(acts[0], acts[0], out=slope)
        xp.subtract(1, slope, out=slope)
    else:
        xp.greater(acts[0], 0, out=slope)
    return {"slope": slope}


def layer_backward(mode, saved, d_out, dh, dc, w_ih, w_hh, batch_sizes, reverse,
                   has_bias, need_dx=True, need_dh0=True):
    """Backpropagate through time; returns dx rows, dh0, dc0 and the weight grads.

    dh, dc (batch, H) hold the gradient of h_n, c_n and are updated in place; d_out
    (N, H) is the gradient of the output rows. dh0 is None when not needed.
    Math: walk the steps in reverse; at each step the gate gradients dG follow from the
          chain rule through the cell, and dh_prev = sum_k dG_k @ W_hh_k. Then
          dW_ih = dG_x^T @ x,  dW_hh = dG_h^T @ h_prev,  dx = dG_x @ W_ih (whole GEMMs)
    """
    xp = get_array_module(dh)
    x, h_prev, acts = saved[0], saved[1], saved[3]
    n_gates, hidden, dtype = acts.shape[0], w_hh.shape[1], dh.dtype
    w_hh_k = w_hh.reshape(n_gates, hidden, hidden)
    k = _step_factors(mode, saved, xp)
    d_gx = WORKSPACE.empty(acts.shape, dtype, xp)   # d pre-activations, per gate
    d_gh = WORKSPACE.empty(acts.shape, dtype, xp) if mode == "GRU" else d_gx
    g_h_all = WORKSPACE.empty(dh.shape, dtype, xp)
    tmp = WORKSPACE.empty(dh.shape, dtype, xp)
    per_gate = WORKSPACE.empty((n_gates * dh.shape[0] * hidden,), dtype, xp)
    steps = _steps(batch_sizes, reverse)[::-1]
    for s, (start, n) in enumerate(steps):
        rows = slice(start, start + n)
        g_h = xp.add(dh[:n], d_out[rows], out=g_h_all[:n])
        if mode == "LSTM":
            g_c = dc[:n]
            xp.multiply(g_h, k["h_to_c"][rows], out=tmp[:n])
            g_c += tmp[:n]
            mult = k["mult"]
            xp.multiply(g_c, mult[:3, rows], out=d_gx[:3, rows])  # i, f, g from dc
            xp.multiply(g_h, mult[3, rows], out=d_gx[3, rows])    # o from dh
            g_c *= k["f"][rows]                                  # dc_prev
        elif mode == "GRU":
            dn = d_gx[2, rows]
            xp.multiply(g_h, k["to_n"][rows], out=dn)
            xp.multiply(dn, k["n_to_r"][rows], out=d_gh[0, rows])
            xp.multiply(g_h, k["to_z"][rows], out=d_gh[1, rows])
            xp.multiply(dn, k["r"][rows], out=d_gh[2, rows])
            g_h *= k["z"][rows]
        else:
            xp.multiply(g_h, k["slope"][rows], out=d_gx[0, rows])
        if s == len(steps) - 1 and not need_dh0:
            break                               # dh0 is not wanted: skip its GEMM
        dh_k = _blocks(per_gate, n_gates, n, hidden)
        xp.matmul(d_gh[:, rows], w_hh_k, out=dh_k)      # dG_k @ W_hh_k, every gate
        xp.sum(dh_k, axis=0, out=dh[:n])
        if mode == "GRU":
            dh[:n] += g_h
    if mode == "GRU":
        d_gx[:2] = d_gh[:2]
    live = slice(None)               # rows whose h_prev is not the zero initial state
    if saved[-1]:
        start, n = steps[-1]         # the step processed first in forward
        live = slice(n, None) if start == 0 else slice(0, start)
    gate_rows = n_gates * hidden
    grads = {"w_ih": xp.matmul(d_gx.transpose(0, 2, 1), x).reshape(gate_rows, -1),
             "w_hh": xp.matmul(d_gh[:, live].transpose(0, 2, 1),
                               h_prev[live]).reshape(gate_rows, hidden)}
    if has_bias:                     # sum over rows, as a GEMM with a row of ones
        ones = xp.ones(x.shape[0], dtype)
        grads["b_ih"] = xp.matmul(ones, d_gx).reshape(gate_rows)
        grads["b_hh"] = (xp.matmul(ones, d_gh).reshape(gate_rows) if mode == "GRU"
                         else grads["b_ih"].copy())
    dx = None
    if need_dx:
        dx_k = WORKSPACE.empty((n_gates, x.shape[0], x.shape[1]), dtype, xp)
        xp.matmul(d_gx, w_ih.reshape(n_gates, hidden, -1), out=dx_k)
        dx = dx_k.sum(axis=0)
    return dx, (dh if need_dh0 else None), dc, grads
