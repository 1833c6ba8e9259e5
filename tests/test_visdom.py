"""teachtorch.utils.visdom against a real visdom server on 127.0.0.1 (started here).

The oracle is the real visdom client fed NumPy arrays: the same calls made with
teachtorch tensors through our adapter must leave the same window data on the server.
"""
import json
import socket
import subprocess
import sys
import time

import pytest

import teachtorch

pytest.importorskip("visdom")
import visdom as real_visdom

from teachtorch.utils import visdom

# visdom's `python -m visdom.server` first downloads its browser scripts from CDNs;
# the API works without them, so start the server's main() directly (no network).
SERVER = ("import sys; from visdom.server.run_server import main; "
          "sys.argv[0] = 'visdom.server'; main()")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    env_dir = tmp_path_factory.mktemp("visdom_env")
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, "-port", str(port), "--hostname", "127.0.0.1",
         "-env_path", str(env_dir), "-logging_level", "40"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 30
        while not visdom.server_reachable("http://127.0.0.1", port, 0.5):
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail("visdom server did not start: "
                            + proc.stderr.read().decode(errors="replace")[-2000:])
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def clients(port, env):
    kw = {"server": "http://127.0.0.1", "port": port, "use_incoming_socket": False,
              "raise_exceptions": True}
    return (visdom.Visdom(env=env + "_ours", **kw),
            real_visdom.Visdom(env=env + "_ref", **kw))


def window(client, win):
    data = json.loads(client.get_window_data(win, env=client.env))
    for key in ("id", "i", "contentID"):  # per-window ids the server makes up
        data.pop(key, None)
    return data


def test_line_append_and_new_trace_like_numpy(server):
    ours, ref = clients(server, "line")
    x = teachtorch.arange(1, 30, 0.5)
    for client, conv in ((ours, lambda t: t), (ref, lambda t: t.numpy())):
        client.line(X=conv(x), Y=conv(teachtorch.sin(x)), win="sinx",
                    opts={"title": "y=sin(x)"})
        for ii in range(3):
            step = teachtorch.Tensor([ii])
            client.line(X=conv(step), Y=conv(step), win="poly",
                        update="append" if ii > 0 else None)
        xs = teachtorch.arange(0, 9, 1.0)
        client.line(X=conv(xs), Y=conv(xs ** 2 / 9), win="poly", name="new trace",
                    update="new")
    for win in ("sinx", "poly"):
        assert window(ours, win) == window(ref, win)
    traces = window(ours, "poly")["content"]["data"]
    assert traces[0]["y"] == [0, 1, 2]
    assert traces[1]["name"] == "new trace"
    assert window(ours, "sinx")["title"] == "y=sin(x)"


def test_images_and_text_like_numpy(server):
    ours, ref = clients(server, "img")
    teachtorch.manual_seed(0)
    gray = teachtorch.rand(16, 16)
    color = teachtorch.rand(3, 16, 16)
    batch = teachtorch.rand(12, 3, 8, 8)
    for client, conv in ((ours, lambda t: t), (ref, lambda t: t.numpy())):
        client.image(conv(gray), win="gray")
        client.image(conv(color), win="color")
        client.images(conv(batch), nrow=6, win="batch", opts={"title": "random_imgs"})
        client.text("hello<br>world", win="text")
    for win in ("gray", "color", "batch", "text"):
        assert window(ours, win) == window(ref, win)
    assert window(ours, "batch")["content"]["src"].startswith("data:image/png;base64,")


def test_tensor_that_requires_grad_is_detached(server):
    ours, _ = clients(server, "grad")
    w = teachtorch.ones(4, requires_grad=True)
    ours.line(Y=w * 2, win="w")
    assert window(ours, "w")["content"]["data"][0]["y"] == [2, 2, 2, 2]


def test_missing_server_fails_fast_with_a_hint():
    port = free_port()  # nothing listens here
    t0 = time.perf_counter()
    with pytest.raises(ConnectionError) as err:
        visdom.Visdom(server="http://127.0.0.1", port=port, use_incoming_socket=False)
    assert time.perf_counter() - t0 < 5
    assert "Error connecting to Visdom server" in str(err.value)
    assert "\nhint: " in str(err.value) and "python -m visdom.server" in str(err.value)
