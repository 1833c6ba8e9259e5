"""SGD: stochastic gradient descent, with optional momentum and Nesterov momentum.

Chapter 06 (gradient descent, linear regression) opens this file.
"""

from teachtorch import _errors
from teachtorch.optim import _kernels as kernels
from teachtorch.optim.optimizer import Optimizer, _no_grad_step, _to_scalar, grad_tensor
from teachtorch.reference import is_reference_mode


def sgd_update(p, state, group):
    """One SGD step of parameter p, as the formula reads (the reference).

    Math: g = grad + weight_decay * p;  buf = momentum * buf + (1 - dampening) * g
          (buf = g on the first step);  p = p - lr * (g + momentum * buf if nesterov
          else buf), or p = p - lr * g without momentum
    """
    g = grad_tensor(p, group)
    momentum = group["momentum"]
    if momentum != 0:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = g.clone()
        else:
            buf.mul_(momentum).add_((1 - group["dampening"]) * g)
        g = g + momentum * buf if group["nesterov"] else buf
    p.sub_(_to_scalar(group["lr"]) * g)


class SGD(Optimizer):
    """Step against the gradient; momentum keeps a running direction.

    Math: g = grad + weight_decay * p
          buf = g (first step);  buf = momentum * buf + (1 - dampening) * g
          d = g + momentum * buf (nesterov)  or  d = buf  (or g without momentum)
          p = p - lr * d
    Mirrors: torch.optim.SGD
    """
    __reference__ = sgd_update

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum=0,
        dampening=0,
        weight_decay=0,
        nesterov=False,
        *,
        maximize=False,
        foreach=None,
        differentiable=False,
        fused=None,
    ):
        if lr < 0.0:
            raise ValueError(_errors.hint(f"Invalid learning rate: {lr}", "lr must be >= 0."))
        if momentum < 0.0:
            raise ValueError(
                _errors.hint(f"Invalid momentum value: {momentum}", "use a "
                "momentum in [0, 1), 0.9 is common.")
            )
        if weight_decay < 0.0:
            raise ValueError(
                _errors.hint(f"Invalid weight_decay value: {weight_decay}", "weight_decay must be >= 0.")
            )
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(
                _errors.hint("Nesterov momentum requires a momentum and zero dampening", "pass momentum=0.9 (and dampening=0) with "
                "nesterov=True.")
            )
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns closure()."""
        loss = self._call_closure(closure)
        update = sgd_update if is_reference_mode() else kernels.sgd
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    update(p, self.state[p] if group["momentum"] else {}, group)
        return loss
