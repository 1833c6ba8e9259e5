"""teachtorch.autograd: backward, grad, Function, Variable, gradcheck, grad modes.

Chapter 04 (autograd) opens this package.
"""
from teachtorch import _errors
from teachtorch.autograd import (
    anomaly_mode,  # noqa: F401
    engine,
    gradcheck,  # noqa: F401  (a callable module, as in torch)
    graph,  # noqa: F401
)
from teachtorch.autograd.anomaly_mode import (  # noqa: F401
    detect_anomaly,
    set_detect_anomaly,
)
from teachtorch.autograd.engine import (  # noqa: F401
    BackwardStep,
    _as_list,
    _make_grads,
    backward,
    run_backward,
)
from teachtorch.autograd.function import Function, once_differentiable  # noqa: F401
from teachtorch.autograd.grad_mode import (  # noqa: F401
    enable_grad,
    inference_mode,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from teachtorch.autograd.gradcheck import GradcheckError, gradgradcheck  # noqa: F401
from teachtorch.autograd.variable import Variable  # noqa: F401


def backward_steps(tensor, gradient=None, retain_graph=None, create_graph=False):
    """tensor.backward(), one node at a time: yields a BackwardStep per node run.

    Each step names the node, the gradients that reached it (``grads_in``), what it
    sent on (``grads_out``, one per ``node.next_functions``) and, for a leaf's
    AccumulateGrad, the ``leaf`` whose ``.grad`` it just filled. Running every step
    does exactly what ``tensor.backward(gradient)`` does; nothing runs before the
    first ``next()``.

        >>> for step in torch.autograd.backward_steps(loss):
        ...     print(step.index, step.node.name(), [g.shape for g in step.grads_in])

    teachtorch only (PyTorch's engine runs in C++ and cannot be stepped).
    """
    tensors = _as_list(tensor)
    for i, t in enumerate(tensors):
        if not t.requires_grad:
            raise RuntimeError(_errors.no_grad_fn(i))
    grads = _make_grads(tensors, gradient)
    if retain_graph is None:
        retain_graph = create_graph
    return engine.backward_steps(tensors, grads, retain_graph, create_graph,
                                 accumulate=True, allow_unused=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=None, materialize_grads=False):
    """Return d(outputs)/d(inputs) without touching any .grad.

    Mirrors: torch.autograd.grad
    """
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError(_errors.hint(
                "One of the differentiated Tensors does not require grad",
                "only tensors with requires_grad=True (or computed from one) have "
                "gradients."))
    grads = _make_grads(outputs, grad_outputs)
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


# a name PyTorch has and teachtorch lacks: PyTorch's AttributeError plus a hint
from teachtorch._api_gaps import module_getattr as _module_getattr  # noqa: E402

__getattr__ = _module_getattr(__name__, "torch.autograd")
