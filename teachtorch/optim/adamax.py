"""Adamax: Adam with the infinity norm in place of the squared-gradient average.

Chapter 15 (optimizers) opens this file.
"""

from teachtorch import ops
from teachtorch.optim import _kernels as kernels
from teachtorch.optim.adam import _check_adam_args
from teachtorch.optim.optimizer import (
    Optimizer,
    _no_grad_step,
    _to_scalar,
    grad_tensor,
    step_counter,
    zeros_state,
)
from teachtorch.reference import is_reference_mode


def adamax_update(p, state, group):
    """One Adamax step of parameter p, as the formula reads (the reference).

    Math: m = beta1 * m + (1 - beta1) * g;  u = max(beta2 * u, |g| + eps)
          p = p - lr / (1 - beta1**t) * m / u
    """
    beta1, beta2 = group["betas"]
    t = state["step"].item()
    g = grad_tensor(p, group)
    m, u = state["exp_avg"], state["exp_inf"]
    m.lerp_(g, 1 - beta1)
    u.copy_(ops.maximum(u * beta2, g.abs() + group["eps"]))
    p.sub_(_to_scalar(group["lr"]) / (1 - beta1**t) * m / u)


class Adamax(Optimizer):
    """Adam's first moment divided by a decaying maximum of |g|.

    Math: m = beta1 * m + (1 - beta1) * g                     (exp_avg)
          u = max(beta2 * u, |g| + eps)                        (exp_inf)
          p = p - lr / (1 - beta1**t) * m / u
    Mirrors: torch.optim.Adamax
    """
    __reference__ = adamax_update

    def __init__(
        self,
        params,
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        capturable=False,
    ):
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self, closure=None):
        """One Adamax update of every parameter with a gradient; returns closure()."""
        loss = self._call_closure(closure)
        update = adamax_update if is_reference_mode() else kernels.adamax
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_counter()
                    state["exp_avg"] = zeros_state(p)
                    state["exp_inf"] = zeros_state(p)
                state["step"]._data += 1
                update(p, state, group)
        return loss
