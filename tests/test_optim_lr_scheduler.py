"""lr schedulers: the same lr (and momentum) sequence as torch over 50+ steps."""

import warnings

import numpy as np
import pytest

import teachtorch

torch = pytest.importorskip("torch")


def make_optimizer(lib, kind="SGD", groups=1):
    ps = [lib.zeros(2, requires_grad=True) for _ in range(groups)]
    if kind == "Adam":
        return lib.optim.Adam(
            [{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(ps)]
        )
    return lib.optim.SGD(
        [{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(ps)],
        lr=0.1,
        momentum=0.9,
    )


S = "lr_scheduler"
CASES = [
    ("StepLR", {"step_size": 7, "gamma": 0.5}, "SGD"),
    ("MultiStepLR", {"milestones": [3, 10, 10, 25], "gamma": 0.3}, "SGD"),
    ("ExponentialLR", {"gamma": 0.93}, "SGD"),
    ("CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001}, "SGD"),
    ("CosineAnnealingLR", {"T_max": 50}, "Adam"),
    ("LambdaLR", {"lr_lambda": lambda e: 0.95**e + 0.01 * e}, "SGD"),
    ("MultiplicativeLR", {"lr_lambda": lambda e: 0.9 if e % 2 else 1.05}, "SGD"),
    ("LinearLR", {"start_factor": 0.2, "end_factor": 0.9, "total_iters": 12}, "SGD"),
    ("ConstantLR", {"factor": 0.4, "total_iters": 6}, "SGD"),
    ("PolynomialLR", {"total_iters": 30, "power": 2.0}, "SGD"),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 60}, "SGD"),
    (
        "OneCycleLR",
        {
            "max_lr": [1.0, 2.0],
            "epochs": 6,
            "steps_per_epoch": 10,
            "anneal_strategy": "linear",
            "three_phase": True,
        },
        "Adam",
    ),
    ("CyclicLR", {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 5}, "SGD"),
    (
        "CyclicLR",
        {
            "base_lr": 0.01,
            "max_lr": 0.1,
            "step_size_up": 4,
            "step_size_down": 7,
            "mode": "triangular2",
        },
        "SGD",
    ),
    (
        "CyclicLR",
        {
            "base_lr": 0.01,
            "max_lr": 0.1,
            "step_size_up": 3,
            "mode": "exp_range",
            "gamma": 0.97,
        },
        "Adam",
    ),
    ("CosineAnnealingWarmRestarts", {"T_0": 5, "T_mult": 2, "eta_min": 0.01}, "SGD"),
]


def lr_sequence(lib, name, kwargs, kind, groups=2, steps=55):
    opt = make_optimizer(lib, kind, groups)
    sched = getattr(getattr(lib.optim, S), name)(opt, **kwargs)
    seq = [list(sched.get_last_lr())]
    moms = []
    for _ in range(steps):
        opt.step()
        sched.step()
        seq.append(list(sched.get_last_lr()))
        g = opt.param_groups[0]
        moms.append(g["betas"][0] if "betas" in g else g["momentum"])
    return seq, moms, opt


@pytest.mark.parametrize(
    "name,kwargs,kind", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_lr_sequence_matches_torch(name, kwargs, kind):
    steps = 59 if name == "OneCycleLR" else 55
    ours, our_moms, opt = lr_sequence(teachtorch, name, kwargs, kind, steps=steps)
    theirs, their_moms, topt = lr_sequence(torch, name, kwargs, kind, steps=steps)
    np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(our_moms, their_moms, rtol=1e-13)
    assert len({round(v[0], 12) for v in ours}) > 1  # the lr really changed
    # the optimizer's groups carry the same extra keys (initial_lr, max_lr, ...)
    assert sorted(opt.param_groups[0]) == sorted(topt.param_groups[0])


def test_reduce_lr_on_plateau_matches_torch():
    losses = [
        1.0,
        0.9,
        0.95,
        0.95,
        0.96,
        0.97,
        0.5,
        0.5,
        0.5,
        0.5,
        0.5,
        0.49999,
        0.6,
        0.7,
        0.8,
        0.9,
        1.0,
    ] * 3

    def run(lib, **kw):
        opt = make_optimizer(lib, groups=2)
        sched = getattr(lib.optim, S).ReduceLROnPlateau(opt, **kw)
        out = []
        for loss in losses:
            opt.step()
            sched.step(loss)
            out.append(list(sched.get_last_lr()) + [sched.num_bad_epochs])
        return out

    for kw in [
        {"patience": 2},
        {"mode": "max", "factor": 0.5, "patience": 1, "cooldown": 2},
        {
            "threshold_mode": "abs",
            "threshold": 0.05,
            "patience": 1,
            "min_lr": [0.02, 0.001],
        },
    ]:
        ours, theirs = run(teachtorch, **kw), run(torch, **kw)
        np.testing.assert_allclose(ours, theirs, rtol=1e-13)
        assert ours[-1][0] < ours[0][0]


def test_sequential_and_chained_match_torch():
    def run(lib, chained):
        m = getattr(lib.optim, S)
        opt = make_optimizer(lib, groups=2)
        a = m.LinearLR(opt, start_factor=0.1, total_iters=5)
        b = m.ExponentialLR(opt, gamma=0.9)
        sched = (
            m.ChainedScheduler([a, b])
            if chained
            else m.SequentialLR(opt, [a, b], milestones=[5])
        )
        out = [list(sched.get_last_lr())]
        for _ in range(20):
            opt.step()
            sched.step()
            out.append(list(sched.get_last_lr()))
        return out

    for chained in (False, True):
        np.testing.assert_allclose(
            run(teachtorch, chained), run(torch, chained), rtol=1e-13
        )


def test_state_dict_resumes_the_same_sequence():
    def run(lib):
        m = getattr(lib.optim, S)
        opt = make_optimizer(lib)
        sched = m.StepLR(opt, step_size=3, gamma=0.5)
        for _ in range(4):
            opt.step()
            sched.step()
        sd = sched.state_dict()
        opt2 = make_optimizer(lib)
        opt2.load_state_dict(opt.state_dict())
        sched2 = m.StepLR(opt2, step_size=100)
        sched2.load_state_dict(sd)
        out = []
        for _ in range(6):
            opt2.step()
            sched2.step()
            out.append(sched2.get_last_lr()[0])
        return out, sorted(k for k in sd if k != "_get_lr_called_within_step")

    (ours, our_keys), (theirs, their_keys) = run(teachtorch), run(torch)
    np.testing.assert_allclose(ours, theirs, rtol=1e-13)
    assert {
        "base_lrs",
        "last_epoch",
        "step_size",
        "gamma",
        "_last_lr",
        "_step_count",
    } <= set(our_keys) & set(their_keys)


def test_scheduler_before_optimizer_step_warns_like_torch():
    for lib in (teachtorch, torch):
        opt = make_optimizer(lib)
        sched = getattr(lib.optim, S).StepLR(opt, step_size=2)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            sched.step()
        assert any("before `optimizer.step()`" in str(x.message) for x in w), lib


def test_epoch_argument_uses_closed_form_like_torch():
    def run(lib):
        opt = make_optimizer(lib)
        sched = getattr(lib.optim, S).StepLR(opt, step_size=3, gamma=0.5)
        opt.step()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sched.step(7)
        return sched.get_last_lr()

    assert run(teachtorch) == run(torch)


@pytest.mark.parametrize(
    "make",
    [
        lambda m, o: m.StepLR(object(), step_size=2),
        lambda m, o: m.ReduceLROnPlateau(o, factor=1.5),
        lambda m, o: m.LinearLR(o, start_factor=0),
        lambda m, o: m.OneCycleLR(o, max_lr=0.1),
        lambda m, o: m.StepLR(o, step_size=2, last_epoch=3),
    ],
)
def test_errors_match_torch(make):
    def err(lib):
        try:
            make(getattr(lib.optim, S), make_optimizer(lib))
        except Exception as e:  # noqa: BLE001 - reported to the caller
            return type(e), str(e).split("\n")[0]
        return None

    ours, theirs = err(teachtorch), err(torch)
    assert ours is not None and ours[0] is theirs[0]
    assert ours[1].strip("'\"").startswith(theirs[1].strip("'\""))
