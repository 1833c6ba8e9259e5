"""The shape / join / gather / sort table (tests/op_specs_shape.py) on the device.

Runs on the CPU, and on 'cuda' when a GPU is present or simulated
(``TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/``). The table's index tensors are made
with ``lib.tensor(...)``; here ``lib`` is teachtorch with ``tensor`` creating on the
device, so indices live with the data, as torch requires.
"""
import zlib

import numpy as np
import pytest
import torch
from op_specs_shape import SPECS

import teachtorch
from tests.helpers import assert_close


class _OnDevice:
    """teachtorch, except that ``tensor(...)`` creates on the given device."""

    def __init__(self, device):
        self.device = device

    def tensor(self, data, **kwargs):
        return teachtorch.tensor(data, device=self.device, **kwargs)

    def __getattr__(self, name):
        return getattr(teachtorch, name)


def _run(lib, shapes, fn, seed, device=None):
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    kw = {"device": device} if device else {}
    xs = [lib.tensor(a, requires_grad=True, **kw) for a in arrays]
    out = fn(_OnDevice(device) if device else lib, *xs)
    outs = out if isinstance(out, tuple) else (out,)
    floats = [o for o in outs if o.dtype.is_floating_point and o.requires_grad]
    for o in floats:
        w = rng.standard_normal(tuple(o.shape)).astype(np.float32)
        (o * lib.tensor(w, **kw)).sum().backward(retain_graph=True)
    return xs, outs


@pytest.mark.parametrize("name,shapes,fn", SPECS, ids=[s[0] for s in SPECS])
def test_shape_op_on_device_like_torch(name, shapes, fn, device):
    seed = zlib.crc32(name.encode()) % 1000
    xo, oo = _run(teachtorch, shapes, fn, seed, device)
    xt, ot = _run(torch, shapes, fn, seed)
    assert len(oo) == len(ot)
    for a, b in zip(oo, ot):
        assert a.device.type == device, name
        assert_close(a, b)
    for a, b in zip(xo, xt):
        assert (a.grad is None) == (b.grad is None)
        if b.grad is not None:
            assert a.grad.device.type == device
            assert_close(a.grad, b.grad)
