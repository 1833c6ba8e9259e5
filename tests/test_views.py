"""Views share storage exactly as PyTorch's do: same stride(), storage_offset(),
is_contiguous(), the same memory relations, the same grad_fn and the same gradients.

Every case runs one lambda on torch and on teachtorch with identical input data.
"""
import numpy as np
import pytest
import torch

import teachtorch
from tests.helpers import assert_close

RNG = np.random.default_rng(0)


def _inputs(shape, lib, requires_grad=True):
    data = RNG.standard_normal(shape).astype(np.float32)
    return lib.tensor(data.copy(), requires_grad=requires_grad)


def _memory(base, y):
    """What a learner can observe about y's memory relative to base."""
    shares = y.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
    return (tuple(y.shape), tuple(y.stride()), y.storage_offset(), y.is_contiguous(),
            shares, y.data_ptr() - base.data_ptr() if shares else None, y._is_view())


def check_view(fn, shape, grad_name=None):
    """Same values, strides, offsets, sharing, grad_fn name and gradient as torch."""
    seed = RNG.integers(1 << 30)
    outs = {}
    for lib in (torch, teachtorch):
        rng = np.random.default_rng(seed)
        x = lib.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True)
        base = x.detach()
        y = fn(x)
        w = lib.tensor(rng.standard_normal(tuple(y.shape)).astype(np.float32))
        (y * w).sum().backward()
        outs[lib] = (x, y, _memory(base, fn(base)), y.grad_fn.name() if y.grad_fn else None)
    (x_t, y_t, m_t, n_t), (x_o, y_o, m_o, n_o) = outs[torch], outs[teachtorch]
    assert_close(y_o, y_t)
    mem_t = m_t[:-2] + (None if m_t[-2] is None else m_t[-2] // 4, m_t[-1])
    mem_o = m_o[:-2] + (None if m_o[-2] is None else m_o[-2] // 4, m_o[-1])
    assert mem_o == mem_t
    assert n_o == n_t
    if grad_name is not None:
        assert n_o == grad_name
    assert_close(x_o.grad, x_t.grad)


VIEW_CASES = [
    ("view", lambda x: x.view(4, 3), (3, 4)),
    ("view -1", lambda x: x.view(-1), (3, 4)),
    ("view 3d", lambda x: x.view(2, 1, 6), (3, 4)),
    ("transpose", lambda x: x.transpose(0, 1), (3, 4)),
    ("t", lambda x: x.t(), (3, 4)),
    ("T", lambda x: x.T, (2, 3, 4)),
    ("permute", lambda x: x.permute(2, 0, 1), (2, 3, 4)),
    ("unsqueeze 0", lambda x: x.unsqueeze(0), (3, 4)),
    ("unsqueeze 1", lambda x: x.unsqueeze(1), (3, 4)),
    ("unsqueeze -1", lambda x: x.unsqueeze(-1), (3, 4)),
    ("unsqueeze of t", lambda x: x.t().unsqueeze(0), (3, 4)),
    ("squeeze", lambda x: x.squeeze(), (3, 1, 4, 1)),
    ("squeeze dim", lambda x: x.squeeze(1), (3, 1, 4)),
    ("squeeze no-op dim", lambda x: x.squeeze(0), (3, 1, 4)),
    ("expand", lambda x: x.expand(2, 3, 4), (3, 4)),
    ("expand -1", lambda x: x.expand(5, -1), (1, 4)),
    ("expand same", lambda x: x.expand(1, 4), (1, 4)),
    ("expand new size-1 dims", lambda x: x.expand(1, 2, 1, 3), (3,)),
    ("expand keeps size-1 stride", lambda x: x.expand(1, 2, 5), (2, 1)),
    ("expand 0-d", lambda x: x.expand(1), ()),
    ("expand of t", lambda x: x.t().expand(2, 4, 3), (3, 4)),
    ("expand_as", lambda x: x[:, :1].expand(3, 5), (3, 4)),
    ("broadcast_to", lambda x: x.broadcast_to((2, 3, 4)), (3, 4)),
    ("narrow", lambda x: x.narrow(1, 1, 2), (3, 4)),
    ("narrow neg", lambda x: x.narrow(0, -2, 2), (3, 4)),
    ("flatten", lambda x: x.flatten(), (2, 3, 4)),
    ("flatten part", lambda x: x.flatten(1), (2, 3, 4)),
    ("flatten of t (copy)", lambda x: x.t().flatten(), (3, 4)),
    ("reshape view", lambda x: x.reshape(6, 2), (3, 4)),
    ("reshape copy", lambda x: x.t().reshape(12), (3, 4)),
    ("unflatten", lambda x: x.unflatten(1, (2, 2)), (3, 4)),
    ("unflatten -1", lambda x: x.unflatten(1, (-1, 2)), (3, 4)),
    ("movedim", lambda x: x.movedim(0, 2), (2, 3, 4)),
    ("movedim multi", lambda x: x.movedim((0, 1), (2, 0)), (2, 3, 4)),
    ("diagonal", lambda x: x.diagonal(), (3, 4)),
    ("diagonal offset", lambda x: x.diagonal(1), (3, 4)),
    ("diagonal neg offset", lambda x: x.diagonal(-1), (3, 4)),
    ("diagonal dims", lambda x: x.diagonal(0, 1, 2), (2, 3, 4)),
    ("select", lambda x: x.select(1, 2), (3, 4)),
    ("swapaxes", lambda x: x.swapaxes(0, 2), (2, 3, 4)),
    ("unfold", lambda x: x.unfold(1, 2, 1), (3, 4)),
    ("unfold of t", lambda x: x.t().unfold(1, 2, 1), (3, 4)),
    ("as_strided", lambda x: x.as_strided((2, 2), (1, 2), 1), (3, 4)),
    ("view after slice", lambda x: x[1:].view(-1), (3, 4)),
    ("transpose then narrow", lambda x: x.t().narrow(0, 1, 2), (3, 4)),
]


@pytest.mark.parametrize("name,fn,shape", VIEW_CASES, ids=[c[0] for c in VIEW_CASES])
def test_view_matches_torch(name, fn, shape):
    check_view(fn, shape)


SPLIT_CASES = [
    ("split int", lambda lib, x: x.split(2), (5, 3)),
    ("split list", lambda lib, x: x.split([1, 3, 1]), (5, 3)),
    ("split dim1", lambda lib, x: lib.split(x, 2, dim=1), (2, 5)),
    ("chunk", lambda lib, x: x.chunk(3), (5, 3)),
    ("chunk 4 of 6", lambda lib, x: x.chunk(4, 1), (2, 6)),
    ("unbind", lambda lib, x: x.unbind(), (3, 4)),
    ("unbind 1", lambda lib, x: lib.unbind(x, 1), (3, 4)),
]


@pytest.mark.parametrize("name,fn,shape", SPLIT_CASES, ids=[c[0] for c in SPLIT_CASES])
def test_split_family_views(name, fn, shape):
    data = RNG.standard_normal(shape).astype(np.float32)
    res = {}
    for lib in (torch, teachtorch):
        x = lib.tensor(data, requires_grad=True)
        parts = fn(lib, x)
        base = x.detach()
        mems = [_memory(base, p)[:-2] + (p.untyped_storage().data_ptr() ==
                                         base.untyped_storage().data_ptr(),)
                for p in fn(lib, base)]
        loss = sum((p * (i + 1)).sum() for i, p in enumerate(parts[:-1]))
        loss.backward()
        res[lib] = (parts, mems, [p.grad_fn.name() for p in parts], x.grad)
    (pt, mt, nt, gt), (po, mo, no, go) = res[torch], res[teachtorch]
    assert len(po) == len(pt) and isinstance(po, tuple)
    for a, b in zip(po, pt):
        assert_close(a, b)
    assert mo == mt
    assert no == nt
    assert_close(go, gt)


def test_writes_through_views_are_seen_by_base():
    for lib in (torch, teachtorch):
        x = lib.zeros(3, 4)
        x.view(12)[5] = 1
        x.t()[0, 1] = 2
        x[:, 1:3].fill_(3)
        x.diagonal().add_(10)
        x.unsqueeze(0)[0, 2] = 4
        x.split(1)[0].mul_(2)
        x.narrow(1, 3, 1).zero_()
        if lib is torch:
            expected = x.numpy().copy()
        else:
            np.testing.assert_array_equal(x.numpy(), expected)


def test_view_and_base_share_version_counter():
    for lib in (torch, teachtorch):
        x = lib.zeros(3, 4)
        v = x[0]
        before = (x._version, v._version)
        v.add_(1)
        assert (x._version, v._version) == (before[0] + 1, before[1] + 1)


def test_view_on_non_contiguous_raises_torch_error():
    for lib in (torch, teachtorch):
        x = lib.zeros(3, 4).t()
        with pytest.raises(RuntimeError) as e:
            x.view(12)
        if lib is torch:
            expected = str(e.value)
        else:
            assert str(e.value).startswith(expected)
            assert "\nhint:" in str(e.value)


def test_view_bad_size_error():
    msgs = []
    for lib in (torch, teachtorch):
        with pytest.raises(RuntimeError) as e:
            lib.zeros(3, 4).view(5, -1)
        msgs.append(str(e.value).split("\nhint:")[0])
    assert msgs[0] == msgs[1]


def test_write_into_expanded_tensor_raises():
    msgs = []
    for lib in (torch, teachtorch):
        x = lib.zeros(1, 3).expand(4, 3)
        with pytest.raises(RuntimeError) as e:
            x.add_(1)
        msgs.append(str(e.value).split("\nhint:")[0])
    assert msgs[0] == msgs[1]
    assert "more than one element of the written-to tensor" in msgs[1]


def test_expand_vs_repeat_memory():
    """note 000: expand does not copy (stride 0); repeat copies the data."""
    for lib in (torch, teachtorch):
        a = lib.tensor([[1.0], [2.0]])
        e = a.expand(2, 3)
        r = a.repeat(1, 3)
        assert e.stride() == (1, 0)
        assert e.untyped_storage().data_ptr() == a.untyped_storage().data_ptr()
        assert r.untyped_storage().data_ptr() != a.untyped_storage().data_ptr()
        assert r.stride() == (3, 1)


def test_contiguous_and_clone():
    for lib in (torch, teachtorch):
        x = lib.arange(12.0).view(3, 4)
        assert x.contiguous() is x
        c = x.t().contiguous()
        assert c.is_contiguous() and c.stride() == (3, 1)
        assert c.untyped_storage().data_ptr() != x.untyped_storage().data_ptr()
        k = x.t().clone()
        assert k.stride() == (1, 4)  # clone keeps the layout (preserve_format)


def test_storage_offsets_and_sizes():
    res = []
    for lib in (torch, teachtorch):
        x = lib.arange(24.0).view(2, 3, 4)
        y = x[1, 1:, ::2]
        res.append((y.storage_offset(), y.stride(), y.shape, len(y.untyped_storage()),
                    y.untyped_storage().nbytes(), y.is_contiguous(), y.tolist()))
    assert res[0] == res[1]


def test_in_place_shape_ops():
    res = []
    for lib in (torch, teachtorch):
        x = lib.arange(6.0).view(2, 3)
        out = [x.t_() is x, tuple(x.shape), x.stride()]
        x.unsqueeze_(0)
        out += [tuple(x.shape), x.stride()]
        x.squeeze_()
        x.transpose_(0, 1)
        out += [tuple(x.shape), x.stride(), x.tolist()]
        res.append(out)
    assert res[0] == res[1]


def test_resize_reuses_storage():
    res = []
    for lib in (torch, teachtorch):
        x = lib.tensor([1, 2, 3, 4, 5, 6])
        x.resize_(2, 2)
        a = x.tolist()
        x.resize_(6)
        res.append((a, x.tolist(), tuple(x.shape)))
    assert res[0] == res[1]


SHAPE_ERRORS = [
    "x.permute(0, 0)", "x.permute(0)", "x.transpose(0, 2)", "x.squeeze(3)",
    "x.expand(3, 5)", "x.expand(2)", "x.narrow(0, 2, 3)", "x.narrow(2, 0, 1)",
    "x.narrow(0, 5, 1)", "x.flatten(1, 0)", "x.unflatten(1, (3, 3))",
    "x.diagonal(0, 1, 1)", "x.view(-1, -1)", "x.view(5, -1)", "x.t().view(12)",
    "x.unsqueeze(3)", "x.reshape(5)", "x.movedim(0, 5)", "x.split([1, 1])", "x.chunk(0)",
    "x.unbind(2)", "lib.stack([x, x], 3)", "lib.cat([x, x], 2)", "x.t_().t_().view(2, 7)",
    "lib.zeros(2, 2, 2).t()", "x.repeat(2)", "x.flip(2)", "x.roll(1, 2)",
    "x.select(2, 0)", "x.select(0, 5)", "lib.select(x, 1, -5)", "x.unfold(1, 5, 1)",
    "x.unfold(0, 2, 0)",
]


@pytest.mark.parametrize("expr", SHAPE_ERRORS)
def test_shape_error_messages_match_torch(expr):
    got = []
    for lib in (torch, teachtorch):
        x = lib.zeros(3, 4)
        with pytest.raises(Exception) as e:
            eval(expr, {"lib": lib, "x": x})
        got.append((type(e.value), str(e.value).split("\nhint:")[0]))
    assert got[1] == got[0]


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.permute(0, 0),
    lambda lib, x: x.transpose(0, 2),
    lambda lib, x: x.squeeze(3),
    lambda lib, x: x.expand(3, 5),
    lambda lib, x: x.expand(-1, 3, 4),
    lambda lib, x: x.narrow(0, 2, 3),
    lambda lib, x: x.flatten(1, 0),
    lambda lib, x: x.unflatten(1, (3, 3)),
    lambda lib, x: x.diagonal(0, 1, 1),
    lambda lib, x: x.view(-1, -1),
    lambda lib, x: x.t().t().view(7),
])
def test_shape_errors_match_torch_type(fn):
    errs = []
    for lib in (torch, teachtorch):
        x = lib.zeros(3, 4)
        with pytest.raises(Exception) as e:
            fn(lib, x)
        errs.append(type(e.value))
    assert errs[0] is errs[1]


def test_in_place_shape_ops_record_history_like_torch():
    res = []
    for lib in (torch, teachtorch):
        out = []
        x = lib.ones(2, 3, requires_grad=True)
        with pytest.raises(RuntimeError) as e:
            x.t_()
        out.append(str(e.value).split("\nhint:")[0])
        y = lib.arange(6.0, requires_grad=True).view(2, 1, 3) * 2
        for name, args in (("transpose_", (0, 2)), ("unsqueeze_", (0,)), ("squeeze_", ()),
                           ("unsqueeze_", (0,)), ("squeeze_", (0,)), ("unsqueeze_", (-1,)),
                           ("squeeze_", ((2,),)), ("t_", ())):
            getattr(y, name)(*args)
            out.append((type(y.grad_fn).__name__, tuple(y.shape), y.stride(), y._version))
        (y * lib.arange(6.0).view(tuple(y.shape))).sum().backward()
        res.append(out)
    assert res[1] == res[0]


@pytest.mark.parametrize("fn", [
    lambda x: x.permute(2, 0, 1), lambda x: x[:, ::2], lambda x: x.transpose(0, 1)[:, :, ::2],
    lambda x: x[..., :1].expand(2, 3, 5), lambda x: x.unsqueeze(1).transpose(0, 1),
    lambda x: x.permute(1, 0, 2)[:, 1:], lambda x: x[:, :1, :].transpose(1, 2),
])
def test_clone_and_contiguous_strides_like_torch(fn):
    """clone keeps a dense layout exactly (preserve_format); contiguous() is C order."""
    out = []
    for lib in (torch, teachtorch):
        y = fn(lib.arange(24.0).view(2, 3, 4))
        c = y.contiguous()
        out.append((y.clone().stride(), c.stride(), c is y, y.clone().tolist()))
    assert out[1] == out[0]
