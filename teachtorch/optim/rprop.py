"""Rprop: use only the sign of the gradient; grow or shrink each element's step.

Chapter 15 (optimizers) opens this file.
"""

from teachtorch import _backend, _errors, creation, ops
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


def rprop_update(p, state, group):
    """One Rprop step of parameter p, as the formula reads (the reference).

    Math: same sign as last time: step *= etaplus; sign flipped: step *= etaminus
          and this gradient counts as 0; step clipped to [step_min, step_max];
          p = p - sign(g) * step
    """
    etaminus, etaplus = group["etas"]
    g = grad_tensor(p, group)
    prev, step_size = state["prev"], state["step_size"]
    agree = (g * prev).sign()
    factor = creation.ones_like(step_size)
    factor[agree > 0] = etaplus
    factor[agree < 0] = etaminus
    step_size.mul_(factor).clamp_(*group["step_sizes"])
    g = ops.where(agree < 0, 0.0, g)
    p.sub_(g.sign() * step_size)
    prev.copy_(g)


class Rprop(Optimizer):
    """Resilient backpropagation: step sizes adapt to sign changes of the gradient.

    Math: same sign as last time: step *= etaplus; sign flipped: step *= etaminus and
          this gradient counts as 0; step clipped to [step_min, step_max]
          p = p - sign(g) * step
    Mirrors: torch.optim.Rprop
    """
    __reference__ = rprop_update

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
            raise ValueError(_errors.hint(f"Invalid learning rate: {lr}", "lr must be >= 0."))
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(
                _errors.hint(f"Invalid eta values: {etas[0]}, {etas[1]}", "need "
                "0 < etaminus < 1 < etaplus, e.g. (0.5, 1.2).")
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
        update = rprop_update if is_reference_mode() else kernels.rprop
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_counter()
                    state["prev"] = zeros_state(p)
                    state["step_size"] = Tensor._make(_backend.get_array_module(
                        p._data).full_like(p._data, _to_scalar(group["lr"])))
                state["step"]._data += 1
                update(p, state, group)
        return loss
