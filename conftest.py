"""What the tests need from the system, and one line per missing thing at the end.

graphviz's ``dot`` and Debian's Chromium are system programs, not pip packages.
``make test`` installs them when it can (root with apt-get, see
tools/system_packages.sh). Where it cannot, a test marked ``@pytest.mark.needs("dot")``
or ``needs("chromium")`` is skipped, and the end of the run prints one line per group:
what was skipped and the command that brings it back. Notebooks that draw graphs still
run without ``dot`` (chapters/conftest.py allows the one "dot not found" warning) and
are counted here the same way.

``TEACHTORCH_REQUIRE_SYSTEM=1`` (set by .ci/run) turns those skips into failures, so CI
runs everything. This file sits at the repository root so that both ``pytest tests``
and ``pytest --nbval chapters`` load it.

It also puts tests/support on ``sys.path`` and ``PYTHONPATH`` (so DataLoader workers
and subprocesses, chapter 18's included, see it): the simulated CuPy that
``TEACHTORCH_FAKE_CUDA=N`` selects is test support, not part of the package.
"""
import os
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

# key -> (what is missing, is it here?, the command that installs it); both are looked
# up on PATH, so a PATH without them plays a fresh machine (tests/test_fresh_machine.py)
SYSTEM = {
    "dot": ("graphviz's `dot` program", lambda: shutil.which("dot") is not None,
            "apt-get install graphviz"),
    "chromium": ("Chromium", lambda: shutil.which("chromium") is not None,
                 "apt-get install chromium fonts-wqy-microhei"),
}
REQUIRE = "TEACHTORCH_REQUIRE_SYSTEM"

SUPPORT = str(Path(__file__).resolve().parent / "tests" / "support")
if SUPPORT not in sys.path:
    sys.path.insert(0, SUPPORT)
if SUPPORT not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (SUPPORT, os.environ.get("PYTHONPATH")) if p)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "needs(program): needs a system program ('dot' or 'chromium'); "
        "skipped with a line in the summary when it is missing")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for mark in item.iter_markers("needs"):
        for key in mark.args:
            what, present, fix = SYSTEM[key]
            if present():
                continue
            message = f"[needs {key}] {what} is not installed; run: {fix}"
            if os.environ.get(REQUIRE) == "1":
                pytest.fail(f"{message} ({REQUIRE}=1 forbids skipping)")
            pytest.skip(message)


def _skipped_groups(stats):
    skipped = Counter()
    for report in stats.get("skipped", []):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        found = re.search(r"\[needs (\w+)\]", str(reason))
        if found:
            skipped[found.group(1)] += 1
    return skipped


def _reduced_groups(stats):
    """Tests that ran without a program (recorded in user_properties by a conftest)."""
    reduced = Counter()
    for outcome in ("passed", "failed"):
        for report in stats.get(outcome, []):
            for name, value in getattr(report, "user_properties", ()):
                if name == "system_missing":
                    reduced[value] += 1
    return reduced


def pytest_terminal_summary(terminalreporter):
    skipped = _skipped_groups(terminalreporter.stats)
    reduced = _reduced_groups(terminalreporter.stats)
    if not skipped and not reduced:
        return
    terminalreporter.write_sep("-", "missing system programs")
    then = "then run the tests again (`make test` as root installs it)"
    for key in sorted(set(skipped) | set(reduced)):
        what, _, fix = SYSTEM[key]
        if skipped[key]:
            terminalreporter.write_line(
                f"SKIPPED {skipped[key]} test(s): {what} is not installed. "
                f"To run them: {fix}, {then}.")
        if reduced[key]:
            terminalreporter.write_line(
                f"WITHOUT PICTURES: {reduced[key]} notebook cell(s) showed graphs as "
                f"DOT text because {what} is not installed. To draw them: {fix}, "
                f"{then}.")
