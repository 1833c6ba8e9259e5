"""A plain TensorDataset is batched with one index per tensor instead of one
dataset[i] call per sample. The batches must be exactly what torch's DataLoader
gives (values, dtypes, shapes, strides, grad_fn), and anything that could tell the
two paths apart (a subclass, a custom collate_fn, tensors that need grad) must keep
the per-sample path."""
import numpy as np
import pytest
import torch

import teachtorch


def make(lib, requires_grad=False):
    rng = np.random.default_rng(3)
    x = lib.tensor(rng.standard_normal((11, 3, 4)).astype(np.float32))
    x = x.transpose(1, 2)                      # a non-contiguous view as the data
    y = lib.tensor(rng.integers(0, 5, 11))
    w = lib.tensor(rng.standard_normal(11), dtype=lib.float64, requires_grad=requires_grad)
    return lib.utils.data.TensorDataset(x, y, w)


def describe(batch):
    return [(str(t.dtype), tuple(t.shape), t.stride(), t.tolist(), t.requires_grad,
             type(t.grad_fn).__name__) for t in batch]


ORDERS = [
    {"batch_size": 4},
    {"batch_size": 4, "drop_last": True},
    {"batch_size": 5, "sampler": [10, 0, 3, 3, 7, 1]},
]
# worker processes only with plain data: torch refuses to send tensors that need grad
CASES = [(k, False) for k in ORDERS] + [(k, True) for k in ORDERS] + [
    ({"batch_size": 4, "num_workers": 2}, False)]


@pytest.mark.parametrize("kwargs,requires_grad", CASES)
def test_tensor_dataset_batches_match_torch(kwargs, requires_grad):
    runs = []
    for lib in (torch, teachtorch):
        loader = lib.utils.data.DataLoader(make(lib, requires_grad), **kwargs)
        runs.append([describe(b) for b in loader])
    assert runs[1] == runs[0]


def test_subclass_and_custom_collate_still_call_getitem_per_sample():
    calls = []

    class Counting(teachtorch.utils.data.TensorDataset):
        def __getitem__(self, index):
            calls.append(index)
            return super().__getitem__(index)

    x = teachtorch.arange(6.)
    list(teachtorch.utils.data.DataLoader(Counting(x), batch_size=4))
    assert calls == [0, 1, 2, 3, 4, 5]

    seen = []
    list(teachtorch.utils.data.DataLoader(teachtorch.utils.data.TensorDataset(x),
                                          batch_size=4, collate_fn=seen.append))
    assert [len(b) for b in seen] == [4, 2] and isinstance(seen[0][0], tuple)
