"""RMSprop: divide the step by a running root-mean-square of recent gradients.

Chapter 15 (optimizers) opens this file.
"""

import numpy as np

from teachtorch.optim.optimizer import (
    Optimizer,
    _no_grad_step,
    _to_scalar,
    grad_of,
    lerp_,
    step_counter,
    updated,
    zeros_state,
)


class RMSprop(Optimizer):
    """Scale each element's step by 1 / sqrt(mean of its squared gradients).

    Math: v = alpha * v + (1 - alpha) * g * g                  (square_avg)
          centered: a = lerp(a, g, 1 - alpha);  s = sqrt(v - a * a) + eps
          otherwise: s = sqrt(v) + eps
          momentum: b = momentum * b + g / s;  p = p - lr * b
          else:     p = p - lr * g / s
    Mirrors: torch.optim.RMSprop
    """

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
                raise ValueError(f"Invalid {name}: {value}\nhint: it must be >= 0.")
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
        for group in self.param_groups:
            lr, alpha, momentum = (
                _to_scalar(group["lr"]),
                group["alpha"],
                group["momentum"],
            )
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self._init_state(p, group)
                state["step"]._data += 1
                g = grad_of(p, group)
                v = state["square_avg"]._data
                tmp = self._scratch(p)
                v *= alpha
                np.multiply(g, 1 - alpha, out=tmp)
                tmp *= g
                v += tmp  # v = alpha * v + (1 - alpha) * g * g
                if group["centered"]:
                    a = lerp_(state["grad_avg"]._data, g, 1 - alpha, tmp)
                    np.multiply(a, a, out=tmp)
                    s = np.sqrt(np.subtract(v, tmp, out=tmp), out=tmp)
                else:
                    s = np.sqrt(v, out=tmp)
                s += group["eps"]
                if momentum > 0:
                    buf = state["momentum_buffer"]._data
                    buf *= momentum
                    buf += np.divide(g, s, out=tmp)
                    p._data -= np.multiply(buf, lr, out=tmp)
                else:
                    step = np.divide(g, s, out=tmp)
                    step *= lr
                    p._data -= step
                updated(p)
        return loss
