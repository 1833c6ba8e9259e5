"""NAdam and RAdam: two refinements of Adam.

NAdam adds Nesterov momentum (look one step ahead with the momentum); RAdam
rectifies the adaptive step while the squared-gradient average is still unreliable
(the first few steps), falling back to plain momentum SGD until it is.
Chapter 15 (optimizers) opens this file.
"""
import math

import numpy as np

from teachtorch import _errors
from teachtorch.optim.adam import _check_adam_args
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


def _adam_defaults(lr, betas, eps, weight_decay, **extra):
    _check_adam_args(lr, betas, eps, weight_decay)
    return dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, **extra)


def _decay(p, group, lr):
    """L2 (into the gradient) or decoupled (shrink p) weight decay; returns g."""
    if group["decoupled_weight_decay"]:
        p._data *= 1 - lr * group["weight_decay"]
        return grad_of(p, group, weight_decay=0)
    return grad_of(p, group)


class NAdam(Optimizer):
    """Adam with Nesterov momentum and a momentum schedule mu_t.

    Math: mu_t = beta1 (1 - 0.5 * 0.96**(t psi));  m, v as in Adam
          p -= lr (1 - mu_t) / (1 - prod mu) * g / (sqrt(v / (1 - beta2**t)) + eps)
          p -= lr mu_{t+1} / (1 - prod mu * mu_{t+1}) * m / (sqrt(...) + eps)
    Mirrors: torch.optim.NAdam
    """

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 momentum_decay=4e-3, decoupled_weight_decay=False, *, foreach=None,
                 maximize=False, capturable=False, differentiable=False):
        if not 0.0 <= momentum_decay:
            raise ValueError(_errors.hint(f"Invalid momentum_decay value: {momentum_decay}", "momentum_decay must be >= 0."))
        super().__init__(params, _adam_defaults(
            lr, betas, eps, weight_decay, momentum_decay=momentum_decay,
            decoupled_weight_decay=decoupled_weight_decay, foreach=foreach,
            maximize=maximize, capturable=capturable, differentiable=differentiable))

    @_no_grad_step
    def step(self, closure=None):
        """One NAdam update of every parameter with a gradient; returns closure()."""
        loss = self._call_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = group["betas"]
            psi = group["momentum_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_counter()
                    state["mu_product"] = step_counter()
                    state["mu_product"]._data += 1
                    state["exp_avg"] = zeros_state(p)
                    state["exp_avg_sq"] = zeros_state(p)
                state["step"]._data += 1
                t = float(state["step"]._data)
                g = _decay(p, group, lr)
                mu = beta1 * (1.0 - 0.5 * 0.96 ** (t * psi))
                mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
                state["mu_product"]._data *= mu
                mu_product = float(state["mu_product"]._data)
                m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                lerp_(m, g, 1 - beta1)
                v *= beta2
                v += (1 - beta2) * g * g
                denom = np.sqrt(v / (1 - beta2 ** t)) + group["eps"]
                p._data -= (lr * (1 - mu) / (1 - mu_product)) * g / denom
                p._data -= (lr * mu_next / (1 - mu_product * mu_next)) * m / denom
                updated(p)
        return loss


class RAdam(Optimizer):
    """Adam whose adaptive step is switched on (and scaled by r_t) only once the
    variance estimate is trustworthy (rho_t > 5); before that, momentum SGD.

    Math: rho_inf = 2/(1 - beta2) - 1;  rho_t = rho_inf - 2 t beta2**t / (1 - beta2**t)
          r_t = sqrt((rho_t-4)(rho_t-2) rho_inf / ((rho_inf-4)(rho_inf-2) rho_t))
          p -= lr * m_hat * r_t * sqrt(1 - beta2**t) / (sqrt(v) + eps)   (rho_t > 5)
          p -= lr * m_hat                                                (otherwise)
    Mirrors: torch.optim.RAdam
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False,
                 capturable=False, differentiable=False):
        super().__init__(params, _adam_defaults(
            lr, betas, eps, weight_decay, decoupled_weight_decay=decoupled_weight_decay,
            foreach=foreach, maximize=maximize, capturable=capturable,
            differentiable=differentiable))

    @_no_grad_step
    def step(self, closure=None):
        """One RAdam update of every parameter with a gradient; returns closure()."""
        loss = self._call_closure(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = group["betas"]
            rho_inf = 2 / (1 - beta2) - 1
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = step_counter()
                    state["exp_avg"] = zeros_state(p)
                    state["exp_avg_sq"] = zeros_state(p)
                state["step"]._data += 1
                t = float(state["step"]._data)
                g = _decay(p, group, lr)
                m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
                lerp_(m, g, 1 - beta1)
                v *= beta2
                v += (1 - beta2) * g * g
                m_hat = m / (1 - beta1 ** t)
                bias2 = 1 - beta2 ** t
                rho_t = rho_inf - 2 * t * beta2 ** t / bias2
                if rho_t > 5:
                    rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                                     ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                    adaptive = math.sqrt(bias2) / (np.sqrt(v) + group["eps"])
                    p._data -= m_hat * lr * adaptive * rect
                else:
                    p._data -= m_hat * lr
                updated(p)
        return loss
