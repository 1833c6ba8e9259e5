"""Module: the base class of every layer and model.

A Module keeps three ordered dicts: ``_parameters`` (what the optimizer learns),
``_buffers`` (state saved with the model but not learned, like BatchNorm's running
mean) and ``_modules`` (child layers). Assigning an attribute routes the value into
the right dict (``__setattr__``); ``model(x)`` runs the hooks around ``forward``.
Chapter 14 (nn.Module internals and hooks) opens this file.
"""
import copy
from collections import OrderedDict

from teachtorch import _errors
from teachtorch.autograd.function import RemovableHandle
from teachtorch.nn.modules import _hooks
from teachtorch.nn.modules.module_state import ModuleStateMixin, _IncompatibleKeys  # noqa: F401
from teachtorch.nn.parameter import Buffer, Parameter
from teachtorch.tensor import Tensor

_global_forward_pre_hooks = OrderedDict()
_global_forward_hooks = OrderedDict()


def _addindent(text, spaces):
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    return lines[0] + "\n" + "\n".join(" " * spaces + line for line in lines[1:])


def _typename(value):
    if isinstance(value, Tensor):
        return value.type()
    return type(value).__module__.replace("builtins", "").strip(".") + (
        "." if type(value).__module__ != "builtins" else "") + type(value).__name__


class Module(ModuleStateMixin):
    """Base class for all neural network layers and models.

    Subclass it, call ``super().__init__()`` first in ``__init__``, assign layers and
    Parameters as attributes, and write ``forward``. Call the model, not forward:
    ``model(x)`` runs the hooks too.

    Mirrors: torch.nn.Module
    """

    training: bool
    _version = 1
    call_super_init = False

    def __init__(self, *args, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword "
                            f"argument '{next(iter(kwargs))}'")
        if args:
            raise TypeError(_errors.hint(f"{type(self).__name__}.__init__() takes 1 positional "
                            f"argument but {len(args) + 1} were given", "super().__init__() takes no arguments; keep your layer's "
                            "own arguments for your __init__."))
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}  # plain dicts (ordered), as in PyTorch 2.x
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = {}
        d["_forward_pre_hooks"] = OrderedDict()
        d["_forward_pre_hooks_with_kwargs"] = {}
        d["_forward_hooks"] = OrderedDict()
        d["_forward_hooks_with_kwargs"] = {}
        d["_backward_hooks"] = OrderedDict()
        d["_backward_pre_hooks"] = OrderedDict()
        d["_state_dict_hooks"] = OrderedDict()
        d["_load_state_dict_pre_hooks"] = OrderedDict()

    def forward(self, *input):
        name = type(self).__name__
        if name in ("ModuleList", "ModuleDict", "ParameterList", "ParameterDict"):
            hint = (f"a {name} only holds modules and cannot be called; loop over it in "
                    "your forward (for layer in self.layers: x = layer(x)) or use "
                    "nn.Sequential, which calls its modules in order.")
        else:
            hint = "define forward(self, x) in your class (spelled exactly 'forward')."
        raise NotImplementedError(
            _errors.hint(f'Module [{name}] is missing the required "forward" function', f'{hint}'))

    # ----- registering ----------------------------------------------------------------
    def register_parameter(self, name, param):
        """Add a Parameter (or None) under name."""
        if "_parameters" not in self.__dict__:
            raise AttributeError(
                _errors.hint("cannot assign parameter before Module.__init__() call", "call "
                "super().__init__() first thing in your __init__."))
        _check_name(self, name, "parameter", self._parameters)
        if param is None:
            self._parameters[name] = None
        elif not isinstance(param, Parameter):
            raise TypeError(
                _errors.hint(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)", "wrap it: "
                "nn.Parameter(tensor); a plain tensor attribute is not learned."))
        elif param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters "
                f"must be created explicitly. To express '{name}' as a function of "
                "another Tensor, compute the value in the forward() method.")
        else:
            self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add a tensor that is saved with the model but not learned."""
        if "_buffers" not in self.__dict__:
            raise AttributeError(_errors.hint("cannot assign buffer before Module.__init__() call", "call super().__init__() first."))
        _check_name(self, name, "buffer", self._buffers)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer "
                            f"'{name}' (torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name, module):
        """Add a child module under name (same as ``setattr(self, name, module)``)."""
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {_typename(name)}")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if "." in name:
            raise KeyError(f'module name can\'t contain ".", got: {name}')
        if name == "":
            raise KeyError('module name can\'t be empty string ""')
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target):
        if target == "":
            return self
        mod = self
        for item in target.split("."):
            if not hasattr(mod, item):
                raise AttributeError(f"{mod._get_name()} has no attribute `{item}`")
            mod = getattr(mod, item)
            if not isinstance(mod, Module):
                raise AttributeError("`" + item + "` is not an nn.Module")  # noqa: TRY004
        return mod

    def get_parameter(self, target):
        module_path, _, name = target.rpartition(".")
        mod = self.get_submodule(module_path)
        if not hasattr(mod, name):
            raise AttributeError(f"{mod._get_name()} has no attribute `{name}`")
        param = getattr(mod, name)
        if not isinstance(param, Parameter):
            raise AttributeError("`" + name + "` is not an nn.Parameter")  # noqa: TRY004
        return param

    # ----- attribute routing ------------------------------------------------------------
    def __getattr__(self, name):
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            if store in d and name in d[store]:
                return d[store][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError(
                    _errors.hint("cannot assign parameters before Module.__init__() call", "call super().__init__() first thing in your __init__."))
            _remove_from(self, name, "_buffers", "_modules")
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(
                    _errors.hint(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)", "change its values "
                    f"in place instead: with torch.no_grad(): self.{name}.copy_(...)"))
            self.register_parameter(name, value)
            return
        modules = d.get("_modules")
        if isinstance(value, Module):
            if modules is None:
                raise AttributeError(
                    _errors.hint("cannot assign module before Module.__init__() call", "call "
                    "super().__init__() first thing in your __init__."))
            _remove_from(self, name, "_parameters", "_buffers")
            modules[name] = value
            return
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as child module "
                                f"'{name}' (torch.nn.Module or None expected)")
            modules[name] = value
            return
        buffers = d.get("_buffers")
        if isinstance(value, Buffer) or (buffers is not None and name in buffers):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                "(torch.nn.Buffer, torch.Tensor or None expected)")
            if isinstance(value, Buffer):
                persistent = value.persistent
                value = _plain(value)
                self.register_buffer(name, value, persistent)
            else:
                buffers[name] = value
            return
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        for store in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(store, ()):
                del self.__dict__[store][name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        keys = list(object.__dir__(self))
        for store in ("_parameters", "_buffers", "_modules"):
            keys += list(self.__dict__.get(store, {}).keys())
        return sorted({k for k in keys if not k[0].isdigit()})

    def __setstate__(self, state):
        self.__dict__.update(state)

    # ----- walking the tree -----------------------------------------------------------
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """Yield (name, module) for self and every descendant, depth first."""
        if memo is None:
            memo = set()
        if self in memo and remove_duplicate:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self):
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self):
        for _, m in self.named_children():
            yield m

    def _named_members(self, get_members, prefix="", recurse=True, remove_duplicate=True):
        seen = set()
        mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        for mod_prefix, mod in mods:
            for k, v in get_members(mod):
                if v is None or (remove_duplicate and id(v) in seen):
                    continue
                if remove_duplicate:
                    seen.add(id(v))
                yield mod_prefix + ("." if mod_prefix else "") + k, v

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """Yield ('layer.weight', Parameter) pairs in registration order."""
        yield from self._named_members(lambda m: m._parameters.items(), prefix, recurse,
                                       remove_duplicate)

    def parameters(self, recurse=True):
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        yield from self._named_members(lambda m: m._buffers.items(), prefix, recurse,
                                       remove_duplicate)

    def buffers(self, recurse=True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # ----- modes and bulk changes -----------------------------------------------------
    def train(self, mode=True):
        """Training mode (Dropout drops, BatchNorm uses batch statistics)."""
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")  # noqa: TRY004
        self.training = mode
        for m in self.children():
            m.train(mode)
        return self

    def eval(self):
        """Evaluation mode: same as ``train(False)``."""
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Clear every parameter's .grad (to None by default, as PyTorch 2 does)."""
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                if p.grad.grad_fn is not None:
                    p.grad.detach_()
                else:
                    p.grad.requires_grad_(False)
                p.grad.zero_()

    def apply(self, fn):
        """Call fn(m) on every child (recursively), then on self."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ----- hooks --------------------------------------------------------------------------
    def register_forward_pre_hook(self, hook, *, prepend=False, with_kwargs=False):
        """hook(module, args) runs before forward; may return new args."""
        return _hooks.add(self._forward_pre_hooks, hook, prepend,
                          self._forward_pre_hooks_with_kwargs if with_kwargs else None)

    def register_forward_hook(self, hook, *, prepend=False, with_kwargs=False,
                              always_call=False):
        """hook(module, args, output) runs after forward; may return a new output."""
        return _hooks.add(self._forward_hooks, hook, prepend,
                          self._forward_hooks_with_kwargs if with_kwargs else None)

    def register_full_backward_hook(self, hook, prepend=False):
        """hook(module, grad_input, grad_output) runs when the input grads are known."""
        return _hooks.add(self._backward_hooks, hook, prepend, None)

    def register_full_backward_pre_hook(self, hook, prepend=False):
        """hook(module, grad_output) runs before the module's backward."""
        return _hooks.add(self._backward_pre_hooks, hook, prepend, None)

    def register_backward_hook(self, hook):
        """Old API; teachtorch treats it as register_full_backward_hook."""
        return self.register_full_backward_hook(hook)

    def register_state_dict_post_hook(self, hook):
        handle = RemovableHandle(self._state_dict_hooks)
        self._state_dict_hooks[handle.id] = hook
        return handle

    def _call_impl(self, *args, **kwargs):
        forward = self.forward
        d = self.__dict__
        if not (d["_forward_pre_hooks"] or d["_forward_hooks"] or d["_backward_hooks"]
                or d["_backward_pre_hooks"] or _global_forward_pre_hooks
                or _global_forward_hooks):
            return forward(*args, **kwargs)
        return _hooks.call_with_hooks(self, forward, args, kwargs,
                                      _global_forward_pre_hooks, _global_forward_hooks)

    __call__ = _call_impl

    # ----- printing -------------------------------------------------------------------
    def _get_name(self):
        return type(self).__name__

    def extra_repr(self):
        """The text inside Linear(...) on one line; override in your own layers."""
        return ""

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = [f"({key}): " + _addindent(repr(module), 2)
                       for key, module in self._modules.items()]
        lines = extra_lines + child_lines
        text = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                text += extra_lines[0]
            else:
                text += "\n  " + "\n  ".join(lines) + "\n"
        return text + ")"

    def __deepcopy__(self, memo):
        cls = type(self)
        new = cls.__new__(cls)
        memo[id(self)] = new
        for k, v in self.__dict__.items():
            object.__setattr__(new, k, copy.deepcopy(v, memo))
        return new


def _plain(t):
    """The tensor inside a Buffer marker, as a plain Tensor sharing memory."""
    out = Tensor._make(t._data)
    out._root, out._vc = t._root, t._vc
    out._requires_grad = t._requires_grad
    return out


def _check_name(module, name, kind, store):
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {_typename(name)}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain "."')
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if hasattr(module, name) and name not in store:
        raise KeyError(f"attribute '{name}' already exists")


def _remove_from(module, name, *stores):
    d = module.__dict__
    d.pop(name, None)
    for store in stores:
        if name in d.get(store, ()):
            del d[store][name]
    if "_buffers" in stores:
        d.get("_non_persistent_buffers_set", set()).discard(name)


def register_module_forward_pre_hook(hook):
    """A forward pre-hook for every module (global)."""
    return _hooks.add(_global_forward_pre_hooks, hook, False, None)


def register_module_forward_hook(hook, *, always_call=False):
    """A forward hook for every module (global)."""
    return _hooks.add(_global_forward_hooks, hook, False, None)
