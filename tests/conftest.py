import os

import pytest

import teachtorch
from teachtorch import _backend


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: long-running, still part of make test")
    config.addinivalue_line("markers", "browser: drives a real Chromium")


@pytest.fixture(params=["cpu", "cuda"])
def device(request):
    """Run a test on the CPU, and again on the GPU when one is present."""
    if request.param == "cuda" and not _backend.is_cuda_available():
        pytest.skip("no GPU here (teachtorch.cuda.is_available() is False)")
    return request.param


@pytest.fixture(autouse=True)
def _seed():
    teachtorch.manual_seed(0)
    os.environ.setdefault("TEACHTORCH_FAST", "1")
    yield
