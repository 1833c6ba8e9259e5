"""The single-step cells are built from ordinary ops, as PyTorch's CPU cells are:
the same autograd graph node by node, the same values and gradients; and
torch.unsafe_chunk, which cuts their gates."""
import numpy as np
import pytest
import torch

import teachtorch


def graph(fn, depth=0, lines=None):
    lines = [] if lines is None else lines
    if fn is not None and depth <= 10:
        lines.append("  " * depth + type(fn).__name__)
        for f, _ in fn.next_functions:
            graph(f, depth + 1, lines)
    return lines


def run_cell(lib, name, kwargs, unbatched, with_state):
    cell = getattr(lib.nn, name)(3, 4, **kwargs)
    with lib.no_grad():
        for p in cell.parameters():
            p.copy_(lib.tensor(np.linspace(-1, 1, p.numel(), dtype=np.float32)
                               .reshape(tuple(p.shape))))
    shape = (3,) if unbatched else (2, 3)
    x = lib.tensor(np.cos(np.arange(np.prod(shape), dtype=np.float32)).reshape(shape),
                   requires_grad=True)
    hx = None
    if with_state:
        hshape = (4,) if unbatched else (2, 4)
        h = lib.tensor(np.sin(np.arange(np.prod(hshape), dtype=np.float32))
                       .reshape(hshape), requires_grad=True)
        hx = (h, h * 0.5) if name == "LSTMCell" else h
    out = cell(x, hx)
    outs = out if isinstance(out, tuple) else (out,)
    sum(o.sum() * (k + 1) for k, o in enumerate(outs)).backward()
    return ([graph(o.grad_fn) for o in outs], [o.detach().numpy() for o in outs],
            [p.grad.numpy() for p in cell.parameters()] + [x.grad.numpy()])


@pytest.mark.parametrize("name,kwargs", [
    ("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("RNNCell", {"bias": False}),
    ("LSTMCell", {}), ("LSTMCell", {"bias": False}), ("GRUCell", {}),
])
@pytest.mark.parametrize("unbatched", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_cell_graph_values_and_grads_like_torch(name, kwargs, unbatched, with_state):
    g_t, y_t, d_t = run_cell(torch, name, kwargs, unbatched, with_state)
    g_o, y_o, d_o = run_cell(teachtorch, name, kwargs, unbatched, with_state)
    assert g_o == g_t
    for a, b in zip(y_o + d_o, y_t + d_t):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("n,chunks,dim", [(8, 4, 0), (7, 3, 0), (6, 4, 1)])
def test_unsafe_chunk_like_torch(n, chunks, dim):
    results = []
    for lib in (torch, teachtorch):
        x = lib.arange(float(n * 2)).reshape(n, 2) if dim == 0 else \
            lib.arange(float(n * 2)).reshape(2, n)
        x.requires_grad_(True)
        parts = lib.unsafe_chunk(x, chunks, dim)
        sum(p.sum() * (k + 1) for k, p in enumerate(parts)).backward()
        results.append(([p.detach().tolist() for p in parts],
                        [type(p.grad_fn).__name__ for p in parts], x.grad.tolist()))
    assert results[1] == results[0]
