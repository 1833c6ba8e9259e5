"""gradcheck: compare backward's gradients with finite differences.

For every input element x_j, the numerical derivative of every output element y_i is
(f(x + eps e_j) - f(x - eps e_j)) / (2 eps); the analytical one is what backward gives
(one backward pass per output element). Both are Jacobians J[i, j]; they must agree
within atol + rtol * |numerical|. Use float64 inputs: in float32 the differences are
swamped by rounding. On failure the message is a table of the worst elements.
Chapter 05 (backprop by hand, custom autograd.Function) opens this file.
"""
import sys
import types
import warnings

import numpy as np

from teachtorch import _errors
from teachtorch._backend import to_numpy


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the Jacobians differ; a RuntimeError, as in torch."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (list, tuple)) else (x,)


def _is_tensor(x):
    from teachtorch.tensor import Tensor

    return isinstance(x, Tensor)


def _outputs(func, inputs):
    return [o for o in _as_tuple(func(*inputs))
            if _is_tensor(o) and o.dtype.is_floating_point]


def _numerical_jacobians(func, inputs, diff_idx, eps):
    """J[k][out] for input k: (n_out_elements, n_in_elements), by central differences.

    Runs with grad enabled, because gradgradcheck's func itself calls autograd.grad.
    """
    def values():
        return [to_numpy(o._data).astype(np.float64).ravel()
                for o in _outputs(func, inputs)]

    jacobians = []
    for k in diff_idx:
        x = inputs[k]._data
        columns = []
        for idx in np.ndindex(x.shape):   # a column per input element (a checker)
            orig = x[idx].copy()
            x[idx] = orig + eps
            plus = values()
            x[idx] = orig - eps
            minus = values()
            x[idx] = orig
            columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
        n_out = len(values()) if not columns else len(columns[0])
        jacobians.append([np.stack([c[o] for c in columns], axis=1) if columns
                          else np.zeros((0, 0)) for o in range(n_out)])
    return jacobians


def _analytical_jacobians(func, inputs, diff_idx):
    from teachtorch import autograd
    from teachtorch.creation import zeros_like

    outs = _outputs(func, inputs)
    diff_inputs = [inputs[k] for k in diff_idx]
    jac = [[np.zeros((o.numel(), inputs[k].numel())) for o in outs] for k in diff_idx]
    for oi, out in enumerate(outs):
        if not out.requires_grad:
            continue
        for row in range(out.numel()):   # one backward per output element
            seed = zeros_like(out)
            seed._data.reshape(-1)[row] = 1
            grads = autograd.grad(out, diff_inputs, seed, retain_graph=True,
                                  allow_unused=True)
            for ki, g in enumerate(grads):
                if g is not None:
                    if tuple(g.shape) != tuple(diff_inputs[ki].shape):
                        raise GradcheckError(
                            f"Gradient for input {diff_idx[ki]} has shape "
                            f"{tuple(g.shape)}, expected "
                            f"{tuple(diff_inputs[ki].shape)}")
                    jac[ki][oi][row] = to_numpy(g._data).astype(np.float64).ravel()
    return jac


def _table(k, o, num, ana, shape, atol, rtol, limit=10):
    """The worst mismatching elements as aligned text rows."""
    bad = np.abs(num - ana) > atol + rtol * np.abs(num)
    rows = np.argwhere(bad)
    order = np.argsort(-np.abs(num - ana)[bad])[:limit]
    header = (f"{'input':>5}  {'element':<12} {'output elt':>10}  {'numerical':>14}  "
              f"{'analytical':>14}  {'difference':>12}")
    lines = [header]
    for r in rows[order]:
        out_i, in_j = int(r[0]), int(r[1])
        elt = str(tuple(int(v) for v in np.unravel_index(in_j, shape)))
        n, a = num[out_i, in_j], ana[out_i, in_j]
        lines.append(f"{k:>5}  {elt:<12} {out_i:>10}  {n:>14.6g}  {a:>14.6g}  "
                     f"{a - n:>12.3g}")
    if bad.sum() > limit:
        lines.append(f"... and {int(bad.sum()) - limit} more mismatching elements")
    return "\n".join(lines)


def _as_torch_prints(jacobian):
    """A Jacobian as torch's message shows it: a float64 tensor with a row per input
    element and a column per output element (the transpose of J[out, in] here)."""
    from teachtorch.tensor import Tensor

    return repr(Tensor._make(np.ascontiguousarray(jacobian.T)))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True,
              **kwargs):
    """True when backward agrees with finite differences for every input needing grad.

    Mirrors: torch.autograd.gradcheck
    """
    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad]
    if not diff_idx:
        raise ValueError(
            _errors.hint("gradcheck expects at least one input tensor to require gradient, but none "
            "of the them have requires_grad=True.", "create the inputs with "
            "requires_grad=True (and dtype=torch.float64)."))
    for i in diff_idx:
        if inputs[i].dtype.name != "float64":
            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision "
                "floating point or complex. This check will likely fail if all the "
                "inputs are not of double precision floating point or complex. ",
                stacklevel=2)
    analytical = _analytical_jacobians(func, inputs, diff_idx)
    numerical = _numerical_jacobians(func, inputs, diff_idx, eps)
    for ki, k in enumerate(diff_idx):
        for o, (num, ana) in enumerate(zip(numerical[ki], analytical[ki])):
            if num.shape != ana.shape:
                num = num.reshape(ana.shape) if num.size == ana.size else num
            if np.allclose(ana, num, rtol=rtol, atol=atol, equal_nan=True):
                continue
            if not raise_exception:
                return False
            raise GradcheckError(
                f"Jacobian mismatch for output {o} with respect to input {k},\n"
                f"numerical:{_as_torch_prints(num)}\nanalytical:{_as_torch_prints(ana)}"
                "\n\n"
                + _table(k, o, num, ana, inputs[k].shape, atol, rtol)
                + _errors.hint_line("the backward for this op returns a different derivative "
                "than the forward's slope; check its Math: line and the broadcasting "
                "of each returned gradient."))
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, **kwargs):
    """gradcheck of the gradient itself (second derivatives, via create_graph=True).

    Mirrors: torch.autograd.gradgradcheck
    """
    from teachtorch import autograd
    from teachtorch.random_tensors import randn_like

    inputs = _as_tuple(inputs)
    diff_idx = [i for i, x in enumerate(inputs) if _is_tensor(x) and x.requires_grad]
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        grad_outputs = tuple(randn_like(o).requires_grad_() for o in outs)
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def first_derivative(*args):
        xs, gs = args[:n], args[n:]
        ys = _outputs(func, xs)
        grads = autograd.grad(ys, [xs[i] for i in diff_idx], list(gs),
                              create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(first_derivative, inputs + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)


class _CallableModule(types.ModuleType):
    """``teachtorch.autograd.gradcheck(...)`` must work even after this module has been
    imported (importing a submodule sets the package attribute of the same name to the
    module, hiding the function). Calling the module calls gradcheck."""

    def __call__(self, *args, **kwargs):
        return gradcheck(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
