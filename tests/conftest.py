import os

import pytest

import teachtorch
from teachtorch import _backend


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
