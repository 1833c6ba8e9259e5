"""Module hooks: what ``model(x)`` runs around ``forward``.

Forward hooks are plain callbacks. A full backward hook needs the gradients with
respect to the module's *inputs* and *outputs*; it gets them by passing the inputs and
the outputs through an identity ``autograd.Function`` whose backward sees those
gradients (the same trick PyTorch's ``BackwardHook`` uses).
Chapter 14 (nn.Module internals and hooks) opens this file.
"""
import itertools
import warnings

from teachtorch import _errors
from teachtorch.autograd import grad_mode
from teachtorch.autograd.function import Function, RemovableHandle
from teachtorch.tensor import Tensor


def add(hooks, hook, prepend, with_kwargs_set):
    """Store hook in the ordered dict hooks; return its removable handle."""
    handle = RemovableHandle(hooks)
    hooks[handle.id] = hook
    if with_kwargs_set is not None:
        with_kwargs_set[handle.id] = True
    if prepend:
        hooks.move_to_end(handle.id, last=False)
    return handle


def call_with_hooks(module, forward, args, kwargs, global_pre, global_post):
    """Pre-hooks, (backward hook on inputs), forward, hooks, (backward hook on outputs)."""
    with_kw = module._forward_pre_hooks_with_kwargs
    for hook_id, hook in itertools.chain(global_pre.items(),
                                         module._forward_pre_hooks.items()):
        if hook_id in with_kw:
            result = hook(module, args, kwargs)
            if result is not None:
                if not (isinstance(result, tuple) and len(result) == 2):
                    raise RuntimeError("forward pre-hook must return None or a tuple of "
                                       f"(new_args, new_kwargs), but got {result}.")
                args, kwargs = result
        else:
            result = hook(module, args)
            if result is not None:
                args = result if isinstance(result, tuple) else (result,)
    bw_hook = None
    if module._backward_hooks or module._backward_pre_hooks:
        bw_hook = _BackwardHookState(module)
        args = bw_hook.setup_input_hook(args)
    result = forward(*args, **kwargs)
    with_kw = module._forward_hooks_with_kwargs
    for hook_id, hook in itertools.chain(global_post.items(),
                                         module._forward_hooks.items()):
        if hook_id in with_kw:
            new = hook(module, args, kwargs, result)
        else:
            new = hook(module, args, result)
        if new is not None:
            result = new
    if bw_hook is not None:
        result = bw_hook.setup_output_hook(result)
    return result


class _BackwardHookState:
    """What one forward call remembers for the module's backward hooks."""

    def __init__(self, module):
        self.module = module
        self.n_inputs = 0
        self.input_index = None   # positions of the tensors among the inputs
        self.grad_outputs = None
        self.n_outputs = 0
        self.output_index = None

    def setup_input_hook(self, args):
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        self.n_inputs = len(args)
        if not (grad_mode.is_grad_enabled() and
                any(args[i].requires_grad for i in index)):
            return args
        self.input_index = index
        wrapped = InputHook.apply(self, *[args[i] for i in index])
        args = list(args)
        for i, t in zip(index, wrapped):
            args[i] = t
        return tuple(args)

    def setup_output_hook(self, result):
        single = isinstance(result, Tensor)
        outs = (result,) if single else result
        if not isinstance(outs, tuple):
            return result
        index = [i for i, o in enumerate(outs) if isinstance(o, Tensor)]
        self.n_outputs = len(outs)
        self.output_index = index
        if not (grad_mode.is_grad_enabled() and
                any(outs[i].requires_grad for i in index)):
            return result
        wrapped = OutputHook.apply(self, *[outs[i] for i in index])
        outs = list(outs)
        for i, t in zip(index, wrapped):
            outs[i] = t
        return outs[0] if single else tuple(outs)

    def pack(self, index, values, size):
        out = [None] * size
        for i, v in zip(index, values):
            out[i] = v
        return tuple(out)


class InputHook(Function):
    """Identity on the module's inputs; its backward calls the full backward hooks.

    Math: y = x;  dL/dx = dL/dy (possibly replaced by what a hook returns)
    Mirrors: torch.utils.hooks.BackwardHookFunction
    """
    node_name = "BackwardHookFunctionBackward"

    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return tuple(tensors)

    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        grad_input = state.pack(state.input_index, grads, state.n_inputs)
        for hook in state.module._backward_hooks.values():
            new = hook(state.module, grad_input, state.grad_outputs)
            if new is None:
                continue
            new = new if isinstance(new, tuple) else (new,)
            if len(new) != len(grad_input):
                raise RuntimeError(
                    "Backward hook returned an invalid number of grad_input, got "
                    f"{len(new)}, but expected {len(grad_input)}")
            grad_input = new
        return (None,) + tuple(grad_input[i] for i in state.input_index)


class OutputHook(Function):
    """Identity on the module's outputs; its backward records grad_output.

    Math: y = x;  dL/dx = dL/dy (possibly replaced by a backward pre-hook)
    Mirrors: torch.utils.hooks.BackwardHookFunction
    """
    node_name = "BackwardHookFunctionBackward"

    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return tuple(tensors)

    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        grad_output = state.pack(state.output_index, grads, state.n_outputs)
        for hook in state.module._backward_pre_hooks.values():
            new = hook(state.module, grad_output)
            if new is not None:
                grad_output = new if isinstance(new, tuple) else (new,)
        state.grad_outputs = grad_output
        if state.input_index is None:  # no input needs a gradient: call hooks now
            if state.module._backward_hooks:
                warnings.warn(
                    _errors.hint("Full backward hook is firing when gradients are computed with "
                    "respect to module outputs since no inputs require gradients. See "
                    "https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html"
                    "#torch.nn.Module.register_full_backward_hook for more details.", "grad_input is all None here; give the input "
                    "requires_grad=True to see its gradient."), stacklevel=2)
            grad_input = (None,) * state.n_inputs
            for hook in state.module._backward_hooks.values():
                new = hook(state.module, grad_input, grad_output)
                if new is not None and not (isinstance(new, tuple) and
                                            all(g is None for g in new)):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient "
                        "should always return None or None for all gradients.")
        return (None,) + tuple(grad_output[i] for i in state.output_index)
