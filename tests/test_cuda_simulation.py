"""The simulated CuPy (TEACHTORCH_FAKE_CUDA=N) is as strict as real CuPy.

These run only under the simulation: ``TEACHTORCH_FAKE_CUDA=2 pytest -m cuda tests/``.
Each check is a rule of real CuPy that a NumPy-only port would break.
"""
import numpy as np
import pytest

import teachtorch
from teachtorch import _backend

pytestmark = pytest.mark.cuda


@pytest.fixture
def cp():
    if not _backend.SIMULATED:
        pytest.skip("runs under the simulation: TEACHTORCH_FAKE_CUDA=2 pytest -m cuda "
                    "tests/")
    return _backend._cupy


def test_is_labelled_as_simulation(cp):
    assert teachtorch.cuda.get_device_name(0) == "simulated GPU (NumPy)"
    assert cp.cuda.runtime.getDeviceCount() == teachtorch.cuda.device_count() >= 1


def test_no_implicit_conversion_to_numpy(cp):
    a = cp.arange(3.0)
    for convert in (np.asarray, np.array, lambda x: np.zeros(3) + x.__array__()):
        with pytest.raises(TypeError, match=r"Implicit conversion to a NumPy array is "
                                            r"not allowed. Please use `\.get\(\)`"):
            convert(a)
    np.testing.assert_array_equal(a.get(), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(cp.asnumpy(a), [0.0, 1.0, 2.0])
    assert isinstance(a.get(), np.ndarray) and not isinstance(a, np.ndarray)


def test_mixing_with_numpy_arrays_raises(cp):
    a, host = cp.ones(3), np.ones(3)
    for op in (lambda: a + host, lambda: host + a, lambda: a * host, lambda: host < a,
               lambda: cp.concatenate([a, host]), lambda: cp.maximum(a, host),
               lambda: np.add(host, a)):
        with pytest.raises(TypeError):
            op()
    with pytest.raises(ValueError, match="non-scalar numpy.ndarray"):
        a[:] = host
    # Python numbers, NumPy scalars and 0-d arrays are fine, as in CuPy
    assert float((a * 2 + np.float32(1) + np.array(1.0)).sum()) == 12.0


def test_numpy_functions_dispatch_and_stay_on_device(cp):
    a = cp.arange(6.0).reshape(2, 3)
    for out in (np.exp(a), np.sum(a, axis=0), np.concatenate([a, a]),
                np.where(a > 1, a, 0), a.sum(), a[0, 1], np.maximum(a, 1.0)):
        assert isinstance(out, cp.ndarray)  # reductions give 0-d arrays, not scalars
    with pytest.raises(TypeError, match="no implementation found"):
        np.histogram2d(a, a)  # a NumPy function CuPy lacks
    with pytest.raises(AttributeError):
        cp.histogram2d  # noqa: B018 - not a CuPy name


def test_creation_follows_current_device(cp, two_gpus):
    assert cp.zeros(2).device.id == 0
    with cp.cuda.Device(1):
        b = cp.ones(2)
        assert b.device.id == 1 and (b + 1).device.id == 1
    assert cp.cuda.Device().id == 0
    c = cp.asarray(np.ones(2))
    assert c.device.id == 0
    assert cp.asarray(b) is b  # asarray never moves an array between devices


def test_other_device_arrays_raise(cp, two_gpus):
    a = cp.ones(2)
    with cp.cuda.Device(1):
        b = cp.ones(2)
    with pytest.raises(ValueError, match=r"resides \(1\) is different from the current "
                                         r"device \(0\)"):
        a + b
    with pytest.raises(ValueError, match="Peer access is unavailable"):
        b * 2  # current device 0, array on 1
    assert b[0:1].device.id == 1  # views stay with their memory
    assert b.copy().device.id == 0  # copy() lands on the current device


def test_flags_have_no_writeable(cp):
    a = cp.ones((2, 3))
    assert a.flags.c_contiguous and a.T.flags.f_contiguous and a.flags["C_CONTIGUOUS"]
    with pytest.raises(AttributeError):
        a.flags.writeable  # noqa: B018 - CuPy arrays have no read-only flag


def test_synchronize_and_streams(cp):
    cp.cuda.Stream.null.synchronize()
    cp.cuda.Device(0).synchronize()
    teachtorch.cuda.synchronize()
    with pytest.raises(cp.cuda.runtime.CUDARuntimeError,
                       match="invalid device ordinal"):
        cp.cuda.Device(99).use()
