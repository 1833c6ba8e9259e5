"""cupy.cuda, SIMULATED: N pretend GPUs, a current device, streams that never wait.

Part of the GPU simulation (``TEACHTORCH_FAKE_CUDA=N``); see __init__.py.
Nothing here touches a GPU.
"""
import os
import threading

COUNT = int(os.environ.get("TEACHTORCH_FAKE_CUDA", "0") or 0)
NAME = "simulated GPU (NumPy)"


class _Current(threading.local):
    id = 0


_current = _Current()


class runtime:
    """cupy.cuda.runtime: the few CUDA runtime calls teachtorch makes."""

    class CUDARuntimeError(RuntimeError):
        pass

    @staticmethod
    def getDeviceCount():
        return COUNT

    @staticmethod
    def getDeviceProperties(device):
        runtime.check(device)
        return {"name": NAME.encode(), "totalGlobalMem": 0, "major": 0, "minor": 0}

    @staticmethod
    def check(device):
        if not 0 <= device < COUNT:
            raise runtime.CUDARuntimeError("cudaErrorInvalidDevice: invalid device "
                                           "ordinal")


class Device:
    """cupy.cuda.Device: a GPU by number; ``with Device(1):`` makes it current."""

    def __init__(self, device=None):
        self.id = _current.id if device is None else int(device)
        self._saved = []

    def use(self):
        runtime.check(self.id)
        _current.id = self.id

    def synchronize(self):
        pass  # NumPy has already finished every operation

    def __enter__(self):
        self._saved.append(_current.id)
        self.use()
        return self

    def __exit__(self, *exc):
        _current.id = self._saved.pop()

    def __int__(self):
        return self.id

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(self.id)

    def __repr__(self):
        return f"<CUDA Device {self.id}>"


def get_device_id():
    return _current.id


def is_available():
    return COUNT > 0


class _NullStream:
    def synchronize(self):
        pass


class Stream:
    null = _NullStream()


class MemoryPointer:
    """a.data: where an array's memory is (address and device)."""

    def __init__(self, ptr, device_id):
        self.ptr, self.device_id = ptr, device_id
        self.device = Device(device_id)
