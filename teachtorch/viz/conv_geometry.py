"""Where a conv/pool window sits: output sizes, windows, and what each input feeds.

Pure numbers for ConvWindowView: the output-size formula with the numbers filled in,
PyTorch's error for settings it refuses (checked in the same order PyTorch checks them),
the window of input cells behind one output cell, the arithmetic that cell computes, and
the reverse picture (every output an input cell feeds: the pattern backward follows).

The input is one image of shape (1, 1, H, W) with small integer values, so the arithmetic
line is readable; ``conv_window(...)["output"]`` equals F.conv2d / F.max_pool2d /
F.avg_pool2d / F.conv_transpose2d on the same numbers.

Chapter 10 (CNN basics) opens this file.
"""
import numpy as np

from teachtorch import _errors
from teachtorch.nn.modules._size_args import _ntuple

MODES = ("conv2d", "max_pool2d", "avg_pool2d", "conv_transpose2d")


def _pair(v):
    """(h, w) as Python ints (the drawings print them), from a number or a pair."""
    return tuple(int(x) for x in _ntuple(v, 2))[:2]


def sample_input(h, w):
    """The integer image the view shows: x[r, c] = (3*(r*w + c)) % 10 - 4."""
    return ((3 * np.arange(h * w).reshape(h, w)) % 10 - 4).astype(np.float32)


def sample_weight(kh, kw):
    """The integer kernel the view shows: w[a, b] = (a*kw + b) % 3 - 1; bias 1."""
    return ((np.arange(kh * kw).reshape(kh, kw)) % 3 - 1).astype(np.float32)


def _pool_out(size, k, s, p, d, ceil_mode):
    """PyTorch's pooling output size for one dim (with ceil_mode's last-window rule)."""
    num = size + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = num // s + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def check(mode, input_size, kernel_size, stride, padding, dilation, ceil_mode,
          output_padding=0):
    """The output shape (1, 1, Ho, Wo), or PyTorch's error text for these settings.

    Returns (shape or None, error or None, formula lines).
    """
    if mode not in MODES:
        return None, (_errors.hint(f"unknown mode {mode!r}", f"choose one of {MODES}")), []
    (h, w), (kh, kw) = _pair(input_size), _pair(kernel_size)
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    oph, opw = _pair(output_padding)
    if min(h, w) < 1:
        return None, (_errors.hint("input size must be at least 1", "make the input at least "
                      "1 x 1")), []
    if min(kh, kw) < 1:
        return None, (_errors.hint("kernel_size must be greater than zero", "use kernel_size "
                      ">= 1")), []
    if min(ph, pw) < 0:
        return None, (_errors.hint("negative padding is not supported", "padding adds zeros "
                      "around the input; use padding >= 0")), []
    is_pool = mode.endswith("pool2d")
    if mode == "avg_pool2d" and (dh, dw) != (1, 1):
        return None, (_errors.hint("avg_pool2d() got an unexpected keyword argument 'dilation'", "average pooling has no dilation; set dilation to 1")), []
    if min(sh, sw) < 1:
        msg = "stride should not be zero" if is_pool else \
            "non-positive stride is not supported"
        return None, msg + _errors.hint_line("the window must move by at least 1 cell"), []
    if min(dh, dw) < 1 and not is_pool:
        return None, (_errors.hint(f"dilation should be greater than zero, but got [{dh}, {dw}]", "dilation 1 means neighbouring cells")), []
    ekh, ekw = dh * (kh - 1) + 1, dw * (kw - 1) + 1
    lines = []
    for dim, (n, k, s, p, d) in (("H", (h, kh, sh, ph, dh)), ("W", (w, kw, sw, pw, dw))):
        if mode == "conv_transpose2d":
            op = oph if dim == "H" else opw
            lines.append(f"{dim}_out = ({n} - 1)×{s} - 2×{p} + {d}×({k} - 1) + {op} + 1"
                         f" = {(n - 1) * s - 2 * p + d * (k - 1) + op + 1}")
            continue
        rnd = "ceil" if (is_pool and ceil_mode) else "floor"
        num = n + 2 * p - d * (k - 1) - 1
        out = _pool_out(n, k, s, p, d, ceil_mode and is_pool)
        text = (f"{dim}_out = {rnd}(({n} + 2×{p} - {d}×({k} - 1) - 1) / {s}) + 1"
                f" = {rnd}({num}/{s}) + 1")
        raw = -(-num // s) + 1 if rnd == "ceil" else num // s + 1
        text += f" = {raw}"
        if raw != out:
            text += (f"; last window would start at {(raw - 1) * s} >= {n} + {p}"
                     f" (outside input and left padding), so {out}")
        lines.append(text)
    if mode == "conv_transpose2d":
        if oph >= max(sh, dh) or opw >= max(sw, dw):
            return None, (
                _errors.hint("output padding must be smaller than either stride or dilation, but got "
                f"output_padding_height: {oph} output_padding_width: {opw} stride_height:"
                f" {sh} stride_width: {sw} dilation_height: {dh} dilation_width: {dw}", "lower output_padding below the stride")), lines
        ho = (h - 1) * sh - 2 * ph + dh * (kh - 1) + oph + 1
        wo = (w - 1) * sw - 2 * pw + dw * (kw - 1) + opw + 1
        if ho < 1 or wo < 1:
            return None, (_errors.hint(f"Given input size per channel: ({h} x {w}). Calculated output"
                          f" size per channel: ({ho} x {wo}). Output size is too small", "reduce padding")), lines
        return (1, 1, ho, wo), None, lines
    if is_pool:
        lim_h = ekh // 2 if mode == "max_pool2d" else kh // 2
        lim_w = ekw // 2 if mode == "max_pool2d" else kw // 2
        if ph > lim_h or pw > lim_w:
            return None, (
                _errors.hint("pad should be at most half of effective kernel size, but got "
                f"pad={max(ph, pw)}, kernel_size={kh if ph > lim_h else kw} and "
                f"dilation={dh if ph > lim_h else dw}", "use padding <= "
                f"{min(lim_h, lim_w)} or a bigger kernel")), lines
        if mode == "max_pool2d" and (ph > kh // 2 or pw > kw // 2):
            return None, (
                _errors.hint("pad should be smaller than or equal to half of kernel size, but got "
                f"padW = {pw}, padH = {ph}, kW = {kw}, kH = {kh}", "use padding <= "
                f"{min(kh, kw) // 2} or a bigger kernel")), lines
        if min(dh, dw) < 1:
            return None, (_errors.hint("dilation should be greater than zero, but got dilationH: "
                          f"{dh} dilationW: {dw}", "dilation 1 means neighbouring "
                          "cells")), lines
        ho = _pool_out(h, kh, sh, ph, dh, ceil_mode)
        wo = _pool_out(w, kw, sw, pw, dw, ceil_mode)
        if ho < 1 or wo < 1:
            return None, (_errors.hint(f"Given input size: (1x{h}x{w}). Calculated output size: "
                          f"(1x{ho}x{wo}). Output size is too small", "use a smaller"
                          " kernel/dilation or more padding")), lines
        return (1, 1, ho, wo), None, lines
    if h + 2 * ph < ekh or w + 2 * pw < ekw:
        return None, (_errors.hint(f"Calculated padded input size per channel: ({h + 2 * ph} x "
                      f"{w + 2 * pw}). Kernel size: ({ekh} x {ekw}). Kernel size can't "
                      "be greater than actual input size", "the (dilated) kernel "
                      "must fit inside the padded input: add padding or shrink it")), lines
    return (1, 1, (h + 2 * ph - ekh) // sh + 1, (w + 2 * pw - ekw) // sw + 1), None, lines


def _taps(n_out, k, s, p, d):
    """Input coordinate of tap a of output i: i*s - p + d*a, shape (n_out, k)."""
    return np.arange(n_out)[:, None] * s - p + d * np.arange(k)[None, :]


def compute(mode, input_size, kernel_size, stride=1, padding=0, dilation=1,
            ceil_mode=False, output_padding=0):
    """Everything the view shows for these settings, as a dict (see check for errors).

    Keys: output_shape, error, formula, x, weight, bias, output (Ho, Wo array).

    Math: out[i, j] = sum_ab x[i*s - p + d*a, j*s - p + d*b] * w[a, b] + bias (conv2d)
    Mirrors: F.conv2d, F.max_pool2d, F.avg_pool2d, F.conv_transpose2d
    """
    shape, error, lines = check(mode, input_size, kernel_size, stride, padding,
                                dilation, ceil_mode, output_padding)
    (h, w), (kh, kw) = _pair(input_size), _pair(kernel_size)
    out = {"output_shape": shape, "error": error, "formula": lines,
           "x": sample_input(max(h, 1), max(w, 1)),
           "weight": sample_weight(max(kh, 1), max(kw, 1)), "bias": 1.0, "output": None,
           "padding": _pair(padding)}
    if error is None:
        out["output"] = _output(mode, out["x"], out["weight"], shape[2:], kernel_size,
                                stride, padding, dilation)
    return out


def _output(mode, x, wgt, out_hw, kernel_size, stride, padding, dilation):
    (kh, kw), (sh, sw) = _pair(kernel_size), _pair(stride)
    (ph, pw), (dh, dw) = _pair(padding), _pair(dilation)
    h, w = x.shape
    if mode == "conv_transpose2d":
        y = np.zeros(out_hw, np.float32)
        rows = _taps(h, kh, sh, ph, dh)        # output row hit by input row i, tap a
        cols = _taps(w, kw, sw, pw, dw)
        contrib = x[:, None, :, None] * wgt[None, :, None, :]    # (h, kh, w, kw)
        r = np.broadcast_to(rows[:, :, None, None], contrib.shape)
        c = np.broadcast_to(cols[None, None, :, :], contrib.shape)
        ok = (r >= 0) & (r < out_hw[0]) & (c >= 0) & (c < out_hw[1])
        np.add.at(y, (r[ok], c[ok]), contrib[ok])
        return y + np.float32(1.0)
    rows = _taps(out_hw[0], kh, sh, ph, dh)
    cols = _taps(out_hw[1], kw, sw, pw, dw)
    inside = ((rows >= 0) & (rows < h))[:, None, :, None] & \
        ((cols >= 0) & (cols < w))[None, :, None, :]             # (Ho, Wo, kh, kw)
    vals = x[np.clip(rows, 0, h - 1)[:, None, :, None],
             np.clip(cols, 0, w - 1)[None, :, None, :]]
    if mode == "conv2d":
        return (np.where(inside, vals, 0) * wgt).sum(axis=(2, 3)) + np.float32(1.0)
    if mode == "max_pool2d":
        return np.where(inside, vals, -np.inf).max(axis=(2, 3)).astype(np.float32)
    # avg_pool2d, count_include_pad=True: divide by the window's part in the padded input
    in_pad = ((rows >= -ph) & (rows < h + ph))[:, None, :, None] & \
        ((cols >= -pw) & (cols < w + pw))[None, :, None, :]
    total = np.where(inside, vals, 0).sum(axis=(2, 3))
    return (total / in_pad.sum(axis=(2, 3))).astype(np.float32)


def window(mode, input_size, kernel_size, stride, padding, dilation, out_cell):
    """Input cells (row, col) read by output cell (i, j), and which lie in padding.

    Returns (cells, in_input) where in_input[k] says cells[k] is a real input cell.
    For conv_transpose2d these are the input cells that scatter into (i, j).
    """
    (h, w), (kh, kw), (sh, sw) = _pair(input_size), _pair(kernel_size), _pair(stride)
    (ph, pw), (dh, dw) = _pair(padding), _pair(dilation)
    i, j = out_cell
    if mode == "conv_transpose2d":
        rows = _taps(h, kh, sh, ph, dh)
        cols = _taps(w, kw, sw, pw, dw)
        ri, ai = np.nonzero(rows == i)
        cj, bj = np.nonzero(cols == j)
        cells = [(int(r), int(c), int(a), int(b)) for r, a in zip(ri, ai)
                 for c, b in zip(cj, bj)]
        return cells, [True] * len(cells)
    rows = i * sh - ph + dh * np.arange(kh)
    cols = j * sw - pw + dw * np.arange(kw)
    cells = [(int(r), int(c), a, b) for a, r in enumerate(rows)
             for b, c in enumerate(cols)]
    return cells, [0 <= r < h and 0 <= c < w for r, c, _, _ in cells]


def fed_outputs(mode, input_size, kernel_size, stride, padding, dilation, out_hw,
                in_cell):
    """Every output cell whose value input cell (r, c) contributes to (backward's
    pattern): the gradient of x[r, c] is the sum over exactly these cells."""
    (kh, kw), (sh, sw) = _pair(kernel_size), _pair(stride)
    (ph, pw), (dh, dw) = _pair(padding), _pair(dilation)
    r, c = in_cell
    if mode == "conv_transpose2d":
        rows = r * sh - ph + dh * np.arange(kh)
        cols = c * sw - pw + dw * np.arange(kw)
        return [(int(a), int(b)) for a in rows for b in cols
                if 0 <= a < out_hw[0] and 0 <= b < out_hw[1]]
    rows = _taps(out_hw[0], kh, sh, ph, dh)
    cols = _taps(out_hw[1], kw, sw, pw, dw)
    hit_r = np.nonzero((rows == r).any(axis=1))[0]
    hit_c = np.nonzero((cols == c).any(axis=1))[0]
    return [(int(a), int(b)) for a in hit_r for b in hit_c]


def arithmetic(mode, data, cells, in_input, out_cell):
    """The line a learner reads: '(-4)×(-1) + 2×0 + ... + 1 = 7' for conv2d,
    'max(...) = 5' / 'mean over 9 = ...' for pooling."""
    x, wgt = data["x"], data["weight"]

    def n(v):
        return f"({v:g})" if v < 0 else f"{v:g}"
    value = float(data["output"][out_cell])
    if mode == "conv2d":
        terms = [f"{n(x[r, c])}×{n(wgt[a, b])}" for (r, c, a, b), ok in
                 zip(cells, in_input) if ok]
        return " + ".join(terms + ["bias 1"]) + f" = {value:g}"
    if mode == "conv_transpose2d":
        terms = [f"{n(x[r, c])}×{n(wgt[a, b])}" for r, c, a, b in cells]
        return " + ".join(terms + ["bias 1"]) + f" = {value:g}"
    vals = [f"{x[r, c]:g}" for (r, c, _, _), ok in zip(cells, in_input) if ok]
    if mode == "max_pool2d":
        return f"max({', '.join(vals)}) = {value:g}"
    # count_include_pad=True: the divisor counts the window's cells inside the padded
    # input (a ceil_mode window hanging past it counts less)
    (h, w), (ph, pw) = x.shape, data["padding"]
    divisor = sum(-ph <= r < h + ph and -pw <= c < w + pw for r, c, _, _ in cells)
    return f"({' + '.join(vals)}) / {divisor} = {value:.4g}"
