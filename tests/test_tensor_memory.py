"""torch.Size, storage and memory facts against torch: the same expression evaluated on
both libraries must give the same repr."""
import warnings

import pytest
import torch

import teachtorch

CASES = [
    "x.storage()", "x[1].storage()", "t.tensor([1, 2]).storage()",
    "t.tensor([True]).storage()", "t.tensor([1.5]).untyped_storage()",
    "t.tensor([1.5]).untyped_storage().tolist()", "t.tensor([258], dtype=t.int16).untyped_storage()[1]",
    "type(x.storage()).__name__", "x.storage().dtype", "x.untyped_storage().device",
    's',
    's[1:]',
    's + (4,)',
    '(1,) + s',
    's * 2',
    's == (2, 3)',
    's.numel()',
    'type(s + (4,)).__name__',
    'type(s[::-1]).__name__',
    'str(s)',
    't.Size([2, 3])',
    't.Size()',
    's.count(2)',
    's.index(3)',
    'list(s)',
    'hash(s) == hash((2, 3))',
    'x.storage().tolist()',
    'x[1].storage().tolist()',
    'len(x[1].storage())',
    'x[1].untyped_storage().nbytes()',
    'x.untyped_storage().size()',
    'len(x.untyped_storage())',
    'x.storage()[4]',
    'x.storage().size()',
    'x.dtype',
    'x.t().storage().data_ptr() == x.storage().data_ptr()',
    't.tensor([1,2,3], dtype=t.int16).untyped_storage().nbytes()',
    'x.is_contiguous()',
    'x.t().is_contiguous()',
    'x[:, ::2].is_contiguous()',
    'x[:1].is_contiguous()',
    'x.expand(2, 2, 3).is_contiguous()',
    'x.element_size()',
    'x.itemsize',
    'x.nbytes',
    'x.t().contiguous().stride()',
    'x.view(3, 2).data_ptr() == x.data_ptr()',
    'x[1].data_ptr() - x.data_ptr()',
    't.zeros(2, 1, 3)[:, 0].stride()',
    't.zeros(4, 1).t().is_contiguous()',
    't.zeros(4, 1).t().stride()',
    't.zeros(3, 1).expand(3, 4).contiguous().stride()',
    't.where(t.tensor([0, 1, 1]))',
    't.tensor([[0, 1], [1, 1]]).nonzero(as_tuple=True)',
]


def _eval(expr, lib):
    x = lib.arange(6.).view(2, 3)
    names = {"t": lib, "x": x, "s": x.shape}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TypedStorage is deprecated in torch
        try:
            return repr(eval(expr, names))
        except Exception as e:  # noqa: BLE001 - errors are compared too
            return f"{type(e).__name__}: {str(e).split(chr(10) + 'hint:')[0]}"


@pytest.mark.parametrize("expr", CASES)
def test_size_storage_memory_like_torch(expr):
    assert _eval(expr, teachtorch) == _eval(expr, torch)


def test_storage_shared_by_views_and_written_through():
    for lib in (torch, teachtorch):
        x = lib.zeros(2, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            st = x.t().storage()
            st[4] = 9.0
        assert x[1, 1].item() == 9.0
        y = x[1:]
        assert y.storage_offset() == 3
        assert y.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()
