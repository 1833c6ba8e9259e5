"""Where a Module's tensors live and how they are saved: to()/cuda()/double() and
state_dict()/load_state_dict().

``Module`` inherits these methods from ``ModuleStateMixin`` (module.py holds the
rest). A state_dict is an OrderedDict from dotted names ('fc1.weight') to tensors:
parameters and persistent buffers, in registration order, exactly PyTorch's keys.
Chapter 15 (train/eval, state_dict) opens this file.
"""
import itertools
from collections import OrderedDict, namedtuple

from teachtorch import _errors
from teachtorch.autograd import grad_mode
from teachtorch.tensor import Tensor


class _IncompatibleKeys(namedtuple("IncompatibleKeys",
                                   ["missing_keys", "unexpected_keys"])):
    """What load_state_dict returns: the keys it could not match."""

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _prefix_hint(missing, unexpected):
    """A hint for the classic DataParallel checkpoint mismatch."""
    if unexpected and all(k.startswith("module.") for k in unexpected):
        return (_errors.hint_line("the checkpoint's keys start with 'module.': it was saved from "
                "an nn.DataParallel wrapper. Strip the prefix: "
                "{k.removeprefix('module.'): v for k, v in sd.items()}, or save "
                "model.module.state_dict() instead. strict=False would load nothing "
                "here, only report the keys."))
    if missing and all(k.startswith("module.") for k in missing):
        return (_errors.hint_line("this model is wrapped (nn.DataParallel) so its keys start with "
                "'module.'; load into model.module instead."))
    return (_errors.hint_line("the checkpoint and the model name their tensors differently. "
            "Compare model.state_dict().keys() with the checkpoint's keys; "
            "strict=False loads the matching ones and returns the rest."))


class ModuleStateMixin:
    """to()/cuda()/float() and state_dict()/load_state_dict() for Module."""

    # ----- moving and casting ---------------------------------------------------------
    def _apply(self, fn):
        """Replace each parameter's and buffer's data with fn(data), keeping objects."""
        for m in self.children():
            m._apply(fn)
        with grad_mode.no_grad():
            for key, p in self._parameters.items():
                if p is None:
                    continue
                new = fn(p)
                p.data = new
                if p.grad is not None:
                    p.grad = fn(p.grad)
            for key, b in self._buffers.items():
                if b is not None:
                    self._buffers[key] = fn(b)
        return self

    def to(self, *args, **kwargs):
        """Move/cast parameters and buffers; floating dtypes only change floats."""
        from teachtorch.ops.device_ops import _parse

        dev, dt, _ = _parse(args, kwargs)
        if dt is not None and not dt.is_floating_point:
            raise TypeError(_errors.hint(
                "nn.Module.to only accepts floating point or complex dtypes, but got "
                f"desired dtype={dt}", "a model's weights stay floating point; convert "
                "the input instead (x.float()), or the output (y.long())."))

        def convert(t):
            out = t
            if dev is not None:
                out = out.to(dev)
            if dt is not None and t.is_floating_point():
                out = out.to(dt)
            return out
        return self._apply(convert)

    def cuda(self, device=None):
        return self._apply(lambda t: t.cuda(device) if device is not None else t.cuda())

    def cpu(self):
        return self._apply(lambda t: t.cpu())

    def type(self, dst_type):
        return self._apply(lambda t: t.type(dst_type))

    def float(self):
        return self._apply(lambda t: t.float() if t.is_floating_point() else t)

    def double(self):
        return self._apply(lambda t: t.double() if t.is_floating_point() else t)

    def half(self):
        return self._apply(lambda t: t.half() if t.is_floating_point() else t)

    def share_memory(self):
        return self

    # ----- state_dict -------------------------------------------------------------------
    def _save_to_state_dict(self, destination, prefix, keep_vars):
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else b.detach()

    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An OrderedDict of every parameter and persistent buffer, by dotted name."""
        if args:
            destination = args[0]
            if len(args) > 1:
                prefix = args[1]
            if len(args) > 2:
                keep_vars = args[2]
        if destination is None:
            destination = OrderedDict()
            destination._metadata = OrderedDict()
        if hasattr(destination, "_metadata"):
            destination._metadata[prefix[:-1]] = {"version": self._version}
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".",
                                  keep_vars=keep_vars)
        for hook in self._state_dict_hooks.values():
            result = hook(self, destination, prefix, {})
            if result is not None:
                destination = result
        return destination

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict,
                              missing_keys, unexpected_keys, error_msgs):
        persistent = {k: v for k, v in self._buffers.items()
                      if k not in self._non_persistent_buffers_set}
        local = {k: v for k, v in itertools.chain(self._parameters.items(),
                                                  persistent.items()) if v is not None}
        for name, param in local.items():
            key = prefix + name
            if key not in state_dict:
                if strict:
                    missing_keys.append(key)
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                error_msgs.append(f'While copying the parameter named "{key}", expected '
                                  "torch.Tensor or Tensor-like object from checkpoint but "
                                  f"received {type(value)}")
                continue
            if tuple(value.shape) != tuple(param.shape):
                error_msgs.append(
                    f"size mismatch for {key}: copying a param with shape {value.shape} "
                    "from checkpoint, the shape in current model is "
                    f"{param.shape}.")
                continue
            with grad_mode.no_grad():
                param.copy_(value)
        if strict:
            for key in state_dict:
                if key.startswith(prefix):
                    first = key[len(prefix):].split(".", 1)[0]
                    if first not in self._modules and first not in local:
                        unexpected_keys.append(key)

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy values from state_dict into this model's parameters and buffers.

        Returns (missing_keys, unexpected_keys); with strict=True (the default) any
        mismatch raises instead.
        """
        if not hasattr(state_dict, "keys") or not hasattr(state_dict, "__getitem__"):
            raise TypeError(f"Expected state_dict to be dict-like, got "
                            f"{type(state_dict)}.")
        missing, unexpected, errors = [], [], []
        state_dict = OrderedDict(state_dict)

        def load(module, local_sd, prefix=""):
            module._load_from_state_dict(local_sd, prefix, {}, True, missing,
                                         unexpected, errors)
            for name, child in module._modules.items():
                if child is not None:
                    child_prefix = prefix + name + "."
                    child_sd = {k: v for k, v in local_sd.items()
                                if k.startswith(child_prefix)}
                    load(child, child_sd, child_prefix)

        load(self, state_dict)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing)))
        if errors:
            hint = _prefix_hint(missing, unexpected) if (missing or unexpected) else (
                _errors.hint_line("the checkpoint came from a model with different layer sizes; "
                "build the model with the same sizes before loading."))
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                type(self).__name__, "\n\t".join(errors)) + hint)
        return _IncompatibleKeys(missing, unexpected)
