"""Second derivatives of a fast kernel, taken through its reference.

A fast kernel's backward works on raw arrays, so autograd cannot differentiate it.
When a gradient is itself to be differentiated (``create_graph=True``: grad mode is on
inside backward), the kernel's backward calls ``reference_grads`` instead: the
reference forward runs again from the same input tensors, and its gradient is taken
with ``create_graph=True``. So every op has one readable backward (the reference's)
and one fast array backward, and never a third, hand-written Tensor-op twin.
"""
from teachtorch.autograd import grad_mode


def reference_grads(reference, inputs, grad_outputs, needs_input_grad):
    """d reference(*inputs) / d inputs, contracted with grad_outputs, as a graph.

    inputs: the op's inputs in Function-slot order (Tensors, or anything else that
    the reference accepts); grad_outputs: one per output of the reference (None
    where that output got no gradient). Returns one gradient (or None) per input.
    """
    from teachtorch import autograd
    from teachtorch.tensor import Tensor

    with grad_mode.enable_grad():
        outputs = reference(*inputs)
    if not isinstance(outputs, (tuple, list)):
        outputs = (outputs,)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs)
             if g is not None and isinstance(o, Tensor) and o.requires_grad]
    wanted = [i for i, t in enumerate(inputs)
              if isinstance(t, Tensor) and t.requires_grad
              and i < len(needs_input_grad) and needs_input_grad[i]]
    result = [None] * len(inputs)
    if not pairs or not wanted:
        return result
    grads = autograd.grad([o for o, _ in pairs], [inputs[i] for i in wanted],
                          [g for _, g in pairs], create_graph=True, allow_unused=True)
    for i, g in zip(wanted, grads):
        result[i] = g
    return result
