"""One protocol for built-in ops and your own autograd.Function (function.py).

A learner copies a built-in op's class into a notebook and it works: forward may get
arrays (``_raw = True``, as the built-in ops) or Tensors (the default, as in
PyTorch), may return arrays or Tensors, and may save either.
"""
import inspect
import re
import textwrap

import numpy as np
import pytest
import torch
from helpers import assert_close

import teachtorch
from teachtorch.autograd import gradcheck, gradgradcheck
from teachtorch.ops import arith, linalg, pointwise

NOTEBOOK = ("import teachtorch as torch\n"
            "from teachtorch.autograd import Function\n"
            "import numpy as np\n")


def pasted(op_class, keep_raw):
    """The class text of a built-in op, exec'd in a fresh notebook-like namespace."""
    source = textwrap.dedent(inspect.getsource(op_class))
    if not keep_raw:
        source, n = re.subn(r"\n\s*_raw = True\n", "\n", source)
        assert n == 1
    namespace = {}
    exec(NOTEBOOK + source, namespace)  # noqa: S102 - the test's whole point
    cls = namespace[op_class.__name__]
    assert cls is not op_class and cls._raw is keep_raw
    return cls


def f64(*shape, seed=0):
    rng = np.random.default_rng(seed)
    return teachtorch.tensor(rng.standard_normal(shape), dtype=teachtorch.float64,
                             requires_grad=True)


@pytest.mark.parametrize("keep_raw", [True, False])
def test_pasted_exp_gives_exps_values_and_gradients(keep_raw):
    exp = pasted(pointwise.Exp, keep_raw)
    x = f64(3, 4)
    assert_close(exp.apply(x), torch.exp(torch.tensor(x.detach().numpy())))
    assert exp.apply(x).grad_fn.name() == "ExpBackward0"
    assert gradcheck(exp.apply, (x,))
    assert gradgradcheck(exp.apply, (x,))   # saved output is the output Tensor
    scalar = f64()                           # np.exp gives a NumPy scalar here
    assert exp.apply(scalar).shape == ()
    assert gradgradcheck(exp.apply, (scalar,))


@pytest.mark.parametrize("keep_raw", [True, False])
def test_pasted_mul_with_tensors_and_numbers(keep_raw):
    mul = pasted(arith.Mul, keep_raw)
    a, b = f64(2, 3), f64(3, seed=1)             # broadcasting, undone by the engine
    assert gradcheck(mul.apply, (a, b))
    assert gradgradcheck(mul.apply, (a, b))
    y = mul.apply(a, 2.5)
    assert len(y.grad_fn.next_functions) == 2    # n_tensor_slots = 2
    y.sum().backward()
    assert a.grad.tolist() == [[2.5] * 3] * 2


@pytest.mark.parametrize("keep_raw", [True, False])
def test_pasted_dot_a_reduction(keep_raw):
    dot = pasted(linalg.Dot, keep_raw)
    a, b = f64(5), f64(5, seed=1)
    out = dot.apply(a, b)
    assert out.shape == () and out.grad_fn.name() == "DotBackward0"
    assert_close(out, torch.dot(torch.tensor(a.detach().numpy()),
                                torch.tensor(b.detach().numpy())))
    assert gradcheck(dot.apply, (a, b))
    assert gradgradcheck(dot.apply, (a, b))


class NumpyExp(teachtorch.autograd.Function):
    """A learner's Function in NumPy: Tensor inputs, ndarray out and saved."""

    @staticmethod
    def forward(ctx, x):
        y = np.exp(x)                 # NumPy reads the input Tensor
        assert isinstance(y, np.ndarray)
        ctx.save_for_backward(y)      # an array: comes back as the output Tensor
        return y

    @staticmethod
    def backward(ctx, grad_output):
        (y,) = ctx.saved_tensors
        assert isinstance(y, teachtorch.Tensor)
        return grad_output * y


class NumpyScale(teachtorch.autograd.Function):
    """Saves an input's array and a brand-new array; returns a NumPy scalar too."""

    @staticmethod
    def forward(ctx, x, k):
        data = np.asarray(x)
        ctx.save_for_backward(data, np.full(data.shape, float(k)))
        return data * k, np.float64(data.sum())

    @staticmethod
    def backward(ctx, grad_y, grad_total):
        _, scale = ctx.saved_tensors
        return grad_y * scale + grad_total, None


def test_a_numpy_forward_works_and_differentiates_twice():
    x = f64(4)
    assert gradcheck(NumpyExp.apply, (x,))
    assert gradgradcheck(NumpyExp.apply, (x,))
    y = NumpyExp.apply(x)
    assert type(y) is teachtorch.Tensor and y.grad_fn.name() == "NumpyExpBackward"
    assert x.requires_grad and teachtorch.is_grad_enabled()


def test_saved_arrays_map_back_to_inputs_or_become_constants():
    x = f64(3)
    y, total = NumpyScale.apply(x, 3)
    assert total.shape == () and total.requires_grad
    saved_x, scale = y.grad_fn.saved_tensors
    assert saved_x is x                     # x's own array came back as x
    assert not scale.requires_grad and scale.tolist() == [3.0] * 3
    (y.sum() + total).backward()
    assert x.grad.tolist() == [4.0] * 3
    assert gradcheck(lambda t: NumpyScale.apply(t, 3), (f64(3),))


def test_numpy_on_a_tensor_that_requires_grad_still_refuses_outside_forward():
    x = teachtorch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that "):
        np.exp(x)


class ByArgument(teachtorch.autograd.Function):
    """PyTorch's rule: one gradient per forward argument, None for the number."""

    @staticmethod
    def forward(ctx, x, k, w):
        ctx.save_for_backward(x, w)
        ctx.k = k
        return x * w * k

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return g * w * ctx.k, None, g * x * ctx.k


class ByTensor(ByArgument):
    """The built-in ops' shorthand: one gradient per Tensor argument."""

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return g * w * ctx.k, g * x * ctx.k


@pytest.mark.parametrize("fn", [ByArgument, ByTensor])
def test_one_gradient_per_argument_or_per_tensor(fn):
    x, w = f64(3), f64(3, seed=1)
    assert gradcheck(lambda a, b: fn.apply(a, 2.0, b), (x, w))


def test_a_wrong_gradient_count_gets_torchs_error():
    def run(lib):
        class TooFew(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k, w):
                return x * w

            @staticmethod
            def backward(ctx, g):
                return (g,)

        x = lib.ones(2, requires_grad=True)
        w = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            TooFew.apply(x, 2, w).sum().backward()
        return str(info.value).split("\nhint:")[0]

    assert run(teachtorch) == run(torch)
