"""ConvWindowView: output shapes, errors, windows and values against torch's F.conv2d,
F.max_pool2d, F.avg_pool2d, F.conv_transpose2d over a sweep of every setting.

state["error"] is set exactly when torch raises; state["output_shape"] equals torch's
shape otherwise; the arithmetic's value equals torch's output at the chosen cell.
"""
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from teachtorch.viz import conv_geometry as geo
from teachtorch.widgets import ConvWindowView


def torch_run(mode, x, w, k, s, p, d, ceil_mode, op=0):
    """torch's output for the view's sample numbers, or the exception it raises."""
    x = torch.tensor(x)[None, None]
    w = torch.tensor(w)[None, None]
    try:
        if mode == "conv2d":
            return F.conv2d(x, w, torch.ones(1), stride=s, padding=p, dilation=d)
        if mode == "max_pool2d":
            return F.max_pool2d(x, k, s, p, d, ceil_mode=ceil_mode)
        if mode == "avg_pool2d":
            if d != 1:
                return F.avg_pool2d(x, k, s, p, ceil_mode=ceil_mode, dilation=d)
            return F.avg_pool2d(x, k, s, p, ceil_mode=ceil_mode)
        return F.conv_transpose2d(x, w, torch.ones(1), stride=s, padding=p,
                                  output_padding=op, dilation=d)
    except (RuntimeError, TypeError) as e:
        return e


# torch's conv2d words a zero dilation differently depending on the kernel it picks
BACKEND_DEPENDENT = {"non-positive dilation is not supported"}

SWEEP = list(itertools.product(["conv2d", "max_pool2d", "avg_pool2d"], [1, 4, 7],
                               [6], [1, 2, 3, 5], [0, 1, 2, 3], [0, 1, 2, 3],
                               [0, 1, 2], [False, True]))


def test_model_matches_torch_over_a_full_sweep():
    n_err = 0
    for mode, h, w, k, s, p, d, ceil in SWEEP:
        if mode == "conv2d" and ceil:
            continue
        got = geo.compute(mode, (h, w), k, s, p, d, ceil)
        ref = torch_run(mode, got["x"], got["weight"], k, s, p, d, ceil)
        case = (mode, h, w, k, s, p, d, ceil)
        if isinstance(ref, Exception):
            n_err += 1
            assert got["error"] is not None, (case, ref)
            assert "hint:" in got["error"]
            ours, theirs = got["error"].split("\n")[0], str(ref).split("\n")[0]
            if isinstance(ref, RuntimeError) and theirs not in BACKEND_DEPENDENT:
                assert ours == theirs, case  # PyTorch's words
            continue
        assert got["error"] is None, (case, got["error"])
        assert got["output_shape"] == tuple(ref.shape), case
        np.testing.assert_allclose(got["output"], ref[0, 0].numpy(), rtol=1e-6,
                                   atol=1e-5, err_msg=str(case))
    assert n_err > 100  # the sweep does reach the invalid settings


def test_conv_transpose2d_matches_torch():
    for h, k, s, p, d, op in itertools.product([1, 3, 5], [1, 2, 3], [0, 1, 2, 3],
                                               [0, 1, 2], [0, 1, 2], [0, 1, 2]):
        got = geo.compute("conv_transpose2d", (h, 4), k, s, p, d, False, op)
        ref = torch_run("conv_transpose2d", got["x"], got["weight"], k, s, p, d,
                        False, op)
        case = (h, k, s, p, d, op)
        if isinstance(ref, Exception):
            assert got["error"] is not None, case
        elif ref.numel() == 0:
            # torch's backend returns an empty tensor for a few (0 x W) cases that it
            # refuses on other paths; our model always names the too-small output
            assert got["error"] is not None or got["output_shape"] == tuple(ref.shape)
        else:
            assert got["output_shape"] == tuple(ref.shape), case
            np.testing.assert_allclose(got["output"], ref[0, 0].numpy(), atol=1e-5)


def test_ceil_mode_last_window_rule_in_formula():
    # H=6, k=2, s=2, p=1, ceil: ceil(5/2)+1 = 4, but window 3 would start at 6 >= 6+1?
    got = geo.compute("max_pool2d", (5, 5), 2, 2, 1, 1, True)
    ref = F.max_pool2d(torch.zeros(1, 1, 5, 5), 2, 2, 1, ceil_mode=True)
    assert got["output_shape"] == tuple(ref.shape)
    got = geo.compute("max_pool2d", (4, 4), 2, 2, 1, 1, True)
    ref = F.max_pool2d(torch.zeros(1, 1, 4, 4), 2, 2, 1, ceil_mode=True)
    assert got["output_shape"] == tuple(ref.shape) == (1, 1, 3, 3)
    assert "last window would start at 4 >= 4 + 1" not in " ".join(got["formula"])
    got = geo.compute("max_pool2d", (5, 5), 3, 3, 1, 1, True)
    ref = F.max_pool2d(torch.zeros(1, 1, 5, 5), 3, 3, 1, ceil_mode=True)
    assert got["output_shape"] == tuple(ref.shape)


def test_teachtorch_functional_agrees_with_the_model():
    tf = pytest.importorskip("teachtorch.nn.functional")
    import teachtorch

    if not all(hasattr(tf, n) for n in ("conv2d", "max_pool2d", "avg_pool2d")):
        pytest.skip("teachtorch's F.conv2d / max_pool2d / avg_pool2d not there yet")
    for mode, h, w, k, s, p, d, ceil in SWEEP[::7]:
        if (mode == "conv2d" and ceil) or (mode == "avg_pool2d" and d != 1):
            continue
        got = geo.compute(mode, (h, w), k, s, p, d, ceil)
        if got["error"] is not None:
            continue
        x = teachtorch.tensor(got["x"])[None, None]
        wt = teachtorch.tensor(got["weight"])[None, None]
        if mode == "conv2d":
            out = tf.conv2d(x, wt, teachtorch.ones(1), stride=s, padding=p, dilation=d)
        elif mode == "max_pool2d":
            out = tf.max_pool2d(x, k, s, p, d, ceil_mode=ceil)
        else:
            out = tf.avg_pool2d(x, k, s, p, ceil_mode=ceil)
        assert tuple(out.shape) == got["output_shape"]
        np.testing.assert_allclose(np.asarray(out._data)[0, 0], got["output"],
                                   atol=1e-5)


def test_view_sweep_errors_exactly_when_torch_raises():
    view = ConvWindowView()
    c = view.controls
    for mode in ("conv2d", "max_pool2d", "avg_pool2d"):
        c["mode"].value = mode
        for k, s, p, d in itertools.product([1, 3, 5], [0, 1, 2], [0, 2], [0, 1, 2]):
            c["kernel_size"].value, c["stride"].value = k, s
            c["padding"].value, c["dilation"].value = p, d
            ref = torch_run(mode, geo.sample_input(7, 7), geo.sample_weight(k, k), k,
                            s, p, d, False)
            st = view.state
            assert (st["error"] is not None) == isinstance(ref, Exception), \
                (mode, k, s, p, d)
            assert (st["padding"], st["stride"]) == (p, s)  # never clamped
            if st["error"] is None:
                assert st["output_shape"] == tuple(ref.shape)
                assert st["value"] == pytest.approx(float(ref[0, 0, 0, 0]))
            else:
                assert "hint:" in st["error"] and "#c00000" in view._error.value
                assert "c00000" in st["svg"]


def test_window_arithmetic_and_reverse_pattern_match_torch_gradient():
    view = ConvWindowView(mode="conv2d", input_size=(6, 7), kernel_size=3, stride=2,
                          padding=1, dilation=1)
    c = view.controls
    ref = torch_run("conv2d", geo.sample_input(6, 7), geo.sample_weight(3, 3), 3, 2, 1,
                    1, False)
    ho, wo = ref.shape[2:]
    pictures = set()
    for i, j in itertools.product(range(ho), range(wo)):
        c["out_row"].value, c["out_col"].value = i, j
        assert view.state["value"] == pytest.approx(float(ref[0, 0, i, j]))
        assert view.state["arithmetic"].endswith(f"= {float(ref[0, 0, i, j]):g}")
        pictures.add(view.state["svg"])
    assert len(pictures) == ho * wo
    # reverse: the outputs an input cell feeds = where d out / d x[r, c] != 0
    # (conv with an all-ones kernel, so no tap has weight zero)
    x = torch.tensor(geo.sample_input(6, 7))[None, None].requires_grad_()
    jac = torch.autograd.functional.jacobian(
        lambda t: F.conv2d(t, torch.ones(1, 1, 3, 3), stride=2, padding=1), x)[0, 0]
    c["reverse"].value = True
    for r, cc in [(0, 0), (2, 3), (5, 6)]:
        c["in_row"].value, c["in_col"].value = r, cc
        expected = [tuple(int(v) for v in ij) for ij in
                    torch.nonzero(jac[:, :, 0, 0, r, cc]).tolist()]
        assert sorted(view.state["fed_outputs"]) == sorted(expected)
    c["in_row"].value = 9
    assert "outside the 6 x 7 input" in view.state["error"]


def test_out_of_range_cell_play_and_repr():
    view = ConvWindowView(mode="max_pool2d", kernel_size=2, stride=2)
    c = view.controls
    assert view.state["output_shape"] == (1, 1, 3, 3)
    c["out_row"].value = 5
    assert view.state["out_cell"] == (5, 0) and "outside the 3 x 3" in view.state["error"]
    c["out_row"].value = 0
    assert c["play"].max == 8
    c["play"].value = 7
    assert view.state["out_cell"] == (2, 1) and view.state["error"] is None
    assert view.state["arithmetic"].startswith("max(")
    again = ConvWindowView(mode="max_pool2d", kernel_size=2, stride=2)
    assert repr(again) == ("ConvWindowView(mode='max_pool2d', input_size=(7, 7), "
                           "kernel_size=2, stride=2, padding=0, dilation=1, "
                           "ceil_mode=False, output_shape=(1, 1, 3, 3))")
    assert view._repr_mimebundle_()["image/svg+xml"].startswith("<svg")


def test_avg_pool_arithmetic_shows_pytorchs_divisor():
    for p, ceil in [(0, False), (1, False), (1, True)]:
        view = ConvWindowView(mode="avg_pool2d", input_size=(6, 6), kernel_size=3,
                              stride=2, padding=p, ceil_mode=ceil)
        ref = F.avg_pool2d(torch.tensor(geo.sample_input(6, 6))[None, None], 3, 2, p,
                           ceil_mode=ceil)[0, 0]
        ho, wo = ref.shape
        for i, j in [(0, 0), (ho - 1, wo - 1)]:
            view.controls["out_row"].value, view.controls["out_col"].value = i, j
            terms, rest = view.state["arithmetic"][1:].split(") / ")
            divisor = int(rest.split(" = ")[0])
            total = sum(float(t) for t in terms.split(" + "))
            assert total / divisor == pytest.approx(float(ref[i, j]), rel=1e-5)
