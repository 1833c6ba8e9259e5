"""Fast kernels: each optimizer's update of one parameter, on raw arrays.

The readable versions are the ``*_update`` functions first in each optimizer's file
(sgd.py, adam.py, ...): the update rule written with Tensor ops. These compute the
same numbers in place on the parameters' arrays, reusing one scratch array per shape
(``Optimizer._scratch``) so a training step makes no new arrays. The optimizer's
``step()`` has already created the state and counted the step; ``tmp`` is scratch.
"""
import numpy as np

from teachtorch import _backend
from teachtorch.optim.optimizer import _to_scalar, grad_of, lerp_, updated
from teachtorch.tensor import Tensor


def sgd(p, state, group, tmp=None):
    lr, momentum = _to_scalar(group["lr"]), group["momentum"]
    d = grad_of(p, group)
    if momentum != 0:
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = Tensor._make(d.copy())
            state["momentum_buffer"] = buf
        else:
            buf._data *= momentum
            buf._data += (1 - group["dampening"]) * d
        d = d + momentum * buf._data if group["nesterov"] else buf._data
    p._data -= lr * d
    updated(p)


def adam(p, state, group, tmp):
    lr, (beta1, beta2) = _to_scalar(group["lr"]), group["betas"]
    wd, decoupled = group["weight_decay"], group["decoupled_weight_decay"]
    t = float(state["step"]._data)
    if decoupled and wd != 0:
        p._data *= 1 - lr * wd
    g = grad_of(p, group, weight_decay=0 if decoupled else wd)
    m, v = state["exp_avg"]._data, state["exp_avg_sq"]._data
    lerp_(m, g, 1 - beta1, tmp)
    v *= beta2
    np.multiply(g, 1 - beta2, out=tmp)
    tmp *= g
    v += tmp  # v = beta2 * v + (1 - beta2) * g * g
    if group["amsgrad"]:
        v_max = state["max_exp_avg_sq"]._data
        np.maximum(v_max, v, out=v_max)
        v = v_max
    step_size = lr / (1 - beta1**t)
    denom = np.sqrt(v, out=tmp)
    denom /= (1 - beta2**t) ** 0.5
    denom += group["eps"]
    update = np.divide(m, denom, out=tmp)
    update *= step_size
    p._data -= update
    updated(p)


def rmsprop(p, state, group, tmp):
    lr, alpha, momentum = _to_scalar(group["lr"]), group["alpha"], group["momentum"]
    g = grad_of(p, group)
    v = state["square_avg"]._data
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


def adagrad(p, state, group, tmp):
    t = float(state["step"]._data)
    g = grad_of(p, group)
    clr = _to_scalar(group["lr"]) / (1 + (t - 1) * group["lr_decay"])
    s = state["sum"]._data
    s += np.multiply(g, g, out=tmp)
    std = np.sqrt(s, out=tmp)
    std += group["eps"]
    step = np.divide(g, std, out=tmp)
    step *= clr
    p._data -= step
    updated(p)


def adadelta(p, state, group, tmp=None):
    lr, rho, eps = _to_scalar(group["lr"]), group["rho"], group["eps"]
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


def adamax(p, state, group, tmp=None):
    lr, (beta1, beta2) = _to_scalar(group["lr"]), group["betas"]
    t = float(state["step"]._data)
    g = grad_of(p, group)
    m, u = state["exp_avg"]._data, state["exp_inf"]._data
    lerp_(m, g, 1 - beta1)
    u *= beta2
    np.maximum(u, np.abs(g) + group["eps"], out=u)
    clr = lr / (1 - beta1**t)
    p._data -= clr * (m / u)
    updated(p)


def asgd(p, state, group, tmp=None):
    lr, lambd = _to_scalar(group["lr"]), group["lambd"]
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
    state["eta"]._data[...] = np.float32(lr / ((1 + lambd * lr * t) ** group["alpha"]))
    state["mu"]._data[...] = np.float32(1 / max(1, t - group["t0"]))


def rprop(p, state, group, tmp=None):
    etaminus, etaplus = group["etas"]
    step_min, step_max = group["step_sizes"]
    xp = _backend.get_array_module(p._data)
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
