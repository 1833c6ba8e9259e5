"""Statistics beyond mean/std: quantile, mode, std_mean, var_mean, nan-aware
reductions, running max/min, logcumsumexp, aminmax, cov, corrcoef.

Most are compositions of ops with a backward (sort, gather, where, sum), so their
gradients come for free; logcumsumexp has its own Function because its stable
forward (logaddexp, accumulated) is not a composition.
Chapter 03 (reductions) opens this file.
"""
from collections import namedtuple

import numpy as np

from teachtorch import _backend, _errors
from teachtorch.autograd.function import Function
from teachtorch.ops._util import make, wrap_dim
from teachtorch.ops.minmax import _return_type, median


def _ops():
    from teachtorch import ops

    return ops


class return_types:
    mode = _return_type("mode")
    cummax = _return_type("cummax")
    cummin = _return_type("cummin")
    nanmedian = _return_type("nanmedian")
    aminmax = namedtuple("aminmax", ["min", "max"])


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) in one call. Mirrors: torch.std_mean"""
    ops = _ops()
    std = ops.std(input, dim, unbiased, keepdim, correction=correction)
    return std, _mean_like(input, dim, keepdim)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) in one call. Mirrors: torch.var_mean"""
    ops = _ops()
    var = ops.var(input, dim, unbiased, keepdim, correction=correction)
    return var, _mean_like(input, dim, keepdim)


def _mean_like(input, dim, keepdim):
    return input.mean() if dim is None else input.mean(dim, keepdim=keepdim)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """The sum treating nan as 0. Mirrors: torch.nansum"""
    x = _ops().where(input.isnan(), 0.0, input) if input.dtype.is_floating_point \
        else input
    return x.sum(dtype=dtype) if dim is None else x.sum(dim, keepdim=keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """The mean of the values that are not nan. Mirrors: torch.nanmean"""
    if not input.dtype.is_floating_point:
        raise RuntimeError(_errors.hint(
            "nanmean(): expected input to have floating point or complex dtype but got "
            f"{input.dtype.legacy_name[:-6]}", "call input.float() first."))
    count = (~input.isnan()).sum() if dim is None else \
        (~input.isnan()).sum(dim, keepdim=keepdim)
    return nansum(input, dim, keepdim, dtype=dtype) / count


def _sorted_pick(input, dim, positions_of):
    """Sort along dim (nan last), then gather the positions positions_of(count) gives."""
    s, order = input.sort(dim)
    count = (~s.isnan()).sum(dim, keepdim=True)
    pos = positions_of(count)
    return s.gather(dim, pos), order.gather(dim, pos)


def nanmedian(input, dim=None, keepdim=False):
    """The lower median of the values that are not nan. Mirrors: torch.nanmedian"""
    def lower_middle(count):
        return ((count - 1).clamp(min=0) // 2)
    if dim is None and input.numel() == 0:
        return median(input)  # nan (or the lowest integer), as median gives
    if dim is None:
        values, _ = _sorted_pick(input.reshape(-1), 0, lower_middle)
        return values.reshape(())
    dim = wrap_dim(dim, input.dim())
    values, indices = _sorted_pick(input, dim, lower_middle)
    if not keepdim:
        values, indices = values.squeeze(dim), indices.squeeze(dim)
    return return_types.nanmedian(values, indices)


def _quantile(input, q, dim, keepdim, interpolation, ignore_nan, name):
    ops = _ops()
    if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
        raise RuntimeError(_errors.hint(
            f"{name}() interpolation must be one of linear, lower, higher, midpoint or "
            f"nearest. Got {interpolation}", "the default is 'linear'."))
    scalar_q = not hasattr(q, "_data")
    qs = np.atleast_1d(np.asarray(q if scalar_q else q.detach().numpy(), np.float64))
    if qs.ndim > 1 or ((qs < 0) | (qs > 1)).any():
        raise RuntimeError(_errors.hint(f"{name}() q values must be in the range [0, 1]"
                                        if qs.ndim <= 1 else
                                        f"{name}() q must be a scalar or 1D tensor",
                                        "q is a fraction: 0.5 is the median."))
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else wrap_dim(dim, input.dim())
    s, _ = x.sort(d)
    n = s.shape[d]
    count = (~s.isnan()).sum(d, keepdim=True) if ignore_nan else None
    results = []
    for qv in qs:
        k = (count - 1).clamp(min=0).to(s.dtype) if ignore_nan else float(n - 1)
        rank = k * qv
        lo = rank.floor() if ignore_nan else np.floor(rank)
        hi = rank.ceil() if ignore_nan else np.ceil(rank)
        if interpolation == "nearest":
            lo = hi = rank.round() if ignore_nan else np.round(rank)
        lo_i, hi_i = _index(lo, s, d), _index(hi, s, d)
        a, b = s.gather(d, lo_i), s.gather(d, hi_i)
        if interpolation in ("lower", "nearest"):
            v = a
        elif interpolation == "higher":
            v = b
        elif interpolation == "midpoint":
            v = a + (b - a) * 0.5
        else:
            frac = rank - lo
            v = a + (b - a) * (frac if ignore_nan else float(frac))
        if not ignore_nan:  # any nan in the slice makes its quantile nan
            v = ops.where(s.isnan().any(d, keepdim=True), float("nan"), v)
        results.append(v if keepdim and dim is not None else v.squeeze(d))
    if dim is None and keepdim:
        results = [r.reshape((1,) * input.dim()) for r in results]
    return results[0] if scalar_q or q.dim() == 0 else ops.stack(results, 0)


def _index(position, s, d):
    """Gather indices of a float position (a number or a tensor) along dim d."""
    shape = list(s.shape)
    shape[d] = 1
    if hasattr(position, "_data"):
        return position.long().expand(shape)
    return make(np.full(shape, int(position), np.int64))


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """The q-th quantile(s), interpolating between sorted values.

    Math (linear): rank = q (n - 1); v = s[floor] + (s[ceil] - s[floor]) frac(rank)
    Mirrors: torch.quantile
    """
    return _quantile(input, q, dim, keepdim, interpolation, False, "quantile")


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None):
    """quantile over the values that are not nan. Mirrors: torch.nanquantile"""
    return _quantile(input, q, dim, keepdim, interpolation, True, "nanquantile")


def mode(input, dim=-1, keepdim=False):
    """The most frequent value along dim (the smallest among ties) and its last index.

    Mirrors: torch.mode
    """
    dim = wrap_dim(dim, max(input.dim(), 1))
    x = np.moveaxis(input.detach().cpu().numpy(), dim, -1) if input.dim() else \
        input.detach().cpu().numpy().reshape(1)
    rows = x.reshape(-1, x.shape[-1])
    idx = np.empty(rows.shape[0], np.int64)
    for r, row in enumerate(rows):
        vals, counts = np.unique(row, return_counts=True)  # sorted: ties pick smallest
        best = vals[np.argmax(counts)]
        idx[r] = np.flatnonzero(row == best)[-1]
    idx = make(idx.reshape(x.shape[:-1] + (1,)))
    if input.dim() == 0:
        return return_types.mode(input.clone(), make(np.array(0, np.int64)))
    idx = idx.movedim(-1, dim).to(input.device)
    values = input.gather(dim, idx)
    if not keepdim:
        values, idx = values.squeeze(dim), idx.squeeze(dim)
    return return_types.mode(values, idx)


def _running(input, dim, take_max, kind):
    dim = wrap_dim(dim, max(input.dim(), 1))
    x = input.detach().cpu().numpy()
    best = (np.fmax if take_max else np.fmin).accumulate(x, axis=dim) if x.ndim else x
    n = x.shape[dim] if x.ndim else 1
    pos = np.arange(n).reshape([-1 if a == dim else 1 for a in range(x.ndim)])
    hit = (x == best) | np.isnan(x)
    idx = np.maximum.accumulate(np.where(hit, pos, 0), axis=dim) if x.ndim else \
        np.zeros((), np.int64)
    idx = make(idx.astype(np.int64)).to(input.device)
    values = input.gather(dim, idx) if input.dim() else input.clone()
    return getattr(return_types, kind)(values, idx)


def cummax(input, dim):
    """Running maximum along dim, with the index where it was reached.

    Mirrors: torch.cummax
    """
    return _running(input, dim, True, "cummax")


def cummin(input, dim):
    """Running minimum along dim, with its index. Mirrors: torch.cummin"""
    return _running(input, dim, False, "cummin")


class LogCumSumExp(Function):
    """log of the running sum of exp, computed without overflow.

    Math: y_i = log sum_{j<=i} exp(x_j);  dL/dx_i = sum_{j>=i} g_j exp(x_i - y_j)
    Mirrors: torch.logcumsumexp
    """
    _raw = True
    node_name = "LogcumsumexpBackward0"

    @staticmethod
    def forward(ctx, x, dim):
        host = _backend.to_numpy(x)  # ufunc.accumulate runs on the host
        y = np.logaddexp.accumulate(host, axis=dim) if x.ndim else host.copy()
        if _backend.is_cupy_array(x):
            y = _backend.to_cupy(y, _backend.array_device_index(x))
        ctx.save_for_backward(x, y)
        ctx.dim = dim
        return y

    @staticmethod
    def backward(ctx, grad_output):
        x, y = ctx.saved_tensors
        if x.dim() == 0:
            return grad_output, None
        xm, ym, gm = (t.movedim(ctx.dim, -1) for t in (x, y, grad_output))
        n = xm.shape[-1]
        later = make(np.triu(np.ones((n, n), bool))).to(x.device)  # j >= i
        weight = (xm.unsqueeze(-1) - ym.unsqueeze(-2)).masked_fill(~later, -np.inf).exp()
        return (weight * gm.unsqueeze(-2)).sum(-1).movedim(-1, ctx.dim), None


def logcumsumexp(input, dim):
    """log(cumsum(exp(input))) along dim, stable. Mirrors: torch.logcumsumexp"""
    return LogCumSumExp.apply(input, wrap_dim(dim, max(input.dim(), 1)))


def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) in one call. Mirrors: torch.aminmax"""
    ops = _ops()
    if dim is None:
        return return_types.aminmax(ops.amin(input), ops.amax(input))
    return return_types.aminmax(ops.amin(input, dim, keepdim), ops.amax(input, dim,
                                                                        keepdim))


def cov(input, *, correction=1, fweights=None, aweights=None):
    """Covariance matrix of the variables in the rows (observations in the columns).

    Math: C = (X - mean) (X - mean)^T / (N - correction)
    Mirrors: torch.cov
    """
    if fweights is not None or aweights is not None:
        raise NotImplementedError(_errors.hint(
            "cov with fweights/aweights is not in teachtorch",
            "repeat the observations instead of weighting them."))
    x = input.reshape(1, -1) if input.dim() < 2 else input
    if not x.dtype.is_floating_point:
        x = x.float()
    centred = x - x.mean(1, keepdim=True)
    c = centred @ centred.t() / (x.shape[1] - correction)
    return c.reshape(()) if input.dim() < 2 else c


def corrcoef(input):
    """Pearson correlation coefficients of the rows. Mirrors: torch.corrcoef"""
    c = cov(input)
    if c.dim() == 0:
        return c / c
    d = c.diagonal().sqrt()
    return (c / d.unsqueeze(1) / d.unsqueeze(0)).clamp(-1, 1)
