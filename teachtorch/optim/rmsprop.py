"""RMSprop: divide the step by a running root-mean-square of recent gradients.

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


def rmsprop_update(p, state, group):
    """One RMSprop step of parameter p, as the formula reads (the reference).

    Math: g = grad (+ weight_decay * p);  v = alpha * v + (1 - alpha) * g * g
          s = sqrt(v) + eps  (centered: a = alpha * a + (1 - alpha) * g,
          s = sqrt(v - a * a) + eps);  p = p - lr * g / s
          (momentum: buf = momentum * buf + g / s;  p = p - lr * buf)
    """
    lr, alpha, momentum = _to_scalar(group["lr"]), group["alpha"], group["momentum"]
    g = grad_tensor(p, group)
    v = state["square_avg"].mul_(alpha).add_((1 - alpha) * g * g)
    if group["centered"]:
        a = state["grad_avg"].lerp_(g, 1 - alpha)
        s = (v - a * a).sqrt() + group["eps"]
    else:
        s = v.sqrt() + group["eps"]
    if momentum > 0:
        buf = state["momentum_buffer"].mul_(momentum).add_(g / s)
        p.sub_(lr * buf)
    else:
        p.sub_(lr * g / s)


class RMSprop(Optimizer):
    """Scale each element's step by 1 / sqrt(mean of its squared gradients).

    Math: v = alpha * v + (1 - alpha) * g * g                  (square_avg)
          centered: a = lerp(a, g, 1 - alpha);  s = sqrt(v - a * a) + eps
          otherwise: s = sqrt(v) + eps
          momentum: b = momentum * b + g / s;  p = p - lr * b
          else:     p = p - lr * g / s
    Mirrors: torch.optim.RMSprop
    """
    __reference__ = rmsprop_update

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha=0.99,
        eps=1e-8,
        weight_decay=0,
        momentum=0,
        centered=False,
        capturable=False,
        foreach=None,
        maximize=False,
        differentiable=False,
    ):
        for name, value in (
            ("learning rate", lr),
            ("epsilon value", eps),
            ("momentum value", momentum),
            ("weight_decay value", weight_decay),
            ("alpha value", alpha),
        ):
            if not 0.0 <= value:
                raise ValueError(_errors.hint(f"Invalid {name}: {value}", "it must be >= 0."))
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = step_counter()
            state["square_avg"] = zeros_state(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = zeros_state(p)
            if group["centered"]:
                state["grad_avg"] = zeros_state(p)
        return state

    @_no_grad_step
    def step(self, closure=None):
        """One RMSprop update of every parameter with a gradient; returns closure()."""
        loss = self._call_closure(closure)
        reference = is_reference_mode()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self._init_state(p, group)
                state["step"]._data += 1
                if reference:
                    rmsprop_update(p, state, group)
                else:
                    kernels.rmsprop(p, state, group, self._scratch(p))
        return loss
