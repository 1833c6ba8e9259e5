"""Optimizer: the base class every update rule (SGD, Adam, ...) builds on.

An optimizer holds ``param_groups`` (a list of dicts: the tensors to update plus the
options for them, such as ``lr``) and ``state`` (a dict per parameter: momentum
buffers, running averages, step counts). ``step()`` reads each ``p.grad`` and changes
``p`` in place; ``zero_grad()`` forgets the gradients so the next ``backward()`` starts
from zero instead of adding to them.

The updates work directly on the parameters' NumPy arrays (``p._data``): an
optimizer step is not part of any computation graph, exactly as PyTorch runs it under
``torch.no_grad()``.
Chapter 15 (optimizers, train/eval, state_dict) opens this file.
"""

import copy
import functools
import warnings

import numpy as np

from teachtorch import _backend, _errors
from teachtorch.autograd import grad_mode
from teachtorch.tensor import Tensor


class _RequiredParameter:
    """Marks an option that has no default and must be given."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj):
    return obj.type() if isinstance(obj, Tensor) else type(obj).__name__


def _to_scalar(x):
    """A Python number from a number or a one-element tensor (lr may be either)."""
    return x.item() if isinstance(x, Tensor) else x


def zeros_state(p):
    """A zero tensor shaped like parameter p (same dtype, same device)."""
    xp = _backend.get_array_module(p._data)
    return Tensor._make(xp.zeros_like(p._data))


def step_counter():
    """A float32 0-d tensor counting steps: PyTorch keeps ``state['step']`` this way."""
    return Tensor._make(np.zeros((), dtype=np.float32))


def updated(p):
    """Bump p's version counter after writing into p._data (autograd's bookkeeping)."""
    p._vc[0] += 1


def grad_of(p, group, weight_decay=None):
    """p's gradient as an array, negated when maximizing, plus L2 weight decay.

    Math: g = (-grad if maximize else grad) + weight_decay * p
    A new array is made only when the gradient must change; the caller never writes
    into the result.
    """
    g = p.grad._data
    if group.get("maximize", False):
        g = -g
    wd = group.get("weight_decay", 0) if weight_decay is None else weight_decay
    if wd != 0:
        g = g + wd * p._data
    return g


def grad_tensor(p, group, weight_decay=None):
    """p's gradient as a Tensor, negated when maximizing, plus L2 weight decay.

    The reference updates' version of ``grad_of``.
    Math: g = (-grad if maximize else grad) + weight_decay * p
    """
    g = -p.grad if group.get("maximize", False) else p.grad
    wd = group.get("weight_decay", 0) if weight_decay is None else weight_decay
    return g + wd * p if wd != 0 else g


def lerp_(start, end, weight, tmp=None):
    """start += weight * (end - start), in place, rounded the way PyTorch's lerp is.

    ``tmp`` (an array like start) is scratch space, so no new array is made.
    Math: lerp(a, b, w) = a + w * (b - a)
    Mirrors: torch.Tensor.lerp_ (for w >= 0.5 it computes b - (b - a) * (1 - w))
    """
    tmp = np.subtract(end, start, out=tmp)  # b - a
    if weight < 0.5:
        tmp *= weight
        start += tmp
    else:
        tmp *= 1 - weight
        np.subtract(end, tmp, out=start)
    return start


def _no_grad_step(step):
    """Run ``step`` with autograd recording off (updates are not part of any graph),
    with the optimizer's step pre- and post-hooks around it."""

    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        for hook in list(self.__dict__.get("_step_pre_hooks", {}).values()):
            result = hook(self, args, kwargs)
            if result is not None:
                args, kwargs = result
        with grad_mode.no_grad():
            out = step(self, *args, **kwargs)
        for hook in list(self.__dict__.get("_step_post_hooks", {}).values()):
            hook(self, args, kwargs)
        self._step_count = getattr(self, "_step_count", 0) + 1
        self._opt_called = True  # lr schedulers check that step() came first
        return out

    return wrapper


class Optimizer:
    """Base class: param_groups, state, zero_grad, state_dict, load_state_dict.

    Subclasses set their defaults and write ``step()``.

    Mirrors: torch.optim.Optimizer
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                _errors.hint(
                    "params argument given to the optimizer should be an iterable of "
                    "Tensors or dicts, but got " + _typename(params),
                    "wrap a single tensor in a list: optim.SGD([w], lr=0.1), or pass "
                    "model.parameters().",
                )
            )
        self.state = _StateDict()
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError(
                _errors.hint(
                    "optimizer got an empty parameter list",
                    "model.parameters() gave nothing: create the layers (as attributes "
                    "in __init__) before the optimizer, and remember that a generator "
                    "such as model.parameters() can be consumed only once.",
                )
            )
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # ----- groups -----------------------------------------------------------------
    def add_param_group(self, param_group):
        """Add a dict {'params': [...], option: value, ...}; missing options default."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                _errors.hint(
                    "optimizer parameters need to be organized in ordered "
                    "collections, but "
                    "the ordering of tensors in sets will change between runs. Please "
                    "use "
                    "a list instead.",
                    "pass list(...) instead of a set.",
                )
            )
        params = list(params)
        names = []
        tensors = []
        for item in params:
            if isinstance(item, tuple) and len(item) == 2:  # from named_parameters()
                names.append(item[0])
                item = item[1]
            tensors.append(item)
        group = dict(param_group)
        group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError(
                    "all optimizer params should be with/without names. "
                    "Some param names are missing"
                )
            group["param_names"] = names
        for p in tensors:
            self._check_param(p)
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(
                    "parameter group didn't specify a value of required "
                    f"optimization parameter {name}"
                )
            group.setdefault(name, default)
        if len({id(p) for p in tensors}) != len(tensors):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in "
                "future, this will cause an error; see "
                "github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in tensors):
            raise ValueError(
                _errors.hint(
                    "some parameters appear in more than one parameter group",
                    "each tensor may belong to one group only; split the model by "
                    "submodule (net.features.parameters(), "
                    "net.classifier.parameters()).",
                )
            )
        self.param_groups.append(group)

    @staticmethod
    def _check_param(p):
        if not isinstance(p, Tensor):
            raise TypeError(
                _errors.hint(
                    "optimizer can only optimize Tensors, but one of the params is "
                    + _typename(p),
                    "pass tensors (model.parameters()), or dicts {'params': [...], "
                    "'lr': ...} for per-group options.",
                )
            )
        if not (p.is_leaf or p.retains_grad):
            raise ValueError(
                _errors.hint(
                    "can't optimize a non-leaf Tensor",
                    f"this tensor was computed by {p.grad_fn.name()}; an optimizer "
                    "updates "
                    "the leaves you created with requires_grad=True (w = "
                    "torch.randn(3, "
                    "requires_grad=True)), not results computed from them.",
                )
            )

    # ----- hooks ------------------------------------------------------------------
    def register_step_pre_hook(self, hook):
        """hook(optimizer, args, kwargs) runs before every step(); may return new
        (args, kwargs). Returns a handle with .remove()."""
        from teachtorch.autograd.function import RemovableHandle

        hooks = self.__dict__.setdefault("_step_pre_hooks", {})
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def register_step_post_hook(self, hook):
        """hook(optimizer, args, kwargs) runs after every step()."""
        from teachtorch.autograd.function import RemovableHandle

        hooks = self.__dict__.setdefault("_step_post_hooks", {})
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def _scratch(self, p):
        """A work array shaped like p, reused every step (steps make no new arrays).

        One per shape and dtype, kept outside ``state`` (it holds nothing between
        steps, so state_dict() does not save it).
        """
        buffers = self.__dict__.setdefault("_scratch_buffers", {})
        key = (p._data.shape, p._data.dtype.str, type(p._data))
        if key not in buffers:
            buffers[key] = _backend.get_array_module(p._data).empty_like(p._data)
        return buffers[key]

    # ----- gradients ----------------------------------------------------------------
    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient (None by default, or zeros)."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    if p.grad.grad_fn is not None:
                        p.grad.detach_()
                    else:
                        p.grad.requires_grad_(False)
                    p.grad._data[...] = 0
                    p.grad._vc[0] += 1

    def step(self, closure=None):
        raise NotImplementedError

    @staticmethod
    def _call_closure(closure):
        """Evaluate the closure (loss and gradients) with autograd turned on."""
        if closure is None:
            return None
        with grad_mode.enable_grad():
            return closure()

    # ----- saving and loading --------------------------------------------------------
    def state_dict(self):
        """{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}.

        Parameters are replaced by their position counted across all groups, so the
        dict can be saved and loaded into a fresh optimizer over a fresh model.
        """
        index_of = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                index_of.setdefault(id(p), len(index_of))
            packed["params"] = [index_of[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {index_of[id(p)]: s for p, s in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore options and per-parameter state saved by state_dict()."""
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(self.param_groups) != len(saved_groups):
            raise ValueError(
                _errors.hint(
                    "loaded state dict has a different number of parameter groups",
                    f"this optimizer has {len(self.param_groups)} group(s), the saved "
                    "one "
                    f"{len(saved_groups)}; build the optimizer the same way as when "
                    "saving.",
                )
            )
        for mine, saved in zip(self.param_groups, saved_groups):
            if len(mine["params"]) != len(saved["params"]):
                raise ValueError(
                    _errors.hint(
                        "loaded state dict contains a parameter group that doesn't "
                        "match "
                        "the size of optimizer's group",
                        "the model has a different number of parameters than when the "
                        "optimizer was saved; load the matching model first.",
                    )
                )
        id_map = {}
        for mine, saved in zip(self.param_groups, saved_groups):
            for p, index in zip(mine["params"], saved["params"]):
                id_map[index] = p
        self.state = _StateDict()
        for index, value in state_dict["state"].items():
            if index in id_map:
                p = id_map[index]
                self.state[p] = {k: _cast_state(p, v, k) for k, v in value.items()}
        new_groups = []
        for mine, saved in zip(self.param_groups, saved_groups):
            saved["params"] = mine["params"]
            if "param_names" in mine and "param_names" not in saved:
                saved["param_names"] = mine["param_names"]
            new_groups.append(saved)
        self.param_groups = new_groups

    def __getstate__(self):
        return {
            "defaults": self.defaults,
            "state": self.state,
            "param_groups": self.param_groups,
        }

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __repr__(self):
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


class _StateDict(dict):
    """state[p] -> that parameter's dict, created empty on first use (defaultdict)."""

    def __missing__(self, key):
        value = {}
        self[key] = value
        return value


def _cast_state(p, value, key):
    """Saved state follows the parameter's dtype and device ('step' keeps its own)."""
    if isinstance(value, Tensor):
        if key == "step":
            return value
        data = value._data
        if p.is_cuda != value.is_cuda:
            data = _backend.to_cupy(data) if p.is_cuda else _backend.to_numpy(data)
        if p.is_floating_point() and data.dtype != p._data.dtype:
            data = data.astype(p._data.dtype)
        return Tensor._make(data)
    if isinstance(value, dict):
        return {k: _cast_state(p, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast_state(p, v, None) for v in value)
    return value
