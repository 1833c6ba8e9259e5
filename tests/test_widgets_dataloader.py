"""DataLoaderView: batches from teachtorch's DataLoader agree with torch's where the
order is deterministic, are permutations where shuffled, and settings torch refuses
are shown as errors exactly when torch raises."""
import itertools

import pytest
import torch

import teachtorch
from teachtorch.viz import batches as bt
from teachtorch.widgets.dataloader_view import DataLoaderView


def run(lib, *args):
    try:
        return bt.batches(lib, *args)
    except (ValueError, TypeError, RuntimeError) as e:
        return e


def test_sweep_against_torch():
    for n, bs, shuffle, drop, sampler in itertools.product(
            [1, 7, 10], [0, 1, 3, 16], [False, True], [False, True], bt.SAMPLERS):
        args = (n, bs, shuffle, drop, sampler, 0)
        ours, theirs = run(teachtorch, *args), run(torch, *args)
        assert isinstance(ours, Exception) == isinstance(theirs, Exception), args
        if isinstance(theirs, Exception):
            assert str(ours).split("\n")[0] == str(theirs).split("\n")[0], args
            continue
        assert ours["n_batches"] == theirs["n_batches"], args
        assert [len(b) for b in ours["batches"]] == [len(b) for b in theirs["batches"]]
        if sampler in ("default", "sequential") and not shuffle:
            assert ours == theirs, args
        elif sampler == "weighted_random":
            assert all(0 <= i < n for b in ours["batches"] for i in b)
        else:  # a shuffle: same multiset of samples as torch yields
            pool = sorted(range(0, n, 2) if sampler == "subset_random" else range(n))
            got = sorted(i for b in ours["batches"] for i in b)
            assert set(got) <= set(pool) and len(got) == len(set(got))
            assert sorted(got + ours["unused"]) == list(range(n))


def test_view_controls():
    view = DataLoaderView(n=10, batch_size=3)
    assert view.state["batches"] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    first = view.state["svg"]
    view.controls["drop_last"].value = True
    assert view.state["unused"] == [9] and view.state["svg"] != first
    view.controls["shuffle"].value = True
    shuffled = view.state["batches"]
    view.controls["seed"].value = 1
    assert view.state["batches"] != shuffled  # another seed, another order
    view.controls["seed"].value = 0
    assert view.state["batches"] == shuffled  # and the same seed, the same order
    view.controls["sampler"].value = "random"
    assert "mutually exclusive with shuffle" in view.state["error"]
    assert view.controls["shuffle"].value is True  # not silently switched off
    view.controls["shuffle"].value = False
    assert view.state["error"] is None
    view.controls["batch_size"].value = 0
    assert view.state["error"].startswith(
        "ValueError: batch_size should be a positive integer value")
    assert "hint:" in view.state["error"]
    assert repr(view) == ("DataLoaderView(n=10, batch_size=0, shuffle=False, "
                          "drop_last=True, sampler='random', batches=None)")


def test_view_with_torch_loader():
    view = DataLoaderView(n=6, batch_size=4, lib=torch)
    assert view.state["batches"] == [[0, 1, 2, 3], [4, 5]]
    with pytest.raises(ValueError, match="unknown sampler"):
        bt.make_sampler(torch, "nope", 3, 0)
