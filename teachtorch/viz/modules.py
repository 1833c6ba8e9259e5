"""A module as a tree, its activations, and state_dict differences (pure data).

``module_tree`` lists sub-modules with their own parameters and counts;
``activation_stats`` runs one forward pass with hooks on every leaf module and returns
the shape/mean/std of what each produced; ``state_dict_diff`` says which keys a
checkpoint lacks or has extra (grouped by prefix), which shapes disagree, and whether a
``module.`` prefix (from DataParallel) explains it. Works on torch and teachtorch modules.

Chapter 14 (nn.Module internals, hooks) and 15 (state_dict) open this file.
"""
import numpy as np


def module_tree(module, name=""):
    """Rows (depth-first, in registration order): name, type, depth, own parameters
    [(name, shape, numel)], own count and total count (with sub-modules).

    Mirrors: Module.named_children / named_parameters(recurse=False)
    """
    rows = []

    def visit(mod, path, depth):
        own = [(n, tuple(int(s) for s in p.shape), int(p.numel()))
               for n, p in mod.named_parameters(recurse=False)]
        total = sum(int(p.numel()) for p in mod.parameters())
        rows.append({"name": path or "(root)", "type": type(mod).__name__,
                     "depth": depth, "params": own,
                     "own": sum(n for _, _, n in own), "total": total})
        for child_name, child in mod.named_children():
            visit(child, f"{path}.{child_name}" if path else child_name, depth + 1)
    visit(module, name, 0)
    return rows


def activation_stats(module, x):
    """Shape, mean and std of every leaf module's output for input x (hooks removed
    afterwards; no gradients recorded)."""
    stats, handles = [], []
    leaves = [(n, m) for n, m in module.named_modules() if not list(m.children())]

    def tap(name):
        def hook(mod, inputs, output):
            out = output[0] if isinstance(output, tuple) else output
            a = np.asarray(out.detach().cpu(), dtype=np.float64)
            stats.append({"name": name, "type": type(mod).__name__,
                          "shape": tuple(a.shape), "mean": float(a.mean()),
                          "std": float(a.std()) if a.size > 1 else 0.0,
                          "zeros": float((a == 0).mean())})
        return hook
    for n, m in leaves:
        handles.append(m.register_forward_hook(tap(n or "(root)")))
    try:
        module(x)
    finally:
        for h in handles:
            h.remove()
    return stats


def _shape(v):
    return tuple(int(s) for s in v.shape) if hasattr(v, "shape") else None


def _groups(keys):
    out = {}
    for k in keys:
        out.setdefault(k.split(".")[0], []).append(k)
    return out


def state_dict_diff(expected, loaded):
    """Compare a model's state_dict (expected) with a loaded one.

    Returns missing / unexpected keys (in order, and grouped by their first name),
    shape mismatches [(key, loaded shape, model shape)] and a prefix hint.

    Mirrors: Module.load_state_dict(strict=False) -> missing_keys, unexpected_keys
    """
    exp_keys, got_keys = list(expected), list(loaded)
    exp_set, got_set = set(exp_keys), set(got_keys)
    missing = [k for k in exp_keys if k not in got_set]
    unexpected = [k for k in got_keys if k not in exp_set]
    mismatched = [(k, _shape(loaded[k]), _shape(expected[k])) for k in exp_keys
                  if k in got_set and _shape(loaded[k]) != _shape(expected[k])]
    hint = None
    pre = "module."
    if got_keys and all(k.startswith(pre) for k in got_keys) and \
            {k[len(pre):] for k in got_keys} & exp_set:
        hint = ("the checkpoint was saved from nn.DataParallel: every key starts with "
                "'module.'. Strip it: {k.removeprefix('module.'): v for k, v in "
                "sd.items()}")
    elif exp_keys and all(k.startswith(pre) for k in exp_keys) and \
            {pre + k for k in got_keys} & exp_set:
        hint = ("your model is wrapped in nn.DataParallel: load into model.module, or "
                "add the 'module.' prefix to the keys")
    return {"missing": missing, "unexpected": unexpected, "mismatched": mismatched,
            "missing_groups": _groups(missing), "unexpected_groups": _groups(unexpected),
            "hint": hint}
