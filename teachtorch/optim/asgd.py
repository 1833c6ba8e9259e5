"""ASGD: SGD that also keeps a running average of the parameters (Polyak averaging).

Chapter 15 (optimizers) opens this file.
"""

import numpy as np

from teachtorch import _errors, creation
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
from teachtorch.tensor import Tensor


def _f32(x):
    """A float32 0-d tensor: PyTorch stores ASGD's eta and mu this way."""
    return Tensor._make(np.array(x, dtype=np.float32))


def asgd_update(p, state, group):
    """One ASGD step of parameter p, as the formula reads (the reference).

    Math: p = p * (1 - lambd * eta) - eta * g;  ax = ax + mu * (p - ax)
          eta = lr / (1 + lambd * lr * t)**alpha;  mu = 1 / max(1, t - t0)
    """
    lr, lambd = _to_scalar(group["lr"]), group["lambd"]
    t = state["step"].item()
    g = grad_tensor(p, group)
    eta = state["eta"].item()
    p.mul_(1 - lambd * eta).sub_(eta * g)
    mu, ax = state["mu"].item(), state["ax"]
    if mu != 1:
        ax.add_((p - ax) * mu)
    else:
        ax.copy_(p)
    # torch.tensor(number) is float32: PyTorch rounds the new eta and mu that way
    state["eta"].copy_(creation.tensor(lr / ((1 + lambd * lr * t) ** group["alpha"])))
    state["mu"].copy_(creation.tensor(1 / max(1, t - group["t0"])))


class ASGD(Optimizer):
    """Averaged stochastic gradient descent.

    Math: p = p * (1 - lambd * eta) - eta * g
          ax = ax + mu * (p - ax)                (ax = p while mu == 1)
          eta = lr / (1 + lambd * lr * t) ** alpha;  mu = 1 / max(1, t - t0)
    Mirrors: torch.optim.ASGD
    """
    __reference__ = asgd_update

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
            raise ValueError(_errors.hint(f"Invalid learning rate: {lr}", "lr must be >= 0."))
        if not 0.0 <= weight_decay:
            raise ValueError(
                _errors.hint(f"Invalid weight_decay value: {weight_decay}", "weight_decay must be >= 0.")
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
        update = asgd_update if is_reference_mode() else kernels.asgd
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_counter()
                    state["eta"] = _f32(_to_scalar(group["lr"]))
                    state["mu"] = _f32(1.0)
                    state["ax"] = zeros_state(p)
                state["step"]._data += 1
                update(p, state, group)
        return loss
