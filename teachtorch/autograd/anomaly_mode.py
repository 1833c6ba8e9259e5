"""Anomaly mode: which backward went wrong, and which forward line made its node.

With ``torch.autograd.set_detect_anomaly(True)`` (or inside ``detect_anomaly()``) every
node remembers the lines of *your* code that created it (teachtorch's own frames are
left out). When a node's backward raises, or returns NaN (``check_nan=True``), a
UserWarning "Error detected in MulBackward0. Traceback of forward call that caused the
error:" shows those lines, then the error is raised, as PyTorch does. A node made
while another node's backward ran (``create_graph=True``) also names that "parent".
Off by default: then the only cost is one flag check when a node is created.

Mirrors: torch.autograd.anomaly_mode. Chapter 04 (autograd) opens this file.
"""
import os
import traceback
import warnings

from teachtorch import _errors
from teachtorch._backend import get_array_module

_state = {"enabled": False, "check_nan": True, "running": None}
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def is_anomaly_enabled():
    """True while anomaly detection is on.  Mirrors: torch.is_anomaly_enabled"""
    return _state["enabled"]


def is_anomaly_check_nan_enabled():
    """True when anomaly mode also checks backward outputs for NaN."""
    return _state["check_nan"]


def set_anomaly_enabled(enabled, check_nan=True):
    """Switch anomaly detection on or off.  Mirrors: torch.set_anomaly_enabled"""
    _state["enabled"] = bool(enabled)
    _state["check_nan"] = bool(check_nan)


class detect_anomaly:
    """``with detect_anomaly():`` turns anomaly detection on inside the block.

    Mirrors: torch.autograd.detect_anomaly (it warns that it slows things down)
    """

    def __init__(self, check_nan=True):
        self.prev = _state["enabled"]
        self.prev_check_nan = _state["check_nan"]
        self.check_nan = check_nan
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the "
                      "runtime and should only be enabled for debugging.", stacklevel=2)

    def __enter__(self):
        set_anomaly_enabled(True, self.check_nan)

    def __exit__(self, *exc):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


class set_detect_anomaly:
    """``set_detect_anomaly(True)`` turns detection on now (or inside ``with``).

    Mirrors: torch.autograd.set_detect_anomaly
    """

    def __init__(self, mode, check_nan=True):
        self.prev = _state["enabled"]
        self.prev_check_nan = _state["check_nan"]
        set_anomaly_enabled(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        set_anomaly_enabled(self.prev, self.prev_check_nan)


def record_forward_stack(node):
    """Keep the lines of the learner's code that are creating ``node`` (and its parent).

    Stored where PyTorch keeps them: ``node.metadata["traceback_"]`` (a list of
    formatted frames) and ``node.metadata["parent_"]``.
    """
    frames = [f for f in traceback.extract_stack()
              if not f.filename.startswith(_PACKAGE)]
    node.metadata["traceback_"] = traceback.format_list(frames)
    if _state["running"] is not None:
        node.metadata["parent_"] = _state["running"]


def watched(call_node):
    """call_node, checked: on an error or a NaN output, show where the node was made."""
    def call_node_watched(node, grads):
        outer = _state["running"]
        _state["running"] = node  # nodes made now (create_graph) get it as parent
        try:
            grads_out = call_node(node, grads)
            if _state["check_nan"]:
                _raise_on_nan(node, grads_out)
            return grads_out
        except Exception:
            _warn_forward_stack(node)
            raise
        finally:
            _state["running"] = outer
    return call_node_watched


def _raise_on_nan(node, grads_out):
    for i, g in enumerate(grads_out):
        if g is not None and get_array_module(g._data).isnan(g._data).any():
            raise RuntimeError(_errors.hint(
                f"Function '{node.name()}' returned nan values in its {i}th output.",
                "the warning above shows the forward line that made this node; a NaN "
                "gradient usually comes from 0/0, inf-inf, sqrt/log of 0 or a negative "
                "number, or a NaN already in the inputs."))


def _warn_forward_stack(node):
    """PyTorch's warning: the node's name and the forward lines that created it."""
    stack = node.metadata.get("traceback_")
    if stack is None:
        warnings.warn(f"Error detected in {node.name()}. No forward pass information "
                      "available. Enable detect anomaly during forward pass for more "
                      "information.", stacklevel=2)
        return
    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that "
                  "caused the error:\n" + "".join(stack), stacklevel=2)
    parent = node.metadata.get("parent_")
    while parent is not None:
        warnings.warn(f"\n\nPrevious calculation was induced by {parent.name()}. "
                      "Traceback of forward call that induced the previous "
                      "calculation:\n" + "".join(parent.metadata.get("traceback_", ())),
                      stacklevel=2)
        parent = parent.metadata.get("parent_")
