"""Adadelta: a step size built from running averages of gradients and of past steps.

Chapter 15 (optimizers) opens this file.
"""

import numpy as np

from teachtorch.optim.optimizer import (
    Optimizer,
    _no_grad_step,
    _to_scalar,
    grad_of,
    step_counter,
    updated,
    zeros_state,
)


class Adadelta(Optimizer):
    """Units-correct steps: sqrt(mean squared step) / sqrt(mean squared gradient).

    Math: v = rho * v + (1 - rho) * g * g                        (square_avg)
          delta = sqrt(u + eps) / sqrt(v + eps) * g
          u = rho * u + (1 - rho) * delta * delta                  (acc_delta)
          p = p - lr * delta
    Mirrors: torch.optim.Adadelta
    """

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
            raise ValueError(f"Invalid learning rate: {lr}\nhint: lr must be >= 0.")
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f"Invalid rho value: {rho}\nhint: rho must be in [0, 1].")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}\nhint: eps must be >= 0.")
        if not 0.0 <= weight_decay:
            raise ValueError(
                f"Invalid weight_decay value: {weight_decay}\nhint: "
                "weight_decay must be >= 0."
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
        for group in self.param_groups:
            lr, rho, eps = _to_scalar(group["lr"]), group["rho"], group["eps"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_counter()
                    state["square_avg"] = zeros_state(p)
                    state["acc_delta"] = zeros_state(p)
                state["step"]._data += 1
                g = grad_of(p, group)
                v, u = state["square_avg"]._data, state["acc_delta"]._data
                v *= rho
                v += (1 - rho) * g * g
                std = np.sqrt(v + eps)
                delta = np.sqrt(u + eps)
                delta /= std
                delta *= g
                u *= rho
                u += (1 - rho) * delta * delta
                p._data -= lr * delta
                updated(p)
        return loss
