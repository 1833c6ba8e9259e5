"""Optimizer base behaviour against torch: param groups, state_dict round trip, repr,
zero_grad, closures, LBFGS, and the errors a learner meets."""

import copy
import warnings

import numpy as np
import pytest
from helpers import to_np
from test_optim import make_problem, run_steps

import teachtorch

torch = pytest.importorskip("torch")


@pytest.mark.parametrize(
    "kwargs,steps",
    [
        ({}, 4),
        ({"history_size": 3, "max_iter": 5}, 4),
        # the line search branches on float comparisons, so rounding differences in the
        # last bit (BLAS dot order) grow over many iterations: compare a shorter run
        ({"line_search_fn": "strong_wolfe", "max_iter": 6}, 1),
        (
            {
                "lr": 0.5,
                "line_search_fn": "strong_wolfe",
                "history_size": 4,
                "max_iter": 4,
            },
            2,
        ),
    ],
)
def test_lbfgs_matches_torch(kwargs, steps):
    def run(lib):
        params, loss_fn = make_problem(lib)
        opt = lib.optim.LBFGS(params, **kwargs)

        def closure():
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss

        losses = [opt.step(closure).item() for _ in range(steps)]
        losses.append(loss_fn().item())
        return params, losses, opt

    ours, our_losses, our_opt = run(teachtorch)
    theirs, their_losses, their_opt = run(torch)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-8)
    assert our_losses[-1] < 0.9 * our_losses[0]
    st, ts = our_opt.state_dict()["state"][0], their_opt.state_dict()["state"][0]
    assert set(st) <= set(ts) and {"d", "old_dirs", "func_evals", "n_iter"} <= set(st)
    assert st["func_evals"] == ts["func_evals"] and st["n_iter"] == ts["n_iter"]


def test_param_groups_like_the_notes():
    """optim.SGD([{'params': features}, {'params': classifier, 'lr': 1e-2}], "
    "lr=1e-5)."""

    def run(lib):
        params, loss_fn = make_problem(lib)
        opt = lib.optim.SGD(
            [{"params": [params[0]]}, {"params": [params[1]], "lr": 1e-2}],
            lr=1e-5,
            momentum=0.9,
        )
        for _ in range(5):
            opt.zero_grad()
            loss_fn().backward()
            opt.step()
        return params, opt

    (w, b), opt = run(teachtorch)
    (tw, tb), topt = run(torch)
    assert [g["lr"] for g in opt.param_groups] == [1e-5, 1e-2]
    np.testing.assert_allclose(to_np(w), to_np(tw), rtol=1e-12)
    np.testing.assert_allclose(to_np(b), to_np(tb), rtol=1e-12)
    assert repr(opt) == repr(topt)
    assert opt.state_dict()["param_groups"] == topt.state_dict()["param_groups"]


def test_editing_lr_in_place_takes_effect():
    def run(lib):
        params, loss_fn = make_problem(lib)
        opt = lib.optim.Adam(params, lr=0.1)
        for i in range(6):
            if i == 3:
                for g in opt.param_groups:
                    g["lr"] = 0.01
            opt.zero_grad()
            loss_fn().backward()
            opt.step()
        return params

    for a, b in zip(run(teachtorch), run(torch)):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-10)


def test_add_param_group_and_defaults():
    def build(lib):
        params, _ = make_problem(lib)
        opt = lib.optim.SGD([params[0]], lr=0.1, momentum=0.5)
        opt.add_param_group({"params": params[1], "lr": 0.3})
        return opt

    ours, theirs = build(teachtorch), build(torch)
    assert ours.state_dict()["param_groups"] == theirs.state_dict()["param_groups"]
    assert ours.param_groups[1]["momentum"] == 0.5


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("SGD", {"lr": 0.1, "momentum": 0.9}),
        ("Adam", {"lr": 0.05, "amsgrad": True}),
        ("RMSprop", {"centered": True, "momentum": 0.1}),
        ("Adagrad", {}),
        ("ASGD", {}),
        ("Rprop", {}),
    ],
)
def test_state_dict_round_trip_continues_identically(name, kwargs):
    """Stop after 5 steps, load the state into a fresh optimizer, continue 5 steps:
    the same as torch doing the same, and (nearly) as 10 uninterrupted steps."""

    def run(lib):
        params, loss_fn = make_problem(lib)
        opt = getattr(lib.optim, name)(params, **kwargs)
        for i in range(10):
            if i == 5:
                saved = copy.deepcopy(opt.state_dict())
                opt = getattr(lib.optim, name)(params, **kwargs)
                opt.load_state_dict(saved)
            opt.zero_grad()
            loss_fn().backward()
            opt.step()
        return params, opt

    ours, our_opt = run(teachtorch)
    theirs, their_opt = run(torch)
    straight, _, _ = run_steps(teachtorch, name, kwargs, steps=10)
    for a, b, c in zip(ours, theirs, straight):
        np.testing.assert_allclose(to_np(a), to_np(b), rtol=1e-10)
        # ASGD's float32 eta/mu become float64 on load (as in torch): tiny drift
        np.testing.assert_allclose(to_np(a), to_np(c), rtol=1e-8)
    assert (
        our_opt.state_dict()["param_groups"] == their_opt.state_dict()["param_groups"]
    )


def test_load_state_dict_casts_state_to_param_dtype():
    params, loss_fn = make_problem(teachtorch)
    opt = teachtorch.optim.Adam(params)
    loss_fn().backward()
    opt.step()
    sd = opt.state_dict()
    p32, _ = make_problem(teachtorch, "float32")
    opt32 = teachtorch.optim.Adam(p32)
    opt32.load_state_dict(sd)
    st = opt32.state[p32[0]]
    assert st["exp_avg"].dtype == teachtorch.float32
    assert st["step"].dtype == teachtorch.float32 and st["step"].item() == 1


def test_zero_grad_set_to_none_and_zeros():
    for lib in (teachtorch, torch):
        params, loss_fn = make_problem(lib)
        opt = lib.optim.SGD(params, lr=0.1)
        loss_fn().backward()
        opt.zero_grad(set_to_none=False)
        assert params[0].grad is not None and float(params[0].grad.abs().sum()) == 0
        loss_fn().backward()
        opt.zero_grad()
        assert params[0].grad is None


def test_step_with_closure_returns_loss():
    values = []
    for lib in (teachtorch, torch):
        params, loss_fn = make_problem(lib)
        opt = lib.optim.SGD(params, lr=0.1)

        def closure(opt=opt, loss_fn=loss_fn):
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss

        values.append(opt.step(closure).item())
        assert params[0].requires_grad
    assert values[0] == pytest.approx(values[1], rel=1e-12)


def test_step_bumps_version_and_keeps_leaf():
    params, loss_fn = make_problem(teachtorch)
    opt = teachtorch.optim.SGD(params, lr=0.1)
    v = params[0]._version
    loss_fn().backward()
    opt.step()
    assert params[0]._version == v + 1
    assert params[0].is_leaf and params[0].grad_fn is None


def test_params_without_grad_are_skipped():
    for lib in (teachtorch, torch):
        params, _ = make_problem(lib)
        before = to_np(params[0]).copy()
        opt = lib.optim.Adam(params)
        opt.step()
        np.testing.assert_array_equal(to_np(params[0]), before)
        assert len(opt.state) == 0


def test_repr_matches_torch_for_each_optimizer():
    for name in [
        "SGD",
        "Adam",
        "AdamW",
        "RMSprop",
        "Adagrad",
        "Adadelta",
        "Adamax",
        "ASGD",
        "Rprop",
        "LBFGS",
    ]:
        ours = getattr(teachtorch.optim, name)(make_problem(teachtorch)[0])
        theirs = getattr(torch.optim, name)(make_problem(torch)[0])
        assert repr(ours) == repr(theirs), name


def _same_param_in_two_groups(lib):
    p = lib.ones(2, requires_grad=True)
    return lib.optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)


def _error(fn):
    """(type, first line of message) of what fn() raises."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - reported to the caller
        return type(e), str(e).split("\n")[0], str(e)
    raise AssertionError("no error raised")


@pytest.mark.parametrize(
    "make",
    [
        lambda lib: lib.optim.SGD([], lr=0.1),
        lambda lib: lib.optim.SGD(lib.ones(3, requires_grad=True), lr=0.1),
        lambda lib: lib.optim.SGD([lib.ones(3, requires_grad=True) * 2], lr=0.1),
        lambda lib: lib.optim.SGD([1.0], lr=0.1),
        lambda lib: lib.optim.SGD([lib.ones(2, requires_grad=True)], lr=-1),
        lambda lib: lib.optim.SGD(
            [lib.ones(2, requires_grad=True)], lr=0.1, nesterov=True
        ),
        lambda lib: lib.optim.Adam([lib.ones(2, requires_grad=True)], betas=(1.0, 0.9)),
        lambda lib: lib.optim.Rprop([lib.ones(2, requires_grad=True)], etas=(1.5, 1.2)),
        lambda lib: _same_param_in_two_groups(lib),
        lambda lib: lib.optim.SGD(
            [{"params": {lib.ones(2, requires_grad=True)}}], lr=0.1
        ),
    ],
)
def test_errors_match_torch_and_carry_a_hint(make):
    ours, theirs = _error(lambda: make(teachtorch)), _error(lambda: make(torch))
    assert ours[0] is theirs[0]
    assert ours[1] == theirs[1]
    assert "\nhint: " in ours[2]


def test_load_state_dict_group_mismatch_errors():
    def build(lib):
        params, _ = make_problem(lib)
        one = lib.optim.SGD(params, lr=0.1)
        two = lib.optim.SGD([{"params": [params[0]]}, {"params": [params[1]]}], lr=0.1)
        three = lib.optim.SGD([params[0]], lr=0.1)
        return one, two, three

    o1, o2, o3 = build(teachtorch)
    t1, t2, t3 = build(torch)
    for (a, b), (c, d) in [((o2, o1), (t2, t1)), ((o3, o1), (t3, t1))]:
        ours = _error(lambda a=a, b=b: a.load_state_dict(b.state_dict()))
        theirs = _error(lambda c=c, d=d: c.load_state_dict(d.state_dict()))
        assert ours[:2] == theirs[:2]


def test_duplicate_param_in_one_group_warns_like_torch():
    for lib in (teachtorch, torch):
        p = lib.ones(2, requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.optim.SGD([p, p], lr=0.1)
        assert any("duplicate parameters" in str(x.message) for x in w)


def test_step_hooks_run_in_order_and_can_be_removed():
    for lib in (teachtorch, torch):
        params, loss_fn = make_problem(lib)
        opt = lib.optim.SGD(params, lr=0.1)
        calls = []
        pre = opt.register_step_pre_hook(
            lambda o, a, k, calls=calls: calls.append(("pre", o))
        )
        opt.register_step_post_hook(
            lambda o, a, k, calls=calls: calls.append(("post", o))
        )
        loss_fn().backward()
        opt.step()
        pre.remove()
        opt.step()
        assert [c[0] for c in calls] == ["pre", "post", "post"], lib
        assert all(c[1] is opt for c in calls)
