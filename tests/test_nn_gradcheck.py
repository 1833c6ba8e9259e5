"""float64 gradcheck (and gradgradcheck where the backward is built from Tensor ops)
for the nn kernels in ops/activations/, nn_layers.py and loss.py."""
import numpy as np
import pytest

import teachtorch
import teachtorch.nn.functional as TF
from teachtorch.autograd import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def t(*shape, low=None):
    a = RNG.standard_normal(shape)
    if low is not None:
        a = RNG.uniform(low, 1 - low, shape)
    return teachtorch.tensor(a, dtype=teachtorch.float64, requires_grad=True)


LABELS = teachtorch.tensor([0, 2, 1, 2])

CASES = {
    "softmax": (lambda x: TF.softmax(x, 1), [t(4, 3)]),
    "log_softmax": (lambda x: TF.log_softmax(x, 0), [t(4, 3)]),
    "gelu": (lambda x: TF.gelu(x), [t(3, 4)]),
    "gelu_tanh": (lambda x: TF.gelu(x, approximate="tanh"), [t(3, 4)]),
    "silu": (TF.silu, [t(3, 4)]),
    "mish": (TF.mish, [t(3, 4)]),
    "elu": (lambda x: TF.elu(x, 0.7), [t(3, 4)]),
    "celu": (lambda x: TF.celu(x, 0.7), [t(3, 4)]),
    "selu": (TF.selu, [t(3, 4)]),
    "leaky_relu": (lambda x: TF.leaky_relu(x, 0.1), [t(3, 4)]),
    "softplus": (lambda x: TF.softplus(x, 2.0, 3.0), [t(3, 4)]),
    "logsigmoid": (TF.logsigmoid, [t(3, 4)]),
    "prelu": (TF.prelu, [t(2, 3, 4), t(3)]),
    "layer_norm": (lambda x, w, b: TF.layer_norm(x, (4,), w, b), [t(2, 3, 4), t(4),
                                                                  t(4)]),
    "batch_norm": (lambda x, w, b: TF.batch_norm(x, None, None, w, b, training=True),
                   [t(5, 3, 2), t(3), t(3)]),
    "group_norm": (lambda x, w, b: TF.group_norm(x, 2, w, b), [t(2, 4, 3), t(4), t(4)]),
    "embedding": (lambda w: TF.embedding(teachtorch.tensor([[0, 2], [2, 2]]), w),
                  [t(3, 2)]),
    "pad_const": (lambda x: TF.pad(x, (1, -1, 2, 0), value=1.5), [t(2, 3, 4)]),
    "pad_reflect": (lambda x: TF.pad(x, (2, 1, 1, 2), mode="reflect"), [t(1, 3, 4)]),
    "pad_replicate": (lambda x: TF.pad(x, (2, 3), mode="replicate"), [t(2, 3)]),
    "cross_entropy": (lambda x: TF.cross_entropy(x, LABELS, label_smoothing=0.1),
                      [t(4, 3)]),
    "cross_entropy_w": (lambda x: TF.cross_entropy(
        x, LABELS, weight=teachtorch.tensor([1.0, 2.0, 0.5], dtype=teachtorch.float64)),
        [t(4, 3)]),
    "nll_none": (lambda x: TF.nll_loss(x, LABELS, reduction="none"), [t(4, 3)]),
    "mse": (TF.mse_loss, [t(3, 4), t(3, 4)]),
    "smooth_l1": (lambda x, y: TF.smooth_l1_loss(x, y, beta=0.7), [t(3, 4), t(3, 4)]),
    "huber": (lambda x, y: TF.huber_loss(x, y, delta=0.5), [t(3, 4), t(3, 4)]),
    "bce": (TF.binary_cross_entropy, [t(3, 4, low=0.1), t(3, 4, low=0.1)]),
    "bce_logits": (lambda x, y: TF.binary_cross_entropy_with_logits(
        x, y, pos_weight=teachtorch.tensor([2.0, 1.0, 0.5, 3.0],
                                           dtype=teachtorch.float64)),
        [t(3, 4), t(3, 4, low=0.1)]),
    "kl_div": (lambda x, y: TF.kl_div(x, y, reduction="batchmean"),
               [t(3, 4), t(3, 4, low=0.1)]),
    "linear": (TF.linear, [t(3, 4), t(2, 4), t(2)]),
    "bilinear": (TF.bilinear, [t(3, 2), t(3, 4), t(5, 2, 4), t(5)]),
    "cosine": (lambda a, b: TF.cosine_similarity(a, b), [t(3, 4), t(3, 4)]),
}

# backward written with Tensor ops all the way: second derivatives must be right too
SECOND_ORDER = ["softmax", "log_softmax", "gelu", "silu", "elu", "softplus", "logsigmoid",
                "gelu_tanh", "mse", "bce_logits", "cross_entropy", "linear", "bce"]


@pytest.mark.parametrize("name", list(CASES))
def test_gradcheck(name):
    fn, inputs = CASES[name]
    assert gradcheck(fn, inputs)


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_gradgradcheck(name):
    fn, inputs = CASES[name]
    assert gradgradcheck(fn, inputs)
