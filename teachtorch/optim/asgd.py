"""ASGD: SGD that also keeps a running average of the parameters (Polyak averaging).

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
from teachtorch.tensor import Tensor


def _f32(x):
    """A float32 0-d tensor: PyTorch stores ASGD's eta and mu this way."""
    return Tensor._make(np.array(x, dtype=np.float32))


class ASGD(Optimizer):
    """Averaged stochastic gradient descent.

    Math: p = p * (1 - lambd * eta) - eta * g
          ax = ax + mu * (p - ax)                (ax = p while mu == 1)
          eta = lr / (1 + lambd * lr * t) ** alpha;  mu = 1 / max(1, t - t0)
    Mirrors: torch.optim.ASGD
    """

    def __init__(
        self,
        params,
        lr=1e-2,
        lambd=1e-4,
        alpha=0.75,
        t0=1e6,
        weight_decay=0,
        foreach=None,
        maximize=False,
        differentiable=False,
        capturable=False,
    ):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}\nhint: lr must be >= 0.")
        if not 0.0 <= weight_decay:
            raise ValueError(
                f"Invalid weight_decay value: {weight_decay}\nhint: "
                "weight_decay must be >= 0."
            )
        defaults = {
            "lr": lr,
            "lambd": lambd,
            "alpha": alpha,
            "t0": t0,
            "weight_decay": weight_decay,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self, closure=None):
        """One ASGD update of every parameter with a gradient; returns closure()."""
        loss = self._call_closure(closure)
        for group in self.param_groups:
            lr, lambd = _to_scalar(group["lr"]), group["lambd"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_counter()
                    state["eta"] = _f32(lr)
                    state["mu"] = _f32(1.0)
                    state["ax"] = zeros_state(p)
                state["step"]._data += 1
                t = float(state["step"]._data)
                g = grad_of(p, group)
                eta = float(state["eta"]._data)
                p._data *= 1 - lambd * eta
                p._data -= eta * g
                updated(p)
                mu = float(state["mu"]._data)
                ax = state["ax"]._data
                if mu != 1:
                    ax += (p._data - ax) * mu
                else:
                    ax[...] = p._data
                # PyTorch rounds the new values to float32 (its default dtype)
                eta = np.float32(lr / ((1 + lambd * lr * t) ** group["alpha"]))
                state["eta"]._data[...] = eta
                state["mu"]._data[...] = np.float32(1 / max(1, t - group["t0"]))
        return loss
