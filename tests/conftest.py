import os
import sys
from pathlib import Path

import pytest

# Test support importable by module name, here and in the processes tests start
# (DataLoader workers, subprocesses): the simulated CuPy that TEACHTORCH_FAKE_CUDA
# selects, tests/support/simulated_cupy. Set before teachtorch is imported.
SUPPORT = str(Path(__file__).resolve().parent / "support")
if SUPPORT not in sys.path:
    sys.path.insert(0, SUPPORT)
if SUPPORT not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (SUPPORT, os.environ.get("PYTHONPATH")) if p)

import teachtorch  # noqa: E402
from teachtorch import _backend  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running, still part of make test")
    config.addinivalue_line("markers", "browser: drives a real Chromium")
    config.addinivalue_line("markers", "cuda: the GPU half of a test (device fixture)")


@pytest.fixture(params=["cpu", pytest.param("cuda", marks=pytest.mark.cuda)])
def device(request):
    """Run a test on the CPU, and again on the GPU when one is present.

    With no GPU the cuda half skips. ``TEACHTORCH_FAKE_CUDA=2`` runs it on two
    simulated GPUs made of NumPy (tests/support/simulated_cupy), as ``make test`` does.
    """
    if request.param == "cuda" and not _backend.is_cuda_available():
        pytest.skip("no GPU here (teachtorch.cuda.is_available() is False); run "
                    "TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/ to simulate two")
    return request.param


@pytest.fixture
def two_gpus():
    """Skips unless two GPUs (real or simulated) are visible."""
    if _backend.device_count() < 2:
        pytest.skip("needs two GPUs; run TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/ "
                    "to simulate them")


@pytest.fixture(autouse=True)
def _seed():
    teachtorch.manual_seed(0)
    os.environ.setdefault("TEACHTORCH_FAST", "1")
    yield
