"""nn.init: fill a weight tensor in place with a chosen random distribution.

Why the scale matters: with fan_in inputs per unit, a weight std of about
gain / sqrt(fan_in) keeps activations from shrinking or blowing up layer after layer
(Xavier/Glorot for tanh/sigmoid, Kaiming/He for ReLU).
Chapter 14 (nn.Module internals) opens this file.
"""
import math
import warnings

import numpy as np

from teachtorch import _backend, _checks, _errors
from teachtorch.random import rng


def _fill(tensor, values):
    """Write values into tensor's memory without recording autograd history.

    Values are drawn on the CPU from teachtorch's seeded generator, then copied in
    (to the GPU when the tensor lives there).
    """
    if isinstance(values, np.ndarray):
        values = values.astype(tensor._data.dtype, copy=False)
        if _backend.is_cupy_array(tensor._data):
            values = _backend.to_cupy(values, _backend.array_device_index(tensor._data))
    tensor._data[...] = values
    tensor._vc[0] += 1
    return tensor


def calculate_gain(nonlinearity, param=None):
    """The recommended std multiplier for a nonlinearity.

    Math: linear/conv/sigmoid 1, tanh 5/3, relu sqrt(2),
          leaky_relu sqrt(2 / (1 + slope**2)), selu 3/4
    Mirrors: torch.nn.init.calculate_gain
    """
    linear = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
              "conv_transpose2d", "conv_transpose3d"]
    if nonlinearity in linear or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """fan_in = in_features * kernel size, fan_out = out_features * kernel size.

    Mirrors: torch.nn.init._calculate_fan_in_and_fan_out
    """
    if tensor.dim() < 2:
        raise ValueError(_errors.hint("Fan in and fan out can not be computed for tensor with fewer "
                         "than 2 dimensions", "biases are 1-D; init them with "
                         "uniform_/zeros_ instead."))
    receptive = int(np.prod(tensor.shape[2:])) if tensor.dim() > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid = ["fan_in", "fan_out"]
    if mode not in valid:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill with U(a, b). Mirrors: torch.nn.init.uniform_"""
    _checks.uniform_range(a, b)
    return _fill(tensor, rng(generator).uniform(a, b, tuple(tensor.shape)))


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill with N(mean, std**2). Mirrors: torch.nn.init.normal_"""
    _checks.normal_std(std)
    return _fill(tensor, rng(generator).normal(mean, std, tuple(tensor.shape)))


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """N(mean, std**2) restricted to [a, b] (redraw the values that fall outside).

    Mirrors: torch.nn.init.trunc_normal_
    """
    r = rng(generator)
    shape = tuple(tensor.shape)
    out = r.normal(mean, std, shape)
    bad = (out < a) | (out > b)
    while bad.any():  # each round redraws only the rejected entries, all at once
        out[bad] = r.normal(mean, std, int(bad.sum()))
        bad = (out < a) | (out > b)
    return _fill(tensor, out)


def constant_(tensor, val):
    """Mirrors: torch.nn.init.constant_"""
    return _fill(tensor, val)


def ones_(tensor):
    return _fill(tensor, 1)


def zeros_(tensor):
    return _fill(tensor, 0)


def eye_(tensor):
    """The identity matrix (2-D tensors only). Mirrors: torch.nn.init.eye_"""
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    return _fill(tensor, np.eye(*tensor.shape))


def dirac_(tensor, groups=1):
    """Identity convolution kernels. Mirrors: torch.nn.init.dirac_"""
    d = tensor.dim()
    if d not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    out_per = tensor.shape[0] // groups
    k = min(out_per, tensor.shape[1])
    w = np.zeros(tuple(tensor.shape))
    centre = tuple(s // 2 for s in tensor.shape[2:])
    for g in range(groups):  # loops over groups, not elements
        idx = np.arange(k)
        w[(g * out_per + idx, idx) + centre] = 1
    return _fill(tensor, w)


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)).

    Mirrors: torch.nn.init.xavier_uniform_
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """N(0, std**2), std = gain * sqrt(2 / (fan_in + fan_out)).

    Mirrors: torch.nn.init.xavier_normal_
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _empty_warning(tensor):
    if 0 in tuple(tensor.shape):
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return True
    return False


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu",
                     generator=None):
    """U(-bound, bound), bound = gain * sqrt(3 / fan).

    Math: nn.Linear uses a = sqrt(5): gain = sqrt(1/3), so bound = 1 / sqrt(fan_in)
    Mirrors: torch.nn.init.kaiming_uniform_
    """
    if _empty_warning(tensor):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu",
                    generator=None):
    """N(0, std**2), std = gain / sqrt(fan). Mirrors: torch.nn.init.kaiming_normal_"""
    if _empty_warning(tensor):
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor, gain=1, generator=None):
    """A (semi-)orthogonal matrix from the QR decomposition of a Gaussian one.

    Mirrors: torch.nn.init.orthogonal_
    """
    if tensor.dim() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = rng(generator).normal(0.0, 1.0, (rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))  # make the decomposition unique
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(tuple(tensor.shape)))


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Each column gets a `sparsity` fraction of zeros, the rest N(0, std**2).

    Mirrors: torch.nn.init.sparse_
    """
    if tensor.dim() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    r = rng(generator)
    rows, cols = tensor.shape
    values = r.normal(0.0, std, (rows, cols))
    n_zeros = math.ceil(sparsity * rows)
    order = np.argsort(r.random((rows, cols)), axis=0)[:n_zeros]
    values[order, np.arange(cols)[None, :]] = 0
    return _fill(tensor, values)


# the old names without the trailing underscore (deprecated in PyTorch)
uniform = uniform_
normal = normal_
constant = constant_
xavier_uniform = xavier_uniform_
xavier_normal = xavier_normal_
kaiming_uniform = kaiming_uniform_
kaiming_normal = kaiming_normal_
orthogonal = orthogonal_
