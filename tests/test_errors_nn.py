"""nn, loss and optimizer mistakes raise PyTorch's exception with PyTorch's words
(+ a hint), where teachtorch used to answer silently or let NumPy's error out."""
import numpy as np
import pytest

from tests.helpers import assert_raises_like_torch, run_both, to_np

torch = pytest.importorskip("torch")

_LAYERS = {
    "Conv1d": ("nn.Conv1d(1, 2, {k}, stride={s}, padding={p}, dilation={d})",
               "torch.ones(1, 1, 6)"),
    "Conv2d": ("nn.Conv2d(1, 2, {k}, stride={s}, padding={p}, dilation={d})",
               "torch.ones(1, 1, 6, 6)"),
    "ConvTranspose2d": (("nn.ConvTranspose2d(1, 2, {k}, stride={s}, padding={p}, "
                         "dilation={d})"), "torch.ones(1, 1, 4, 4)"),
    "MaxPool1d": ("nn.MaxPool1d({k}, stride={s}, padding={p}, dilation={d})",
                  "torch.ones(1, 1, 6)"),
    "MaxPool2d": ("nn.MaxPool2d({k}, stride={s}, padding={p}, dilation={d})",
                  "torch.ones(1, 1, 6, 6)"),
    "AvgPool1d": ("nn.AvgPool1d({k}, stride={s}, padding={p})", "torch.ones(1, 1, 6)"),
    "AvgPool2d": ("nn.AvgPool2d({k}, stride={s}, padding={p})", "torch.ones(1, 1, 6, 6)"),
}
_BAD = {"stride=0": (3, 0, 0, 1), "stride=-1": (3, -1, 0, 1), "padding=-1": (3, 1, -1, 1),
        "kernel=0": (0, 1, 0, 1), "dilation=0": (3, 1, 0, 0)}


@pytest.mark.parametrize("layer", sorted(_LAYERS))
@pytest.mark.parametrize("bad", sorted(_BAD))
def test_layer_settings_checked_like_torch(layer, bad):
    make, x = _LAYERS[layer]
    if bad == "dilation=0" and "dilation" not in make:
        pytest.skip("avg pooling has no dilation")
    k, s, p, d = _BAD[bad]
    assert_raises_like_torch(f"m = {make.format(k=k, s=s, p=p, d=d)}\nm({x})")


@pytest.mark.parametrize("code", [
    "F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), torch.ones(3))",
    "F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), torch.ones(2, 1))",
    "F.conv1d(torch.ones(1, 1, 5), torch.ones(2, 1, 3), torch.ones(3))",
    "F.conv_transpose2d(torch.ones(1, 1, 3, 3), torch.ones(1, 2, 3, 3), torch.ones(3))",
    "F.conv2d(torch.ones(1, 1, 5, 5), torch.ones(2, 1, 3, 3), stride=(1, 1, 1))",
    "F.max_pool2d(torch.ones(1, 1, 4, 4), 0)",
    "F.avg_pool2d(torch.ones(1, 1, 4, 4), 2, divisor_override=0)",
    "F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), -1)",
    "F.adaptive_avg_pool2d(torch.ones(1, 1, 4, 4), (2, 2, 2))",
    "nn.MaxPool1d(3)(torch.ones(1, 1, 6).long())",
    "nn.BatchNorm2d(3)(torch.ones(2, 4, 2, 2))",
    "nn.BatchNorm1d(3)(torch.ones(2, 4))",
    "nn.BatchNorm1d(3)(torch.ones(2, 3).long())",
    "nn.Embedding(10, 3)(torch.tensor([-1]))",
    "nn.Embedding(10, 3)(torch.tensor([10]))",
    "F.embedding(torch.tensor([-1]), torch.ones(3, 2))",
    "nn.Linear(2, 2).to(torch.int64)",
    "nn.Linear(2, 2).to(dtype=torch.int32)",
    "nn.Linear(2, 2).type(torch.int64)",
    "nn.Linear(2, 2).cuda(0)",
    "nn.Linear(2, 3)(torch.ones(2, dtype=torch.int64))",
    "nn.Linear(2, 3)(torch.tensor(1.0))",
    "nn.Flatten()(torch.tensor(1.0))",
    "nn.RNN(3, 4, num_layers=0)",
    "F.gelu(torch.tensor([1]))",
    "nn.init.normal_(torch.ones(2), std=-1.0)",
    "nn.init.uniform_(torch.ones(2), 1.0, 0.0)",
    "nn.LayerNorm(3)(torch.ones(2, 3).long())",
    "nn.GroupNorm(3, 4)",
    "nn.utils.rnn.pad_sequence([])",
    "nn.MaxPool2d(2.5)(torch.ones(1, 1, 4, 4))",
    "F.max_pool2d(torch.ones(1, 1, 4, 4), (2, 2.5))",
    "nn.AvgPool1d(2.5)(torch.ones(1, 1, 6))",
    "nn.Conv2d(1, 2, 2.5)",
    "nn.Linear(2.5, 3)",
])
def test_nn_raises_like_torch(code):
    assert_raises_like_torch(code)


@pytest.mark.parametrize("code", [
    "nn.Linear(2, 3)([1.0, 2.0])",
    "nn.Embedding(10, 3)([1, 2])",
    "F.cross_entropy(torch.zeros(2, 3), [1, 0])",
    "F.nll_loss(torch.zeros(2, 3), [1, 0])",
])
def test_non_tensor_arguments_like_torch(code):
    assert_raises_like_torch(code)


@pytest.mark.parametrize("code", [
    "nn.CrossEntropyLoss()(torch.zeros(1, 5), torch.tensor(3))",
    "nn.CrossEntropyLoss()(torch.zeros(2, 3), torch.tensor(1))",
    "nn.NLLLoss()(torch.zeros(2, 3), torch.tensor(1))",
    "nn.CrossEntropyLoss(ignore_index=0)(torch.zeros(2, 3), torch.full((2, 3), 0.5))",
    "nn.MSELoss()(torch.zeros(2, 3), torch.zeros(2))",
    "nn.L1Loss()(torch.zeros(2), torch.zeros(3))",
    "nn.SmoothL1Loss()(torch.zeros(2, 3), torch.zeros(2))",
    "nn.HuberLoss()(torch.zeros(2, 3), torch.tensor([1, 0]))",
    "nn.HuberLoss(delta=-1.0)(torch.zeros(2), torch.ones(2))",
    "nn.MSELoss()(torch.zeros(2).long(), torch.zeros(2).long())",
    "nn.BCELoss()(torch.tensor([0.5]), torch.tensor([2.0]))",
    "nn.BCELoss()(torch.tensor([0.5]), torch.tensor([1]))",
    "nn.BCEWithLogitsLoss()(torch.tensor([0.5]), torch.tensor([1]))",
    "nn.KLDivLoss(reduction='batchmean')(torch.zeros(2, 3), torch.tensor([1, 0]))",
    "nn.MultiMarginLoss()(torch.zeros(2, 3), torch.tensor([3, 0]))",
    "nn.MultiMarginLoss()(torch.zeros(2, 3), torch.tensor([-1, 0]))",
    "nn.MultiMarginLoss()(torch.zeros(2, 3), torch.tensor([[1], [0]]))",
    "nn.MultiMarginLoss()(torch.zeros(2, 3), torch.tensor([1, 0], dtype=torch.int32))",
    ("F.binary_cross_entropy(torch.tensor([0.5]), torch.tensor([1.0]), "
     "weight=torch.ones(2))"),
])
def test_losses_raise_like_torch(code):
    assert_raises_like_torch(code)


def test_mse_of_unbroadcastable_shapes_is_not_numpy_error():
    (tk, theirs), (_, ours) = run_both("F.mse_loss(torch.zeros(2, 3), torch.zeros(2))")
    assert tk == "error" and theirs[0] is RuntimeError
    assert ours[0] is RuntimeError and "operands could not" not in ours[1]


@pytest.mark.parametrize("code", [
    "nn.AvgPool2d(2)(torch.arange(16).reshape(1, 1, 4, 4))",   # keeps int64
    "F.avg_pool2d(torch.arange(16).reshape(1, 1, 4, 4) - 8, 2)",
    "nn.AvgPool1d(2)(torch.arange(6).reshape(1, 1, 6))",
    "F.adaptive_max_pool2d(torch.ones(1, 1, 4, 4), 0)",
    "type(nn.Linear(2, 2)._parameters).__name__",               # plain dicts in 2.x
    "type(nn.Sequential(nn.ReLU())._modules).__name__",
    "type(nn.BatchNorm1d(2)._buffers).__name__",
    "repr(nn.Linear(2, 2)._parameters.keys())[:10]",
])
def test_values_like_torch(code):
    (tk, theirs), (ok, ours) = run_both(code)
    assert (tk, ok) == ("value", "value"), (theirs, ours)
    if hasattr(theirs, "shape"):
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype)
        np.testing.assert_allclose(to_np(ours), to_np(theirs))
    else:
        assert ours == theirs


def test_multi_margin_gradient_at_the_kink_like_torch():
    """A margin of exactly 0 gets gradient 0, as in PyTorch's kernel (z > 0)."""
    code = ("x = torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 3.0]], requires_grad=True)\n"
            "nn.MultiMarginLoss()(x, torch.tensor([1, 0])).backward()\nx.grad")
    (tk, theirs), (ok, ours) = run_both(code)
    assert (tk, ok) == ("value", "value")
    np.testing.assert_allclose(to_np(ours), to_np(theirs), atol=1e-7)
