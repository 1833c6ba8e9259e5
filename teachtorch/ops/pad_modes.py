"""Padding by reflection, by repeating the edge, or by wrapping around (conv's
padding_mode, and F.pad's modes other than 'constant').

Chapter 10 (CNN basics) opens this file, beside ``conv.py``.
"""
from teachtorch._backend import get_array_module
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels.conv import wrap as _wrap
from teachtorch.ops.conv_args import no_double_backward as _no_double_backward


class _ModePad(Function):
    """Pad the spatial axes by reflecting, repeating the edge, or wrapping around.

    Math: y = x with borders copied from inside x;  dx = dy folded back onto the
          pixels each border element was copied from
    Mirrors: torch.nn.functional.pad(mode='reflect'|'replicate'|'circular')
    """
    _raw = True
    np_mode = "reflect"

    @classmethod
    def forward(cls, ctx, x, pads):
        ctx.pads = pads
        width = [(0, 0)] * (x.ndim - len(pads)) + list(pads)
        return get_array_module(x).pad(x, width, mode=cls.np_mode)

    @classmethod
    def backward(cls, ctx, grad_output):
        _no_double_backward("padding")
        g = grad_output._data
        xp = get_array_module(g)
        nd = len(ctx.pads)
        for k, (lo, hi) in enumerate(ctx.pads):
            g = _fold(xp.moveaxis(g, g.ndim - nd + k, -1), lo, hi, cls.np_mode)
            g = xp.moveaxis(g, -1, g.ndim - nd + k)
        return _wrap(g)


def _fold(g, lo, hi, mode):
    """Undo one axis of padding: add each border gradient onto its source pixel."""
    n = g.shape[-1] - lo - hi
    core = g[..., lo:lo + n].copy()
    left, right = g[..., :lo], g[..., lo + n:]
    if mode == "reflect":
        core[..., 1:lo + 1] += left[..., ::-1]
        core[..., n - 1 - hi:n - 1] += right[..., ::-1]
    elif mode == "edge":
        core[..., 0] += left.sum(-1)
        core[..., n - 1] += right.sum(-1)
    else:  # wrap
        core[..., n - lo:] += left
        core[..., :hi] += right
    return core


_PAD_CLASSES = {}
for _mode, _np_mode, _name in (("reflect", "reflect", "ReflectionPad"),
                               ("replicate", "edge", "ReplicationPad"),
                               ("circular", "wrap", "CircularPad")):
    for _nd in (1, 2):
        _PAD_CLASSES[_mode, _nd] = type(
            f"{_name}{_nd}d", (_ModePad,),
            {"np_mode": _np_mode, "node_name": f"{_name}{_nd}DBackward0"})


def pad_mode(input, pads, mode):
    """Pad the last len(pads) axes; pads = ((lo, hi), ...) first spatial axis first."""
    shape = list(input.shape)
    for k in range(len(pads) - 1, -1, -1):          # PyTorch checks the last axis first
        lo, hi = pads[k]
        dim = input.dim() - len(pads) + k
        if mode == "reflect" and max(lo, hi) >= shape[dim]:
            raise RuntimeError(
                "Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {dim} of input "
                f"{shape}\nhint: reflection mirrors the inside of the input, so it "
                "needs more pixels than the padding; use padding_mode='replicate' or "
                "less padding.")
        if mode == "circular" and max(lo, hi) > shape[dim]:
            raise RuntimeError(
                "Padding value causes wrapping around more than once.\nhint: circular "
                "padding copies from the other side; it can be at most the input size.")
    return _PAD_CLASSES[mode, len(pads)].apply(input, tuple(pads))
