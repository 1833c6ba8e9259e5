"""Global switches older code flips: deterministic algorithms, warn-always, the
default device (anomaly detection is in autograd/anomaly_mode.py).

teachtorch is deterministic by construction (NumPy on one thread of control), so
``use_deterministic_algorithms(True)`` changes nothing but is remembered, as the
getters report it. Chapter 15 (training, reproducibility) opens this file.
"""
from teachtorch import _errors

_state = {"deterministic": False, "warn_only": False, "warn_always": False,
          "debug_mode": 0}


def use_deterministic_algorithms(mode, *, warn_only=False):
    """Mirrors: torch.use_deterministic_algorithms (every teachtorch op already is)."""
    _state["deterministic"], _state["warn_only"] = bool(mode), bool(warn_only)
    _state["debug_mode"] = 0 if not mode else 1 if warn_only else 2


def are_deterministic_algorithms_enabled():
    return _state["deterministic"]


def is_deterministic_algorithms_warn_only_enabled():
    return _state["warn_only"]


def set_deterministic_debug_mode(debug_mode):
    modes = {"default": 0, "warn": 1, "error": 2}
    mode = modes.get(debug_mode, debug_mode)
    if mode not in (0, 1, 2):
        raise RuntimeError(_errors.hint(
            f"invalid value of debug_mode, expected one of 0, 1, 2, but got {mode}",
            "use 'default', 'warn' or 'error'."))
    use_deterministic_algorithms(mode > 0, warn_only=mode == 1)


def get_deterministic_debug_mode():
    return _state["debug_mode"]


def set_warn_always(b):
    _state["warn_always"] = bool(b)


def is_warn_always_enabled():
    return _state["warn_always"]


def is_inference_mode_enabled():
    from teachtorch.autograd import grad_mode

    return bool(getattr(grad_mode, "_state", {}).get("inference", False))


def get_default_device():
    from teachtorch.device import device

    return device("cpu")


def set_default_device(device):
    """Only the CPU here: tensors go to a GPU with .to(device) / .cuda()."""
    from teachtorch.device import device as Device

    if device is not None and Device(device).type != "cpu":
        raise RuntimeError(_errors.hint(
            f"teachtorch cannot make {Device(device).type} the default device",
            "create tensors on the CPU and move them with .to(device) or .cuda()."))
