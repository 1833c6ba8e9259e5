"""Shared helpers for parity tests: run the same code on torch and teachtorch."""
import numpy as np

import teachtorch

try:
    import torch
except ImportError:  # pragma: no cover - torch is installed by `make test`
    torch = None


def to_np(x):
    """A NumPy array from a torch or teachtorch tensor (detached)."""
    if isinstance(x, teachtorch.Tensor):  # .cpu(): a GPU array never converts implicitly
        return np.array(x.detach().cpu()._data)
    return x.detach().cpu().numpy()


def assert_close(ours, theirs, rtol=1e-5, atol=1e-6, check_dtype=True):
    """Compare a teachtorch tensor with a torch tensor: shape, dtype, values."""
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    if check_dtype:
        assert str(ours.dtype) == str(theirs.dtype), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(to_np(ours), to_np(theirs), rtol=rtol, atol=atol)


def both(fn):
    """Run fn(lib) with lib = teachtorch and lib = torch; return (ours, theirs)."""
    return fn(teachtorch), fn(torch)


def run_both(code):
    """Run code (which may use torch, nn, F, np) on torch and on teachtorch.

    Returns [(kind, payload)] for (torch, teachtorch): ("value", result of the last
    line) or ("error", (exception type, message))."""
    out = []
    for lib in (torch, teachtorch):
        env = {"torch": lib, "nn": lib.nn, "F": lib.nn.functional, "np": np}
        lines = code.strip().split("\n")
        try:
            compile(lines[-1], "<code>", "eval")
        except SyntaxError:  # the last line is a statement: run it all, no value
            lines.append("None")
        try:
            exec("\n".join(lines[:-1]), env)
            out.append(("value", eval(lines[-1], env)))
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            out.append(("error", (type(e), str(e))))
    return out


def assert_raises_like_torch(code, hint=True):
    """Both libraries raise the same exception type; teachtorch's message starts
    with PyTorch's first line and (hint=True) adds a 'hint:' line after it."""
    (tk, theirs), (ok, ours) = run_both(code)
    assert tk == "error", f"torch did not raise: {theirs!r}"
    assert ok == "error", f"teachtorch returned {ours!r} where torch raises {theirs}"
    assert ours[0].__name__ == theirs[0].__name__, (theirs, ours)
    first = theirs[1].split("\n")[0]
    assert ours[1].split("\nhint:")[0].split("\n")[0] == first, (theirs[1], ours[1])
    if hint:
        assert "\nhint: " in ours[1], ours[1]
