"""ops/_kernels/scratch.py: reused scratch buffers and their tickets (conv's column matrices)."""
import numpy as np

from teachtorch.ops._kernels import scratch as _scratch


def test_same_name_and_shape_gives_the_same_buffer_other_names_do_not():
    a = _scratch.scratch(np, "test-a", (3, 4), np.float32)
    assert _scratch.scratch(np, "test-a", (3, 4), np.float32) is a
    assert _scratch.scratch(np, "test-b", (3, 4), np.float32) is not a
    assert _scratch.scratch(np, "test-a", (4, 3), np.float32) is not a
    assert _scratch.scratch(np, "test-a", (3, 4), np.float64).dtype == np.float64


def test_ticket_is_void_once_someone_else_takes_the_buffer():
    buf, ticket = _scratch.scratch(np, "test-t", (5,), np.float32, with_ticket=True)
    assert _scratch.still_holds(ticket) is buf
    _scratch.scratch(np, "test-t", (5,), np.float32)          # another caller
    assert _scratch.still_holds(ticket) is None


def test_cache_stays_within_its_bounds():
    for i in range(3 * _scratch._MAX_BUFFERS):
        _scratch.scratch(np, f"test-many-{i}", (2,), np.float32)
    cache = _scratch._cache()
    assert len(cache) <= _scratch._MAX_BUFFERS
    assert sum(b.nbytes for b, _ in cache.values()) <= _scratch._MAX_BYTES
