"""The API coverage data (tests/api_coverage.json) agrees with teachtorch.

tools/api_audit.py sorts every public name of PyTorch 2.13 (read from the installed
torch with dir) and of torchvision (from its docs) into implemented / missing / out
of scope. This test keeps the file honest in both directions: an "implemented" name
exists, a "missing" or "out of scope" one raises PyTorch's AttributeError plus a hint,
and a name teachtorch gains while the file still calls it missing fails the test
(re-run the tool). Every torch name is in the file, so the file cannot fall behind
the installed torch either.
"""
import inspect
import json
import math
import os
import sys
import warnings

import pytest

import teachtorch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tools"))
import api_audit

with open(os.path.join(HERE, "api_coverage.json"), encoding="utf-8") as f:
    DATA = json.load(f)

OURS = {key: ours for key, _, ours in api_audit.NAMESPACES}
OURS.update({key: key.replace("torchvision", "teachtorch.vision")
             for key in api_audit.TORCHVISION})


def _ours(key):
    return api_audit._resolve(OURS[key])


def _cases(kind):
    for key, d in DATA["namespaces"].items():
        for name in d[kind]:
            yield key, name


def _get(obj, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(obj, name)


def _probe(key):
    """The object whose attribute we read: a tensor for torch.Tensor, else the module."""
    return teachtorch.zeros(2) if key == "torch.Tensor" else _ours(key)


def _wording(key, name):
    if key == "torch.Tensor":
        return f"'Tensor' object has no attribute '{name}'"
    return f"module '{_ours(key).__name__}' has no attribute '{name}'"


def test_file_is_for_the_installed_torch():
    torch = pytest.importorskip("torch")
    assert DATA["torch_version"] == torch.__version__.split("+")[0]


@pytest.mark.parametrize("key", [k for k, _, _ in api_audit.NAMESPACES])
def test_every_public_torch_name_is_in_the_file(key):
    pytest.importorskip("torch")
    theirs = {k: t for k, t, _ in api_audit.NAMESPACES}[key]
    names = set(api_audit.public_names(api_audit._resolve(theirs),
                                       is_class=":" in theirs))
    d = DATA["namespaces"][key]
    listed = set(d["implemented"]) | set(d["missing"]) | set(d["out_of_scope"])
    assert names == listed, "re-run: PYTHONPATH=. python tools/api_audit.py"


THEIRS = {key: theirs for key, theirs, _ in api_audit.NAMESPACES}
# known, stated differences of kind: teachtorch.autograd.variable is the module that
# defines Variable, where torch 2.13 has a function of that name
KIND_DIFFERS = {("torch.autograd", "variable")}


@pytest.mark.parametrize("key,name", list(_cases("implemented")))
def test_implemented_name_exists_and_is_callable_where_torchs_is(key, name):
    ours = _ours(key)
    value = _get(ours, name)  # on the class for torch.Tensor: methods, properties
    if key in THEIRS and (key, name) not in KIND_DIFFERS:
        pytest.importorskip("torch")
        theirs = _get(api_audit._resolve(THEIRS[key]), name)
        if inspect.ismodule(theirs):  # a namespace: ours may be a module or a class
            assert inspect.ismodule(value) or inspect.isclass(value), (key, name)
        else:
            assert callable(value) == callable(theirs), (key, name)
        if isinstance(theirs, (int, float, str)) and not isinstance(theirs, bool):
            same_nan = isinstance(theirs, float) and math.isnan(theirs) and \
                math.isnan(value)
            assert value == theirs or same_nan
    else:
        assert value is not None


@pytest.mark.parametrize("key,name", list(_cases("missing")) + list(_cases("out_of_scope")))
def test_absent_name_raises_pytorch_wording_and_a_hint(key, name):
    with pytest.raises(AttributeError) as info:
        _get(_probe(key), name)
    message = str(info.value)
    first, _, rest = message.partition("\n")
    assert first == _wording(key, name)
    assert rest.startswith("hint: ") and "is not in teachtorch" in rest
    why = DATA["namespaces"][key]["out_of_scope"].get(name)
    if why is not None:  # the reason the file gives is the reason the learner reads
        assert why in rest


def test_a_name_teachtorch_gains_makes_the_file_stale(monkeypatch):
    # the check above is what catches it: pretend teachtorch grew a missing name
    key, name = next(_cases("missing"))
    monkeypatch.setattr(_ours(key), name, lambda *a: None, raising=False)
    with pytest.raises(pytest.fail.Exception):
        test_absent_name_raises_pytorch_wording_and_a_hint(key, name)


def test_classification_matches_the_tool():
    pytest.importorskip("torch")
    fresh = api_audit.audit()
    for key, d in DATA["namespaces"].items():
        assert fresh["namespaces"][key] == d, (
            f"{key} changed; re-run: PYTHONPATH=. python tools/api_audit.py")


def test_hint_suggests_close_names_for_a_typo():
    with pytest.raises(AttributeError) as info:
        teachtorch.zerso  # noqa: B018
    assert "Did you mean: zeros" in str(info.value)


def test_out_of_scope_hint_says_why():
    with pytest.raises(AttributeError) as info:
        teachtorch.sparse_coo_tensor  # noqa: B018
    assert "sparse tensors" in str(info.value)


def test_private_and_dunder_names_get_plain_errors():
    with pytest.raises(AttributeError) as info:
        teachtorch.zeros(1)._no_such_thing  # noqa: B018
    assert "hint" not in str(info.value)
    assert not hasattr(teachtorch, "__wrapped__")


def test_readme_figures_match_the_file():
    with open(os.path.join(HERE, "..", "README.md"), encoding="utf-8") as f:
        readme = f.read()
    assert api_audit.table(DATA) in readme, (
        "README's API coverage table is stale; paste tools/api_audit.py --table")


def test_absent_tensor_names_file_is_the_audits():
    from teachtorch._tensor_absent import ABSENT

    d = DATA["namespaces"]["torch.Tensor"]
    assert set(ABSENT) == set(d["missing"]) | set(d["out_of_scope"])


def test_tensor_attribute_lookups_stay_plain():
    # the hints live in class attributes, not in a Tensor.__getattr__ (which would
    # slow every attribute access): a name nobody has gets Python's plain error
    assert "__getattr__" not in vars(teachtorch.Tensor)
    assert not any("__getattr__" in vars(c) for c in teachtorch.Tensor.__mro__[:-1])
    with pytest.raises(AttributeError) as info:
        teachtorch.zeros(1).no_such_method  # noqa: B018
    assert str(info.value) == "'Tensor' object has no attribute 'no_such_method'"
