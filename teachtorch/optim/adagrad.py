"""Adagrad: each element's step shrinks with the sum of its squared gradients.

Chapter 15 (optimizers) opens this file.
"""

import numpy as np

from teachtorch import _errors
from teachtorch.optim import _kernels as kernels
from teachtorch.optim.optimizer import (
    Optimizer,
    _no_grad_step,
    _to_scalar,
    grad_tensor,
    step_counter,
)
from teachtorch.reference import is_reference_mode
from teachtorch.tensor import Tensor


def adagrad_update(p, state, group):
    """One Adagrad step of parameter p, as the formula reads (the reference).

    Math: g = grad (+ weight_decay * p);  s = s + g * g
          p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)
    """
    t = state["step"].item()
    g = grad_tensor(p, group)
    s = state["sum"].add_(g * g)
    clr = _to_scalar(group["lr"]) / (1 + (t - 1) * group["lr_decay"])
    p.sub_(clr * g / (s.sqrt() + group["eps"]))

class Adagrad(Optimizer):
    """Per-element learning rates that decay with the accumulated squared gradient.

    Math: clr = lr / (1 + (t - 1) * lr_decay)
          s = s + g * g                    (sum, starts at initial_accumulator_value)
          p = p - clr * g / (sqrt(s) + eps)
    Mirrors: torch.optim.Adagrad
    """
    __reference__ = adagrad_update

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay=0,
        weight_decay=0,
        initial_accumulator_value=0,
        eps=1e-10,
        foreach=None,
        *,
        maximize=False,
        differentiable=False,
        fused=None,
    ):
        for name, value in (
            ("learning rate", lr),
            ("lr_decay value", lr_decay),
            ("weight_decay value", weight_decay),
            ("initial_accumulator_value value", initial_accumulator_value),
            ("epsilon value", eps),
        ):
            if not 0.0 <= value:
                raise ValueError(_errors.hint(f"Invalid {name}: {value}", "it must be >= 0."))
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:  # PyTorch fills Adagrad's state up front
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = step_counter()
            init = group["initial_accumulator_value"]
            state["sum"] = Tensor._make(np.full_like(p._data, init))
        return state

    def add_param_group(self, param_group):
        super().add_param_group(param_group)
        if hasattr(self, "state") and len(self.param_groups) > 1:
            for p in self.param_groups[-1]["params"]:
                self._init_state(p, self.param_groups[-1])

    @_no_grad_step
    def step(self, closure=None):
        """One Adagrad update of every parameter with a gradient; returns closure()."""
        loss = self._call_closure(closure)
        reference = is_reference_mode()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self._init_state(p, group)
                state["step"]._data += 1
                if reference:
                    adagrad_update(p, state, group)
                else:
                    kernels.adagrad(p, state, group, self._scratch(p))
        return loss
