"""Gradient clipping: rescale (by norm) or clamp (by value) the grads in place.

Call it between ``loss.backward()`` and ``optimizer.step()``; RNNs need it most.
Chapter 12 (RNN basics) opens this file.
"""
import math

import numpy as np

from teachtorch import _backend, _errors
from teachtorch.tensor import Tensor


def _grads(parameters):
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _norm(array, norm_type):
    """The p-norm of one array as a Python float (NumPy or CuPy input)."""
    a = abs(array.astype("float64", copy=False))
    if norm_type == math.inf:
        return float(a.max()) if a.size else 0.0
    return float((a ** norm_type).sum() ** (1.0 / norm_type))


def clip_grad_norm_(parameters, max_norm, norm_type=2.0, error_if_nonfinite=False,
                    foreach=None):
    """Scale all grads together so their joint norm is at most max_norm.

    Math: total = ||(||g_1||, ..., ||g_k||)||_p;  g <- g * min(1, max_norm/(total+1e-6))
    Returns the total norm measured before clipping (a 0-d tensor).
    Mirrors: torch.nn.utils.clip_grad_norm_
    """
    grads = _grads(parameters)
    norm_type = float(norm_type)
    if not grads:
        return Tensor._make(np.array(0.0, np.float32))
    norms = np.array([_norm(g._data, norm_type) for g in grads])  # one per tensor
    total = norms.max() if norm_type == math.inf else _norm(norms, norm_type)
    dtype = grads[0]._data.dtype
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(
            _errors.hint(f"The total norm of order {norm_type} for gradients from `parameters` is "
            "non-finite, so it cannot be clipped. To disable this error and scale the "
            "gradients by the non-finite norm anyway, set `error_if_nonfinite=False`", "a gradient is inf/nan: lower the learning rate or look for log(0)"
            " / division by zero in the loss."))
    coef = min(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        g._data *= g._data.dtype.type(coef)
        g._vc[0] += 1
    return _on_device_of(grads[0], np.array(total, dtype))


def _on_device_of(ref, host):
    """A tensor of host data on ref's device (torch returns the norm there)."""
    if ref.is_cuda:
        return Tensor._make(_backend.to_cupy(host, ref.device.index))
    return Tensor._make(host)


def clip_grad_value_(parameters, clip_value, foreach=None):
    """Clamp every gradient element into [-clip_value, clip_value].

    Mirrors: torch.nn.utils.clip_grad_value_
    """
    clip_value = float(clip_value)
    for g in _grads(parameters):
        g._data.clip(-clip_value, clip_value, out=g._data)
        g._vc[0] += 1


def get_total_norm(tensors, norm_type=2.0, error_if_nonfinite=False, foreach=None):
    """The joint norm of a list of tensors. Mirrors: torch.nn.utils.get_total_norm"""
    if isinstance(tensors, Tensor):
        tensors = [tensors]
    norms = np.array([_norm(t._data, float(norm_type)) for t in tensors])
    total = norms.max() if norm_type == math.inf else _norm(norms, float(norm_type))
    return _on_device_of(tensors[0], np.array(total, np.float32))


clip_grad_norm = clip_grad_norm_
