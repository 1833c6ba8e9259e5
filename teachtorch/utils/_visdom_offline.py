"""A stand-in for visdom's client when the visdom package is not installed.

It does what chapter 17 needs without the package: refuse at once when no server is
listening (the same ConnectionError as with the real client), and, with
``offline=True, log_to_filename=path``, record ``line`` calls to the log file in the
message format the real client writes (one JSON ``[endpoint, message]`` per line),
so ``visdom.Visdom(...).replay_log(path)`` can send them to a server later. Any other
plotting method asks for the real package.

Chapter 17 (TensorBoard and visdom) opens this file.
"""
import json

import numpy as np

from teachtorch import _errors


def _missing(what):
    return ModuleNotFoundError(_errors.hint(
        "No module named 'visdom'",
        f"{what} needs the real visdom client: pip install visdom (then start the "
        "server with python -m visdom.server)."))


class OfflineVisdom:
    """visdom.Visdom's offline mode for ``line``, written to a log file.

    Mirrors: visdom.Visdom(offline=True, log_to_filename=...)
    """

    def __init__(self, env="main", log_to_filename=None):
        self.env = env
        self.log_to_filename = log_to_filename

    def _log(self, endpoint, msg):
        if self.log_to_filename is not None:
            with open(self.log_to_filename, "a") as f:
                f.write(json.dumps([endpoint, msg]) + "\n")
        return msg["win"]

    def line(self, Y, X=None, win=None, env=None, opts=None, update=None, name=None):
        """Record one line plot (a new window, or points appended to one)."""
        X, Y = (v.detach().cpu().numpy() if hasattr(v, "detach") else v for v in (X, Y))
        y = np.asarray(Y, dtype=float).reshape(-1)
        x = np.arange(1, len(y) + 1, dtype=float) if X is None else \
            np.asarray(X, dtype=float).reshape(-1)
        if x.shape != y.shape:
            raise AssertionError("X and Y should be the same shape")
        opts = dict(opts or {})
        style = {"markers": False, "fillarea": False, "mode": "lines",
                 "markersymbol": "dot", "markersize": 10, "markerborderwidth": 0.5}
        trace = {"x": x.tolist(), "y": y.tolist(), "name": "1" if name is None else name,
                 "type": "scatter", "mode": "lines", "textposition": "right",
                 "line": {}, "marker": {"size": 10, "symbol": "dot",
                                        "line": {"color": "#000000", "width": 0.5}}}
        msg = {"data": [trace], "win": win, "eid": env or self.env}
        if update is None:
            layout = {"showlegend": False}
            if "title" in opts:
                layout["title"] = opts["title"]
            layout["margin"] = {"l": 60, "r": 60, "t": 60, "b": 60}
            msg.update(layout=layout, opts={**opts, **style})
            return self._log("events", msg)
        msg.update(layout={}, opts={**opts, **style}, name=name,
                   append=update == "append")
        return self._log("update", msg)

    def __getattr__(self, name):
        raise _missing(f"Visdom.{name}")
