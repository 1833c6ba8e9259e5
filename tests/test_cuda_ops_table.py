"""Every op of the op table (tests/op_specs.py) on the device, compared with torch.

Runs on the CPU, and on 'cuda' when a GPU is present or simulated
(``TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/``): forward values, dtype, the result's
device, and every input's gradient (and that gradient's device).
"""
import zlib

import numpy as np
import pytest
import torch
from op_specs import OPS, shapes_for, values_for

import teachtorch


@pytest.mark.parametrize("spec", OPS, ids=[s.name for s in OPS])
def test_op_on_device_matches_torch(spec, device):
    rng = np.random.default_rng(zlib.crc32(spec.name.encode()))
    arrays = values_for(spec, shapes_for(spec, rng), rng)
    ours = [teachtorch.tensor(a, device=device, requires_grad=spec.grad)
            for a in arrays]
    theirs = [torch.tensor(a, requires_grad=spec.grad) for a in arrays]
    out, tout = spec.fn(teachtorch, *ours), spec.fn(torch, *theirs)
    assert out.device.type == device
    assert tuple(out.shape) == tuple(tout.shape) and str(out.dtype) == str(tout.dtype)
    np.testing.assert_allclose(out.detach().cpu().numpy(), tout.detach().numpy(),
                               rtol=spec.rtol, atol=spec.atol, equal_nan=True)
    if not (spec.grad and tout.requires_grad):
        return
    w = np.linspace(-1, 1, tout.numel()).reshape(tuple(tout.shape))
    (out * teachtorch.tensor(w, device=device)).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for x, tx in zip(ours, theirs):
        if tx.grad is None:
            assert x.grad is None or not x.grad.cpu().numpy().any()
            continue
        assert x.grad.device.type == device
        np.testing.assert_allclose(x.grad.cpu().numpy(), tx.grad.numpy(),
                                   rtol=spec.rtol, atol=spec.atol)
