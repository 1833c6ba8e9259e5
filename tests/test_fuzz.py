"""The differential fuzz of learner mistakes (tests/fuzz): every case, torch vs teachtorch.

Each case runs on both libraries in worker processes with a time limit; the test fails
listing every case whose result differs (value, exception type, PyTorch's first message
line, a crash or hang, a NumPy error or warning that reaches the learner), except the
ones listed in tests/fuzz/known.py with the reason they still differ.
"""
import pytest

from tests.fuzz.known import KNOWN
from tests.fuzz.runner import KINDS, load_cases, run_kind

torch = pytest.importorskip("torch")


def test_fuzz_has_enough_cases_of_every_kind():
    cases = load_cases()
    assert sum(len(c) for c in cases.values()) >= 500
    assert all(len(cases[k]) >= 40 for k in KINDS), {k: len(c) for k, c in cases.items()}
    names = [n for c in cases.values() for n, _ in c]
    assert len(names) == len(set(names)), "case names must be unique"


@pytest.mark.parametrize("kind", KINDS)
def test_fuzz_kind_matches_torch(kind):
    rows = run_kind(kind, load_cases()[kind])
    bad = [f"{name} ({m[0]}): {m[1]}" for name, _, m in rows
           if m is not None and name not in KNOWN]
    assert not bad, f"{len(bad)} of {len(rows)} {kind} cases differ from torch:\n" + \
        "\n".join(bad)
