"""Adadelta: a step size built from running averages of gradients and of past steps.

Chapter 15 (optimizers) opens this file.
"""

from teachtorch import _errors
from teachtorch.optim import _kernels as kernels
from teachtorch.optim.optimizer import (
    Optimizer,
    _no_grad_step,
    _to_scalar,
    grad_tensor,
    step_counter,
    zeros_state,
)
from teachtorch.reference import is_reference_mode


def adadelta_update(p, state, group):
    """One Adadelta step of parameter p, as the formula reads (the reference).

    Math: v = rho * v + (1 - rho) * g * g;  delta = sqrt(u + eps) / sqrt(v + eps) * g
          u = rho * u + (1 - rho) * delta * delta;  p = p - lr * delta
    """
    rho, eps = group["rho"], group["eps"]
    g = grad_tensor(p, group)
    v, u = state["square_avg"], state["acc_delta"]
    v.mul_(rho).add_((1 - rho) * g * g)
    delta = (u + eps).sqrt() / (v + eps).sqrt() * g
    u.mul_(rho).add_((1 - rho) * delta * delta)
    p.sub_(_to_scalar(group["lr"]) * delta)


class Adadelta(Optimizer):
    """Units-correct steps: sqrt(mean squared step) / sqrt(mean squared gradient).

    Math: v = rho * v + (1 - rho) * g * g                        (square_avg)
          delta = sqrt(u + eps) / sqrt(v + eps) * g
          u = rho * u + (1 - rho) * delta * delta                  (acc_delta)
          p = p - lr * delta
    Mirrors: torch.optim.Adadelta
    """
    __reference__ = adadelta_update

    def __init__(
        self,
        params,
        lr=1.0,
        rho=0.9,
        eps=1e-6,
        weight_decay=0,
        foreach=None,
        *,
        capturable=False,
        maximize=False,
        differentiable=False,
    ):
        if not 0.0 <= lr:
            raise ValueError(_errors.hint(f"Invalid learning rate: {lr}", "lr must be >= 0."))
        if not 0.0 <= rho <= 1.0:
            raise ValueError(_errors.hint(f"Invalid rho value: {rho}", "rho must be in [0, 1]."))
        if not 0.0 <= eps:
            raise ValueError(_errors.hint(f"Invalid epsilon value: {eps}", "eps must be >= 0."))
        if not 0.0 <= weight_decay:
            raise ValueError(
                _errors.hint(f"Invalid weight_decay value: {weight_decay}", "weight_decay must be >= 0.")
            )
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self, closure=None):
        """One Adadelta update of every parameter with a gradient; returns closure()."""
        loss = self._call_closure(closure)
        update = adadelta_update if is_reference_mode() else kernels.adadelta
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_counter()
                    state["square_avg"] = zeros_state(p)
                    state["acc_delta"] = zeros_state(p)
                state["step"]._data += 1
                update(p, state, group)
        return loss
