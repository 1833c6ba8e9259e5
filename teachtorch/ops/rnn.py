"""Recurrent layers (RNN, LSTM, GRU) over a whole sequence: the reference first.

``rnn_reference`` is the math: for every layer and direction, a loop over the time
steps applying the cell's equations with ordinary Tensor ops. Autograd records every
step, so backward through time, gradient penalties and second derivatives need no
extra code. ``rnn_stack`` (what nn.RNN/LSTM/GRU call) runs the fast kernel instead
(``ops/_kernels/rnn.py``: the same numbers, one autograd node, array backward),
except in ``teachtorch.reference_mode()``.

Sequences may be *packed* (nn.utils.rnn.pack_padded_sequence): the rows of time step
t are the batch_sizes[t] sequences still running, longest first. A sequence that has
ended keeps its hidden state, so h_n holds each sequence's state at its own length.
Chapter 12 (RNN basics) and chapter 13 (names classifier, GRU) open this file.
"""
from teachtorch._backend import get_array_module
from teachtorch.nn import functional as F
from teachtorch.ops._kernels.rnn import RNNStack
from teachtorch.ops.join import cat, stack
from teachtorch.reference import is_reference_mode

GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}  # blocks in W_ih, W_hh


def lstm_cell(x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step.

    Math: i, f, g, o = sig, sig, tanh, sig of (x W_ih^T + h W_hh^T + b_ih + b_hh)
          c' = f * c + i * g;  h' = o * tanh(c')
    """
    gates = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    i, f, g, o = gates.chunk(4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c.tanh(), c


def gru_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step.

    Math: r = sig(x W_ir^T + b_ir + h W_hr^T + b_hr), z likewise with W_iz, W_hz
          n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn));  h' = (1 - z) * n + z * h
    """
    x_r, x_z, x_n = F.linear(x, w_ih, b_ih).chunk(3, 1)
    h_r, h_z, h_n = F.linear(h, w_hh, b_hh).chunk(3, 1)
    r, z = (x_r + h_r).sigmoid(), (x_z + h_z).sigmoid()
    n = (x_n + r * h_n).tanh()
    return (1 - z) * n + z * h


def rnn_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None, relu=False):
    """One Elman step.

    Math: h' = tanh (or relu) of (x W_ih^T + b_ih + h W_hh^T + b_hh)
    """
    pre = F.linear(x, w_ih, b_ih) + F.linear(h, w_hh, b_hh)
    return pre.relu() if relu else pre.tanh()


def run_direction(mode, rows, batch_sizes, h, c, w, reverse=False):
    """One layer in one direction over packed rows; returns (output rows, h_n, c_n).

    At step t only the first batch_sizes[t] sequences run; the other rows of h keep
    their state (ended sequences, or in reverse, ones that have not started yet).
    """
    steps = rows.split([int(n) for n in batch_sizes])   # the rows of each time step
    order = range(len(steps) - 1, -1, -1) if reverse else range(len(steps))
    outs = [None] * len(steps)
    for t in order:
        n = steps[t].shape[0]
        if n < h.shape[0]:          # fewer sequences run: keep the others' state
            h_new, c_new = _cell(mode, steps[t], h[:n], c[:n] if c is not None
                                 else None, w)
            h = cat([h_new, h[n:]])
            c = cat([c_new, c[n:]]) if c is not None else None
        else:
            h_new, c = _cell(mode, steps[t], h, c, w)
            h = h_new
        outs[t] = h_new
    return cat(outs), h, c


def _cell(mode, x, h, c, w):
    """One step of the layer's cell; returns (h', c') with c' None except for LSTM."""
    if mode == "LSTM":
        return lstm_cell(x, h, c, *w)
    if mode == "GRU":
        return gru_cell(x, h, *w), None
    return rnn_cell(x, h, *w, relu=mode == "RNN_RELU"), None


def rnn_reference(mode, input, hx, cx, weights, num_layers, bidirectional, has_bias,
                  batch_sizes=None, batch_first=False, sorted_indices=None,
                  dropout=0.0, training=False, masks=None):
    """Every layer and direction of an RNN / LSTM / GRU, step by step in Tensor ops.

    Math: layer l+1 reads layer l's outputs (both directions side by side), with
          dropout between layers in training; see the cells above for one step
    Mirrors: torch._VF.lstm / gru / rnn_tanh / rnn_relu (what nn.LSTM etc. call)
    input: (T, B, I), (B, T, I) with batch_first, or packed rows with batch_sizes;
    hx, cx: (layers * directions, B, H) (cx for LSTM only, else None);
    sorted_indices: a packed batch's order (an int64 Tensor), or None.
    masks: the dropout mask of each layer (None: drawn here when training).
    Returns (output, h_n, c_n) with c_n None except for LSTM.
    """
    padded = batch_sizes is None
    if padded:                                 # all B sequences run all T steps
        seq = input.transpose(0, 1) if batch_first else input
        steps, batch = seq.shape[0], seq.shape[1]
        rows, batch_sizes = seq.reshape(steps * batch, -1), [batch] * steps
    else:
        rows = input
    if sorted_indices is not None:             # packed sequences sorted longest first
        hx = hx[:, sorted_indices]
        cx = cx[:, sorted_indices] if cx is not None else None
    dirs, per = (2 if bidirectional else 1), (4 if has_bias else 2)
    h_n, c_n = [], []
    for layer in range(num_layers):
        outs = []
        for d in range(dirs):
            k = layer * dirs + d
            out, h, c = run_direction(mode, rows, batch_sizes, hx[k],
                                      cx[k] if cx is not None else None,
                                      weights[k * per:(k + 1) * per], reverse=d == 1)
            outs.append(out)
            h_n.append(h)
            c_n.append(c)
        rows = cat(outs, 1) if dirs == 2 else outs[0]
        if masks is None and dropout > 0 and training and layer < num_layers - 1:
            rows = rows * _dropout_mask(rows, dropout)
        elif masks is not None and masks[layer] is not None:
            rows = rows * masks[layer]
    h_n, c_n = stack(h_n), (stack(c_n) if cx is not None else None)
    if sorted_indices is not None:             # back to the caller's batch order
        unsorted = sorted_indices.argsort()
        h_n = h_n[:, unsorted]
        c_n = c_n[:, unsorted] if c_n is not None else None
    if padded:                                 # back to (T, B, H) or (B, T, H)
        rows = rows.reshape(steps, batch, -1)
        rows = rows.transpose(0, 1) if batch_first else rows
    return rows, h_n, c_n


def _dropout_mask(rows, p):
    """Keep each element with probability 1 - p, scaled by 1 / (1 - p)."""
    from teachtorch import random
    from teachtorch.tensor import Tensor

    xp = get_array_module(rows._data)
    keep = random.rng().random(tuple(rows.shape)) >= p
    return Tensor._make(xp.asarray(keep.astype(rows._data.dtype) / (1 - p)))


def rnn_stack(mode, input, hx, cx, weights, num_layers, bidirectional, has_bias,
              batch_sizes=None, batch_first=False, sorted_indices=None, dropout=0.0,
              training=False):
    """Run the layers: the fast kernel, or rnn_reference in reference mode."""
    if is_reference_mode():
        return rnn_reference(mode, input, hx, cx, weights, num_layers, bidirectional,
                             has_bias, batch_sizes, batch_first, sorted_indices,
                             dropout, training)
    return RNNStack.apply(input, hx, cx, *weights, mode=mode, num_layers=num_layers,
                          bidirectional=bidirectional, has_bias=has_bias,
                          batch_sizes=batch_sizes, batch_first=batch_first,
                          sorted_indices=None if sorted_indices is None
                          else sorted_indices._data, dropout=dropout,
                          training=training)


rnn_stack.__reference__ = rnn_reference
