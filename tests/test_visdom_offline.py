"""Without the visdom package, teachtorch's Visdom still records line() offline in
the real client's message format, and refuses a missing server the same way."""
import json

import numpy as np
import pytest

import teachtorch as torch
from teachtorch.utils import _visdom_offline
from teachtorch.utils import visdom as tt_visdom


def _calls(vis):
    x = torch.arange(1, 30, 0.01)
    vis.line(X=x, Y=torch.sin(x), win="sinx", opts={"title": "y=sin(x)"})
    for ii in range(4):
        x = torch.Tensor([ii])
        vis.line(X=x, Y=x, win="polynomial", update="append" if ii > 0 else None)


def test_offline_log_matches_the_real_client(tmp_path):
    real_visdom = pytest.importorskip("visdom")
    ours, theirs = tmp_path / "ours.log", tmp_path / "theirs.log"
    _calls(_visdom_offline.OfflineVisdom(env="test1", log_to_filename=str(ours)))
    real = real_visdom.Visdom(env="test1", offline=True, log_to_filename=str(theirs),
                              use_incoming_socket=False)
    x = torch.arange(1, 30, 0.01)
    real.line(X=x.numpy(), Y=torch.sin(x).numpy(), win="sinx",
              opts={"title": "y=sin(x)"})
    for ii in range(4):
        v = np.array([float(ii)], dtype=np.float32)
        real.line(X=v, Y=v, win="polynomial", update="append" if ii > 0 else None)
    a = [json.loads(line) for line in ours.read_text().splitlines()]
    b = [json.loads(line) for line in theirs.read_text().splitlines()]
    assert [m[0] for m in a] == [m[0] for m in b] == ["events", "events", "update",
                                                        "update", "update"]
    for (_, ma), (_, mb) in zip(a, b):
        assert set(ma) == set(mb)
        assert ma["win"] == mb["win"] and ma["eid"] == mb["eid"]
        assert ma["layout"] == mb["layout"] and ma["opts"] == mb["opts"]
        ta, tb = ma["data"][0], mb["data"][0]
        assert {k: v for k, v in ta.items() if k not in "xy"} == \
            {k: v for k, v in tb.items() if k not in "xy"}
        np.testing.assert_allclose(ta["x"], tb["x"], rtol=1e-6)
        np.testing.assert_allclose(ta["y"], tb["y"], rtol=1e-6)


def test_other_methods_ask_for_the_package(tmp_path):
    vis = _visdom_offline.OfflineVisdom(log_to_filename=str(tmp_path / "v.log"))
    with pytest.raises(ModuleNotFoundError, match="pip install visdom"):
        vis.image(np.zeros((3, 4, 4)))


def test_missing_server_is_the_same_error_either_way():
    # port 9 (discard) on localhost: nothing listens there in the test machines
    with pytest.raises(ConnectionError, match="Error connecting to Visdom server"):
        tt_visdom.Visdom(port=9, connect_timeout=0.5)
