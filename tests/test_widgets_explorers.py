"""StorageView and BroadcastView against torch: strides, offsets, shared memory,
result shapes and PyTorch's exact broadcasting error."""
import itertools

import numpy as np
import pytest
import torch

import teachtorch
from teachtorch.viz import broadcasting, storage
from teachtorch.widgets.explorers import PRESETS, BroadcastView, StorageView

SHAPES = [(), (1,), (3,), (4,), (2, 1), (1, 4), (3, 4), (2, 3, 4), (2, 1, 4), (5, 1, 1),
          (3, 1), (4, 3), (0,), (0, 1)]


def test_broadcast_model_matches_torch():
    for a, b in itertools.product(SHAPES, SHAPES):
        res = broadcasting.explain(a, b)
        try:
            expected, err = tuple((torch.zeros(a) + torch.zeros(b)).shape), None
        except RuntimeError as e:
            expected, err = None, str(e)
        assert res["shape"] == expected, (a, b)
        if err is not None:
            assert res["error"].split("\n")[0] == err
            assert "\nhint:" in res["error"]


def test_broadcast_model_matches_teachtorch():
    for a, b in itertools.product(SHAPES[:10], SHAPES[:10]):
        res = broadcasting.explain(a, b)
        try:
            got = tuple((teachtorch.zeros(a) + teachtorch.zeros(b)).shape)
        except RuntimeError:
            got = None
        assert res["shape"] == got, (a, b)


def test_broadcast_view_controls():
    view = BroadcastView((2, 3, 1), (3, 4))
    assert view.state["shape"] == (2, 3, 4) and view.state["error"] is None
    first = view.state["svg"]
    view.controls["b"].value = "4, 4"
    assert view.state["shape"] is None
    assert view.state["error"].startswith(
        "The size of tensor a (3) must match the size of tensor b (4) at "
        "non-singleton dimension 1")
    assert view.state["svg"] != first and "#c00000" in view._error.value
    view.controls["b"].value = "three"
    assert "could not read a shape" in view.state["error"]
    view.controls["b"].value = "(1, 4)"
    assert view.state["shape"] == (2, 3, 4) and view.state["error"] is None
    assert repr(view) == "BroadcastView(a=(2, 3, 1), b=(1, 4), shape=(2, 3, 4))"


@pytest.mark.parametrize("expr", PRESETS)
def test_storage_view_matches_torch(expr):
    xt = torch.arange(12.0).reshape(3, 4)
    view = StorageView(teachtorch.arange(12.0).reshape(3, 4), expr=expr)
    s = view.state
    try:
        ref = eval(expr, {}, {"x": xt})
    except RuntimeError as e:  # e.g. x.t().view(12): the view shows the same error
        assert s["error"].startswith("RuntimeError: " + str(e).split("\n")[0])
        return
    assert s["error"] is None
    assert s["view"]["shape"] == tuple(ref.shape)
    assert s["view"]["stride"] == ref.stride()
    assert s["view"]["offset"] == ref.storage_offset()
    assert s["view"]["contiguous"] == ref.is_contiguous()
    assert s["shares"] == storage.shares_storage(xt, ref)
    if s["shares"]:  # the index of every element: read the storage at it
        flat = xt.flatten().numpy()
        np.testing.assert_array_equal(flat[np.asarray(s["indices"])], ref.numpy())


def test_storage_view_errors_and_picture():
    view = StorageView(teachtorch.arange(12.0).reshape(3, 4), expr="x.t()")
    shared = view.state["svg"]
    view.controls["expr"].value = "x.t().view(12)"
    ref_err = None
    try:
        torch.arange(12.0).reshape(3, 4).t().view(12)
    except RuntimeError as e:
        ref_err = str(e)
    assert view.state["error"].startswith("RuntimeError: " + ref_err.split("\n")[0][:40])
    view.controls["expr"].value = "x.shape"
    assert "not a tensor" in view.state["error"]
    view.controls["expr"].value = "x[[0, 2]]"
    assert view.state["shares"] is False and view.state["svg"] != shared
    assert "0x" not in repr(view)
