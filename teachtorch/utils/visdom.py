"""visdom with teachtorch tensors: ``from teachtorch.utils import visdom``.

The notes write ``import visdom`` then ``vis = visdom.Visdom(env='test1',
use_incoming_socket=False)`` and ``vis.line(X=x, Y=y, win='sinx')`` with tensors.
The real visdom client converts *torch* tensors to NumPy itself but does not know
teachtorch's, so this module gives the same ``Visdom`` class with every plotting
method converting teachtorch tensors (``x.detach().cpu().numpy()``) first. Replace
``import visdom`` with ``from teachtorch.utils import visdom`` and the rest of the code
stays as it is.

The plots are drawn by a visdom server: start one in another terminal with
``python -m visdom.server`` and open http://localhost:8097. Without a server, making
a ``Visdom`` says so at once (within ``connect_timeout`` seconds) instead of failing
quietly on every later call.

Chapter 17 (TensorBoard and visdom) opens this file.
"""
import functools
import socket
from urllib.parse import urlparse

from teachtorch import _errors
from teachtorch.utils._visdom_offline import OfflineVisdom, _missing

try:
    import visdom as _visdom
except ImportError:  # pragma: no cover - visdom is an optional extra
    _visdom = None

# the client methods that take data (arrays) as arguments
PLOT_METHODS = ("line", "scatter", "image", "images", "text", "heatmap", "bar",
                "histogram", "boxplot", "surf", "contour", "quiver", "stem", "pie",
                "mesh", "video", "audio", "dual_axis_lines", "graph", "matplot",
                "updateTrace", "properties", "embeddings")


def to_numpy(value):
    """teachtorch tensors become NumPy arrays (detached, on the CPU); else unchanged."""
    if hasattr(value, "_data") and hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    if isinstance(value, (list, tuple)) and any(hasattr(v, "_data") for v in value):
        return type(value)(to_numpy(v) for v in value)
    return value


def _numpy_args(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        args = [to_numpy(a) for a in args]
        kwargs = {k: to_numpy(v) for k, v in kwargs.items()}
        return method(self, *args, **kwargs)
    return call


def server_reachable(server="http://localhost", port=8097, timeout=2.0):
    """True when something accepts TCP connections at the visdom server's address."""
    parsed = urlparse(server if "://" in server else "http://" + server)
    host = parsed.hostname or "localhost"
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return True
    except OSError:
        return False


def _server_missing(server, port):
    return ConnectionError(
        _errors.hint(f"Error connecting to Visdom server at {server}:{port}", "start the server "
        "first, in another terminal: python -m visdom.server (it listens on port 8097; "
        "then open http://localhost:8097 in a browser). Or log to TensorBoard instead: "
        "from teachtorch.utils.tensorboard import SummaryWriter."))


if _visdom is not None:
    class Visdom(_visdom.Visdom):
        """visdom's client, accepting teachtorch tensors wherever it takes data.

        Mirrors: visdom.Visdom
        """

        def __init__(self, server="http://localhost", endpoint="events", port=8097,
                     *args, connect_timeout=2.0, **kwargs):
            online = kwargs.get("send", True) and not kwargs.get("offline", False)
            if online and not server_reachable(server, port, connect_timeout):
                raise _server_missing(server, port)
            super().__init__(server, endpoint, port, *args, **kwargs)

    for _name in PLOT_METHODS:
        if hasattr(_visdom.Visdom, _name):
            setattr(Visdom, _name, _numpy_args(getattr(_visdom.Visdom, _name)))
else:  # the package is missing: the same errors, and line() recorded offline
    class Visdom(OfflineVisdom):
        """Stands in for visdom.Visdom when the visdom package is not installed."""

        def __init__(self, server="http://localhost", endpoint="events", port=8097,
                     *args, connect_timeout=2.0, env="main", offline=False,
                     log_to_filename=None, **kwargs):
            if not offline:
                if not server_reachable(server, port, connect_timeout):
                    raise _server_missing(server, port)
                raise _missing("talking to a visdom server")
            super().__init__(env, log_to_filename)
