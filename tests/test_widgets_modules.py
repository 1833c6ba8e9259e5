"""ModuleTreeView / StateDictDiffView: the same model built with torch and teachtorch
gives the same tree; the diff agrees with torch's load_state_dict(strict=False)."""
import numpy as np
import pytest
import torch

import teachtorch
from teachtorch.viz import modules
from teachtorch.widgets.module_views import ModuleTreeView, StateDictDiffView


def net(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(),
                         nn.Sequential(nn.Linear(8, 3), nn.Tanh()))


def test_tree_matches_torch():
    ours, theirs = modules.module_tree(net(teachtorch)), modules.module_tree(net(torch))
    assert ours == theirs
    assert ours[0]["total"] == sum(p.numel() for p in net(torch).parameters()) == 67
    assert [r["name"] for r in ours] == ["(root)", "0", "1", "2", "2.0", "2.1"]


def test_tree_view_depth_and_hook_tap():
    torch.manual_seed(0)
    model = net(torch)
    x = torch.randn(5, 4)
    view = ModuleTreeView(model, example_input=x)
    acts = view.state["activations"]
    assert [a["name"] for a in acts] == ["0", "1", "2.0", "2.1"]
    h = model[0](x).detach()
    assert acts[0]["shape"] == (5, 8)
    assert acts[0]["mean"] == pytest.approx(float(h.mean()), abs=1e-6)
    assert acts[1]["zeros"] == pytest.approx(float((h.relu() == 0).float().mean()))
    assert not model[0]._forward_hooks  # hooks removed again
    view.controls["depth"].value = 1
    assert [r["name"] for r in view.state["rows"]] == ["(root)", "0", "1", "2"]
    view.controls["tap"].value = False
    assert view.state["activations"] == []
    assert ModuleTreeView(model).controls["tap"].disabled
    assert repr(view) == "ModuleTreeView(Sequential, modules=6, parameters=67, depth=1)"


@pytest.mark.parametrize("case", ["ok", "missing", "extra", "shape", "dataparallel"])
def test_state_dict_diff_matches_torch(case):
    model = net(torch)
    sd = dict(model.state_dict())
    if case == "missing":
        del sd["2.0.bias"]
    elif case == "extra":
        sd["head.weight"] = torch.zeros(2, 3)
    elif case == "shape":
        sd["0.weight"] = torch.zeros(9, 4)
    elif case == "dataparallel":
        sd = {"module." + k: v for k, v in sd.items()}
    diff = modules.state_dict_diff(model.state_dict(), sd)
    if case == "shape":
        with pytest.raises(RuntimeError, match="size mismatch for 0.weight"):
            model.load_state_dict(sd, strict=False)
        assert diff["mismatched"] == [("0.weight", (9, 4), (8, 4))]
        return
    result = net(torch).load_state_dict(sd, strict=False)
    assert diff["missing"] == result.missing_keys
    assert diff["unexpected"] == result.unexpected_keys
    view = StateDictDiffView(net(teachtorch), sd)
    assert view.state["missing"] == result.missing_keys
    assert view.state["ok"] == (case == "ok")
    if case == "dataparallel":
        assert "module." in view.state["error"] and "DataParallel" in view.state["error"]
        view.controls["strip_module"].value = True
        assert view.state["ok"] and view.state["error"] is None
    if case == "missing":
        assert view.state["missing_groups"] == {"2": ["2.0.bias"]}
        assert view.state["error"].startswith(
            "Error(s) in loading state_dict for Sequential")
        np.testing.assert_equal("#c00000" in view._error.value, True)
