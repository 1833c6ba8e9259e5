"""Fast mode padding on arrays: np.pad forward, border gradients folded back.

The math is in ``ops/pad_modes.py``; with create_graph the kernel hands over to it.
"""
from teachtorch._backend import get_array_module
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function
from teachtorch.ops._kernels.conv import wrap


class ModePad(Function):
    """Pad the spatial axes by reflecting, repeating the edge, or wrapping around.

    Math: y = x with borders copied from inside x;  dx = dy folded back onto the
          pixels each border element was copied from
    Mirrors: torch.nn.functional.pad(mode='reflect'|'replicate'|'circular')
    """
    _raw = True
    np_mode = "reflect"

    @classmethod
    def forward(cls, ctx, x, pads):
        ctx.pads, ctx.in_shape = pads, x.shape
        width = [(0, 0)] * (x.ndim - len(pads)) + list(pads)
        return get_array_module(x).pad(x, width, mode=cls.np_mode)

    @classmethod
    def backward(cls, ctx, grad_output):
        if grad_mode.is_grad_enabled():  # create_graph=True: the readable backward
            from teachtorch.ops.pad_modes import mode_pad_backward

            return mode_pad_backward(grad_output, ctx.in_shape, ctx.pads, cls.mode)
        g = grad_output._data
        xp = get_array_module(g)
        nd = len(ctx.pads)
        for k, (lo, hi) in enumerate(ctx.pads):
            g = _fold(xp.moveaxis(g, g.ndim - nd + k, -1), lo, hi, cls.np_mode)
            g = xp.moveaxis(g, -1, g.ndim - nd + k)
        return wrap(g)


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
