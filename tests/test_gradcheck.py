"""teachtorch.autograd.gradcheck / gradgradcheck: pass on right gradients, fail with a
readable table on wrong ones, agree with torch's verdicts."""

import numpy as np
import pytest
import torch

import teachtorch


def _custom(lib, wrong):
    """x**3 as a custom Function; with wrong=True its backward forgets the factor 3."""

    class Cube(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, grad_output):
            (x,) = ctx.saved_tensors
            return grad_output * (x * x if wrong else 3 * x * x)

    return Cube


@pytest.mark.parametrize("wrong", [False, True])
def test_verdict_agrees_with_torch(wrong):
    x = np.array([[0.5, -1.0], [2.0, 0.3]])
    verdicts = []
    for lib in (teachtorch, torch):
        t = lib.tensor(x, dtype=lib.float64, requires_grad=True)
        verdicts.append(
            lib.autograd.gradcheck(
                _custom(lib, wrong).apply, (t,), raise_exception=False
            )
        )
    assert verdicts[0] == verdicts[1] == (not wrong)


def test_failure_message_starts_with_torchs_words_and_layout():
    """Non-square (3 inputs -> 2 outputs): torch prints a row per input element."""
    messages = []
    for lib in (torch, teachtorch):
        class FirstTwoSquared(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return (x * x)[:2]

            @staticmethod
            def backward(ctx, grad_output):
                (x,) = ctx.saved_tensors
                return 2 * x  # wrong: ignores grad_output

        x = lib.tensor([-1.3, -0.2, 0.4], dtype=lib.float64, requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            lib.autograd.gradcheck(lambda t: FirstTwoSquared.apply(t) * 3, (x,))
        messages.append(str(info.value))
    theirs, ours = messages
    assert ours.startswith(theirs)  # then our table and hint follow


def test_failure_message_has_a_table():
    t = teachtorch.tensor(
        [[0.5, -1.0], [2.0, 0.3]], dtype=teachtorch.float64, requires_grad=True
    )
    with pytest.raises(teachtorch.autograd.gradcheck.GradcheckError) as info:
        teachtorch.autograd.gradcheck(_custom(teachtorch, True).apply, (t,))
    text = str(info.value)
    assert text.startswith("Jacobian mismatch for output 0 with respect to input 0,")
    header = next(
        line for line in text.splitlines() if line.lstrip().startswith("input")
    )
    assert "numerical" in header and "analytical" in header and "element" in header
    # the worst element: x = 2.0 at (1, 0): numerical 3*4 = 12, analytical 4
    row = next(line for line in text.splitlines() if "(1, 0)" in line)
    assert "12" in row and " 4" in row
    assert "hint:" in text
    assert isinstance(info.value, RuntimeError)


def test_checks_every_input_and_broadcasting():
    a = teachtorch.randn(3, 1, dtype=teachtorch.float64, requires_grad=True)
    b = teachtorch.randn(4, dtype=teachtorch.float64, requires_grad=True)
    c = teachtorch.randn(3, 4, dtype=teachtorch.float64)  # no grad: not checked
    assert teachtorch.autograd.gradcheck(lambda x, y, z: (x * y + z).tanh(), (a, b, c))

    class WrongSecond(teachtorch.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            ctx.save_for_backward(x, y)
            return x * y

        @staticmethod
        def backward(ctx, g):
            _, y = ctx.saved_tensors
            return g * y, g * y  # second gradient wrong

    u = a.reshape(3).detach().requires_grad_()
    v = b[:3].detach().requires_grad_()
    with pytest.raises(RuntimeError, match="with respect to input 1"):
        teachtorch.autograd.gradcheck(WrongSecond.apply, (u, v))


def test_multiple_outputs_and_float32_warning():
    x = teachtorch.randn(5, dtype=teachtorch.float64, requires_grad=True)
    assert teachtorch.autograd.gradcheck(lambda t: (t.sin(), t.max(0).values), (x,))
    x32 = teachtorch.randn(3, requires_grad=True)
    with pytest.warns(UserWarning, match="not a double precision"):
        teachtorch.autograd.gradcheck(
            lambda t: t * 2, (x32,), eps=1e-2, atol=1e-2, rtol=1e-2
        )


def test_no_input_requires_grad_is_an_error():
    with pytest.raises(ValueError):
        teachtorch.autograd.gradcheck(lambda t: t * 2, (teachtorch.ones(2).double(),))


def test_gradgradcheck_catches_wrong_double_backward():
    class BadSquare(teachtorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x.detach()  # detach breaks the second derivative

    x = teachtorch.tensor([0.4, -1.3], dtype=teachtorch.float64, requires_grad=True)
    assert teachtorch.autograd.gradcheck(BadSquare.apply, (x,))
    assert not teachtorch.autograd.gradgradcheck(
        BadSquare.apply, (x,), raise_exception=False
    )
    assert teachtorch.autograd.gradgradcheck(lambda t: t * t, (x,))


def test_importable_both_ways():
    from teachtorch.autograd import gradcheck, gradgradcheck

    x = teachtorch.tensor([1.0, 2.0], dtype=teachtorch.float64, requires_grad=True)
    assert gradcheck(lambda t: t.exp(), (x,)) and gradgradcheck(lambda t: t.exp(), (x,))
    assert teachtorch.autograd.gradcheck(lambda t: t.exp(), x)
