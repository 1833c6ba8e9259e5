"""Tensor-level mistakes raise PyTorch's exception with PyTorch's words (+ a hint),
where teachtorch used to return a wrong answer or let NumPy's error out."""
import warnings

import numpy as np
import pytest

from tests.helpers import assert_raises_like_torch, run_both, to_np

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("code", [
    # values that do not fit the dtype (PyTorch refuses; NumPy wrapped them)
    "torch.tensor([256], dtype=torch.uint8)",
    "torch.tensor([300, 1], dtype=torch.int8)",
    "torch.tensor([1.0, 256.0], dtype=torch.uint8)",
    "torch.tensor([float('nan')], dtype=torch.int64)",
    "torch.tensor([2**63])",
    # integer division by zero (NumPy returned 0 with a warning)
    "torch.tensor([1, 2]) // 0",
    "torch.tensor([1, 2]) % torch.tensor([0, 1])",
    "torch.fmod(torch.tensor([3]), 0)",
    "torch.div(torch.tensor([3]), 0, rounding_mode='trunc')",
    # sizes that are not whole numbers (n / 2 is a float)
    "torch.ones(6).view(2, 3.0)",
    "torch.ones(6).view(6.0)",
    "torch.ones(6).reshape(6.0)",
    "torch.ones(6).reshape((2, 3.0))",
    "torch.randperm(-1)",
    # dtypes without a kernel
    "torch.tensor([True]) // torch.tensor([True])",
    "torch.tensor([True]) ** torch.tensor([True])",
    "torch.frac(torch.tensor([1, 2]))",
    "torch.tensor([1.0]) & torch.tensor([1.0])",
    "torch.tensor([1, 2]) | 1.5",
    "torch.rand(2, dtype=torch.int64)",
    "torch.randn(2, dtype=torch.int64)",
    "torch.median(torch.tensor([True, False]))",
    "torch.tensor([True]) @ torch.tensor([True])",
    "torch.ones(2, 2).bool() @ torch.ones(2, 2).bool()",
    # random sampling arguments (NumPy's ValueError before)
    "torch.multinomial(torch.tensor([0.2, 0.8]), 3)",
    "torch.multinomial(torch.tensor([-0.2, 0.8]), 1)",
    "torch.multinomial(torch.tensor([0.0, 0.0]), 1)",
    "torch.multinomial(torch.tensor([0.2, float('nan')]), 1)",
    "torch.multinomial(torch.tensor([1, 2]), 1)",
    "torch.multinomial(torch.tensor([0.5, 0.5]), 0)",
    "torch.multinomial(torch.ones(2, 2, 2), 1)",
    "torch.normal(0.0, -1.0, (2,))",
    "torch.ones(2).normal_(0, -1)",
    "torch.ones(2).uniform_(1, 0)",
    # indexing
    "a = torch.arange(24).reshape(2, 3, 4)\na[2] = -1",
    "a = torch.arange(24).reshape(2, 3, 4)\na[torch.tensor([True])] = -1",
    "a = torch.arange(24).reshape(2, 3, 4)\na[::0]",
    "torch.zeros(2, 3).index_select(0, torch.tensor([-1]))",
    "torch.zeros(3, 4).index_select(1, torch.tensor([4]))",
    "torch.zeros(2, 3).index_select(0, torch.tensor([1.0]))",
    "torch.zeros(3).index_add(0, torch.tensor([0, 3]), torch.ones(2))",
    "torch.zeros(3).index_fill(0, torch.tensor([5]), 1.0)",
    # autograd: a gradient of the wrong kind
    "x = torch.ones(3, requires_grad=True)\nx.grad = torch.ones(4)",
    "x = torch.ones(3, requires_grad=True)\nx.grad = torch.ones(3, dtype=torch.float64)",
    "x = torch.ones(3, requires_grad=True)\nx.grad = torch.ones(1, 3)",
    "x = torch.ones(3, requires_grad=True)\nx.data = torch.ones(3, dtype=torch.int64)",
    # a GPU named by number on a machine without one
    "torch.ones(2).cuda(0)",
    "torch.ones(2).to(0)",
    # arguments of the wrong kind
    "torch.ones(2, 3, dtype='float32')",
    "torch.full(2, 1.0)",
    "torch.ones(3).clamp('a')",
    "torch.ones(2, 3).repeat(-1, 1)",
    "torch.lerp(torch.zeros(2), torch.ones(2).int(), 0.5)",
    "torch.tensor(None)",
    "torch.tensor([1, 2]).requires_grad_()",
    "torch.ones(2, 3).sum(1.0)",
    "torch.ones(2, 3).argmax(1.0)",
    "torch.ones(2, 3).amax(1.0)",
    "torch.ones(2, 3).flip(0, 0)",
    "torch.ones(2, 3).split(-1)",
    "torch.stack([])",
    "torch.ones(2).masked_select(torch.ones(2))",
    "torch.ones(2, 3).masked_fill(torch.ones(4) > 0, 1.0)",
    "torch.allclose(torch.tensor([1.0]), torch.tensor([1]))",
    ("import os, tempfile\np = os.path.join(tempfile.mkdtemp(), 'a.pt')\n"
     "torch.save(torch.ones(1), p)\ntorch.load(p, foo=1)"),
    # empty tensors
    "torch.tensor([]).max()",
    "torch.tensor([]).argmax()",
    "torch.ones(0, 3).amax(0)",
    "torch.tensor([]).amax()",
    "bool(torch.tensor([]))",
    "int(torch.tensor([1.0, 2.0]))",
    "torch.tensor([torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])])",
    "a = torch.arange(24).reshape(2, 3, 4)\na[0] = torch.ones(3, dtype=torch.int64)",
    "a = torch.arange(24).reshape(2, 3, 4)\na['a']",
])
def test_raises_like_torch(code):
    assert_raises_like_torch(code)


@pytest.mark.parametrize("code", [
    "torch.ones(2) + [1, 2]",          # Python's own TypeError, as for torch
    "torch.ones(2) < 'a'",
    "torch.ones(2) @ 1",
    "torch.ones(2) * [1, 2]",
    "~torch.tensor([1.0])",
    "x = torch.ones(3, requires_grad=True)\nx.grad = [1.0, 2.0, 3.0]",
    "torch.ones(2).sum(0, foo=1)",     # the method's name as PyTorch prints it
    "torch.ones(2).norm(foo=1)",
])
def test_python_type_errors_like_torch(code):
    assert_raises_like_torch(code, hint=False)


@pytest.mark.parametrize("code", [
    "torch.tensor([-1], dtype=torch.uint8)",      # a Python int wraps, as in PyTorch
    "torch.tensor([1e40], dtype=torch.float32)",  # inf, no NumPy overflow warning
    "torch.ones(2) == [1.0, 1.0]",                # False: no element-wise compare
    "torch.ones(2) == 'a'",
    # PyTorch applies integer indices first: the index tensor's dim stays in place
    "a = torch.arange(24).reshape(2, 3, 4)\na[1, :, torch.tensor([0, 2])]",
    "a = torch.arange(24).reshape(2, 3, 4)\na[None, 1, :, torch.tensor([0])]",
    "a = torch.arange(24).reshape(2, 3, 4)\na[torch.tensor([0, 1]), 1, torch.tensor([0, 2])]",
    "a = torch.arange(24).reshape(2, 3, 4)\na[:, 1, torch.tensor([0, 2])]",
    ("a = torch.arange(24).reshape(2, 3, 4)\na[1, :, torch.tensor([0, 2])] = "
     "torch.arange(6).reshape(3, 2)\na"),
    "torch.tensor([]).mean()",
    "torch.tensor([1.0, 2.0]).var(correction=2)",
    "torch.zeros(3).index_fill(0, torch.tensor([-1]), 1.0)",
    "torch.sum(torch.tensor(2.0), 0)",
    "torch.prod(torch.tensor(2.0), 0)",
    "torch.tensor(2.0).flip(0)",
    "torch.ones(0, 3).softmax(0)",
    "torch.sign(torch.tensor([float('nan'), 1.0, -2.0]))",
    "torch.tensor([0, 2, -1, 1, -2, 3]) ** torch.tensor([-1, -1, -1, -2, -3, 2])",
    "torch.tensor([1.0, float('inf'), -float('inf')]).sum()",
])
def test_values_like_torch(code):
    (tk, theirs), (ok, ours) = run_both(code)
    assert (tk, ok) == ("value", "value"), (theirs, ours)
    if hasattr(theirs, "shape"):
        assert tuple(ours.shape) == tuple(theirs.shape)
        assert str(ours.dtype) == str(theirs.dtype)
        np.testing.assert_allclose(to_np(ours), to_np(theirs), equal_nan=True)
    else:
        assert ours == theirs


def test_float_overflow_is_silent_like_torch():
    import teachtorch
    with warnings.catch_warnings(record=True) as caught:
        # pytest drops filters installed while it collects (the import); put it back
        teachtorch._checks.quiet_numpy_float_warnings()
        warnings.simplefilter("always", append=True)  # after the filters in place
        x = teachtorch.tensor([60000.0], dtype=teachtorch.float16)
        y = (x * 2).float() + teachtorch.tensor([1e38]) * 10
        z = teachtorch.tensor([float("inf")]).sin()
    assert teachtorch.isinf(y).all() and teachtorch.isnan(z).all()
    assert not caught, [str(w.message) for w in caught]
    with warnings.catch_warnings(record=True) as caught:  # a learner's own NumPy
        warnings.simplefilter("always", append=True)      # code still warns
        np.float32(1e38) * np.float32(10)
    assert caught


def test_importing_teachtorch_keeps_numpy_float_warnings_quiet():
    """A fresh process that shows every warning (as python -W always does)."""
    import subprocess
    import sys
    code = ("import warnings; warnings.simplefilter('always'); import teachtorch as t\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    (t.tensor([1e38]) * 10).exp(); t.tensor([float('inf')]).sin()\n"
            "    t.tensor([]).mean(); t.tensor([0.0]) / 0\n"
            "print(len(w))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=False)
    assert out.stdout.strip() == "0", out.stdout + out.stderr


@pytest.mark.parametrize("args", [(0, 1, 0.1), (-1, 1, 0.3), (0.1, 1.7, 0.2),
                                  (1.5, -3, -0.35), (0, 5, 1 / 3), (0.2, 50, 0.13),
                                  (0, 100, 0.37), (-7.25, 3.5, 0.011)])
@pytest.mark.parametrize("dtype", [None, "float32", "float64"])
def test_float_step_arange_is_bit_exact(args, dtype):
    """PyTorch's arange kernel (fma per element, vector lanes from a per-vector base):
    the same bits, not just close values (one PyTorch thread, as teachtorch runs)."""
    import teachtorch
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        theirs = torch.arange(*args, dtype=getattr(torch, dtype) if dtype else None)
    finally:
        torch.set_num_threads(threads)
    ours = teachtorch.arange(*args, dtype=getattr(teachtorch, dtype) if dtype else None)
    assert str(ours.dtype) == str(theirs.dtype)
    assert to_np(ours).tobytes() == to_np(theirs).tobytes()
