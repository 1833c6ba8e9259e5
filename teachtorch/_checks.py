"""Argument checks made as PyTorch makes them, called at the public entry points.

Each check is a few comparisons on numbers the caller already has (sizes, strides,
dtypes); the ones that must look at values (an index's range, a divisor's zeros) run
only on the paths that need them (integer division, embedding lookups, gathers).
Messages are PyTorch's, then a hint (``_errors.hint``).
"""
import warnings

import numpy as np

from teachtorch._errors import hint


# PyTorch's element-wise kernels never warn about overflow, 0/0 or inf - inf: they
# return inf or nan quietly. NumPy's ufuncs warn ("overflow encountered in multiply").
# An np.errstate around every kernel would cost more than the kernel on small tensors,
# so the warnings that NumPy raises from inside teachtorch's own modules are filtered
# out instead (a warning is attributed to the module whose line called the ufunc).
# Warnings that teachtorch issues itself, and NumPy's in a learner's own code, pass.
def quiet_numpy_float_warnings():
    """Install the filter (done once, when teachtorch is imported)."""
    warnings.filterwarnings("ignore", message=r".* encountered in ",
                            category=RuntimeWarning, module=r"teachtorch\.")


quiet_numpy_float_warnings()


# ----- convolution and pooling settings ---------------------------------------------
def conv_args(kernel, stride, padding, dilation, nd, transposed=False):
    """Conv settings: stride/dilation tuples, padding an int, tuple or string; nd the
    spatial dims. conv1d's are reported with a leading 1, as PyTorch runs it as 2-D."""
    if not isinstance(padding, str):
        padding = (padding,) * nd if isinstance(padding, int) else tuple(padding)
    for name, v in (("stride", stride), ("padding", padding), ("dilation", dilation)):
        if not isinstance(v, str) and len(v) != nd:
            raise RuntimeError(hint(
                f"expected {name} to be a single integer value or a list of {nd} "
                f"values to match the convolution dimensions, but got {name}="
                f"{list(v)}", f"give one {name} or {nd} of them (one per spatial dim)."))
    pre = (1,) * (2 - nd)
    kernel, dilation = pre + tuple(kernel), pre + tuple(dilation)
    if min(stride) <= 0:
        raise RuntimeError(hint("non-positive stride is not supported",
                                f"stride={tuple(stride)}: every stride must be >= 1."))
    if not isinstance(padding, str) and min(padding) < 0:
        raise RuntimeError(hint("negative padding is not supported",
                                f"padding={tuple(padding)}: use 0 or more (F.pad can "
                                "crop with negative pads if that is what you want)."))
    if min(kernel) <= 0:
        raise RuntimeError(hint(
            "kernel size should be greater than zero, but got kernel_height: "
            f"{kernel[-2]} kernel_width: {kernel[-1]}",
            "the weight's last dims are the kernel; kernel_size must be >= 1."))
    if min(dilation) <= 0:
        got = (f"dilation_height: {dilation[-2]}, dilation_width: {dilation[-1]}"
               if transposed else str(list(dilation)))
        raise RuntimeError(hint(f"dilation should be greater than zero, but got {got}",
                                "dilation=1 is the plain window; use >= 1."))


def pool2d_args(kernel, stride, pad, dilation, divisor_override=None):
    """max_pool2d / avg_pool2d settings (pairs), checked in PyTorch's order."""
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError(hint("divisor must be not zero",
                                "divisor_override=None divides by the window size."))
    if 0 in stride:
        raise RuntimeError(hint("stride should not be zero",
                                "stride must be >= 1 (None means stride=kernel_size)."))
    if min(kernel) < 0:
        return  # PyTorch's "pad should be at most half" check fires first
    if min(kernel) == 0:
        raise RuntimeError(hint(
            f"kernel size should be greater than zero, but got kH: {kernel[0]} "
            f"kW: {kernel[1]}", "kernel_size must be >= 1."))
    if min(stride) < 0:
        raise RuntimeError(hint(
            f"stride should be greater than zero, but got dH: {stride[0]} dW: "
            f"{stride[1]}", "stride must be >= 1."))
    if min(dilation) <= 0:
        raise RuntimeError(hint(
            f"dilation should be greater than zero, but got dilationH: {dilation[0]} "
            f"dilationW: {dilation[1]}", "dilation must be >= 1."))
    if min(pad) < 0:
        raise RuntimeError(hint(f"pad must be non-negative, but got pad: {min(pad)}",
                                "padding must be >= 0."))


def max_pool1d_args(kernel, stride, pad, dilation):
    """max_pool1d's own wording (PyTorch checks it before running the 2-D kernel)."""
    for name, v, ok in (("kernel_size", kernel, kernel > 0), ("stride", stride,
                        stride > 0), ("dilation", dilation, dilation > 0)):
        if not ok:
            raise RuntimeError(hint(
                f"max_pool1d() {name} must be greater than zero, but got {v}",
                f"{name} must be >= 1."))
    if pad < 0:
        raise RuntimeError(hint(
            f"max_pool1d() padding must be non-negative, but got {pad}",
            "padding must be >= 0."))


def adaptive_size(name, output_size, nd):
    """adaptive pools: output_size has nd entries (None keeps that size), none < 0."""
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != nd:
            raise RuntimeError(hint(f"{name}: output_size must be {nd}",
                                    f"give one size per spatial dim, e.g. {(1,) * nd}."))
        sizes = [s for s in output_size if s is not None]
    else:
        sizes = [output_size] * nd
    if sizes and min(sizes) < 0:
        shown = "{" + ", ".join(str(s) for s in output_size) + "}" if isinstance(
            output_size, (tuple, list)) else "{" + ", ".join([str(output_size)] * nd) + "}"
        raise RuntimeError(hint(
            f"{name}: elements of output_size must be greater than or equal to 0 but "
            f"received {shown}", "output_size is the size you want out, e.g. 1."))


# ----- values that must be in range -------------------------------------------------
def int_divisor(a, b):
    """Integer division by zero: PyTorch raises RuntimeError('ZeroDivisionError')."""
    if a._data.dtype.kind not in "iu":
        return
    if isinstance(b, (int, np.integer)) and not isinstance(b, bool):
        zero = b == 0
    elif hasattr(b, "_data") and b._data.dtype.kind in "iu":
        zero = not b._data.all()
    else:
        return
    if zero:
        raise RuntimeError(hint("ZeroDivisionError",
                                "integer tensors have no inf; a divisor is 0. Use "
                                "float tensors (x.float()) or mask the zeros first."))


# ----- conversions -------------------------------------------------------------------
def int_values_fit(a, dtype):
    """torch.tensor(data, dtype=int type): values outside the type raise, as in
    PyTorch (Python ints below an unsigned type's range wrap around)."""
    np_dtype = np.dtype(dtype.np)
    info = np.iinfo(np_dtype)
    if not a.size or a.dtype.kind not in "iuf":
        return
    lo, hi = a.min(), a.max()
    if a.dtype.kind == "f":
        bad = not (np.isfinite(lo) and np.isfinite(hi)) or lo < info.min or hi > info.max
    else:
        bad = hi > info.max or (info.min < 0 and lo < info.min)
    if bad:
        raise RuntimeError(hint(
            f"value cannot be converted to type {np_dtype.name} without overflow",
            f"{dtype} holds {info.min}..{info.max}; use a wider dtype or wrap the "
            "values yourself (e.g. % 256)."))


# ----- layers ------------------------------------------------------------------------
def linear_input(input, weight):
    """F.linear's errors for an input that is not a tensor, 0-D, or of another dtype."""
    if not hasattr(input, "_data"):
        raise TypeError(hint(
            "linear(): argument 'input' (position 1) must be Tensor, not "
            f"{type(input).__name__}", "wrap the data: torch.tensor(..., "
            "dtype=torch.float32)."))
    if input._data.ndim == 0:
        raise RuntimeError(hint(
            "both arguments to linear need to be at least 1D, but they are 0D and "
            f"{weight._data.ndim}D", "give the input a feature dim: x.reshape(1)."))
    a, b = input.dtype.legacy_name[:-6], weight.dtype.legacy_name[:-6]
    if a != b:
        raise RuntimeError(hint(
            f"mat1 and mat2 must have the same dtype, but got {a} and {b}",
            f"the input is {input.dtype} but the layer's weight is {weight.dtype}; "
            "convert the input (x.float()) or the model (model.double())."))


def conv_bias(weight, bias, out_channels=None, transposed=False):
    """Conv bias: 1-D with out_channels elements."""
    n = weight._data.shape[0] if out_channels is None else out_channels
    if bias is not None and (bias._data.ndim != 1 or bias._data.shape[0] != n):
        given = "Given transposed=1, weight" if transposed else "Given weight"
        raise RuntimeError(hint(
            f"{given} of size {list(weight.shape)}, expected bias to be "
            f"1-dimensional with {n} elements, but got bias of size "
            f"{list(bias.shape)} instead", "the bias has one value per output "
            "channel."))


def batch_norm_channels(input, running_mean, weight):
    """BatchNorm: the input's channel count (dim 1) matches the layer's."""
    c = input._data.shape[1] if input._data.ndim > 1 else input._data.shape[0]
    for name, t in (("running_mean", running_mean), ("weight", weight)):
        if t is not None and t._data.shape[0] != c:
            raise RuntimeError(hint(
                f"{name} should contain {c} elements not {t._data.shape[0]}",
                f"the layer was built for {t._data.shape[0]} channels but dim 1 of "
                f"the input has {c}; fix num_features or the previous layer."))


# ----- random sampling --------------------------------------------------------------
def normal_std(std):
    """normal / normal_: std >= 0 (a number, or every element of a tensor)."""
    if hasattr(std, "_data"):
        if std._data.size and std._data.min() < 0:
            raise RuntimeError(hint("normal expects all elements of std >= 0.0",
                                    "std is a spread, never negative."))
    elif std < 0:
        raise RuntimeError(hint(f"normal expects std >= 0.0, but found std {std:g}",
                                "std is a spread, never negative."))


def uniform_range(a, b):
    if a > b:
        raise RuntimeError(hint(
            f"uniform_ expects to return a [from, to) range, but found from={a:g} > "
            f"to={b:g}", "give the lower bound first: uniform_(low, high)."))


def multinomial_args(input, num_samples, replacement):
    """multinomial: 1-D/2-D float weights, finite and >= 0, a positive total per
    row, and no more samples than categories without replacement."""
    p = input._data
    if p.dtype.kind != "f":
        raise RuntimeError(hint(
            "multinomial only supports floating-point dtypes for input, got: "
            f"{input.dtype.legacy_name[:-6]}", "pass weights as floats: w.float()."))
    if p.ndim not in (1, 2):
        raise RuntimeError(hint("prob_dist must be 1 or 2 dim",
                                "one row of weights, or a batch of rows."))
    if num_samples <= 0:
        raise RuntimeError(hint("cannot sample n_sample <= 0 samples",
                                "ask for at least one sample."))
    if not replacement and num_samples > p.shape[-1]:
        raise RuntimeError(hint(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement",
            f"there are only {p.shape[-1]} categories; pass replacement=True."))
    if not np.isfinite(p).all() or (p < 0).any():
        raise RuntimeError(hint(
            "probability tensor contains either `inf`, `nan` or element < 0",
            "weights must be finite and >= 0 (they need not sum to 1)."))
    if (p.sum(-1) <= 0).any():
        raise RuntimeError(hint(
            "invalid multinomial distribution (sum of probabilities <= 0)",
            "every row needs at least one positive weight."))


# ----- autograd ----------------------------------------------------------------------
def assigned_grad(t, g):
    """x.grad = g: a Tensor (or None) of x's shape, dtype and device."""
    if not hasattr(g, "_data"):
        raise TypeError(hint(
            "assigned grad expected to be a Tensor or None but got grad of type "
            f"{type(g).__name__}", "assign a tensor: x.grad = torch.zeros_like(x)."))
    if g._data.dtype != t._data.dtype:
        raise RuntimeError(hint(
            f"attempting to assign a gradient with dtype '{g.dtype.cpp_name}' to a "
            f"tensor with grad_dtype '{t.dtype.legacy_name[:-6]}'. The gradient must "
            "match the tensor's grad_dtype (defaults to the tensor's dtype). You can "
            "set the tensor's grad_dtype attribute with a specific dtype, or None to "
            "allow any dtype. Set grad_dtype with caution. Diverging the dtypes of a "
            "tensor and its gradient may break downstream systems that assume they "
            "match.", f"convert it: x.grad = g.to({t.dtype})."))
    if g._data.shape != t._data.shape:
        raise RuntimeError(hint(
            f"attempting to assign a gradient of size '{list(g.shape)}' to a tensor of "
            f"size '{list(t.shape)}'. Please ensure that the gradient and the tensor "
            "are the same size", "a gradient has its tensor's shape."))
    if g.device != t.device:
        raise RuntimeError(hint(
            "attempting to assign a gradient located on device with index "
            f"'{g.device.index}' to a tensor located on device with index "
            f"'{t.device.index}'. Please ensure that the gradient and the tensor are "
            "on the same device", "move it: g.to(x.device)."))


# ----- losses ------------------------------------------------------------------------
_TARGET_ARG = {"cross_entropy": "cross_entropy_loss", "nll_loss": "nll_loss_nd",
               "kl_div": "kl_div", "multi_margin_loss": "multi_margin_loss"}


def loss_target(name, input, target, dtypes=True):
    """A loss's target: a Tensor (and, unless dtypes=False, of a dtype the loss
    takes), with PyTorch's messages."""
    if not hasattr(target, "_data"):
        if name in _TARGET_ARG:
            raise TypeError(hint(
                f"{_TARGET_ARG[name]}(): argument 'target' (position 2) must be Tensor, "
                f"not {type(target).__name__}", "wrap the labels: torch.tensor(y)."))
        raise AttributeError(hint(f"'{type(target).__name__}' object has no attribute "
                                  "'size'", "wrap the target: torch.tensor(y)."))
    ik, tk = input._data.dtype.kind, target._data.dtype.kind
    if not dtypes or ik == tk == "f" and name != "binary_cross_entropy":
        return
    t_name, i_name = target.dtype.legacy_name[:-6], input.dtype.legacy_name[:-6]
    if name == "kl_div" and (ik != "f" or tk != "f"):
        raise RuntimeError(hint("kl_div: Integral inputs not supported.",
                                "input holds log-probabilities and target "
                                "probabilities: both floating point."))
    if name == "mse_loss" and ik != "f" and tk != "f":
        raise NotImplementedError(hint(f"\"mse_cpu\" not implemented for '{i_name}'",
                                       "use float tensors: x.float()."))
    if name == "binary_cross_entropy" and target._data.dtype != input._data.dtype:
        raise RuntimeError(hint(f"Found dtype {t_name} but expected {i_name}",
                                f"make the target {input.dtype}: y.float()."))
    if name == "binary_cross_entropy_with_logits" and tk in "iu":
        raise RuntimeError(hint(
            f"result type {i_name} can't be cast to the desired output type {t_name}",
            "make the target float: y.float()."))


def loss_shapes(input, target):
    """Element-wise losses: input and target shapes must broadcast."""
    a, b = tuple(input.shape), tuple(target.shape)
    for i in range(1, min(len(a), len(b)) + 1):
        if a[-i] != b[-i] and a[-i] != 1 and b[-i] != 1:
            raise RuntimeError(hint(
                f"The size of tensor a ({a[-i]}) must match the size of tensor b "
                f"({b[-i]}) at non-singleton dimension {max(len(a), len(b)) - i}",
                f"input {a} and target {b} cannot broadcast; for class ids use "
                "CrossEntropyLoss, else give the target the input's shape."))


def multi_margin_target(input, target):
    n = input.shape[0] if input.dim() == 2 else 1
    if target.dim() > 1 or target.numel() != n:
        raise RuntimeError(hint(
            "multi_margin_loss: target tensor should be 1-D with size equal to the "
            f"number of input samples (batch size). Expected target size [{n}], but "
            f"got {list(target.shape)}. Input has shape {list(input.shape)}.",
            "one class id per sample."))
    if target._data.dtype.kind != "i" or target._data.dtype.itemsize != 8:
        raise RuntimeError(hint(
            f"expected scalar type Long but found {target.dtype.legacy_name[:-6]}",
            "class ids are int64: y.long()."))
    c = input.shape[-1]
    t = target._data
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError(hint("target out of range",
                                f"class ids must be in [0, {c - 1}]."))


# ----- dtypes a kernel has no version for ----------------------------------------------
def not_implemented(kernel, t):
    """PyTorch's words when a kernel has no version for t's dtype (t: a tensor, or
    the dtype's name such as 'Float')."""
    name = t if isinstance(t, str) else t.dtype.legacy_name[:-6]
    raise NotImplementedError(hint(f"\"{kernel}\" not implemented for '{name}'",
                                   "this op has no version for that dtype; convert "
                                   "first, e.g. x.float() or x.long()."))


def both_bool(a, b):
    """True when an arithmetic op would run on bools only (PyTorch has no kernel)."""
    if a._data.dtype.kind != "b":
        return False
    return type(b) is bool or (hasattr(b, "_data") and b._data.dtype.kind == "b")


def integer_bits(kernel, a, b=None):
    """Bitwise ops take integers and bools only."""
    for t in (a, b):
        if hasattr(t, "_data") and t._data.dtype.kind not in "biu":
            not_implemented(kernel, t)
    if isinstance(b, float):
        not_implemented(kernel, "Float")


def invert_float():
    """``~x`` on a float tensor: PyTorch's TypeError."""
    raise TypeError(hint("~ (operator.invert) is only implemented on integer and "
                         "Boolean-type tensors", "for a mask use ~(x > 0) or "
                         "x.logical_not(); for numbers, -x or 1 - x."))
