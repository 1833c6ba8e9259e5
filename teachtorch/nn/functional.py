"""nn.functional: the stateless functions behind every layer (``import ... as F``).

A layer object (``nn.Linear``) holds parameters and calls the function here
(``F.linear``); call the function directly when you hold the tensors yourself.
The kernels live in ``teachtorch/ops`` (activations/, nn_layers.py, loss.py).
Chapter 09 (softmax and the MNIST MLP) opens this file.
"""
import numpy as np

from teachtorch import _backend, _checks, _errors, ops
from teachtorch.ops import nn_layers, normalization
from teachtorch.ops.activations import relu_family as nn_relu
from teachtorch.ops.activations.smooth import (gelu, log_softmax, mish,  # noqa: F401
                                               silu, softmax)
from teachtorch.ops.unfold import fold, unfold  # noqa: F401
from teachtorch.ops.activations.relu_family import (celu, elu,  # noqa: F401
                                                    leaky_relu, prelu, selu,
                                                    softplus, threshold)
from teachtorch.random import rng
from teachtorch.reference import is_reference_mode
from teachtorch.tensor import Tensor
from teachtorch.nn._loss_functions import (binary_cross_entropy,  # noqa: F401,E402
                                           binary_cross_entropy_with_logits,
                                           cross_entropy, huber_loss, kl_div, l1_loss,
                                           mse_loss, nll_loss, smooth_l1_loss)


# ----- linear layers ------------------------------------------------------------------
def linear(input, weight, bias=None):
    """y = x W^T + b. A 2-D input takes the one-GEMM addmm path (AddmmBackward0).

    Math: y = x @ W.T + b;  dy/dx = W, dy/dW = x, dy/db = 1
    Mirrors: torch.nn.functional.linear
    """
    if not isinstance(input, Tensor) or input._data.dtype != weight._data.dtype:
        _checks.linear_input(input, weight)
    if input.dim() == 2:
        if bias is None:
            return ops.mm(input, weight.t())
        return ops.addmm(bias, input, weight.t())
    if input.dim() > 2:
        if bias is None:  # torch: matmul, whose result is an UnsafeView
            return ops.matmul(input, weight.t())
        lead = tuple(input.shape[:-1])
        out = linear(input.reshape(-1, input.shape[-1]), weight, bias)
        return out.view(*lead, out.shape[-1])
    if input.dim() == 0:
        _checks.linear_input(input, weight)
    out = linear(input.view(1, -1), weight, bias)  # 1-D: one row
    return out.view(-1)


def bilinear(input1, input2, weight, bias=None):
    """y_k = x1^T W_k x2 + b_k.

    Math: y[n, k] = sum_ij x1[n, i] W[k, i, j] x2[n, j] + b[k]
    Mirrors: torch.nn.functional.bilinear
    """
    _bilinear_sizes(input1, input2, weight)
    # (N, i) @ (k, i, j) -> (k, N, j); times x2 and summed over j -> (k, N)
    tmp = ops.matmul(input1.unsqueeze(0), weight)
    out = (tmp * input2.unsqueeze(0)).sum(-1).t()
    return out + bias if bias is not None else out


def _bilinear_sizes(input1, input2, weight):
    """PyTorch's checks: feature sizes against the weight, then the batch dims."""
    for n, x, want in ((1, input1, weight.shape[1]), (2, input2, weight.shape[2])):
        if x.shape[-1] != want:
            raise RuntimeError(_errors.hint(
                f"bilinear(): input{n} size does not match weight size: got "
                f"{x.shape[-1]} but expected {want}", "nn.Bilinear(in1, in2, out) takes "
                "inputs of in1 and in2 features."))
    for d, (a, b) in enumerate(zip(input1.shape[:-1], input2.shape[:-1])):
        if a != b:
            raise RuntimeError(_errors.hint(
                f"bilinear(): input batch dimensions do not match at dim {d}: got {a} "
                f"and {b}", "both inputs need the same batch size."))


# ----- activations --------------------------------------------------------------------
def relu(input, inplace=False):
    return input.relu_() if inplace else input.relu()


def relu_(input):
    return input.relu_()


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    from teachtorch.ops.activations import sigmoid_tanh_relu as activation

    if inplace:
        return ops.apply_inplace(input, activation.hardtanh, min_val, max_val)
    return activation.hardtanh(input, min_val, max_val)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def sigmoid(input):
    return input.sigmoid()


def tanh(input):
    return input.tanh()


def softmin(input, dim=None, dtype=None):
    return softmax(-input, dim, dtype)


def logsigmoid(input):
    return nn_relu.LogSigmoid.apply(input)


# ----- dropout ------------------------------------------------------------------------
def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(_errors.hint(f"dropout probability has to be between 0 and 1, but got {p}", "p is the fraction of values zeroed, e.g. 0.5."))


def _dropout_mask(input, p, shape):
    """Keep each entry with probability 1-p and scale kept ones by 1/(1-p)."""
    keep = rng().random(shape) >= p
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = (keep * scale).astype(input._data.dtype)
    if input.is_cuda:  # the mask is drawn on the CPU (one seeded stream), then moved
        mask = _backend.to_cupy(mask, _backend.array_device_index(input._data))
    return Tensor._make(mask)


def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p during training; identity otherwise.

    Math: y = x * m / (1 - p), m ~ Bernoulli(1 - p);  dy/dx = m / (1 - p)
    Mirrors: torch.nn.functional.dropout
    """
    _check_p(p)
    if not training or p == 0.0:
        return input
    mask = _dropout_mask(input, p, input.shape)
    if inplace:
        return input.mul_(mask)
    return input * mask


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels (feature maps) with probability p.

    Math: y[n, c] = x[n, c] * m[n, c] / (1 - p)
    Mirrors: torch.nn.functional.dropout2d
    """
    _check_p(p)
    if not training or p == 0.0:
        return input
    if input.dim() == 3:  # unbatched (C, H, W)
        shape = (input.shape[0], 1, 1)
    else:
        shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
    mask = _dropout_mask(input, p, shape)
    return input.mul_(mask) if inplace else input * mask


dropout1d = dropout2d
dropout3d = dropout2d


# ----- embedding, one_hot -------------------------------------------------------------
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Look up rows of weight: out[...] = weight[input[...]].

    Mirrors: torch.nn.functional.embedding
    """
    if not isinstance(input, Tensor):
        raise TypeError(_errors.hint(
            "embedding(): argument 'indices' (position 2) must be Tensor, not "
            f"{type(input).__name__}", "wrap the ids: torch.tensor([1, 2])."))
    if input.dtype.is_floating_point:
        raise RuntimeError(
            _errors.hint("Expected tensor for argument #1 'indices' to have one of the following "
            f"scalar types: Long, Int; but got {input.type()} instead (while checking "
            "arguments for embedding)", "indices must be integers: "
            "x.long()"))
    idx = input._data
    n = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError(_errors.hint("index out of range in self", "every index must be in "
                         f"[0, {n - 1}] (num_embeddings={n}); -1 is not the last row "
                         "here."))
    if padding_idx is not None and padding_idx < 0:
        padding_idx += n
    if sparse:
        raise NotImplementedError(
            _errors.hint("teachtorch has no sparse tensors, so Embedding(sparse=True) is not "
            "supported", "use sparse=False (the default): the weight gets a dense "
            "gradient, which every optimizer accepts."))
    if max_norm is not None:
        _embedding_renorm_(weight, idx, max_norm, norm_type)
    if is_reference_mode():
        return nn_layers.embedding_reference(weight, Tensor._make(idx.astype(np.int64)),
                                             padding_idx, scale_grad_by_freq)
    return nn_layers.Embedding.apply(weight, idx.astype(np.int64), padding_idx,
                                     scale_grad_by_freq)


embedding.__reference__ = nn_layers.embedding_reference


def _embedding_renorm_(weight, idx, max_norm, norm_type):
    """Rescale, in place, the looked-up rows whose norm exceeds max_norm."""
    rows = np.unique(idx)
    w = weight._data
    norms = (np.abs(w[rows]) ** norm_type).sum(1) ** (1.0 / norm_type)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0)
    w[rows] *= scale[:, None].astype(w.dtype)
    weight._vc[0] += 1


def one_hot(tensor, num_classes=-1):
    """(..., ) int64 class indices -> (..., num_classes) int64 0/1 rows.

    Mirrors: torch.nn.functional.one_hot
    """
    return ops.one_hot(tensor, num_classes)


# ----- normalisation ------------------------------------------------------------------
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the last len(normalized_shape) dims.

    Mirrors: torch.nn.functional.layer_norm
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(
        normalized_shape)
    k = len(shape)
    if tuple(input.shape[input.dim() - k:]) != shape or input.dim() < k:
        raise RuntimeError(
            _errors.hint(f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size"
            f"{list(input.shape)}", "normalized_shape must equal the input's last "
            "dims (LayerNorm(d) for inputs (..., d))."))
    if weight is not None and weight._data.dtype != input._data.dtype:
        raise RuntimeError(_errors.hint(
            "mixed dtype (CPU): all inputs must share same datatype.",
            f"the input is {input.dtype}, the layer's weight {weight.dtype}; convert "
            "the input (x.float())."))
    return normalization.layer_norm(input, k, weight, bias, eps)


def batch_norm(input, running_mean, running_var, weight=None, bias=None,
               training=False, momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1) with batch statistics (training) or running ones.

    Mirrors: torch.nn.functional.batch_norm
    """
    if training:
        size = input.numel() // input.shape[1] if input.dim() > 1 else 1
        if size == 1:
            raise ValueError(
                _errors.hint("Expected more than 1 value per channel when training, got input size "
                f"{input.shape}", "a batch of one sample has no variance; use a "
                "batch size > 1, or call model.eval() to use the running statistics."))
    _checks.batch_norm_channels(input, running_mean, weight)
    if input._data.dtype.kind != "f":
        _checks.not_implemented("batch_norm", input)
    if not training and (running_mean is None or running_var is None):
        raise ValueError("running_mean and running_var must be defined in evaluation "
                         "mode")
    return normalization.batch_norm(input, running_mean, running_var, weight, bias,
                                    training, momentum, eps)


layer_norm.__reference__ = normalization.layer_norm_reference
batch_norm.__reference__ = normalization.batch_norm_reference


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Mirrors: torch.nn.functional.group_norm"""
    c = input.shape[1]
    if c % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but "
            f"got input of shape {list(input.shape)} and num_groups={num_groups}")
    return normalization.group_norm(input, num_groups, weight, bias, eps)


group_norm.__reference__ = normalization.group_norm_reference


# ----- padding ------------------------------------------------------------------------
def pad(input, pad, mode="constant", value=None):
    """Pad the last dims: pad = (left, right, top, bottom, ...), last dim first.

    Mirrors: torch.nn.functional.pad
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError(_errors.hint("Padding length must be divisible by 2", "give a "
                           "(before, after) pair per padded dim, last dim first."))
    if len(pad) // 2 > input.dim():
        raise RuntimeError(
            "Padding length should be less than or equal to two times the input "
            f"dimension but got padding length {len(pad)} and input of dimension "
            f"{input.dim()}")
    if mode == "constant":
        widths = [(0, 0)] * input.dim()
        for i in range(len(pad) // 2):
            widths[input.dim() - 1 - i] = (pad[2 * i], pad[2 * i + 1])
        return nn_layers.ConstantPadNd.apply(input, widths, 0.0 if value is None
                                             else value)
    if mode in ("reflect", "replicate", "circular"):
        return nn_layers.index_pad(input, pad, mode)
    raise NotImplementedError(f"Unrecognised padding mode {mode}")


# ----- distances ----------------------------------------------------------------------
def _norm(x, p, dim, keepdim):
    return x.norm(p, dim, keepdim=keepdim)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """x / max(||x||_p, eps) along dim.

    Mirrors: torch.nn.functional.normalize
    """
    return input / _norm(input, p, dim, True).clamp(min=eps).expand_as(input)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """cos of the angle between x1 and x2 along dim.

    Math: cos = sum((x1/|x1|) * (x2/|x2|)), norms clamped at eps
    Mirrors: torch.nn.functional.cosine_similarity
    """
    n1 = _norm(x1, 2, dim, True).clamp(min=eps)
    n2 = _norm(x2, 2, dim, True).clamp(min=eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last dim.

    Mirrors: torch.nn.functional.pairwise_distance
    """
    return _norm(x1 - x2 + eps, p, -1, keepdim)


from teachtorch.nn._functional_composed import (  # noqa: F401,E402
    celu_,
    cosine_embedding_loss,
    elu_,
    gaussian_nll_loss,
    glu,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh_,
    hinge_embedding_loss,
    instance_norm,
    leaky_relu_,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_soft_margin_loss,
    poisson_nll_loss,
    rms_norm,
    scaled_dot_product_attention,
    selu_,
    soft_margin_loss,
    softshrink,
    softsign,
    tanhshrink,
    threshold_,
    triplet_margin_loss,
)
from teachtorch.nn._upsampling import (  # noqa: F401,E402
    interpolate,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)

# conv, pooling and recurrent layers
from teachtorch.ops.conv import conv1d, conv2d, conv_transpose2d  # noqa: F401,E402
from teachtorch.ops.pool import (  # noqa: F401,E402
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_max_pool2d,
    avg_pool1d,
    avg_pool2d,
    max_pool1d,
    max_pool2d,
    max_unpool2d,
)
from teachtorch.nn._grid_sample import affine_grid, grid_sample  # noqa: F401,E402
from teachtorch.nn._functional_variants import (  # noqa: F401,E402
    adaptive_max_pool1d, adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d_with_indices, alpha_dropout, channel_shuffle, conv_transpose1d,
    feature_alpha_dropout, gumbel_softmax, local_response_norm, lp_pool1d, lp_pool2d,
    max_pool1d_with_indices, max_pool2d_with_indices, max_unpool1d,
    multilabel_margin_loss, pdist, rrelu, rrelu_, triplet_margin_with_distance_loss)

# a name PyTorch has and teachtorch lacks: PyTorch's AttributeError plus a hint
from teachtorch._api_gaps import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torch.nn.functional")
