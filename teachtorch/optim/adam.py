"""Adam and AdamW: momentum plus a per-element step size from the squared gradients.

Chapter 15 (optimizers) opens this file; the notes train every classifier with Adam.
"""

from teachtorch import _errors, ops
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


def adam_update(p, state, group):
    """One Adam step of parameter p, as the formula reads (the reference).

    Math: g = grad (+ weight_decay * p; decoupled: p = p * (1 - lr * weight_decay))
          m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
          (amsgrad: v = max of every v so far)
          p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    """
    lr, (beta1, beta2) = _to_scalar(group["lr"]), group["betas"]
    wd, decoupled = group["weight_decay"], group["decoupled_weight_decay"]
    t = state["step"].item()
    if decoupled and wd != 0:
        p.mul_(1 - lr * wd)
    g = grad_tensor(p, group, weight_decay=0 if decoupled else wd)
    m, v = state["exp_avg"], state["exp_avg_sq"]
    m.lerp_(g, 1 - beta1)                          # m += (1 - beta1) * (g - m)
    v.mul_(beta2).addcmul_(g, g, value=1 - beta2)  # v = beta2 v + (1 - beta2) g g
    if group["amsgrad"]:
        v = state["max_exp_avg_sq"].copy_(ops.maximum(state["max_exp_avg_sq"], v))
    denom = v.sqrt().div_((1 - beta2**t) ** 0.5).add_(group["eps"])
    p.addcdiv_(m, denom, value=-lr / (1 - beta1**t))   # p -= step_size * m / denom


def _check_adam_args(lr, betas, eps, weight_decay):
    if not 0.0 <= lr:
        raise ValueError(_errors.hint(f"Invalid learning rate: {lr}", "lr must be >= 0."))
    if not 0.0 <= eps:
        raise ValueError(_errors.hint(f"Invalid epsilon value: {eps}", "eps must be >= 0."))
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(
                _errors.hint(f"Invalid beta parameter at index {i}: {betas[i]}", "each beta must be in [0, 1); the default is (0.9, 0.999).")
            )
    if not 0.0 <= weight_decay:
        raise ValueError(
            _errors.hint(f"Invalid weight_decay value: {weight_decay}", "weight_decay must be >= 0.")
        )


class Adam(Optimizer):
    """Adaptive moment estimation (Kingma and Ba, 2014).

    Math: g = grad (+ weight_decay * p, or p *= 1 - lr * weight_decay if decoupled)
          m = beta1 * m + (1 - beta1) * g          (exp_avg)
          v = beta2 * v + (1 - beta2) * g * g      (exp_avg_sq; amsgrad keeps max(v))
          p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)
    Mirrors: torch.optim.Adam
    """
    __reference__ = adam_update

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0,
        amsgrad=False,
        *,
        foreach=None,
        maximize=False,
        capturable=False,
        differentiable=False,
        fused=None,
        decoupled_weight_decay=False,
    ):
        betas = tuple(_to_scalar(b) for b in betas)
        _check_adam_args(lr, betas, eps, weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)

    def _init_state(self, p, group):
        state = self.state[p]
        if len(state) == 0:
            state["step"] = step_counter()
            state["exp_avg"] = zeros_state(p)
            state["exp_avg_sq"] = zeros_state(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = zeros_state(p)
        return state

    @_no_grad_step
    def step(self, closure=None):
        """One Adam update of every parameter that has a gradient; returns closure()."""
        loss = self._call_closure(closure)
        reference = is_reference_mode()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self._init_state(p, group)
                state["step"]._data += 1
                if reference:
                    adam_update(p, state, group)
                else:
                    kernels.adam(p, state, group, self._scratch(p))
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter, 2019).

    Math: p = p * (1 - lr * weight_decay), then the Adam step without decay in g.
    Mirrors: torch.optim.AdamW
    """

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=1e-2,
        amsgrad=False,
        *,
        maximize=False,
        foreach=None,
        capturable=False,
        differentiable=False,
        fused=None,
    ):
        super().__init__(
            params,
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )
