"""conv2d written as plain loops over NumPy arrays: the definition, one output at a time.

Chapter 10 (CNN basics) reads this beside ``F.conv2d`` and checks that they agree.
The reference in ``conv.py`` computes the same numbers with all windows at once
(and has the backward); this file is forward only, for reading.
"""
import numpy as np


def conv2d_naive(x, weight, bias=None, stride=1, padding=0):
    """The convolution as four nested loops, one pass per output element.

    The loops run over the batch n, the output channel o and the output position
    (i, j); inside, ``np.sum(window * weight[o])`` is the sum over the input channels
    and the kh x kw kernel offsets that three more loops would spell out.

    Math: y[n, o, i, j] = b[o] + sum_{c,u,v} w[o, c, u, v] * xp[n, c, i*s + u, j*s + v]
    """
    n, _, h, w = x.shape
    o, _, kh, kw = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - kh) // stride + 1
    ow = (w + 2 * padding - kw) // stride + 1
    y = np.zeros((n, o, oh, ow), x.dtype)
    for b in range(n):
        for f in range(o):
            for i in range(oh):
                for j in range(ow):
                    top, left = i * stride, j * stride
                    window = xp[b, :, top:top + kh, left:left + kw]
                    y[b, f, i, j] = np.sum(window * weight[f])
                    if bias is not None:
                        y[b, f, i, j] += bias[f]
    return y
