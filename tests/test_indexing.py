"""x[...] and x[...] = v with every index kind, against torch: values, memory
(view or copy), strides, grad_fn names, gradients and errors."""
import numpy as np
import pytest
import torch

import teachtorch
from tests.helpers import assert_close

DATA = np.random.default_rng(1).standard_normal((4, 5, 3)).astype(np.float32)


def _index(lib, name):
    """Index expressions built with the library under test (tensor indices too)."""
    t = lib.tensor
    return {
        "int": 1, "neg int": -1, "slice": slice(1, 3), "step": slice(None, None, 2),
        "slice beyond": slice(2, 100), "empty slice": slice(3, 1),
        "None": None, "Ellipsis": Ellipsis, "tuple": (1, 2), "int slice": (1, slice(1, 4)),
        "col": (slice(None), 1), "ell int": (Ellipsis, 0), "None mid": (slice(None), None),
        "None int": (None, 1), "None end": (Ellipsis, None), "three ints": (1, 2, 0),
        "0-d tensor": t(2), "list": [0, 2], "list repeat": [1, 1, 3],
        "list neg": [-1, 0], "long tensor": t([3, 0]), "2d long": t([[0, 1], [2, 3]]),
        "bool mask": t(DATA[:, :, 0] > 0), "bool 1d": t([True, False, True, False]),
        "mixed": (slice(None), [0, 2]), "mixed int list": (1, [0, 2], slice(0, 2)),
        "separated adv": ([0, 1], slice(None), [0, 2]), "bool scalar": True,
        "tensor pair": (t([0, 1]), t([1, 2])), "mask then slice": (t([True, False,
                                                                      True, True]), 1),
        "nested list is a tuple": [[0, 1], [1, 2]], "None adv None": (None, [0, 1], None),
        "list with slice": [slice(None), 1], "bool list": [True, False, True, True],
    }[name]


NAMES = ["int", "neg int", "slice", "step", "slice beyond", "empty slice", "None",
         "Ellipsis", "tuple", "int slice", "col", "ell int", "None mid", "None int",
         "None end", "three ints", "0-d tensor", "list", "list repeat", "list neg",
         "long tensor", "2d long", "bool mask", "bool 1d", "mixed", "mixed int list",
         "separated adv", "bool scalar", "tensor pair", "mask then slice",
         "nested list is a tuple", "None adv None", "list with slice", "bool list"]


@pytest.mark.parametrize("name", NAMES)
def test_getitem_like_torch(name):
    res = {}
    for lib in (torch, teachtorch):
        x = lib.tensor(DATA, requires_grad=True)
        y = x[_index(lib, name)]
        base = x.detach()
        z = base[_index(lib, name)]
        shares = z.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
        w = lib.tensor(np.arange(y.numel(), dtype=np.float32).reshape(tuple(y.shape)))
        (y * w).sum().backward()
        offset = z.storage_offset() if z.numel() else None  # numpy: 0 for empty
        res[lib] = (y, x.grad, y.grad_fn.name(), shares, z.stride(), offset,
                    z.is_contiguous())
    (yt, gt, *meta_t), (yo, go, *meta_o) = res[torch], res[teachtorch]
    assert_close(yo, yt)
    assert_close(go, gt)
    assert meta_o == meta_t


@pytest.mark.parametrize("name", ["int", "slice", "col", "list", "bool mask", "None mid",
                                  "mixed", "tensor pair", "three ints", "step"])
def test_setitem_values_and_grads(name):
    res = {}
    for lib in (torch, teachtorch):
        x = lib.tensor(DATA, requires_grad=True)
        y = x * 2
        target = y[_index(lib, name)]
        v = lib.tensor(np.linspace(-1, 1, target.numel(), dtype=np.float32)
                       .reshape(tuple(target.shape)), requires_grad=True)
        y[_index(lib, name)] = v
        w = lib.tensor(np.arange(y.numel(), dtype=np.float32).reshape(tuple(y.shape)))
        (y * w).sum().backward()
        res[lib] = (y, x.grad, v.grad, type(y.grad_fn).__name__,
                    [type(f[0]).__name__ for f in y.grad_fn.next_functions])
    (yt, gxt, gvt, *nt), (yo, gxo, gvo, *no) = res[torch], res[teachtorch]
    assert_close(yo, yt)
    assert_close(gxo, gxt)
    assert_close(gvo, gvt)
    assert no == nt


@pytest.mark.parametrize("value", [0.5, 3, "tensor0d", "row"])
def test_setitem_broadcast_values(value):
    out = []
    for lib in (torch, teachtorch):
        x = lib.zeros(3, 4)
        v = {"tensor0d": lib.tensor(7.0), "row": lib.arange(4.0)}.get(value, value)
        x[1:] = v
        x[:, 0] = v if not isinstance(value, str) or value == "tensor0d" else 9
        x[x > 2] = -1.0
        out.append(x.tolist())
    assert out[0] == out[1]


def test_setitem_mask_with_tensor_values():
    out = []
    for lib in (torch, teachtorch):
        a = lib.arange(6).view(2, 3)
        a[a > 2] = lib.tensor([7, 8, 9])
        out.append((a.tolist(), str(a.dtype)))
    assert out[0] == out[1]


def test_setitem_scalar_through_python_number_keeps_dtype():
    out = []
    for lib in (torch, teachtorch):
        a = lib.zeros(3, dtype=lib.int64)
        a[0] = 2.7  # truncated into the int tensor
        b = lib.zeros(3)
        b[1] = True
        out.append((a.tolist(), str(a.dtype), b.tolist(), str(b.dtype)))
    assert out[0] == out[1]


def test_write_through_view_of_non_leaf():
    """z = y[0]; z[1] = 5 rewrites y's history (CopySlices) and z's (AsStrided)."""
    res = {}
    for lib in (torch, teachtorch):
        x = lib.tensor(DATA[0], requires_grad=True)
        y = x * 3
        z = y[1]
        z[2] = 5.0
        loss = (y * lib.arange(15.0).view(5, 3)).sum() + (z * z).sum()
        loss.backward()
        res[lib] = (y, z, x.grad, type(y.grad_fn).__name__, type(z.grad_fn).__name__)
    (yt, zt, gt, *nt), (yo, zo, go, *no) = res[torch], res[teachtorch]
    assert_close(yo, yt)
    assert_close(zo, zt)
    assert_close(go, gt)
    assert no == nt


@pytest.mark.parametrize("fn,kind", [
    (lambda lib, x: x[5], IndexError), (lambda lib, x: x[:, 7], IndexError),
    (lambda lib, x: x[1, 2, 3], IndexError), (lambda lib, x: x[[5]], IndexError),
    (lambda lib, x: x[::-1], ValueError), (lambda lib, x: x[1.5], IndexError),
    (lambda lib, x: x[lib.tensor([[True]])], IndexError),
    (lambda lib, x: x[lib.tensor([0.0])], IndexError),
    (lambda lib, x: x[[0, 1], [0, 1, 2]], IndexError),
])
def test_getitem_errors(fn, kind):
    msgs = []
    for lib in (torch, teachtorch):
        x = lib.zeros(3, 4)
        with pytest.raises(kind) as e:
            fn(lib, x)
        msgs.append(str(e.value).split("\nhint:")[0])
    assert msgs[1] == msgs[0]


def test_zero_dim_index_error_like_old_loss_data_0():
    """Old course code wrote loss.data[0]; on a 0-dim loss torch raises IndexError."""
    msgs = []
    for lib in (torch, teachtorch):
        loss = (lib.ones(3, requires_grad=True) * 2).sum()
        with pytest.raises(IndexError) as e:
            loss.data[0]
        msgs.append(str(e.value))
    assert msgs[1].split("\nhint:")[0] == msgs[0]
    assert "loss.item()" in msgs[1]


def _put(index):
    def write(x):
        x[index(x)] = 1.0
    return write


@pytest.mark.parametrize("write", [
    _put(lambda x: 0), _put(lambda x: (0, 1)), _put(lambda x: [0]),
    _put(lambda x: x > 0), _put(lambda x: Ellipsis), _put(lambda x: (slice(None),
                                                                     slice(1, None)))])
def test_setitem_on_leaf_requiring_grad(write):
    msgs = []
    for lib in (torch, teachtorch):
        x = lib.ones(3, 4, requires_grad=True)
        with pytest.raises(RuntimeError) as e:
            write(x)
        msgs.append(str(e.value).split("\nhint:")[0])
        with lib.no_grad():
            write(x)  # allowed without recording
    assert msgs[1] == msgs[0]


def test_setitem_wrong_shape_raises_runtime_error():
    for lib in (torch, teachtorch):
        a = lib.zeros(3)
        with pytest.raises(RuntimeError):
            a[0] = lib.ones(2)
        with pytest.raises(RuntimeError):
            a[:2] = lib.ones(3)


def test_advanced_index_copies_basic_index_shares():
    """note 000: advanced indexing does not share storage; basic indexing does."""
    out = []
    for lib in (torch, teachtorch):
        a = lib.arange(9.0).view(3, 3)
        b = a[0]
        b[0] = 100
        c = a[[0]]
        c[0, 1] = -5
        d = a[a > 5]
        d[0] = 0
        out.append(a.tolist())
    assert out[0] == out[1]


def test_index_version_counter_detects_saved_tensor_change():
    msgs = []
    for lib in (torch, teachtorch):
        x = lib.ones(3, requires_grad=True)
        y = x.exp()  # saves its output
        y[0] = 0.0
        with pytest.raises(RuntimeError) as e:
            y.sum().backward()
        msgs.append(str(e.value))
    assert "modified by an inplace operation" in msgs[1]


def _inplace_cases():
    def add_row(x):
        y = x * 2
        y[0].add_(1)
        return y

    def zero_col_of_t(x):
        y = x * 2
        y.t()[0].zero_()
        return y

    def fill_flat_slice(x):
        y = x * 2
        y.view(12)[3:5].fill_(7)
        return y

    def exp_row(x):
        y = x * 2
        y[1].exp_()
        return y

    def diagonal_add(x):
        y = x.clone()
        y.diagonal().add_(5)
        return y

    def narrow_copy(x):
        y = x * 1
        y.narrow(1, 0, 2).copy_(x[:, 2:])
        return y

    def slice_iadd(x):
        y = x * 1
        y[1:, :2] += x[:2, 2:]
        return y

    def fill_non_view(x):
        y = x * 3
        y.fill_(2.0)
        return y

    def mul_saved_view(x):
        y = x * 2
        y[:, 1].mul_(y[:, 2])  # mul saved y[:, 2]; the write bumps its version
        return y

    return [add_row, zero_col_of_t, fill_flat_slice, exp_row, diagonal_add, narrow_copy,
            slice_iadd, fill_non_view, mul_saved_view]


@pytest.mark.parametrize("fn", _inplace_cases(), ids=lambda f: f.__name__)
def test_in_place_through_views_records_on_base(fn):
    """y[0].add_(1) on a non-leaf changes y's history (CopySlices) as in torch."""
    res = {}
    for lib in (torch, teachtorch):
        x = lib.tensor(np.arange(12, dtype=np.float32).reshape(3, 4) / 10,
                       requires_grad=True)
        try:
            y = fn(x)
            (y * lib.arange(12.0).view(3, 4)).sum().backward()
            res[lib] = (y, x.grad, type(y.grad_fn).__name__)
        except RuntimeError as e:
            res[lib] = str(e).split(", which is")[0]
    if isinstance(res[torch], str):
        assert res[teachtorch] == res[torch]
        return
    (yt, gt, nt), (yo, go, no) = res[torch], res[teachtorch]
    assert_close(yo, yt)
    assert_close(go, gt)
    assert no == nt


def test_filling_a_preallocated_tensor_with_results_keeps_the_graph():
    """out = zeros(T, H); out[t] = h_t (an RNN loop) makes out part of the graph."""
    res = []
    for lib in (torch, teachtorch):
        h = lib.tensor(np.arange(4, dtype=np.float32), requires_grad=True)
        out = lib.zeros(3, 4)
        for i in range(3):
            out[i] = h * (i + 1)
        (out * out).sum().backward()
        res.append((out.requires_grad, out.is_leaf, type(out.grad_fn).__name__,
                    h.grad.tolist(), out._version))
    assert res[1] == res[0]


@pytest.mark.parametrize("change", [
    lambda x: x[0].add_(1), lambda x: x[0].__setitem__((), 5.0),
    lambda x: x[:2].__setitem__(0, 5.0), lambda x: x.view(3).mul_(2),
    lambda x: x.unsqueeze(0).zero_(),
])
def test_in_place_through_view_of_leaf_is_refused(change):
    out = []
    for lib in (torch, teachtorch):
        x = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError) as e:
            change(x)
        out.append((str(e.value).split("\nhint:")[0], x.is_leaf, x.tolist()))
    assert out[1] == out[0]
