"""Padding by reflection, by repeating the edge, or by wrapping around (conv's
padding_mode).

The reference, ``pad_reference``, pads one axis at a time by gluing copies of its
border onto it (narrow, flip, cat), so autograd derives its backward: each border
gradient added back onto the pixel it was copied from. The fast kernel
(``_kernels/pad_modes.py``) does the same with ``np.pad`` and an array backward; with
create_graph it hands over to the reference's backward.
Chapter 10 (CNN basics) opens this file, beside ``conv.py``.
"""
from teachtorch import _errors
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels import pad_modes as fast
from teachtorch.reference import is_reference_mode


def pad_axis(x, dim, lo, hi, mode):
    """x padded along one dim by lo and hi border copies: reflect/replicate/circular."""
    from teachtorch.ops.join import cat

    n = x.shape[dim]
    if mode == "reflect":        # mirror image without repeating the edge pixel
        before = x.narrow(dim, 1, lo).flip(dim)
        after = x.narrow(dim, n - 1 - hi, hi).flip(dim)
    elif mode == "replicate":    # the edge pixel, repeated
        before = cat([x.narrow(dim, 0, 1)] * lo, dim) if lo else x.narrow(dim, 0, 0)
        after = cat([x.narrow(dim, n - 1, 1)] * hi, dim) if hi else x.narrow(dim, 0, 0)
    else:                        # circular: the other end, wrapped around
        before, after = x.narrow(dim, n - lo, lo), x.narrow(dim, 0, hi)
    return cat([before, x, after], dim)


def pad_reference(x, pads, mode):
    """Pad the last len(pads) axes; pads = ((lo, hi), ...) first spatial axis first."""
    for k, (lo, hi) in enumerate(pads):
        x = pad_axis(x, x.dim() - len(pads) + k, lo, hi, mode)
    return x


class ModePadReference(Function):
    """pad_reference as one node, named like PyTorch's (ReflectionPad2DBackward0...).

    Math: y = x with border copies glued on;  dx = mode_pad_backward(dy)
    Mirrors: torch.nn.functional.pad(mode='reflect'|'replicate'|'circular')
    """
    mode = "reflect"

    @classmethod
    def forward(cls, ctx, x, pads):
        ctx.pads, ctx.in_shape = pads, x.shape
        return pad_reference(x, pads, cls.mode)

    @classmethod
    def backward(cls, ctx, grad_output):
        return mode_pad_backward(grad_output, ctx.in_shape, ctx.pads, cls.mode), None


def mode_pad_backward(grad_output, in_shape, pads, mode):
    """dx of mode padding, differentiable: autograd's backward of the reference.

    Padding is linear, so its backward does not depend on x: run the reference on
    zeros and take the vector-Jacobian product with grad_output (create_graph=True).
    """
    from teachtorch import autograd, creation

    x = creation.zeros(*in_shape, dtype=grad_output.dtype, device=grad_output.device,
                       requires_grad=True)
    with grad_mode.enable_grad():
        y = pad_reference(x, pads, mode)
    (dx,) = autograd.grad(y, x, grad_output, create_graph=True)
    return dx


_PAD_CLASSES = {}        # (mode, number of axes) -> (reference, fast kernel)
for _mode, _np_mode, _name in (("reflect", "reflect", "ReflectionPad"),
                               ("replicate", "edge", "ReplicationPad"),
                               ("circular", "wrap", "CircularPad")):
    for _nd in (1, 2):
        _node = f"{_name}{_nd}DBackward0"
        _PAD_CLASSES[_mode, _nd] = (
            type(f"{_name}{_nd}dReference", (ModePadReference,),
                 {"mode": _mode, "node_name": _node}),
            type(f"{_name}{_nd}d", (fast.ModePad,),
                 {"np_mode": _np_mode, "mode": _mode, "node_name": _node}))


def pad_mode(input, pads, mode):
    """Pad the last len(pads) axes; pads = ((lo, hi), ...) first spatial axis first."""
    shape = list(input.shape)
    for k in range(len(pads) - 1, -1, -1):          # PyTorch checks the last axis first
        lo, hi = pads[k]
        dim = input.dim() - len(pads) + k
        if mode == "reflect" and max(lo, hi) >= shape[dim]:
            raise RuntimeError(
                _errors.hint("Argument #4: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {dim} of input "
                f"{shape}", "reflection mirrors the inside of the input, so it "
                "needs more pixels than the padding; use padding_mode='replicate' or "
                "less padding."))
        if mode == "circular" and max(lo, hi) > shape[dim]:
            raise RuntimeError(
                _errors.hint("Padding value causes wrapping around more than once.", "circular "
                "padding copies from the other side; it can be at most the input size."))
    reference, fast = _PAD_CLASSES[mode, len(pads)]
    op = reference if is_reference_mode() else fast
    return op.apply(input, tuple(pads))


pad_mode.__reference__ = ModePadReference
