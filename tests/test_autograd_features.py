"""Autograd features a learner meets in the notes, each run on torch and teachtorch:
hooks, retain_grad, autograd.grad, create_graph, backward(gradient=...), the classic
errors and the grad-mode switches (as context managers and as decorators)."""
import numpy as np
import pytest
import torch

import teachtorch
from tests.helpers import assert_close

LIBS = (torch, teachtorch)
X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=np.float32)


def _msg(e):
    return str(e.value).split("\nhint:")[0]


def test_register_hook_sees_and_changes_gradient():
    res = []
    for lib in LIBS:
        x = lib.tensor(X, requires_grad=True)
        seen = []
        y = x * 2
        h = y.register_hook(lambda g, seen=seen: seen.append(g.clone()) or g * 10)
        x.register_hook(lambda g, seen=seen: seen.append(g.clone()))
        (y ** 2).sum().backward()
        h.remove()
        x.grad = None
        (x * 2).sum().backward()  # the removed hook no longer runs
        res.append(([s.tolist() for s in seen],))
    assert res[0] == res[1]


def test_retain_grad_on_non_leaf():
    res = []
    for lib in LIBS:
        x = lib.tensor(X, requires_grad=True)
        y = x.exp()
        z = y * 3
        y.retain_grad()
        z.sum().backward()
        res.append((y.grad.tolist(), z.grad, y.retains_grad, x.retains_grad))
    np.testing.assert_allclose(res[1][0], res[0][0], rtol=1e-6)
    assert res[1][1:] == res[0][1:]


def test_non_leaf_grad_is_none_and_warns_in_torch():
    x = teachtorch.tensor(X, requires_grad=True)
    y = x * 2
    y.sum().backward()
    assert y.grad is None and x.grad is not None


def test_autograd_grad_and_create_graph_second_derivative():
    res = []
    for lib in LIBS:
        x = lib.tensor(X.astype(np.float64), requires_grad=True)
        y = (x ** 3).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)   # 3x^2
        (h,) = lib.autograd.grad(g.sum(), x)                # 6x
        res.append((g.detach(), h, g.requires_grad, x.grad))
    assert_close(res[1][0], res[0][0])
    assert_close(res[1][1], res[0][1])
    assert res[1][2:] == res[0][2:] == (True, None)


def test_backward_create_graph_then_grad_of_grad():
    res = []
    for lib in LIBS:
        x = lib.tensor([2.0], requires_grad=True)
        y = x ** 2 * lib.exp(x)
        y.backward(create_graph=True)
        first = x.grad.clone()
        gx = x.grad
        x.grad = None
        gx.backward()
        res.append((first.tolist(), x.grad.tolist()))
    np.testing.assert_allclose(res[1], res[0], rtol=1e-6)


def test_backward_with_gradient_argument():
    res = []
    for lib in LIBS:
        x = lib.tensor(X, requires_grad=True)
        y = x * x
        y.backward(gradient=lib.tensor(X * 0 + 0.5))
        res.append(x.grad)
    assert_close(res[1], res[0])


def test_non_scalar_backward_without_gradient_raises():
    msgs = []
    for lib in LIBS:
        y = lib.tensor(X, requires_grad=True) * 2
        with pytest.raises(RuntimeError) as e:
            y.backward()
        msgs.append(_msg(e))
    assert msgs[1] == msgs[0]


def test_in_place_change_of_saved_tensor_raises():
    msgs = []
    for lib in LIBS:
        a = lib.tensor(X, requires_grad=True)
        b = a.sigmoid()   # saves its output
        b.mul_(2)
        with pytest.raises(RuntimeError) as e:
            b.sum().backward()
        msgs.append(_msg(e))
    # torch names the tensor's producer at save time ("output 0 of Sigmoid"); teachtorch
    # names its current grad_fn. The rest of the message is the same.
    strip = [m.split(", which is")[0] for m in msgs]
    assert strip[1] == strip[0]
    assert "is at version 1; expected version 0 instead." in msgs[1]


def test_leaf_in_place_raises_and_no_grad_allows_it():
    msgs = []
    for lib in LIBS:
        w = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError) as e:
            w.add_(1)
        msgs.append(_msg(e))
        with lib.no_grad():
            w.add_(1)
        w.data.mul_(2)
        assert w.tolist() == [4.0, 4.0, 4.0] and w.is_leaf
    assert msgs[1] == msgs[0]


def test_element_0_does_not_require_grad():
    msgs = []
    for lib in LIBS:
        x = lib.ones(3)
        with pytest.raises(RuntimeError) as e:
            (x * 2).sum().backward()
        msgs.append(_msg(e))
        with lib.no_grad():
            w = lib.ones(3, requires_grad=True)
            y = (w * 2).sum()
        with pytest.raises(RuntimeError) as e:
            y.backward()
        msgs.append(_msg(e))
    assert msgs[2:] == msgs[:2]
    assert msgs[0] == "element 0 of tensors does not require grad and does not have a " \
                      "grad_fn"


def test_grad_modes_as_context_managers():
    res = []
    for lib in LIBS:
        x = lib.ones(2, requires_grad=True)
        out = []
        with lib.no_grad():
            out.append((x * 2).requires_grad)
            with lib.enable_grad():
                out.append((x * 2).requires_grad)
            out.append(lib.is_grad_enabled())
        with lib.set_grad_enabled(False):
            out.append((x * 2).requires_grad)
        lib.set_grad_enabled(False)
        out.append((x * 2).requires_grad)
        lib.set_grad_enabled(True)
        with lib.inference_mode():
            y = x * 2
            out.append((y.requires_grad, lib.is_grad_enabled()))
        with lib.inference_mode(False):
            out.append((x * 2).requires_grad)
        out.append(lib.is_grad_enabled())
        res.append(out)
    assert res[0] == res[1]


def test_grad_modes_as_decorators():
    res = []
    for lib in LIBS:
        x = lib.ones(2, requires_grad=True)

        @lib.no_grad()
        def f(a):
            return a * 2

        @lib.enable_grad()
        def g(a):
            return a * 2

        @lib.inference_mode()
        def h(a):
            return a * 2

        @lib.set_grad_enabled(False)
        def k(a):
            return a * 2

        with lib.no_grad():
            inner = g(x).requires_grad
        res.append((f(x).requires_grad, inner, h(x).requires_grad, k(x).requires_grad,
                    lib.is_grad_enabled()))
    assert res[0] == res[1]


def test_detach_and_data_share_memory_but_leave_graph():
    res = []
    for lib in LIBS:
        x = lib.tensor(X, requires_grad=True)
        y = x * 2
        d = y.detach()
        d[0, 0] = 100.0
        dd = x.data
        dd[1, 1] = -7.0
        res.append((y[0, 0].item(), x[1, 1].item(), d.requires_grad, dd.requires_grad,
                    d.is_leaf, y.detach_() is y, y.requires_grad, y.grad_fn))
    assert res[0] == res[1]


def test_grad_accumulates_and_zero_():
    """note 000: x.grad.data.zero_() before the next backward."""
    res = []
    for lib in LIBS:
        x = lib.tensor(X, requires_grad=True)
        (x * 3).sum().backward()
        (x * 3).sum().backward()
        a = x.grad.tolist()
        x.grad.data.zero_()
        (x * 3).sum().backward()
        res.append((a, x.grad.tolist()))
    assert res[0] == res[1]


def test_next_functions_structure():
    res = []
    for lib in LIBS:
        a = lib.tensor([1.0, 2.0], requires_grad=True)
        b = lib.tensor([3.0, 4.0])
        c = (a * b + 2).sum()
        chain = []
        node = c.grad_fn
        while node is not None:
            chain.append(type(node).__name__)
            nexts = [f for f, _ in node.next_functions if f is not None]
            node = nexts[0] if nexts else None
        res.append((chain, [None if f is None else type(f).__name__ for f, _ in
                            c.grad_fn.next_functions[0][0].next_functions]))
    assert res[0] == res[1]


def test_register_hook_on_tensor_without_grad_raises():
    msgs = []
    for lib in LIBS:
        with pytest.raises(RuntimeError) as e:
            lib.ones(2).register_hook(lambda g: g)
        msgs.append(_msg(e))
    assert msgs[1] == msgs[0]


def test_numpy_on_requires_grad_raises():
    msgs = []
    for lib in LIBS:
        with pytest.raises(RuntimeError) as e:
            lib.ones(2, requires_grad=True).numpy()
        msgs.append(_msg(e))
    assert msgs[1] == msgs[0]


_LEAVES_2D = [
    "lib.nn.Linear(5, 3).weight",                               # grad arrives transposed
    "lib.ones(3, 4).requires_grad_()",
    "lib.ones(4, 3).t().requires_grad_()",                      # a transposed leaf
    "lib.ones(4, 6)[:, ::2].requires_grad_()",                  # not dense
    "lib.ones(4, 1).expand(4, 3).requires_grad_()",             # stride 0
]
_LAYOUT_CASES = [(leaf, through) for leaf in _LEAVES_2D
                 for through in ("x @ lib.ones(x.shape[-1], 2)", "x.t() * 2", "x * 2")]
_LAYOUT_CASES.append(("lib.ones(2, 3, 4).permute(2, 0, 1).requires_grad_()", "x * 2"))


@pytest.mark.parametrize("make,through", _LAYOUT_CASES)
def test_first_grad_is_laid_out_like_torch(make, through):
    """AccumulateGrad's layout rule: a dense leaf's grad has the leaf's strides."""
    out = []
    for lib in (torch, teachtorch):
        x = eval(make, {"lib": lib})
        eval(through, {"lib": lib, "x": x}).sum().backward()
        out.append((x.grad.stride(), x.grad.tolist()))
    assert out[1] == out[0]
