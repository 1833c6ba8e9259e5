"""teachtorch.autograd: backward, grad, Function, Variable, gradcheck, grad modes.

Chapter 04 (autograd) opens this package.
"""
from teachtorch import _errors
from teachtorch.autograd import graph  # noqa: F401
from teachtorch.autograd.engine import run_backward
from teachtorch.autograd.function import Function, once_differentiable  # noqa: F401
from teachtorch.autograd import gradcheck  # noqa: F401  (a callable module, as in torch)
from teachtorch.autograd.gradcheck import GradcheckError, gradgradcheck  # noqa: F401
from teachtorch.autograd.grad_mode import (enable_grad, inference_mode,  # noqa: F401
                                           is_grad_enabled, no_grad, set_grad_enabled)
from teachtorch.autograd.variable import Variable  # noqa: F401


def _as_list(x):
    if x is None:
        return None
    if isinstance(x, (list, tuple)):
        return list(x)
    return [x]


def _make_grads(outputs, grads):
    from teachtorch.creation import ones_like

    result = []
    for i, out in enumerate(outputs):
        g = grads[i] if grads is not None and i < len(grads) else None
        if g is None:
            if out.numel() != 1:
                raise RuntimeError(_errors.grad_not_scalar())
            g = ones_like(out)
        elif not hasattr(g, "_data"):
            from teachtorch.creation import tensor

            g = tensor(g, dtype=out.dtype)
        if tuple(g.shape) != tuple(out.shape):
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                f"output[{i}] has a shape of {out.shape}.\nhint: the gradient you pass "
                "to backward must have the output's shape.")
        result.append(g)
    return result


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             inputs=None):
    """Compute gradients of tensors w.r.t. the leaves and accumulate them into .grad.

    Mirrors: torch.autograd.backward
    """
    tensors = _as_list(tensors)
    grads = _make_grads(tensors, _as_list(grad_tensors))
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_list(inputs)
    run_backward(tensors, grads, retain_graph, create_graph, inputs=inputs,
                 accumulate=True, allow_unused=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """Return d(outputs)/d(inputs) without touching any .grad.

    Mirrors: torch.autograd.grad
    """
    single = not isinstance(inputs, (list, tuple))
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError(
                "One of the differentiated Tensors does not require grad\nhint: only "
                "tensors with requires_grad=True (or computed from one) have gradients.")
    grads = _make_grads(outputs, _as_list(grad_outputs))
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    res = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                       accumulate=False, allow_unused=allow_unused)
    if materialize_grads:
        from teachtorch.creation import zeros_like

        res = [r if r is not None else zeros_like(t) for r, t in zip(res, inputs)]
    return tuple(res)


_anomaly = {"enabled": False}


def set_detect_anomaly(mode, check_nan=True):
    _anomaly["enabled"] = bool(mode)


class detect_anomaly:  # noqa: N801
    def __init__(self, check_nan=True):
        pass

    def __enter__(self):
        self._prev = _anomaly["enabled"]
        _anomaly["enabled"] = True

    def __exit__(self, *exc):
        _anomaly["enabled"] = self._prev


# a name PyTorch has and teachtorch lacks: PyTorch's AttributeError plus a hint
from teachtorch._api_gaps import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torch.autograd")
