"""The op table: each element-wise/reduction/matmul op, NumPy reference, domain.

One row (OpSpec) per op. ``fn(lib, *tensors)`` is written once and run on both
``teachtorch`` and ``torch`` (lib is the module), so the same lambda is the test of
parity; ``ref(*arrays)`` is an independent NumPy reference for the forward values.

Inputs are drawn by tests/test_ops_property.py from ``domain`` (lo, hi), kept at least
``gap`` away from each point in ``avoid`` (kinks and jumps, where finite differences
are meaningless), with shapes made by ``shapes`` (the first shape is the "main" input;
the others are broadcast against it when ``broadcast`` is True).

Shape ops are listed in tests/op_specs_shape.py as ``SHAPE_OPS = [OpSpec(...), ...]``
with the same fields; ``all_specs()`` joins both lists.
"""
import math
from dataclasses import dataclass, field

import numpy as np

# the NumPy reference for erf: math.erf element by element is fine in a test
_erf = np.vectorize(math.erf, otypes=[np.float64])


@dataclass(frozen=True)
class OpSpec:
    name: str
    fn: object                      # fn(lib, *tensors) -> tensor
    ref: object = None              # ref(*ndarrays) -> ndarray (None: parity only)
    nargs: int = 1
    domain: tuple = (-2.0, 2.0)
    avoid: tuple = ()               # points to keep away from (kinks, poles)
    gap: float = 0.05
    grad: bool = True               # differentiable (gradcheck + grad parity)
    broadcast: bool = True          # extra args may have broadcastable shapes
    min_rank: int = 0               # ops with a dim argument need rank >= 1
    fixed_shapes: tuple = None      # ((2, 3), (3, 4)) for matmul-like ops
    atol: float = 1e-5
    rtol: float = 1e-4
    tags: tuple = field(default=())


def _u(name, ref, **kw):
    """A unary op called as a method: x.name()."""
    return OpSpec(name, lambda lib, x, _n=name: getattr(x, _n)(), ref, **kw)


def _b(name, ref, **kw):
    """A binary op called as torch.name(a, b)."""
    return OpSpec(name, lambda lib, a, b, _n=name: getattr(lib, _n)(a, b), ref, nargs=2,
                  **kw)


def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_lower_median(a):
    """The lower median along the last axis (PyTorch's median picks the lower one)."""
    return np.sort(a, -1)[..., (a.shape[-1] - 1) // 2]


OPS = [
    # ----- arithmetic -----------------------------------------------------------------
    OpSpec("add", lambda lib, a, b: a + b, np.add, nargs=2),
    OpSpec("add_alpha", lambda lib, a, b: lib.add(a, b, alpha=2.5),
           lambda a, b: a + 2.5 * b, nargs=2),
    OpSpec("sub", lambda lib, a, b: a - b, np.subtract, nargs=2),
    OpSpec("rsub_scalar", lambda lib, a: 3 - a, lambda a: 3 - a),
    OpSpec("mul", lambda lib, a, b: a * b, np.multiply, nargs=2),
    OpSpec("mul_scalar", lambda lib, a: a * 1.5, lambda a: a * 1.5),
    OpSpec("div", lambda lib, a, b: a / b, np.divide, nargs=2, avoid=(0,), gap=0.3),
    OpSpec("rdiv_scalar", lambda lib, a: 2 / a, lambda a: 2 / a, avoid=(0,), gap=0.3),
    OpSpec("div_floor", lambda lib, a, b: lib.div(a, b, rounding_mode="floor"),
           lambda a, b: np.floor(a / b), nargs=2, domain=(0.3, 3), grad=False),
    OpSpec("div_trunc", lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
           lambda a, b: np.trunc(a / b), nargs=2, domain=(0.3, 3), grad=False),
    OpSpec("remainder", lambda lib, a, b: a % b, np.remainder, nargs=2, domain=(0.3, 3),
           grad=False),
    OpSpec("fmod", lambda lib, a, b: lib.fmod(a, b), np.fmod, nargs=2, domain=(0.3, 3),
           grad=False),
    OpSpec("neg", lambda lib, a: -a, np.negative),
    OpSpec("reciprocal", lambda lib, a: a.reciprocal(), np.reciprocal, avoid=(0,),
           gap=0.3),
    OpSpec("pow_scalar", lambda lib, a: a ** 3, lambda a: a ** 3),
    OpSpec("pow_half", lambda lib, a: a ** 0.5, np.sqrt, domain=(0.2, 3)),
    OpSpec("pow_tensor", lambda lib, a, b: a ** b, np.power, nargs=2, domain=(0.2, 2)),
    OpSpec("rpow", lambda lib, a: 2 ** a, lambda a: 2.0 ** a),
    OpSpec("square", lambda lib, a: a.square(), np.square),
    OpSpec("addcmul", lambda lib, a, b: lib.addcmul(a, a, b, value=0.5),
           lambda a, b: a + 0.5 * a * b, nargs=2),
    OpSpec("addcdiv", lambda lib, a, b: lib.addcdiv(a, a, b, value=0.5),
           lambda a, b: a + 0.5 * a / b, nargs=2, avoid=(0,), gap=0.3),
    OpSpec("lerp", lambda lib, a, b: lib.lerp(a, b, 0.3),
           lambda a, b: a + 0.3 * (b - a), nargs=2),
    # ----- element-wise ---------------------------------------------------------------
    _u("exp", np.exp),
    _u("exp2", np.exp2),
    _u("expm1", np.expm1),
    _u("log", np.log, domain=(0.1, 3)),
    _u("log2", np.log2, domain=(0.1, 3)),
    _u("log10", np.log10, domain=(0.1, 3)),
    _u("log1p", np.log1p, domain=(-0.8, 3)),
    _u("sqrt", np.sqrt, domain=(0.1, 3)),
    _u("rsqrt", lambda a: 1 / np.sqrt(a), domain=(0.2, 3)),
    _u("abs", np.abs, avoid=(0,)),
    _u("sign", np.sign, avoid=(0,), grad=False),
    _u("sin", np.sin),
    _u("cos", np.cos),
    _u("tan", np.tan, domain=(-1.2, 1.2)),
    _u("tanh", np.tanh),
    _u("sigmoid", lambda a: 1 / (1 + np.exp(-a))),
    _u("relu", lambda a: np.maximum(a, 0), avoid=(0,)),
    _u("erf", _erf, domain=(-3, 3)),
    _u("floor", np.floor, grad=False),
    _u("ceil", np.ceil, grad=False),
    _u("round", np.round, grad=False),
    _u("trunc", np.trunc, grad=False),
    _u("frac", lambda a: a - np.trunc(a), avoid=(-1, 0, 1)),
    OpSpec("clamp", lambda lib, a: a.clamp(-0.5, 0.7), lambda a: np.clip(a, -0.5, 0.7),
           avoid=(-0.5, 0.7)),
    OpSpec("clamp_min", lambda lib, a: a.clamp(min=0.2), lambda a: np.maximum(a, 0.2),
           avoid=(0.2,)),
    OpSpec("clamp_tensor", lambda lib, a, b: a.clamp(min=b),
           np.maximum, nargs=2, tags=("kinks",)),
    OpSpec("where", lambda lib, a, b: lib.where(a > 0, a, b),
           lambda a, b: np.where(a > 0, a, b), nargs=2, avoid=(0,)),
    OpSpec("maximum", lambda lib, a, b: lib.maximum(a, b), np.maximum, nargs=2,
           tags=("kinks",)),
    OpSpec("minimum", lambda lib, a, b: lib.minimum(a, b), np.minimum, nargs=2,
           tags=("kinks",)),
    OpSpec("hardtanh", lambda lib, a: lib.nn.functional.hardtanh(a),
           lambda a: np.clip(a, -1, 1), avoid=(-1, 1)),
    # ----- reductions -----------------------------------------------------------------
    OpSpec("sum", lambda lib, a: a.sum(), np.sum, broadcast=False),
    OpSpec("sum_dim", lambda lib, a: a.sum(-1, keepdim=True),
           lambda a: a.sum(-1, keepdims=True), min_rank=1),
    OpSpec("mean", lambda lib, a: a.mean(), np.mean),
    OpSpec("mean_dims", lambda lib, a: a.mean((0, -1)), lambda a: a.mean((0, -1)),
           min_rank=2),
    OpSpec("prod", lambda lib, a: a.prod(), np.prod, domain=(0.5, 1.5)),
    OpSpec("prod_dim", lambda lib, a: a.prod(0), lambda a: a.prod(0), min_rank=1),
    OpSpec("var", lambda lib, a: a.var(-1), lambda a: a.var(-1, ddof=1), min_rank=1,
           tags=("needs2",)),
    OpSpec("var_c0", lambda lib, a: a.var(correction=0), np.var, min_rank=1),
    OpSpec("std", lambda lib, a: a.std(0, keepdim=True),
           lambda a: a.std(0, ddof=1, keepdims=True), min_rank=1, tags=("needs2",)),
    OpSpec("max", lambda lib, a: a.max(), np.max, tags=("kinks",)),
    OpSpec("max_dim", lambda lib, a: a.max(-1).values, lambda a: a.max(-1), min_rank=1,
           tags=("kinks",)),
    OpSpec("min_dim", lambda lib, a: a.min(0, keepdim=True)[0],
           lambda a: a.min(0, keepdims=True), min_rank=1, tags=("kinks",)),
    OpSpec("amax", lambda lib, a: a.amax(-1), lambda a: a.max(-1), min_rank=1,
           tags=("kinks",)),
    OpSpec("amin", lambda lib, a: a.amin(), np.min, tags=("kinks",)),
    OpSpec("cumsum", lambda lib, a: a.cumsum(-1), lambda a: a.cumsum(-1), min_rank=1),
    OpSpec("cumprod", lambda lib, a: a.cumprod(0), lambda a: a.cumprod(0), min_rank=1),
    OpSpec("logsumexp", lambda lib, a: a.logsumexp(-1),
           lambda a: np.log(np.exp(a).sum(-1)), min_rank=1),
    OpSpec("norm", lambda lib, a: a.norm(), lambda a: np.sqrt((a * a).sum()),
           avoid=(0,)),
    OpSpec("norm1_dim", lambda lib, a: a.norm(1, dim=-1), lambda a: np.abs(a).sum(-1),
           min_rank=1, avoid=(0,)),
    OpSpec("softmax", lambda lib, a: a.softmax(-1), lambda a: _np_softmax(a, -1),
           min_rank=1),
    OpSpec("log_softmax", lambda lib, a: a.log_softmax(0),
           lambda a: np.log(_np_softmax(a, 0)), min_rank=1),
    # ----- matrix products ------------------------------------------------------------
    OpSpec("mm", lambda lib, a, b: a @ b, np.matmul, nargs=2,
           fixed_shapes=((2, 3), (3, 4))),
    OpSpec("bmm", lambda lib, a, b: lib.bmm(a, b), np.matmul, nargs=2,
           fixed_shapes=((2, 2, 3), (2, 3, 2))),
    OpSpec("matmul_bcast", lambda lib, a, b: a @ b, np.matmul, nargs=2,
           fixed_shapes=((2, 1, 2, 3), (3, 3, 2))),
    OpSpec("mv", lambda lib, a, b: a @ b, np.matmul, nargs=2,
           fixed_shapes=((3, 4), (4,))),
    OpSpec("vm", lambda lib, a, b: a @ b, np.matmul, nargs=2,
           fixed_shapes=((3,), (3, 2))),
    OpSpec("dot", lambda lib, a, b: lib.dot(a, b), np.dot, nargs=2,
           fixed_shapes=((4,), (4,))),
    OpSpec("outer", lambda lib, a, b: lib.outer(a, b), np.outer, nargs=2,
           fixed_shapes=((3,), (2,))),
    OpSpec("addmm", lambda lib, a, b: lib.addmm(b[0], a, b, beta=0.5, alpha=2.0),
           lambda a, b: 0.5 * b[0] + 2.0 * a @ b, nargs=2,
           fixed_shapes=((3, 3), (3, 2))),
    OpSpec("einsum_mm", lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), np.matmul,
           nargs=2, fixed_shapes=((2, 3), (3, 4))),
    OpSpec("einsum_bmm", lambda lib, a, b: lib.einsum("bij,bjk->bik", a, b), np.matmul,
           nargs=2, fixed_shapes=((2, 2, 3), (2, 3, 2))),
    OpSpec("einsum_dot", lambda lib, a, b: lib.einsum("i,i->", a, b), np.dot, nargs=2,
           fixed_shapes=((4,), (4,))),
    OpSpec("einsum_mv", lambda lib, a, b: lib.einsum("ij,j->i", a, b), np.matmul,
           nargs=2, fixed_shapes=((3, 4), (4,))),
    OpSpec("einsum_t", lambda lib, a: lib.einsum("ij->ji", a), np.transpose,
           fixed_shapes=((2, 3),)),
    OpSpec("einsum_abt", lambda lib, a, b: lib.einsum("ij,kj->ik", a, b),
           lambda a, b: a @ b.T, nargs=2, fixed_shapes=((2, 3), (4, 3))),
    OpSpec("matmul_3d_1d", lambda lib, a, b: a @ b, np.matmul, nargs=2,
           fixed_shapes=((2, 3, 4), (4,))),
    OpSpec("matmul_1d_3d", lambda lib, a, b: a @ b, np.matmul, nargs=2,
           fixed_shapes=((3,), (2, 3, 4))),
    OpSpec("matmul_2d_3d", lambda lib, a, b: a @ b, np.matmul, nargs=2,
           fixed_shapes=((2, 3), (2, 3, 2))),
    # ----- more call forms ------------------------------------------------------------
    OpSpec("where_scalar", lambda lib, a: lib.where(a > 0, a, 0.5),
           lambda a: np.where(a > 0, a, 0.5), avoid=(0,)),
    OpSpec("clamp_tensor_max", lambda lib, a, b: lib.clamp(a, max=b), np.minimum,
           nargs=2, tags=("kinks",)),
    OpSpec("lerp_tensor", lambda lib, a, b: lib.lerp(a, b, a.sigmoid()),
           lambda a, b: a + (1 / (1 + np.exp(-a))) * (b - a), nargs=2),
    OpSpec("remainder_scalar", lambda lib, a: a % 0.7, lambda a: np.remainder(a, 0.7),
           grad=False),
    OpSpec("pow_neg_int", lambda lib, a: a ** -2, lambda a: a ** -2.0, avoid=(0,),
           gap=0.3),
    OpSpec("cumsum_dim0", lambda lib, a: a.cumsum(0), lambda a: a.cumsum(0),
           min_rank=1),
    OpSpec("median_dim", lambda lib, a: a.median(-1).values, _np_lower_median,
           min_rank=1, tags=("kinks",)),
    OpSpec("norm_p3", lambda lib, a: a.norm(3),
           lambda a: (np.abs(a) ** 3).sum() ** (1 / 3), avoid=(0,), gap=0.2),
    OpSpec("logsumexp_dims", lambda lib, a: a.logsumexp((0, -1)),
           lambda a: np.log(np.exp(a).sum((0, -1))), min_rank=2),
    OpSpec("std_all", lambda lib, a: a.std(), lambda a: a.std(ddof=1), min_rank=1,
           tags=("needs2",)),
    OpSpec("softmax_dim0", lambda lib, a: a.softmax(0), lambda a: _np_softmax(a, 0),
           min_rank=1),
    OpSpec("tanh_of_sigmoid", lambda lib, a: a.sigmoid().tanh(),
           lambda a: np.tanh(1 / (1 + np.exp(-a)))),
]


def all_specs():
    """OPS here plus SHAPE_OPS (tests/op_specs_shape.py) when that file exists."""
    specs = list(OPS)
    try:
        from op_specs_shape import SHAPE_OPS
    except ImportError:
        SHAPE_OPS = []
    return specs + list(SHAPE_OPS)


# ----- drawing inputs for a spec (test_ops_property.py) --------------------------------
def shapes_for(spec, rng, max_rank=3):
    """Shapes for spec's inputs: a main shape, then broadcastable partners."""
    if spec.fixed_shapes is not None:
        return list(spec.fixed_shapes)
    lo_size = 2 if "needs2" in spec.tags else 1
    rank = int(rng.integers(spec.min_rank, max_rank + 1))
    main = tuple(int(rng.integers(lo_size, 4)) for _ in range(rank))
    shapes = [main]
    for _ in range(spec.nargs - 1):
        if not spec.broadcast or rng.random() < 0.4:
            shapes.append(main)
            continue
        drop = int(rng.integers(0, len(main) + 1))
        other = [1 if rng.random() < 0.4 else n for n in main[drop:]]
        shapes.append(tuple(other))
    return shapes


def values_for(spec, shapes, rng, dtype=np.float64):
    """Arrays for the shapes, inside spec.domain and away from spec.avoid."""
    lo, hi = spec.domain
    if "kinks" in spec.tags:  # every value distinct and well apart: no ties, no kinks
        sizes = [int(np.prod(s)) for s in shapes]
        grid = lo + (hi - lo) * (rng.permutation(sum(sizes)) + 0.5) / sum(sizes)
        parts = np.split(grid, np.cumsum(sizes)[:-1])
        return [p.reshape(s).astype(dtype) for p, s in zip(parts, shapes)]
    arrays = []
    for s in shapes:
        a = rng.uniform(lo, hi, size=s)
        for p in spec.avoid:
            near = np.abs(a - p) < spec.gap
            a = np.where(near, p + np.where(a >= p, spec.gap, -spec.gap), a)
        arrays.append(np.asarray(a, dtype))
    return arrays


def non_contiguous(a, rng):
    """The values of a, laid out non-contiguously (a transposed or strided view)."""
    if a.ndim >= 2 and rng.random() < 0.5:
        return np.ascontiguousarray(np.swapaxes(a, 0, -1)).swapaxes(0, -1)
    if a.ndim >= 1:
        big = np.zeros(a.shape[:-1] + (2 * a.shape[-1],), a.dtype)
        big[..., ::2] = a
        return big[..., ::2]
    return a


def check_like_torch(fn, arrays, *, grad=True, atol=1e-5, rtol=1e-4):
    """Run fn(lib, *tensors) on torch and teachtorch from the same arrays; compare
    values, dtype, shape, grad_fn name and every input's gradient. Returns both."""
    import torch

    import teachtorch

    results = []
    for lib in (teachtorch, torch):
        xs = [lib.from_numpy(a.copy()) for a in arrays]
        if grad:
            xs = [x.requires_grad_() for x in xs]
        out = fn(lib, *xs)
        grads = None
        if grad and out.requires_grad:
            w = lib.from_numpy(np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape))
                               .astype(arrays[0].dtype))
            (out * w).sum().backward()
            grads = [x.grad for x in xs]
        results.append((out, grads))
    (ours, our_grads), (theirs, their_grads) = results
    assert tuple(ours.shape) == tuple(theirs.shape), (ours.shape, theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(),
                               rtol=rtol, atol=atol, equal_nan=True)
    assert type(ours.grad_fn).__name__ == type(theirs.grad_fn).__name__
    if their_grads is not None:
        for g_ours, g_theirs in zip(our_grads, their_grads):
            if g_theirs is None:
                assert g_ours is None or not g_ours.numpy().any()
                continue
            assert tuple(g_ours.shape) == tuple(g_theirs.shape)
            np.testing.assert_allclose(g_ours.numpy(), g_theirs.numpy(), rtol=rtol,
                                       atol=atol)
    return ours, theirs


def input_arrays(spec, draw, dtype=np.float64):
    """Arrays for spec drawn with hypothesis: shapes from hypothesis.extra.numpy (main
    shape, then shapes broadcastable with it), values from a drawn seed, and a drawn
    choice of contiguous or non-contiguous layout. Use inside @st.composite or with
    st.data(): ``input_arrays(spec, data.draw)``."""
    from hypothesis import strategies as st
    from hypothesis.extra import numpy as hnp

    if spec.fixed_shapes is not None:
        shapes = list(spec.fixed_shapes)
    else:
        lo_size = 2 if "needs2" in spec.tags else 1
        main = draw(hnp.array_shapes(min_dims=spec.min_rank, max_dims=3,
                                     min_side=lo_size, max_side=3))
        shapes = [main]
        for _ in range(spec.nargs - 1):
            shapes.append(draw(hnp.broadcastable_shapes(main, min_dims=0,
                                                        max_dims=len(main), max_side=3))
                          if spec.broadcast else main)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    arrays = values_for(spec, shapes, rng, dtype)
    if not draw(st.booleans()):
        arrays = [non_contiguous(a, rng) for a in arrays]
    return arrays
