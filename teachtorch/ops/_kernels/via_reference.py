"""Second derivatives of a fast kernel, taken through its reference.

A fast kernel's backward works on raw arrays, so autograd cannot differentiate it.
When a gradient is itself to be differentiated (``create_graph=True``: grad mode is on
inside backward), the kernel's backward calls ``reference_grads`` instead: the
reference forward runs again from the same input tensors, and its gradient is taken
with ``create_graph=True``. So every op has one readable backward (the reference's)
and one fast array backward, and never a third, hand-written Tensor-op twin. (Where
the reference is itself a Function with a Tensor-op backward, as softmax's is, the
kernel calls that backward directly instead.)
"""
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function


class _Boundary(Function):
    """Identity that marks where the recomputed reference starts.

    While ``reference_grads`` takes the reference's gradient, backward stops here
    (``cut``), so the engine does not run on into the graph before the op; later, when
    the returned gradients are differentiated, gradients flow through to the input.
    """
    _raw = True
    node_name = "AliasBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.cut = True
        return x[...]

    @staticmethod
    def backward(ctx, grad_output):
        return None if ctx.cut else grad_output


def reference_grads(reference, inputs, grad_outputs, needs_input_grad):
    """d reference(*inputs) / d inputs, contracted with grad_outputs.

    inputs: the op's inputs in Function-slot order (Tensors, or anything else that
    the reference accepts); grad_outputs: one per output of the reference (None
    where that output got no gradient). Returns one gradient (or None) per input,
    recorded as a graph when grad mode is on (create_graph).
    """
    from teachtorch import autograd
    from teachtorch.tensor import Tensor

    create_graph = grad_mode.is_grad_enabled()
    wanted = [i for i, t in enumerate(inputs)
              if isinstance(t, Tensor) and t.requires_grad
              and i < len(needs_input_grad) and needs_input_grad[i]]
    starts = list(inputs)
    with grad_mode.enable_grad():
        for i in wanted:
            starts[i] = _Boundary.apply(inputs[i])
        outputs = reference(*starts)
    if not isinstance(outputs, (tuple, list)):
        outputs = (outputs,)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs)
             if g is not None and isinstance(o, Tensor) and o.requires_grad]
    result = [None] * len(inputs)
    if not pairs or not wanted:
        return result
    grads = autograd.grad([o for o, _ in pairs], [starts[i] for i in wanted],
                          [g for _, g in pairs], create_graph=create_graph,
                          allow_unused=True)
    for i, g in zip(wanted, grads):
        starts[i].grad_fn.cut = False        # from now on, pass gradients through
        result[i] = g
    return result
