"""Conv and pooling layers against PyTorch with identical weights: forward, input and
parameter gradients, repr, state_dict names, default init, constructor errors."""
import ast
import math
import re

import numpy as np
import pytest
import torch

import teachtorch
import teachtorch.nn as nn
from helpers import assert_close

TOL = dict(rtol=1e-4, atol=1e-5)


def copy_weights(ours, theirs):
    assert [n for n, _ in ours.named_parameters()] == \
        [n for n, _ in theirs.named_parameters()]
    theirs.load_state_dict({n: torch.tensor(p.detach().numpy().copy())
                            for n, p in ours.state_dict().items()})


def run_pair(ours, theirs, shape, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape).astype(np.float32)
    x = teachtorch.tensor(a, requires_grad=True)
    xt = torch.tensor(a, requires_grad=True)
    y, yt = ours(x), theirs(xt)
    assert_close(y, yt, **TOL)
    g = rng.standard_normal(tuple(yt.shape)).astype(np.float32)
    y.backward(teachtorch.tensor(g))
    yt.backward(torch.tensor(g))
    assert_close(x.grad, xt.grad, **TOL)
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(p.grad, q.grad, **TOL)
    assert y.grad_fn.name() == yt.grad_fn.name()
    return y, yt


CONV_CASES = [
    ("Conv2d", (1, 10, 5), {}, (2, 1, 12, 12)),
    ("Conv2d", (3, 6, 3), dict(stride=2, padding=1, bias=False), (2, 3, 9, 9)),
    ("Conv2d", (4, 6, (3, 2)), dict(groups=2, dilation=(2, 1), padding="same"),
     (2, 4, 8, 7)),
    ("Conv2d", (3, 4, 3), dict(padding=1, padding_mode="reflect"), (2, 3, 6, 6)),
    ("Conv2d", (3, 4, 3), dict(padding=(1, 2), padding_mode="replicate"), (2, 3, 6, 6)),
    ("Conv2d", (3, 4, 3), dict(padding=1, padding_mode="circular", stride=2),
     (2, 3, 7, 6)),
    ("Conv2d", (3, 4, 4), dict(padding="same", padding_mode="reflect"), (2, 3, 7, 7)),
    ("Conv2d", (3, 4, 3), dict(padding="valid"), (3, 6, 6)),
    ("Conv1d", (3, 4, 3), {}, (2, 3, 10)),
    ("Conv1d", (4, 8, 3), dict(stride=2, padding=2, groups=4, dilation=2), (2, 4, 11)),
    ("Conv1d", (3, 4, 3), dict(padding=2, padding_mode="reflect"), (2, 3, 10)),
    ("Conv1d", (3, 4, 4), dict(padding="same", padding_mode="circular"), (2, 3, 10)),
    ("ConvTranspose2d", (3, 4, 3), {}, (2, 3, 5, 5)),
    ("ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1,
                                        groups=2, bias=False), (2, 4, 5, 4)),
    ("ConvTranspose2d", (3, 2, (2, 3)), dict(stride=(2, 1), dilation=2), (1, 3, 4, 4)),
]


@pytest.mark.parametrize("name,args,kw,shape", CONV_CASES, ids=str)
def test_conv_layer_matches_torch(name, args, kw, shape):
    ours = getattr(nn, name)(*args, **kw)
    theirs = getattr(torch.nn, name)(*args, **kw)
    copy_weights(ours, theirs)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    run_pair(ours, theirs, shape)


def test_conv_transpose_output_size():
    ours = nn.ConvTranspose2d(3, 2, 3, stride=2)
    theirs = torch.nn.ConvTranspose2d(3, 2, 3, stride=2)
    copy_weights(ours, theirs)
    x = np.random.default_rng(0).standard_normal((1, 3, 4, 4)).astype(np.float32)
    for size in ((9, 9), (10, 10), (1, 2, 10, 9)):
        assert_close(ours(teachtorch.tensor(x), output_size=size),
                     theirs(torch.tensor(x), output_size=size), **TOL)
    with pytest.raises(ValueError):
        ours(teachtorch.tensor(x), output_size=(12, 12))


@pytest.mark.parametrize("name,args", [("Conv2d", (6, 8, (3, 5))),
                                       ("Conv1d", (4, 6, 3)),
                                       ("ConvTranspose2d", (6, 4, 3))])
def test_default_init_is_kaiming_uniform_a_sqrt5(name, args):
    """weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) like torch."""
    teachtorch.manual_seed(0)
    m = getattr(nn, name)(*args, groups=2)
    w = m.weight.detach().numpy()
    fan_in = w.shape[1] * int(np.prod(w.shape[2:]))
    bound = 1 / math.sqrt(fan_in)
    for a in (w, m.bias.detach().numpy()):
        assert a.dtype == np.float32
        assert np.abs(a).max() <= bound + 1e-7
        assert np.abs(a).max() > 0.7 * bound


@pytest.mark.parametrize("name,args,kw,shape", [
    ("MaxPool2d", (2,), {}, (2, 3, 8, 8)),
    ("MaxPool2d", (3, 2, 1, 2, False, True), {}, (2, 3, 9, 9)),
    ("MaxPool2d", (10,), dict(ceil_mode=True), (1, 3, 32, 32)),   # the notes' example
    ("AvgPool2d", (2,), {}, (2, 3, 8, 8)),
    ("AvgPool2d", (3, 2, 1, True, False, 2), {}, (2, 3, 9, 9)),
    ("MaxPool1d", (3,), dict(stride=2, padding=1), (2, 3, 10)),
    ("AvgPool1d", (3,), dict(stride=2, padding=1, count_include_pad=False), (2, 3, 10)),
    ("AdaptiveAvgPool2d", ((2, None),), {}, (2, 3, 7, 5)),
    ("AdaptiveAvgPool2d", (1,), {}, (2, 3, 7, 5)),
    ("AdaptiveMaxPool2d", (3,), {}, (2, 3, 7, 5)),
    ("AdaptiveAvgPool1d", (4,), {}, (2, 3, 9)),
], ids=str)
def test_pool_layer_matches_torch(name, args, kw, shape):
    ours = getattr(nn, name)(*args, **kw)
    theirs = getattr(torch.nn, name)(*args, **kw)
    assert repr(ours) == repr(theirs)
    run_pair(ours, theirs, shape)


def test_max_pool_return_indices_and_unpool_modules():
    a = np.random.default_rng(1).standard_normal((2, 3, 8, 8)).astype(np.float32)
    pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    pool_t = torch.nn.MaxPool2d(2, return_indices=True)
    unpool_t = torch.nn.MaxUnpool2d(2)
    assert repr(unpool) == repr(unpool_t)
    y, idx = pool(teachtorch.tensor(a))
    yt, idxt = pool_t(torch.tensor(a))
    assert_close(idx, idxt)
    assert_close(unpool(y, idx), unpool_t(yt, idxt))
    assert_close(unpool(y, idx, output_size=(2, 3, 9, 9)),
                 unpool_t(yt, idxt, output_size=(2, 3, 9, 9)))
    y, idx = nn.AdaptiveMaxPool2d(3, return_indices=True)(teachtorch.tensor(a))
    yt, idxt = torch.nn.AdaptiveMaxPool2d(3, return_indices=True)(torch.tensor(a))
    assert_close(idx, idxt)


def _same_set_order(text):
    """torch prints Python sets here; their order varies from process to process."""
    return re.sub(r"\{[^}]*\}", lambda m: str(sorted(ast.literal_eval(m.group(0)))),
                  text)


@pytest.mark.parametrize("args,kw", [
    ((4, 6, 3), dict(groups=3)),
    ((6, 4, 3), dict(groups=3)),
    ((4, 6, 3), dict(groups=0)),
    ((4, 6, 3), dict(padding="full")),
    ((4, 6, 3), dict(padding="same", stride=2)),
    ((4, 6, 3), dict(padding_mode="mirror")),
], ids=str)
def test_constructor_errors_are_torchs(args, kw):
    with pytest.raises(ValueError) as theirs:
        torch.nn.Conv2d(*args, **kw)
    with pytest.raises(ValueError) as ours:
        nn.Conv2d(*args, **kw)
    first, _, rest = str(ours.value).partition("\nhint:")
    assert _same_set_order(first) == _same_set_order(str(theirs.value))
    assert rest.strip()


def test_wrong_channels_error_names_the_fix():
    conv = nn.Conv2d(1, 10, 5)
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.Conv2d(1, 10, 5)(torch.zeros(2, 3, 28, 28))
    with pytest.raises(RuntimeError) as ours:
        conv(teachtorch.zeros(2, 3, 28, 28))
    first, _, rest = str(ours.value).partition("\nhint:")
    assert first == str(theirs.value)
    assert "in_channels" in rest


@pytest.mark.parametrize("mode,pad,shape", [("reflect", 3, (1, 3, 3, 3)),
                                            ("circular", 4, (1, 3, 3, 3)),
                                            ("reflect", 3, (1, 3, 3))])
def test_mode_padding_larger_than_input_errors(mode, pad, shape):
    cls = "Conv1d" if len(shape) == 3 else "Conv2d"
    layer_t = getattr(torch.nn, cls)(3, 4, 3, padding=pad, padding_mode=mode)
    layer = getattr(nn, cls)(3, 4, 3, padding=pad, padding_mode=mode)
    with pytest.raises(RuntimeError) as theirs:
        layer_t(torch.zeros(shape))
    with pytest.raises(RuntimeError) as ours:
        layer(teachtorch.zeros(shape))
    first, _, rest = str(ours.value).partition("\nhint:")
    assert first == str(theirs.value)
    assert rest.strip()


def test_notes_conv_with_device_argument():
    conv = nn.Conv2d(in_channels=3, out_channels=3, kernel_size=5, padding=2,
                     device="cpu")
    assert tuple(conv(teachtorch.zeros(1, 3, 32, 32)).shape) == (1, 3, 32, 32)


@pytest.mark.parametrize("name,args,kw,shape", [
    ("Conv2d", (4, 6, 3), dict(stride=2, padding=1, dilation=2, groups=2),
     (2, 4, 9, 8)),
    ("ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, output_padding=1,
                                        groups=2), (2, 4, 5, 4)),
    ("MaxPool2d", (3, 2, 1), dict(ceil_mode=True), (2, 3, 8, 9)),
    ("AvgPool2d", (3, 2, 1), dict(ceil_mode=True, count_include_pad=False),
     (2, 3, 8, 9)),
    ("AdaptiveAvgPool2d", ((3, 5),), {}, (2, 3, 8, 9)),
], ids=str)
def test_float64_is_exact(name, args, kw, shape):
    """In float64 the kernels agree with torch to ~1e-12, not just float32 noise."""
    ours = getattr(nn, name)(*args, **kw).double()
    theirs = getattr(torch.nn, name)(*args, **kw).double()
    theirs.load_state_dict({k: torch.tensor(v.numpy().copy())
                            for k, v in ours.state_dict().items()})
    a = np.random.default_rng(6).standard_normal(shape)
    x = teachtorch.tensor(a, requires_grad=True)
    xt = torch.tensor(a, requires_grad=True)
    y, yt = ours(x), theirs(xt)
    tight = dict(rtol=1e-10, atol=1e-12)
    assert_close(y, yt, **tight)
    (y * y).sum().backward()
    (yt * yt).sum().backward()
    assert_close(x.grad, xt.grad, **tight)
    for (n, q), (_, qt) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert_close(q.grad, qt.grad, **tight)
