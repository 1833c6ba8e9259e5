"""teachtorch.cuda: is there a GPU, how many, and waiting for it.

On a machine without a GPU (or without CuPy) ``is_available()`` is False and moving a
tensor to 'cuda' raises PyTorch's error with a hint. GPU work is asynchronous: a kernel
is queued and Python goes on; ``synchronize()`` waits until everything queued is done
(CUDA_LAUNCH_BLOCKING=1 makes every launch wait, which is slow but makes errors point
at the line that caused them).
Chapter 16 (GPU) opens this file.
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


_current = [0]


def current_device():
    if not is_available():
        raise AssertionError(_errors.cuda_unavailable())
    return _current[0]


def set_device(device):
    _current[0] = int(getattr(device, "index", device) or 0)


def get_device_name(device=None):
    if not is_available():
        raise AssertionError(_errors.cuda_unavailable())
    return _backend.device_name(int(getattr(device, "index", device) or 0))


def manual_seed(seed):
    """Seeds the one generator teachtorch uses on every device."""
    from teachtorch.random import manual_seed as _seed

    _seed(seed)


manual_seed_all = manual_seed
