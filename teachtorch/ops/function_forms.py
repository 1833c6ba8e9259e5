"""torch.X(t) forms of tensor methods and small creation helpers that older code
uses: scalar_tensor, range (deprecated), broadcast_shapes, split_with_sizes,
unravel_index, detach, positive, fill, poisson, binomial, bit shifts ...

Each is a line or two over ops that already exist.
Chapter 01 (tensors) opens this file.
"""
import builtins
import warnings

import numpy as np

from teachtorch import _backend, _creation_args, _errors, dtypes
from teachtorch.ops._util import check_broadcast, make


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    """A 0-dim tensor of a number (default float dtype). Mirrors: torch.scalar_tensor"""
    from teachtorch.creation import tensor

    return tensor(float(s) if dtype is None else s,
                  dtype=dtype or dtypes.get_default_dtype(), device=device,
                  requires_grad=requires_grad)


def range(start=0, end=None, step=1, *, dtype=None, device=None,
          requires_grad=False):
    """Values from start to end *inclusive* (deprecated: use arange).

    Mirrors: torch.range
    """
    from teachtorch.creation import tensor

    _creation_args.check_arange((start, end) if step == 1 else (start, end, step),
                                dtype, fn="range")
    warnings.warn(
        "torch.range is deprecated and will be removed in a future release because its "
        "behavior is inconsistent with Python's range builtin. Instead, use "
        "torch.arange, which produces values in [start, end).", UserWarning,
        stacklevel=2)
    if end is None:
        start, end = 0, start
    n = int(np.floor((end - start) / step)) + 1
    values = start + np.arange(max(n, 0), dtype=np.float64) * step
    return tensor(values, dtype=dtype or dtypes.get_default_dtype(), device=device,
                  requires_grad=requires_grad)


def broadcast_shapes(*shapes):
    """The shape tensors of these shapes broadcast to. Mirrors: torch.broadcast_shapes"""
    from teachtorch.size import Size

    shapes = [(s,) if isinstance(s, int) else tuple(s) for s in shapes]
    ndim = max((len(s) for s in shapes), default=0)
    result = [1] * ndim
    for k, shape in enumerate(shapes):
        for i in builtins.range(1, len(shape) + 1):
            if result[-i] == 1:
                result[-i] = shape[-i]
            elif shape[-i] not in (1, result[-i]):
                raise RuntimeError(_errors.hint(
                    f"Attempting to broadcast a dimension of length {shape[-i]} at "
                    f"-{i}! Mismatching argument at index {k} had {shape}; but "
                    f"expected shape should be broadcastable to {result}",
                    "sizes must match or be 1, counting from the right."))
    return Size(tuple(result))


def split_with_sizes(input, split_sizes, dim=0):
    """Split into pieces of the given sizes. Mirrors: torch.split_with_sizes"""
    return input.split(list(split_sizes), dim)


def unravel_index(indices, shape):
    """Flat indices to one index tensor per dimension. Mirrors: torch.unravel_index"""
    flat = _backend.to_numpy(indices._data) if hasattr(indices, "_data") else \
        np.asarray(indices)
    return tuple(make(np.asarray(i, np.int64)) for i in np.unravel_index(flat, shape))


def detach(input):
    """The same memory outside the graph. Mirrors: torch.detach"""
    return input.detach()


def detach_(input):
    return input.detach_()


def positive(input):
    """input itself (unary +). Mirrors: torch.positive"""
    if input.dtype is dtypes.bool_:
        raise TypeError(_errors.hint(
            "The `+` operator, on a bool tensor is not supported.",
            "a mask has no sign; convert it first with x.long()."))
    return input


def fill(input, value):
    """A new tensor of input's shape filled with value. Mirrors: torch.fill"""
    from teachtorch.creation import full_like

    return full_like(input, value.item() if hasattr(value, "item") else value)


def is_nonzero(input):
    """bool of a one-element tensor. Mirrors: torch.is_nonzero"""
    if input.numel() != 1:
        raise RuntimeError(_errors.hint(
            "Boolean value of Tensor with no values is ambiguous" if input.numel() == 0
            else "Boolean value of Tensor with more than one value is ambiguous",
            "is_nonzero is for one-element tensors."))
    return bool(input.item())


def is_same_size(input, other):
    return tuple(input.shape) == tuple(other.shape)


def is_signed(input):
    return input.dtype.is_signed


def is_storage(obj):
    return type(obj).__name__ in ("TypedStorage", "UntypedStorage")


def get_device(input):
    """-1 for a CPU tensor, else the GPU's index. Mirrors: torch.get_device"""
    return input.device.index if input.is_cuda else -1


def poisson(input, generator=None):
    """Poisson samples with rates input. Mirrors: torch.poisson"""
    from teachtorch import random

    rates = _backend.to_numpy(input._data)
    return make(random.rng(generator).poisson(rates).astype(rates.dtype))


def binomial(count, prob, generator=None):
    """Binomial samples: successes in count trials of probability prob.

    Mirrors: torch.binomial
    """
    from teachtorch import random

    n, p = _backend.to_numpy(count._data), _backend.to_numpy(prob._data)
    return make(random.rng(generator).binomial(n.astype(np.int64), p).astype(n.dtype))


def _shift(input, other, left, swap=False):
    """input << other (left) or input >> other, element-wise, in PyTorch's promoted
    dtype; ``swap`` computes other << input (``2 << t``).

    Math: left: a * 2**b (wrapping); right: floor(a / 2**b). A shift by b < 0 or by
    b >= the dtype's bits gives 0 (and -1 for a negative a shifted right).
    """
    name = "bitwise_left_shift" if left else "bitwise_right_shift"
    if hasattr(other, "_data"):
        check_broadcast(input._data.shape, other._data.shape)
        b = other._data
    elif isinstance(other, (builtins.int, builtins.float, np.number)):
        b = np.asarray(other)
    else:
        raise _creation_args.invalid_combination(name, (input, other))
    dt = dtypes.result_type(input, other)
    if dt.category != 1:  # integers only (bool and floats have no kernel)
        raise NotImplementedError(_errors.hint(
            f"\"{'lshift' if left else 'rshift'}_cpu\" not implemented for "
            f"'{dt.legacy_name[:-6]}'", "bit shifts are for integers: x.long() << 2."))
    a = np.asarray(input._data)
    if swap:
        a, b = b, a
    a = a.astype(dt.np, copy=False)
    outside = (b < 0) | (b >= 8 * a.dtype.itemsize)  # PyTorch defines these as 0
    b = np.where(outside, 0, b).astype(dt.np, copy=False)
    r = np.left_shift(a, b) if left else np.right_shift(a, b)
    if outside.any():
        r = np.where(outside, np.where(a < 0, -1, 0) if not left else 0, r)
    return make(np.asarray(r).astype(dt.np, copy=False))


def bitwise_left_shift(input, other):
    """input << other (integers). Mirrors: torch.bitwise_left_shift"""
    return _shift(input, other, True)


def bitwise_right_shift(input, other):
    """input >> other (integers). Mirrors: torch.bitwise_right_shift"""
    return _shift(input, other, False)


def resize_as_(input, the_template):
    """Resize input to the_template's shape, in place. Mirrors: torch.resize_as_"""
    return input.resize_(the_template.shape)


def is_inference(input):
    """False: teachtorch makes no inference-only tensors. Mirrors: torch.is_inference"""
    return False


# ----- torch.X(input, p, train) forms of the dropout family --------------------------------
def _F():
    from teachtorch.nn import functional

    return functional


def dropout_(input, p, train):
    return _F().dropout(input, p, train, inplace=True)


def alpha_dropout(input, p, train):
    return _F().alpha_dropout(input, p, train)


def alpha_dropout_(input, p, train):
    return _F().alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout(input, p, train):
    return _F().feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input, p, train):
    return _F().feature_alpha_dropout(input, p, train, inplace=True)


def feature_dropout(input, p, train):
    """Zero whole channels (dims >= 2) with probability p. Mirrors: torch.feature_dropout"""
    if not train or p == 0:
        return input
    from teachtorch.random_tensors import rand

    shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    keep = (rand(*shape, dtype=input.dtype) >= p).to(input.dtype) / (1 - p)
    return input * keep


def feature_dropout_(input, p, train):
    return input.copy_(feature_dropout(input, p, train))


# ----- torch.X forms of nn.functional ops (aten returns values and indices) -----------
def adaptive_max_pool1d(input, output_size):
    """(values, indices). Mirrors: torch.adaptive_max_pool1d"""
    return _F().adaptive_max_pool1d(input, output_size, return_indices=True)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1,
                            ceil_mode=False):
    """(values, indices). Mirrors: torch.max_pool1d_with_indices"""
    return _F().max_pool1d_with_indices(input, kernel_size, stride or None, padding,
                                        dilation, ceil_mode)


def channel_shuffle(input, groups):
    return _F().channel_shuffle(input, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups=1, dilation=1):
    return _F().conv_transpose1d(input, weight, bias, stride, padding, output_padding,
                                 groups, dilation)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _F().rrelu(input, lower, upper, training)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False, generator=None):
    return _F().rrelu(input, lower, upper, training, inplace=True)
