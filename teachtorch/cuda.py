"""teachtorch.cuda: is there a GPU, how many, and waiting for it.

On a machine without a GPU (or without CuPy) ``is_available()`` is False and moving a
tensor to 'cuda' raises PyTorch's error with a hint. GPU work is asynchronous: a kernel
is queued and Python goes on; ``synchronize()`` waits until everything queued is done
(CUDA_LAUNCH_BLOCKING=1 makes every launch wait, which is slow but makes errors point
at the line that caused them).
Chapter 18 (GPU and DataParallel) opens this file.
"""
from teachtorch import _backend, _errors


def is_available():
    """True when a GPU can be used. Mirrors: torch.cuda.is_available"""
    return _backend.is_cuda_available()


def device_count():
    return _backend.device_count()


def synchronize(device=None):
    """Wait for all queued GPU work to finish. Mirrors: torch.cuda.synchronize"""
    if not is_available():
        raise AssertionError(_errors.cuda_unavailable())
    index = getattr(device, "index", device)
    _backend.synchronize(index)


def current_device():
    """The GPU that plain ``'cuda'`` means. Mirrors: torch.cuda.current_device"""
    if not is_available():
        raise AssertionError(_errors.cuda_unavailable())
    return _backend.current_device()


def _index(device):
    if isinstance(device, str):
        device = int(device.split(":")[1]) if ":" in device else 0
    index = getattr(device, "index", device)
    return -1 if index is None else int(index)


def set_device(device):
    """Make GPU ``device`` the current one. Mirrors: torch.cuda.set_device"""
    index = _index(device)
    if index >= 0:
        _backend.set_current_device(index)


class device:
    """``with torch.cuda.device(1):`` makes GPU 1 current inside the block.

    Mirrors: torch.cuda.device
    """

    def __init__(self, device):
        self.index, self.previous = _index(device), -1

    def __enter__(self):
        if self.index >= 0:
            self.previous = current_device()
            set_device(self.index)
        return self

    def __exit__(self, *exc):
        set_device(self.previous)


def get_device_name(device=None):
    if not is_available():
        raise AssertionError(_errors.cuda_unavailable())
    return _backend.device_name(int(getattr(device, "index", device) or 0))


def manual_seed(seed):
    """Seeds the one generator teachtorch uses on every device."""
    from teachtorch.random import manual_seed as _seed

    _seed(seed)


manual_seed_all = manual_seed
