"""nn.Module, Parameter, containers, hooks, state_dict and DataParallel vs PyTorch."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch
from helpers import assert_close, to_np

import teachtorch
import teachtorch.nn as tnn


def copy_params(src, dst):
    """Copy torch module src's parameters and buffers into teachtorch module dst."""
    theirs = dict(src.state_dict())
    for name, t in dst.state_dict(keep_vars=True).items():
        t._data[...] = theirs[name].detach().numpy()


def build_net(nn):
    class TwoLayerNet(nn.Module):
        def __init__(self, D_in, H, D_out):
            super().__init__()
            self.linear1 = nn.Linear(D_in, H)
            self.linear2 = nn.Linear(H, D_out)

        def forward(self, x):
            return self.linear2(self.linear1(x).clamp(min=0))
    return TwoLayerNet(4, 5, 3)


# ----- Parameter --------------------------------------------------------------------------
def test_parameter_repr_and_memory_sharing():
    data = teachtorch.ones(2, 3)
    p = tnn.Parameter(data)
    q = torch.nn.Parameter(torch.ones(2, 3))
    assert repr(p) == repr(q)
    assert isinstance(p, teachtorch.Tensor) and isinstance(p, tnn.Parameter)
    assert p.requires_grad and p.is_leaf
    data[0, 0] = 5.0
    assert p[0, 0].item() == 5.0  # shares memory
    assert repr(tnn.Parameter(teachtorch.ones(2), requires_grad=False)) == repr(
        torch.nn.Parameter(torch.ones(2), requires_grad=False))
    assert type(p * 2) is teachtorch.Tensor


def test_parameter_deepcopy_and_pickle():
    p = tnn.Parameter(teachtorch.arange(6.0).view(2, 3))
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(q) is tnn.Parameter and q.requires_grad
        assert np.array_equal(to_np(q), to_np(p))
        assert q.data_ptr() != p.data_ptr()


def test_parameter_int_requires_grad_error():
    with pytest.raises(RuntimeError) as theirs:
        torch.nn.Parameter(torch.ones(2, dtype=torch.long))
    with pytest.raises(RuntimeError) as ours:
        tnn.Parameter(teachtorch.ones(2, dtype=teachtorch.long))
    assert str(theirs.value).split("\n")[0] in str(ours.value)


# ----- registration, naming, order ----------------------------------------------------------
def test_named_parameters_buffers_modules_match_torch():
    def make(nn, lib):
        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.b = nn.Linear(2, 3)
                self.register_buffer("steps", lib.zeros(1))
                self.a = nn.Parameter(lib.ones(3))
                self.seq = nn.Sequential(nn.Linear(3, 3), nn.ReLU(),
                                         nn.BatchNorm1d(3))
                self.register_buffer("tmp", lib.ones(2), persistent=False)
        return Net()
    ours, theirs = make(tnn, teachtorch), make(torch.nn, torch)
    assert [n for n, _ in ours.named_parameters()] == [
        n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]
    assert [n for n, _ in ours.named_children()] == [
        n for n, _ in theirs.named_children()]
    assert list(ours.state_dict().keys()) == list(theirs.state_dict().keys())
    assert repr(ours) == repr(theirs)
    assert len(list(ours.parameters())) == len(list(theirs.parameters()))
    assert [n for n, _ in ours.named_parameters(prefix="m", recurse=False)] == [
        n for n, _ in theirs.named_parameters(prefix="m", recurse=False)]


def test_shared_parameter_listed_once():
    for nn in (tnn, torch.nn):
        lin = nn.Linear(2, 2)
        seq = nn.Sequential(lin, lin)
        assert len(list(seq.parameters())) == 2
        assert [n for n, _ in seq.named_parameters()] == ["0.weight", "0.bias"]


def test_setattr_routing_and_delattr():
    m = tnn.Module()
    m.w = tnn.Parameter(teachtorch.ones(1))
    m.child = tnn.Linear(1, 1)
    m.plain = 3
    assert list(m._parameters) == ["w"] and list(m._modules) == ["child"]
    assert m.plain == 3
    del m.w
    assert "w" not in m._parameters
    with pytest.raises(AttributeError, match="has no attribute 'w'"):
        _ = m.w


def test_assign_tensor_to_parameter_slot_errors_like_torch():
    for nn, lib in ((tnn, teachtorch), (torch.nn, torch)):
        lin = nn.Linear(2, 2)
        with pytest.raises(TypeError, match="cannot assign 'torch.FloatTensor' as "
                           "parameter 'weight'"):
            lin.weight = lib.ones(2, 2)


def test_forgetting_super_init_errors():
    class Bad(tnn.Module):
        def __init__(self):
            self.fc = tnn.Linear(1, 1)

    class BadT(torch.nn.Module):
        def __init__(self):
            self.fc = torch.nn.Linear(1, 1)
    with pytest.raises(AttributeError) as theirs:
        BadT()
    with pytest.raises(AttributeError) as ours:
        Bad()
    assert str(ours.value).startswith(str(theirs.value))
    assert "hint:" in str(ours.value)


def test_missing_forward_error():
    with pytest.raises(NotImplementedError) as theirs:
        torch.nn.ModuleList([torch.nn.ReLU()])(torch.ones(1))
    with pytest.raises(NotImplementedError) as ours:
        tnn.ModuleList([tnn.ReLU()])(teachtorch.ones(1))
    message, hint = str(ours.value).split("\nhint: ")
    assert message == str(theirs.value)
    assert "loop over it" in hint  # a container, not a forgotten forward

    no_forward = {lib: type("NoForward", (lib.nn.Module,), {})
                  for lib in (torch, teachtorch)}
    with pytest.raises(NotImplementedError) as theirs:
        no_forward[torch]()(torch.ones(1))
    with pytest.raises(NotImplementedError) as ours:
        no_forward[teachtorch]()(teachtorch.ones(1))
    message, hint = str(ours.value).split("\nhint: ")
    assert message == str(theirs.value)
    assert "define forward" in hint


def test_train_eval_apply_zero_grad_requires_grad():
    m = tnn.Sequential(tnn.Linear(2, 2), tnn.Dropout())
    m.eval()
    assert not m.training and not m[1].training
    m.train()
    assert m[1].training
    m(teachtorch.ones(3, 2)).sum().backward()
    assert m[0].weight.grad is not None
    m.zero_grad()
    assert m[0].weight.grad is None
    m(teachtorch.ones(3, 2)).sum().backward()
    m.zero_grad(set_to_none=False)
    assert m[0].weight.grad is not None and float(m[0].weight.grad.abs().sum()) == 0
    seen = []
    m.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen == ["Linear", "Dropout", "Sequential"]
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_to_double_and_float_keep_parameter_objects():
    lin = tnn.Linear(2, 3)
    w = lin.weight
    lin.double()
    assert lin.weight is w and lin.weight.dtype == teachtorch.float64
    assert lin(teachtorch.ones(1, 2, dtype=teachtorch.float64)).dtype == teachtorch.float64
    lin.to(teachtorch.float32)
    assert lin.weight.dtype == teachtorch.float32 and isinstance(lin.weight,
                                                                 tnn.Parameter)
    bn = tnn.BatchNorm1d(2).half()
    assert bn.num_batches_tracked.dtype == teachtorch.int64  # ints untouched


# ----- containers ---------------------------------------------------------------------
def test_sequential_indexing_slicing_and_edits_match_torch():
    def run(nn):
        s = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1), nn.Sigmoid())
        out = [repr(s[1:3]), type(s[1:3]).__name__, repr(s[-1]), len(s)]
        s.append(nn.Tanh())
        s.insert(1, nn.Identity())
        del s[0]
        out += [repr(s), list(s.state_dict().keys())]
        s.extend(nn.Sequential(nn.ReLU()))
        out += [repr(s), [type(m).__name__ for m in s]]
        named = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 2)), ("act", nn.ReLU())]))
        out += [repr(named), list(named.state_dict().keys()), repr(named[0])]
        return out
    assert run(tnn) == run(torch.nn)


def test_sequential_index_error():
    for nn in (tnn, torch.nn):
        with pytest.raises(IndexError, match="index 5 is out of range"):
            nn.Sequential(nn.ReLU())[5]


def test_add_module_sequential_from_note_000():
    def run(nn):
        net1 = nn.Sequential()
        net1.add_module("fc", nn.Linear(3, 3))
        net1.add_module("batchnorm", nn.BatchNorm1d(3))
        net1.add_module("activation_layer", nn.ReLU())
        return repr(net1), list(net1.state_dict().keys())
    assert run(tnn) == run(torch.nn)


def test_note_000_conv_sequential():
    def run(nn, lib):
        net1 = nn.Sequential()
        net1.add_module("conv", nn.Conv2d(3, 3, 3))
        net1.add_module("batchnorm", nn.BatchNorm2d(3))
        net1.add_module("activation_layer", nn.ReLU())
        net2 = nn.Sequential(nn.Conv2d(3, 3, 3), nn.BatchNorm2d(3), nn.ReLU())
        return net1, net2
    (o1, o2), (t1, t2) = run(tnn, teachtorch), run(torch.nn, torch)
    assert repr(o1) == repr(t1) and repr(o2) == repr(t2)
    copy_params(t1, o1)
    x = np.random.default_rng(0).standard_normal((3, 3, 3, 3)).astype(np.float32)
    assert_close(o1(teachtorch.tensor(x)), t1(torch.tensor(x)), atol=1e-5)


def test_modulelist_from_note_000_and_repr():
    def run(nn):
        class MyModule(nn.Module):
            def __init__(self):
                super().__init__()
                self.module_list = nn.ModuleList([nn.Linear(3, 3), nn.ReLU()])
        m = MyModule()
        ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()])
        ml2 = ml[1:]
        ml.append(nn.Tanh())
        ml.insert(0, nn.Sigmoid())
        del ml[1]
        return (repr(m), list(m.state_dict().keys()), repr(ml), repr(ml2), len(ml),
                repr(nn.ModuleList()))
    assert run(tnn) == run(torch.nn)
    m = tnn.ModuleList([tnn.Linear(3, 3), tnn.ReLU()])
    x = teachtorch.randn(2, 3)
    for layer in m:
        x = layer(x)
    assert x.shape == (2, 3)


def test_moduledict_parameterlist_parameterdict_match_torch():
    def run(nn, lib):
        md = nn.ModuleDict({"b": nn.Linear(1, 2), "a": nn.ReLU()})
        md["c"] = nn.Tanh()
        pl = nn.ParameterList([nn.Parameter(lib.ones(2, 3)), lib.zeros(4)])
        pl.append(nn.Parameter(lib.ones(1)))
        pd = nn.ParameterDict({"w": nn.Parameter(lib.ones(2)), "v": lib.ones(3, 1)})
        holder = nn.Module()
        holder.md, holder.pl, holder.pd = md, pl, pd
        return (repr(holder), list(md.keys()), [n for n, _ in holder.named_parameters()],
                len(pl), "w" in pd, [type(p).__name__ for p in pl])
    assert run(tnn, teachtorch) == run(torch.nn, torch)


# ----- state_dict ---------------------------------------------------------------------
def test_state_dict_roundtrip_and_detached():
    net = build_net(tnn)
    sd = net.state_dict()
    assert list(sd) == ["linear1.weight", "linear1.bias", "linear2.weight",
                        "linear2.bias"]
    assert not sd["linear1.weight"].requires_grad
    assert sd["linear1.weight"].data_ptr() == net.linear1.weight.data_ptr()
    other = build_net(tnn)
    res = other.load_state_dict(sd)
    assert repr(res) == repr(torch.nn.Linear(1, 1).load_state_dict(
        torch.nn.Linear(1, 1).state_dict()))
    assert np.array_equal(to_np(other.linear2.weight), to_np(net.linear2.weight))


def test_load_state_dict_strict_false_reports_keys_like_torch():
    def run(nn):
        class A(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(2, 2)
                self.extra = nn.Linear(2, 1)

        class B(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(2, 2)
                self.head = nn.Linear(2, 3)
        res = B().load_state_dict(A().state_dict(), strict=False)
        return res.missing_keys, res.unexpected_keys, type(res).__name__
    assert run(tnn) == run(torch.nn)


def test_load_state_dict_strict_error_and_size_mismatch():
    for ctor in (lambda nn: (nn.Linear(2, 2), nn.Sequential(nn.Linear(2, 2))),
                 lambda nn: (nn.Linear(2, 2), nn.Linear(3, 2))):
        with pytest.raises(RuntimeError) as theirs:
            a, b = ctor(torch.nn)
            b.load_state_dict(a.state_dict())
        with pytest.raises(RuntimeError) as ours:
            a, b = ctor(tnn)
            b.load_state_dict(a.state_dict())
        assert str(ours.value).startswith(str(theirs.value))
        assert "\nhint:" in str(ours.value)


# ----- DataParallel ---------------------------------------------------------------------
def test_dataparallel_prefix_pitfall_from_note_003():
    def run(nn, lib):
        net = nn.DataParallel(build_net(nn))
        keys = list(net.state_dict().keys())
        out = net(lib.ones(6, 4)).shape
        bare = build_net(nn)
        try:
            bare.load_state_dict(net.state_dict())
            err = None
        except RuntimeError as e:
            err = str(e)
        ok = bare.load_state_dict(net.module.state_dict())
        return keys, tuple(out), err, repr(ok), repr(net)
    ours, theirs = run(tnn, teachtorch), run(torch.nn, torch)
    assert ours[0] == theirs[0] and ours[0][0] == "module.linear1.weight"
    assert ours[1] == theirs[1]
    assert ours[2].startswith(theirs[2])
    hint = ours[2][len(theirs[2]):]
    assert "module." in hint and "strict=False" in hint
    assert ours[3] == theirs[3] and ours[4] == theirs[4]


def test_dataparallel_forward_matches_module():
    net = build_net(tnn)
    dp = tnn.DataParallel(net)
    x = teachtorch.randn(5, 4)
    assert np.array_equal(to_np(dp(x)), to_np(net(x)))
    assert dp.module is net


# ----- hooks -----------------------------------------------------------------------------
def _hook_trace(nn, lib):
    torch_like = lib
    net = build_net(nn)
    log = []
    h1 = net.linear1.register_forward_pre_hook(
        lambda m, args: log.append(("pre", tuple(args[0].shape))))
    net.linear1.register_forward_hook(
        lambda m, args, out: log.append(("fwd", tuple(out.shape))))
    net.linear2.register_forward_hook(lambda m, args, out: out * 2)
    grads = {}

    def bw(m, gin, gout):
        grads["in"] = [None if g is None else to_np(g) for g in gin]
        grads["out"] = [to_np(g) for g in gout]
    net.linear2.register_full_backward_hook(bw)
    x = torch_like.ones(2, 4, requires_grad=True)
    y = net(x)
    y.sum().backward()
    h1.remove()
    net(torch_like.ones(2, 4))
    return log, grads, net


def test_forward_and_backward_hooks_match_torch():
    (log_o, g_o, _), (log_t, g_t, _) = (_hook_trace(tnn, teachtorch),
                                                _hook_trace(torch.nn, torch))
    assert log_o == log_t
    assert [g.shape for g in g_o["in"]] == [g.shape for g in g_t["in"]]
    np.testing.assert_allclose(g_o["out"][0], g_t["out"][0])


def test_full_backward_hook_values_and_replacement():
    def run(nn, lib):
        lin = nn.Linear(3, 2)
        with (torch.no_grad() if lib is torch else teachtorch.no_grad()):
            lin.weight.copy_(lib.arange(6.0).view(2, 3) / 10)
            lin.bias.fill_(0.5)
        seen = {}

        def hook(m, gin, gout):
            seen["gin"] = to_np(gin[0])
            seen["gout"] = to_np(gout[0])
            return (gin[0] * 3,)
        lin.register_full_backward_hook(hook)
        x = lib.ones(4, 3, requires_grad=True)
        (lin(x) ** 2).sum().backward()
        return seen, to_np(x.grad), to_np(lin.weight.grad)
    (so, xo, wo), (st, xt, wt) = run(tnn, teachtorch), run(torch.nn, torch)
    np.testing.assert_allclose(so["gin"], st["gin"], rtol=1e-6)
    np.testing.assert_allclose(so["gout"], st["gout"], rtol=1e-6)
    np.testing.assert_allclose(xo, xt, rtol=1e-6)
    np.testing.assert_allclose(wo, wt, rtol=1e-6)


def test_backward_hook_when_input_needs_no_grad():
    def run(nn, lib):
        lin = nn.Linear(3, 2)
        seen = []
        lin.register_full_backward_hook(
            lambda m, gin, gout: seen.append((gin, tuple(gout[0].shape))))
        with pytest.warns(UserWarning, match="Full backward hook is firing when "
                          "gradients are computed with respect to module outputs"):
            lin(lib.ones(4, 3)).sum().backward()
        return seen
    assert run(tnn, teachtorch) == run(torch.nn, torch)


def test_forward_pre_hook_can_replace_input():
    for nn, lib in ((tnn, teachtorch), (torch.nn, torch)):
        m = nn.Identity()
        m.register_forward_pre_hook(lambda mod, args: (args[0] + 1,))
        assert float(m(lib.zeros(1))) == 1.0


# ----- nn.utils --------------------------------------------------------------------------
@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_matches_torch(norm_type):
    rng = np.random.default_rng(1)
    gs = [rng.standard_normal(s).astype(np.float32) * 3 for s in [(3, 4), (4,), (2, 2)]]

    def run(nn, lib):
        ps = [nn.Parameter(lib.zeros(*g.shape)) for g in gs]
        for p, g in zip(ps, gs):
            p.grad = lib.tensor(g)
        total = nn.utils.clip_grad_norm_(ps, max_norm=1.0, norm_type=norm_type)
        return total, [p.grad for p in ps]
    (to, go), (tt_, gt) = run(tnn, teachtorch), run(torch.nn, torch)
    assert_close(to, tt_, rtol=1e-5)
    for a, b in zip(go, gt):
        assert_close(a, b, rtol=1e-5)


def test_clip_grad_nonfinite_error_and_value():
    for nn, lib in ((tnn, teachtorch), (torch.nn, torch)):
        p = nn.Parameter(lib.zeros(2))
        p.grad = lib.tensor([float("inf"), 1.0])
        with pytest.raises(RuntimeError, match="is non-finite, so it cannot be clipped"):
            nn.utils.clip_grad_norm_(p, 1.0, error_if_nonfinite=True)
        p.grad = lib.tensor([-3.0, 0.5])
        nn.utils.clip_grad_value_([p], 1.0)
        assert p.grad.tolist() == [-1.0, 0.5]


def test_parameters_to_vector_and_back():
    def run(nn, lib):
        lib.manual_seed(0)
        net = build_net(nn)
        v = nn.utils.parameters_to_vector(net.parameters())
        nn.utils.vector_to_parameters(lib.arange(float(v.numel())), net.parameters())
        return v.shape, to_np(net.linear2.bias), v.grad_fn is not None
    (so, bo, go), (st, bt, gt) = run(tnn, teachtorch), run(torch.nn, torch)
    assert tuple(so) == tuple(st) and go == gt
    np.testing.assert_array_equal(bo, bt)


def _hook_order(nn, lib):
    lin = nn.Linear(2, 2)
    calls = []
    h = lin.register_full_backward_hook(lambda m, gi, go: calls.append("a"))
    lin.register_full_backward_hook(lambda m, gi, go: calls.append("b"))
    lin.register_forward_hook(lambda m, i, o: calls.append("f1"))
    lin.register_forward_hook(lambda m, i, o: calls.append("f0"), prepend=True)
    lin(lib.ones(1, 2, requires_grad=True)).sum().backward()
    h.remove()
    lin(lib.ones(1, 2, requires_grad=True)).sum().backward()
    return calls


def test_backward_hook_handle_remove_and_prepend_order():
    assert _hook_order(tnn, teachtorch) == _hook_order(torch.nn, torch) == [
        "f0", "f1", "a", "b", "f0", "f1", "b"]


def _kwargs_hooks(nn, lib):
    class M(nn.Module):
        def forward(self, x, scale=1.0):
            return x * scale
    m = M()
    seen = []
    m.register_forward_pre_hook(lambda mod, args, kwargs: (args, {"scale": 3.0}),
                                with_kwargs=True)
    m.register_forward_hook(lambda mod, args, kwargs, out: seen.append(kwargs),
                            with_kwargs=True)
    return float(m(lib.ones(1), scale=2.0)), seen


def test_forward_hook_with_kwargs():
    assert _kwargs_hooks(tnn, teachtorch) == _kwargs_hooks(torch.nn, torch) == (
        3.0, [{"scale": 3.0}])


def test_double_precision_model_end_to_end():
    def run(nn, lib):
        lib.manual_seed(0)
        net = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.GELU(),
                            nn.LayerNorm(4), nn.Dropout(0.0), nn.Linear(4, 2)).double()
        return net
    mt, mo = run(torch.nn, torch), run(tnn, teachtorch)
    theirs = dict(mt.state_dict())
    for name, t in mo.state_dict(keep_vars=True).items():
        t._data[...] = theirs[name].detach().numpy()
    x = np.random.default_rng(0).standard_normal((5, 3))
    lo = tnn.CrossEntropyLoss()(mo(teachtorch.tensor(x)), teachtorch.tensor([0, 1, 1, 0, 1]))
    lt = torch.nn.CrossEntropyLoss()(mt(torch.tensor(x)), torch.tensor([0, 1, 1, 0, 1]))
    assert_close(lo, lt, rtol=1e-10, atol=1e-12)
    lo.backward()
    lt.backward()
    for (n, p), (_, q) in zip(mo.named_parameters(), mt.named_parameters()):
        assert p.grad.dtype == teachtorch.float64
        assert_close(p.grad, q.grad, rtol=1e-9, atol=1e-12)


def test_module_init_rejects_arguments_like_torch():
    for nn in (tnn, torch.nn):
        class M(nn.Module):
            pass
        with pytest.raises(TypeError, match=r"M.__init__\(\) takes 1 positional "
                           "argument but 2 were given"):
            nn.Module.__init__(M(), 3)
        with pytest.raises(TypeError, match="got an unexpected keyword argument 'foo'"):
            nn.Module.__init__(M(), foo=1)
