"""The shape / join / gather / sort ops as one table, run on torch and teachtorch.

Each spec is (name, shapes, fn): ``fn(lib, *tensors)`` builds the op with ``lib`` (torch
or teachtorch) from float tensors of the given shapes; index tensors are made inside
fn from fixed NumPy arrays so both libraries see the same indices. The result is a
tensor or a tuple of tensors.
"""
import numpy as np

I1 = np.array([[0, 2, 1, 0], [2, 2, 0, 1]])          # gather/scatter along dim 0 of (3, 4)
I2 = np.array([[3, 0], [1, 1], [2, 3]])              # along dim 1 of (3, 4), narrower
PERM = np.array([2, 0, 1])                           # a permutation of 3 (unique positions)
SEL = np.array([2, 0, 2])                            # index_select with a repeat
MASK = np.array([[True, False, True, False], [False, False, True, True],
                 [True, True, False, False]])


def _t(lib, a):
    return lib.tensor(a)


SPECS = [
    # joining and splitting
    ("cat 0", [(2, 3), (4, 3)], lambda lib, a, b: lib.cat([a, b])),
    ("cat 1", [(2, 3), (2, 1)], lambda lib, a, b: lib.cat((a, b), dim=1)),
    ("cat -1 three", [(2, 1), (2, 2), (2, 3)], lambda lib, a, b, c: lib.cat([a, b, c], -1)),
    ("concat", [(2, 3), (1, 3)], lambda lib, a, b: lib.concat([a, b])),
    ("stack", [(2, 3), (2, 3)], lambda lib, a, b: lib.stack([a, b])),
    ("stack 2", [(2, 3), (2, 3)], lambda lib, a, b: lib.stack([a, b], dim=2)),
    ("stack -1", [(3,), (3,), (3,)], lambda lib, a, b, c: lib.stack([a, b, c], -1)),
    ("hstack", [(2, 3), (2, 2)], lambda lib, a, b: lib.hstack([a, b])),
    ("hstack 1d", [(3,), (2,)], lambda lib, a, b: lib.hstack([a, b])),
    ("vstack", [(3,), (2, 3)], lambda lib, a, b: lib.vstack([a, b])),
    ("split", [(5, 2)], lambda lib, a: a.split(2)),
    ("split sizes", [(5, 2)], lambda lib, a: lib.split(a, [2, 0, 3])),
    ("chunk", [(2, 7)], lambda lib, a: a.chunk(3, dim=1)),
    ("unbind", [(3, 2)], lambda lib, a: a.unbind(1)),
    ("narrow", [(4, 3)], lambda lib, a: lib.narrow(a, 0, 1, 2)),
    ("broadcast_tensors", [(3, 1), (4,)], lambda lib, a, b: lib.broadcast_tensors(a, b)),
    ("meshgrid ij", [(3,), (2,)], lambda lib, a, b: lib.meshgrid(a, b, indexing="ij")),
    ("meshgrid xy", [(3,), (2,)], lambda lib, a, b: lib.meshgrid(a, b, indexing="xy")),
    # picking and placing by index
    ("gather 0", [(3, 4)], lambda lib, a: a.gather(0, _t(lib, I1))),
    ("gather 1 narrow", [(3, 4)], lambda lib, a: lib.gather(a, 1, _t(lib, I2))),
    ("scatter src", [(3, 4), (2, 4)],
     lambda lib, a, s: a.scatter(0, _t(lib, PERM[:2, None].repeat(4, 1)), s)),
    ("scatter value", [(3, 4)], lambda lib, a: a.scatter(1, _t(lib, I2[:, :1]), 2.5)),
    ("scatter_add", [(3, 4), (2, 4)], lambda lib, a, s: a.scatter_add(0, _t(lib, I1), s)),
    ("index_select", [(3, 4)], lambda lib, a: a.index_select(0, _t(lib, SEL))),
    ("index_select 1", [(3, 4)], lambda lib, a: lib.index_select(a, 1, _t(lib, SEL))),
    ("index_add", [(3, 4), (3, 4)], lambda lib, a, s: a.index_add(0, _t(lib, SEL), s)),
    ("index_add alpha", [(3, 4), (3, 3)],
     lambda lib, a, s: a.index_add(1, _t(lib, SEL), s, alpha=2)),
    ("index_fill", [(3, 4)], lambda lib, a: a.index_fill(1, _t(lib, np.array([0, 3])), -1)),
    ("masked_fill", [(3, 4)], lambda lib, a: a.masked_fill(_t(lib, MASK), 0.5)),
    ("masked_fill bcast", [(3, 4)], lambda lib, a: a.masked_fill(_t(lib, MASK[0]), 7)),
    ("masked_fill tensor value", [(3, 4), ()],
     lambda lib, a, v: a.masked_fill(_t(lib, MASK), v)),
    ("masked_select", [(3, 4)], lambda lib, a: a.masked_select(_t(lib, MASK))),
    ("masked_select bcast", [(3, 4)], lambda lib, a: lib.masked_select(a, _t(lib, MASK[1]))),
    ("take_along_dim", [(3, 4)], lambda lib, a: lib.take_along_dim(a, _t(lib, I2), 1)),
    ("take_along_dim bcast", [(3, 4)],
     lambda lib, a: lib.take_along_dim(a, _t(lib, np.array([[1, 0, 2, 2]])), 0)),
    ("take_along_dim flat", [(3, 4)],
     lambda lib, a: lib.take_along_dim(a, _t(lib, np.array([11, 0, 5])))),
    ("take_along_dim argsort", [(3, 4)],
     lambda lib, a: lib.take_along_dim(a, a.argsort(1), 1)),
    # ordering
    ("sort", [(3, 5)], lambda lib, a: a.sort()),
    ("sort desc 0", [(3, 5)], lambda lib, a: lib.sort(a, 0, descending=True)),
    ("topk", [(3, 5)], lambda lib, a: a.topk(2)),
    ("topk smallest", [(3, 5)], lambda lib, a: lib.topk(a, 3, dim=0, largest=False)),
    ("kthvalue", [(3, 5)], lambda lib, a: a.kthvalue(2)),
    ("kthvalue keepdim", [(3, 5)], lambda lib, a: lib.kthvalue(a, 3, 0, keepdim=True)),
    ("argsort", [(3, 5)], lambda lib, a: (a.argsort(dim=0, descending=True),)),
    # copies in a new arrangement
    ("flip", [(3, 4)], lambda lib, a: a.flip(0)),
    ("flip dims", [(2, 3, 4)], lambda lib, a: lib.flip(a, [0, 2])),
    ("fliplr", [(3, 4)], lambda lib, a: lib.fliplr(a)),
    ("roll", [(3, 4)], lambda lib, a: a.roll(1)),
    ("roll dims", [(3, 4)], lambda lib, a: lib.roll(a, (1, -1), (0, 1))),
    ("repeat", [(2, 3)], lambda lib, a: a.repeat(2, 1, 3)),
    ("tile", [(2, 3)], lambda lib, a: a.tile((2,))),
    ("repeat_interleave", [(2, 3)], lambda lib, a: a.repeat_interleave(2, dim=0)),
    ("repeat_interleave flat", [(2, 3)], lambda lib, a: lib.repeat_interleave(a, 2)),
    ("repeat_interleave tensor", [(3, 2)],
     lambda lib, a: a.repeat_interleave(_t(lib, np.array([1, 0, 2])), dim=0)),
    ("tril", [(3, 4)], lambda lib, a: a.tril()),
    ("triu -1", [(2, 3, 4)], lambda lib, a: lib.triu(a, -1)),
    ("tril 1", [(4, 3)], lambda lib, a: lib.tril(a, 1)),
    ("diag 1d", [(3,)], lambda lib, a: lib.diag(a)),
    ("diag 1d offset", [(3,)], lambda lib, a: a.diag(-1)),
    ("diag 2d", [(3, 4)], lambda lib, a: lib.diag(a, 1)),
    ("trace", [(3, 4)], lambda lib, a: a.trace()),
    ("diagonal", [(2, 3, 3)], lambda lib, a: lib.diagonal(a, 0, -2, -1)),
    ("movedim", [(2, 3, 4)], lambda lib, a: lib.movedim(a, -1, 0)),
    ("flatten", [(2, 3, 4)], lambda lib, a: lib.flatten(a, 0, 1)),
    ("unflatten", [(2, 6)], lambda lib, a: lib.unflatten(a, 1, (3, 2))),
    ("ravel of t", [(2, 3)], lambda lib, a: a.t().ravel()),
    ("unfold", [(2, 7)], lambda lib, a: a.unfold(1, 3, 2)),
    ("unfold overlap dim0", [(5, 2)], lambda lib, a: a.unfold(0, 3, 1)),
    ("as_strided overlap", [(6,)], lambda lib, a: a.as_strided((2, 2), (1, 1), 1)),
    ("as_strided transpose", [(2, 3)], lambda lib, a: lib.as_strided(a, (3, 2), (1, 3))),
    ("take", [(3, 4)], lambda lib, a: a.take(_t(lib, np.array([[0, 11], [5, 5]])))),
    ("tensor_split", [(7, 2)], lambda lib, a: lib.tensor_split(a, 3)),
    ("tensor_split at", [(2, 7)], lambda lib, a: a.tensor_split([2, 5], dim=1)),
    ("index_put", [(3, 4), (2,)],
     lambda lib, a, v: a.index_put((_t(lib, np.array([0, 2])), _t(lib, np.array([1, 3]))),
                                   v)),
    ("index_put accumulate", [(3, 4), (3,)],
     lambda lib, a, v: a.index_put((_t(lib, np.array([0, 0, 2])),
                                    _t(lib, np.array([1, 1, 3]))), v, accumulate=True)),
]
