"""Convolution's arguments: padding, stride and dilation as tuples, PyTorch's errors.

``ops/conv.py`` calls these before it convolves; nothing here is about the math.
Chapter 10 (CNN basics) meets these errors in its "try it" cells.
"""
from teachtorch import _checks, _errors, dtypes


def pair(v):
    """An int or a pair as a pair: 3 -> (3, 3)."""
    return (v, v) if isinstance(v, int) else tuple(v)


def _conv_pads(padding, kernel, dilation, stride, nd):
    """padding int/tuple/'valid'/'same' -> ((lo, hi), ...) per spatial axis."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding != "same":
            raise ValueError(_errors.hint(f"Invalid padding string '{padding}', should be one of "
                             "{'valid', 'same'}", "use 'same', 'valid' or numbers."))
        if any(s != 1 for s in stride):
            raise RuntimeError(_errors.hint("padding='same' is not supported for strided "
                               "convolutions", "use stride=1 with 'same', or give "
                               "the padding as numbers."))
        total = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in total)
    padding = (padding,) * nd if isinstance(padding, int) else tuple(padding)
    return tuple((p, p) for p in padding)


def _sizes_text(sizes):
    return " x ".join(str(s) for s in sizes)


def _c_type(np_dtype):
    """How PyTorch's C++ names a dtype in its errors ('float', 'double', 'long int')."""
    return dtypes.from_numpy_dtype(np_dtype).cpp_name


def _scalar_type(np_dtype):
    """PyTorch's ScalarType name ('Float', 'Double', 'Long')."""
    return dtypes.from_numpy_dtype(np_dtype).legacy_name[:-len("Tensor")]


def check_dtypes(input, weight, bias):
    """PyTorch's dtype errors: conv never mixes float32 and float64 silently."""
    dtype = input._data.dtype
    if weight._data.dtype == dtype and (bias is None or bias._data.dtype == dtype):
        return                                   # the usual case, checked cheaply
    hint = (_errors.hint_line("the input and the layer's weights must share one dtype; convert "
            "the input (x.float(): NumPy data is often float64) or the model "
            "(model.double())."))
    if bias is not None and dtype != bias._data.dtype:
        raise RuntimeError(f"Input type ({_c_type(dtype)}) and bias type "
                           f"({_c_type(bias._data.dtype)}) should be the same" + hint)
    if dtype != weight._data.dtype:
        if bias is None and input._data.dtype.kind != "f":
            raise RuntimeError(f"Input type ({_c_type(dtype)}) and weight type "
                               f"({_c_type(weight._data.dtype)}) should be the same"
                               + hint)
        raise RuntimeError(f"expected scalar type {_scalar_type(dtype)} but found "
                           f"{_scalar_type(weight._data.dtype)}" + hint)


def _check_conv(input, weight, groups, name, transposed=False):
    nd = weight.dim() - 2
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(
            _errors.hint(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                         f"{name}, but got input of size: {list(input.shape)}",
                         f"{name} wants (N, C, {'L' if nd == 1 else 'H, W'}) or one "
                         "sample without the N; add a batch dimension with "
                         "x.unsqueeze(0)."))
    if not transposed and weight.shape[0] % groups:
        raise RuntimeError(
            _errors.hint(f"Given groups={groups}, expected weight to be divisible by {groups} at "
            f"dimension 0, but got weight of size [{list(weight.shape)}] instead", "out_channels must be a multiple of groups."))
    c = input.shape[-nd - 1]
    expected = weight.shape[0] if transposed else weight.shape[1] * groups
    if c != expected:
        shape = list(input.shape)
        kind = f"transposed={1}" if transposed else f"groups={groups}"
        raise RuntimeError(
            _errors.hint(f"Given {kind}, weight of size {list(weight.shape)}, expected input{shape} "
            f"to have {expected} channels, but got {c} channels instead", "the "
            f"layer was built for in_channels={expected} but this input has {c} "
            "channels (dim 1 of (N, C, H, W)); fix in_channels or the previous "
            "layer's out_channels."))


def conv_geometry(input, weight, bias, stride, padding, dilation, groups, nd, name):
    """Checked (stride, pads, dilation) of a convolution, as 2-D tuples.

    pads is ((top, bottom), (left, right)); conv1d gets a height axis of size 1.
    PyTorch's checks in PyTorch's order, each a cheap test here; the function beside
    it, run only when the test fails, raises PyTorch's error with its hint.
    """
    x, w = input._data, weight._data
    if (x.ndim not in (nd + 1, nd + 2) or w.shape[0] % groups
            or x.shape[-nd - 1] != w.shape[1] * groups):
        _check_conv(input, weight, groups, name)
    stride = (stride,) * nd if isinstance(stride, int) else tuple(stride)
    dilation = (dilation,) * nd if isinstance(dilation, int) else tuple(dilation)
    kernel, numbers = w.shape[2:], not isinstance(padding, str)
    pad = ((padding,) * nd if isinstance(padding, int) else tuple(padding)) if numbers \
        else ()
    if (len(stride) != nd or len(dilation) != nd or (numbers and len(pad) != nd)
            or min(stride) <= 0 or min(pad, default=0) < 0 or min(kernel) <= 0
            or min(dilation) <= 0):
        _checks.conv_args(kernel, stride, padding, dilation, nd)
    pads = (tuple((p, p) for p in pad) if numbers
            else _conv_pads(padding, kernel, dilation, stride, nd))
    spatial = x.shape[-nd:]
    padded = [s + lo + hi for s, (lo, hi) in zip(spatial, pads)]
    eff = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(
            _errors.hint(f"Calculated padded input size per channel: ({_sizes_text(padded)}). "
            f"Kernel size: ({_sizes_text(eff)}). Kernel size can't be greater than "
            "actual input size", f"the input {tuple(spatial)} (after padding "
            f"{tuple(padded)}) is smaller than the kernel; use a smaller kernel, more "
            "padding, or check how much earlier layers shrank the image."))
    if bias is not None and (bias._data.ndim != 1 or bias._data.shape[0] != w.shape[0]):
        _checks.conv_bias(weight, bias)
    if w.dtype != x.dtype or (bias is not None and bias._data.dtype != x.dtype):
        check_dtypes(input, weight, bias)
    if nd == 1:
        stride, dilation, pads = (1,) + stride, (1,) + dilation, ((0, 0),) + pads
    return stride, pads, dilation


def transpose_geometry(input, weight, stride, padding, output_padding, groups,
                       dilation):
    """Checked (stride, pads, dilation, output size) of conv_transpose2d."""
    _check_conv(input, weight, groups, "conv_transpose2d", transposed=True)
    stride, padding, dilation = pair(stride), pair(padding), pair(dilation)
    output_padding = pair(output_padding)
    _checks.conv_args(weight.shape[2:], stride, padding, dilation, 2, transposed=True)
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            _errors.hint("output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {output_padding[0]} output_padding_width: "
            f"{output_padding[1]} stride_height: {stride[0]} stride_width: {stride[1]} "
            f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}", "output_padding only picks between the sizes a strided conv could have "
            "come from; keep it below the stride."))
    size = tuple((n - 1) * s - 2 * p + d * (k - 1) + op + 1 for n, s, p, d, k, op in zip(
        input.shape[-2:], stride, padding, dilation, weight.shape[2:], output_padding))
    pads = tuple((p, p) for p in padding)
    return stride, pads, dilation, size
