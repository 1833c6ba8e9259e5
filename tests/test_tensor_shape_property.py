"""Property tests: random shapes, random basic indices, random permutations and
reshapes, applied to torch and teachtorch; the results must agree in values, shape,
stride, storage offset, contiguity and memory sharing, and so must gradients."""
import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import teachtorch

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

shapes = st.lists(st.integers(0, 4), min_size=1, max_size=4).map(tuple)


def _facts(y, base):
    shares = y.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
    return (tuple(y.shape), tuple(y.stride()) if y.numel() else None,
            y.storage_offset() if y.numel() else None, y.is_contiguous(), shares,
            y.tolist())


@st.composite
def basic_index(draw, shape):
    """A tuple of ints, slices (positive steps), None and at most one Ellipsis."""
    parts, dims = [], list(shape)
    use_ellipsis = draw(st.booleans()) and len(dims) > 0
    take = draw(st.integers(0, len(dims)))
    for n in dims[:take]:
        kind = draw(st.sampled_from(["int", "slice", "full", "none"] if n else
                                    ["slice", "full", "none"]))
        if kind == "none":
            parts.append(None)
        if kind == "int" or (kind == "none" and n and draw(st.booleans())):
            parts.append(draw(st.integers(-n, n - 1)))
        elif kind in ("slice", "none"):
            parts.append(slice(draw(st.integers(-n - 1, n + 1)),
                               draw(st.integers(-n - 1, n + 1)),
                               draw(st.integers(1, 3))))
        else:
            parts.append(slice(None))
    if use_ellipsis:
        parts.insert(draw(st.integers(0, len(parts))), Ellipsis)
    return tuple(parts)


@SETTINGS
@given(st.data())
def test_random_basic_index_matches_torch(data):
    shape = data.draw(shapes)
    index = data.draw(basic_index(shape))
    arr = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    facts = []
    for lib in (torch, teachtorch):
        base = lib.tensor(arr)
        try:
            facts.append(_facts(base[index], base))
        except IndexError as e:  # e.g. an int on a dim of size 0: both must refuse
            # (after an Ellipsis torch numbers the dim differently; compare the type)
            text = str(e).split("\nhint:")[0] if Ellipsis not in index else ""
            facts.append(("IndexError", text))
    assert facts[1] == facts[0], index


@SETTINGS
@given(st.data())
def test_random_permute_then_reshape_matches_torch(data):
    shape = data.draw(shapes.filter(lambda s: 0 not in s))
    order = data.draw(st.permutations(range(len(shape))))
    n = int(np.prod(shape))
    # a random factorisation of n as the new shape
    new_shape, rest = [], n
    for _ in range(data.draw(st.integers(0, 3))):
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        d = data.draw(st.sampled_from(divisors))
        new_shape.append(d)
        rest //= d
    new_shape.append(rest)
    arr = np.random.default_rng(n).standard_normal(shape).astype(np.float32)
    w = np.random.default_rng(n + 1).standard_normal(new_shape).astype(np.float32)
    res = []
    for lib in (torch, teachtorch):
        x = lib.tensor(arr, requires_grad=True)
        p = x.permute(*order)
        y = p.reshape(new_shape)
        can_view = True
        try:
            p.detach().view(new_shape)
        except RuntimeError:
            can_view = False
        (y * lib.tensor(w)).sum().backward()
        res.append((_facts(y.detach(), x.detach()), can_view, x.grad.tolist(),
                    y.grad_fn.name()))
    assert res[1] == res[0]


@SETTINGS
@given(st.data())
def test_random_cat_split_roundtrip_matches_torch(data):
    shape = data.draw(shapes.filter(lambda s: 0 not in s))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    size = data.draw(st.integers(1, 4))
    arr = np.random.default_rng(size).standard_normal(shape).astype(np.float32)
    res = []
    for lib in (torch, teachtorch):
        x = lib.tensor(arr, requires_grad=True)
        parts = x.split(size, dim)
        y = lib.cat([p * (i + 1) for i, p in enumerate(parts)], dim)
        y.sum().backward()
        res.append(([tuple(p.shape) for p in parts], [p.stride() for p in parts],
                    [p.storage_offset() for p in parts], y.tolist(), x.grad.tolist()))
    assert res[1] == res[0]
