"""Pooling backward written with Tensor operations, for create_graph=True.

pool.py's backward works on raw arrays (fast, invisible to autograd). When the
gradient itself must be differentiated, MaxPool2d and AvgPool2d call these instead:
    max:  dx = zeros.scatter_add(positions of each window's maximum, dy)
    avg:  dx = fold(dy / divisor, copied to every position of its window), cropped
Both are linear in dy, with backwards of their own.
Chapter 10 (CNN basics) opens this file.
"""
from teachtorch.ops.unfold import Fold


def max_pool_backward_graph(grad_output, flat_index, in_shape):
    """dy added at each window's argmax (flat_index: (N, C, OH, OW) into H*W)."""
    from teachtorch import creation
    from teachtorch.ops.gather import scatter_add
    from teachtorch.tensor import Tensor

    n, c, h, w = in_shape
    g = grad_output.reshape(n, c, -1)
    index = Tensor._make(flat_index.reshape(n, c, -1))
    zeros = creation.zeros(n, c, h * w, dtype=g.dtype, device=g.device)
    dx = scatter_add(zeros, 2, index, g).reshape(n, c, h, w)
    return dx[0] if grad_output.dim() == 3 else dx


def avg_pool_backward_graph(grad_output, geometry, padded_size):
    """dy / divisor spread over each window, summed where windows overlap."""
    from teachtorch.tensor import Tensor

    shape, kernel, stride, pad, out, div = geometry
    n, c, h, w = shape
    k = kernel[0] * kernel[1]
    g = grad_output.reshape(n, c, 1, out[0] * out[1]) / Tensor._make(div.reshape(-1))
    cols = g.expand(n, c, k, out[0] * out[1]).reshape(n, c * k, out[0] * out[1])
    dx = Fold.apply(cols, padded_size, kernel, (1, 1), (0, 0), stride)
    dx = dx[:, :, pad[0]:pad[0] + h, pad[1]:pad[1] + w]
    return dx[0] if grad_output.dim() == 3 else dx
