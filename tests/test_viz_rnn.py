"""RNNUnrollView: hidden states equal nn.RNN / nn.LSTM / nn.GRU with the same weights;
the connectivity heatmap equals |dh_t/dx_k| from torch's autograd; a vanilla RNN's
early inputs fade much faster than an LSTM's.
"""
import numpy as np
import pytest
import torch

from teachtorch.viz import rnn_unroll as ru
from teachtorch.widgets import RNNUnrollView

MODULES = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def torch_module(cell, weights):
    hidden = weights["weight_hh_l0"].shape[1]
    m = MODULES[cell](weights["weight_ih_l0"].shape[1], hidden)
    with torch.no_grad():
        for name, value in weights.items():
            getattr(m, name).copy_(torch.tensor(value))
    return m


@pytest.mark.parametrize("cell", ru.CELLS)
def test_hidden_states_and_gates_match_torch(cell):
    w = ru.make_weights(cell, 3, 4, seed=1)
    x = ru.sample_sequence("sine", 7, 3)
    res = ru.unroll(cell, x, w)
    out, state = torch_module(cell, w)(torch.tensor(x)[:, None, :])
    np.testing.assert_allclose(res["h"], out[:, 0].detach().numpy(), atol=1e-6)
    if cell == "lstm":
        np.testing.assert_allclose(res["c"][-1], state[1][0, 0].detach().numpy(),
                                   atol=1e-6)
        # the forget gate at t=0 from the module's own weights: sigma(W_if x0 + b)
        wf = w["weight_ih_l0"][4:8].astype(np.float64)
        b = (w["bias_ih_l0"] + w["bias_hh_l0"])[4:8].astype(np.float64)
        np.testing.assert_allclose(res["f"][0], 1 / (1 + np.exp(-(wf @ x[0] + b))),
                                   atol=1e-6)


@pytest.mark.parametrize("cell", ru.CELLS)
def test_connectivity_equals_torch_jacobian(cell):
    w = ru.make_weights(cell, 3, 4, seed=2)
    x = ru.sample_sequence("ramp", 6, 3)
    m = torch_module(cell, w).double()
    jac = torch.autograd.functional.jacobian(
        lambda xx: m(xx[:, None, :])[0][:, 0], torch.tensor(x, dtype=torch.float64))
    expected = jac.pow(2).sum(dim=(1, 3)).sqrt().numpy()
    np.testing.assert_allclose(ru.connectivity(cell, x, w), expected, rtol=1e-9,
                               atol=1e-12)
    assert np.all(np.triu(expected, 1) == 0)  # no step depends on a later input


def test_vanishing_gradients_rnn_vs_lstm():
    ratios = {}
    for cell in ("rnn", "lstm"):
        view = RNNUnrollView(cell=cell, seq_len=20, hidden_size=4)
        ratios[cell] = view.state["ratio_first_last"]
    assert ratios["rnn"] < 1e-5
    assert ratios["lstm"] > 100 * ratios["rnn"]


def test_view_accepts_a_module_and_shows_its_weights():
    torch.manual_seed(0)
    gru = torch.nn.GRU(2, 5)
    view = RNNUnrollView(module=gru, seq_len=6, sequence="pulse")
    assert view.state["cell"] == "gru" and view.state["hidden_size"] == 5
    assert view.controls["cell"].disabled and view.controls["hidden_size"].disabled
    x = ru.sample_sequence("pulse", 6, 2)
    out, _ = gru(torch.tensor(x)[:, None, :])
    np.testing.assert_allclose(view.state["h"], out[:, 0].detach().numpy(), atol=1e-6)


def test_teachtorch_module_gives_same_states_as_torch():
    tnn = pytest.importorskip("teachtorch.nn")
    if not hasattr(tnn, "LSTM"):
        pytest.skip("teachtorch.nn.LSTM not there yet")
    import teachtorch

    teachtorch.manual_seed(0)
    lstm = tnn.LSTM(3, 4)
    cell, w = ru.weights_from_module(lstm)
    view = RNNUnrollView(module=lstm, seq_len=5)
    out, _ = torch_module(cell, w)(torch.tensor(ru.sample_sequence("sine", 5, 3))[:, None])
    np.testing.assert_allclose(view.state["h"], out[:, 0].detach().numpy(), atol=1e-5)


def test_controls_sweep_never_raise_and_invalid_settings_are_named():
    view = RNNUnrollView(cell="lstm", seq_len=5)
    c = view.controls
    pictures = set()
    for t in range(5):
        c["time"].value = t
        assert view.state["error"] is None
        assert view.state["stage_values"] == pytest.approx(view.state["h"][t])
        pictures.add(view.state["svg"])
    assert len(pictures) == 5
    for stage in ru.STAGES["lstm"]:
        c["stage"].value = stage
        assert view.state["equation"] == ru.EQUATIONS[("lstm", stage)]
    c["stage"].value = "forget"
    c["cell"].value = "rnn"  # an RNN has no forget gate: said, not changed
    assert c["stage"].value == "forget"
    assert "not part of an RNN cell" in view.state["error"]
    assert "hint:" in view.state["error"] and "#c00000" in view._error.value
    c["stage"].value = "hidden"
    c["time"].value = 7
    assert "past the end" in view.state["error"] and view.state["time"] == 7
    c["seq_len"].value = 8
    assert view.state["error"] is None
    for cell in ru.CELLS:
        c["cell"].value = cell
        for hidden in (1, 8):
            c["hidden_size"].value = hidden
            assert np.asarray(view.state["h"]).shape == (8, hidden)
    assert repr(view) == ("RNNUnrollView(cell='gru', seq_len=8, hidden_size=8, time=7, "
                          "stage='hidden', from_module=False)")
    assert "0x" not in repr(view)
    assert view._repr_mimebundle_()["image/svg+xml"].startswith("<svg")
