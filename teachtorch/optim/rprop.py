"""Rprop: use only the sign of the gradient; grow or shrink each element's step.

Chapter 15 (optimizers) opens this file.
"""

import numpy as np

from teachtorch import _backend
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


class Rprop(Optimizer):
    """Resilient backpropagation: step sizes adapt to sign changes of the gradient.

    Math: same sign as last time: step *= etaplus; sign flipped: step *= etaminus and
          this gradient counts as 0; step clipped to [step_min, step_max]
          p = p - sign(g) * step
    Mirrors: torch.optim.Rprop
    """

    def __init__(
        self,
        params,
        lr=1e-2,
        etas=(0.5, 1.2),
        step_sizes=(1e-6, 50),
        *,
        capturable=False,
        foreach=None,
        maximize=False,
        differentiable=False,
    ):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}\nhint: lr must be >= 0.")
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(
                f"Invalid eta values: {etas[0]}, {etas[1]}\nhint: need "
                "0 < etaminus < 1 < etaplus, e.g. (0.5, 1.2)."
            )
        defaults = {
            "lr": lr,
            "etas": etas,
            "step_sizes": step_sizes,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "capturable": capturable,
        }
        super().__init__(params, defaults)

    @_no_grad_step
    def step(self, closure=None):
        """One Rprop update of every parameter with a gradient; returns closure()."""
        loss = self._call_closure(closure)
        for group in self.param_groups:
            etaminus, etaplus = group["etas"]
            step_min, step_max = group["step_sizes"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                xp = _backend.get_array_module(p._data)
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_counter()
                    state["prev"] = zeros_state(p)
                    state["step_size"] = Tensor._make(
                        xp.full_like(p._data, _to_scalar(group["lr"]))
                    )
                state["step"]._data += 1
                g = grad_of(p, group)
                prev, step_size = state["prev"]._data, state["step_size"]._data
                s = xp.sign(g * prev)
                factor = xp.where(s > 0, etaplus, xp.where(s < 0, etaminus, 1.0))
                factor = factor.astype(p._data.dtype, copy=False)
                step_size *= factor
                np.clip(step_size, step_min, step_max, out=step_size)
                g = xp.where(factor == etaminus, 0, g).astype(p._data.dtype, copy=False)
                p._data -= xp.sign(g) * step_size
                updated(p)
                prev[...] = g
        return loss
