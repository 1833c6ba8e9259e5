"""einsum: products and sums written as index strings ('ij,jk->ik' is a matmul).

Each letter names an axis; letters shared by the operands are multiplied together, and
letters missing from the output are summed over. The gradient for one operand is again
an einsum: swap that operand's letters with the output's ('ik,jk->ij' for A in
'ij,jk->ik'). '...' becomes fresh capital letters, and a letter twice in one operand
('ii') first takes that diagonal, so the core only ever sees distinct letters.
Chapter 03 (broadcasting) and chapter 09 (matrix products) open this file.
"""
import numpy as np

from teachtorch import _errors
from teachtorch.autograd.function import Function
from teachtorch.ops._util import is_tensor
from teachtorch.ops.reduce import array_of


def _parse(equation, operands):
    """(terms, out) with '...' spelled out as fresh capital letters, one per dim."""
    eq = equation.replace(" ", "")
    lhs, out = eq.split("->") if "->" in eq else (eq, None)
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise RuntimeError(
            _errors.hint(f"einsum(): {'more' if len(operands) > len(terms) else 'fewer'} operands were "
            "provided than specified in the equation", f"'{equation}' names {len(terms)} operand(s), but {len(operands)} were "
            "given."))
    for i, (t, x) in enumerate(zip(terms, operands)):
        named = len(t.replace("...", ""))
        if not is_tensor(x) or ("..." not in t and x.dim() != named):
            raise RuntimeError(
                _errors.hint(f"einsum(): the number of subscripts in the equation ({named}) does "
                f"not match the number of dimensions ({x.dim()}) for operand {i} and no "
                "ellipsis was given", "give one letter per dimension of each operand."))
        if "..." in t and x.dim() < named:
            raise RuntimeError(
                _errors.hint(f"einsum(): the number of subscripts in the equation ({named}) is more than "
                f"the number of dimensions ({x.dim()}) for operand {i}", "'...' stands "
                "for the dimensions the letters do not name."))
    n_dots = max((x.dim() - len(t.replace("...", "")) for t, x in zip(terms, operands)
                  if "..." in t), default=0)
    spare = [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in eq][:n_dots]
    terms = [t.replace("...", "".join(spare[n_dots - (x.dim() - len(t) + 3):]))
             if "..." in t else t for t, x in zip(terms, operands)]
    if out is None:  # implicit output: '...' first, then letters seen once, sorted
        letters = "".join(terms)
        out = "".join(spare) + "".join(sorted(
            c for c in set(letters) if letters.count(c) == 1 and c not in spare))
    else:
        out = out.replace("...", "".join(spare))
    return terms, out, spare


def _take_diagonals(term, x):
    """A letter twice in one operand ('ii') means its diagonal: x.diagonal per repeat."""
    while len(set(term)) != len(term):
        c = next(c for c in term if term.count(c) > 1)
        p = term.index(c)
        q = term.index(c, p + 1)
        x = x.diagonal(0, p, q)  # the diagonal becomes the last dimension
        term = term[:p] + term[p + 1:q] + term[q + 1:] + c
    return term, x


def _broadcast(terms, operands, spare):
    """Size-1 dimensions stretch to the size the same letter has elsewhere."""
    size = {}
    for i, (t, x) in enumerate(zip(terms, operands)):
        for c, n in zip(t, x.shape):
            if n != 1 and size.get(c, n) != n:
                if c in spare:
                    d = [k for k in t if k in spare].index(c)
                    msg = (f"dimension {d} covered by ellipsis in operand {i}has size {n} "
                           f"which does not broadcast with previously seen ellipsis with "
                           f"size {size[c]} for the respective dimension")
                else:
                    msg = (f"subscript {c} has size {n} for operand {i} which does not "
                           f"broadcast with previously seen size {size[c]}")
                raise RuntimeError(_errors.hint(f"einsum(): {msg}", "one letter (or '...') must "
                                   "name dimensions of the same size, or of size 1."))
            if n != 1:
                size[c] = n
    return [x if all(n == size.get(c, 1) for c, n in zip(t, x.shape))
            else x.expand(*[size.get(c, 1) for c in t]) for t, x in zip(terms, operands)]


class Einsum(Function):
    """Sum of products over the letters an equation names.

    Math: Y[out] = sum over the other letters of A[ta] * B[tb];
          dL/dA[ta] = einsum('out,tb->ta', G, B), dL/dB[tb] = einsum('out,ta->tb', G, A)
    Mirrors: torch.einsum (PyTorch's node for these forms prints ViewBackward0)
    """
    _raw = True
    node_name = "ViewBackward0"

    @staticmethod
    def forward(ctx, terms, out, *arrays):
        ctx.terms, ctx.out = terms, out
        ctx.save_for_backward(*arrays)
        return array_of(np.einsum(",".join(terms) + "->" + out, *arrays))

    @staticmethod
    def backward(ctx, grad_output):
        operands = ctx.saved_tensors
        grads = [None] * len(ctx.terms)
        for i, term in enumerate(ctx.terms):
            if not ctx.needs_input_grad[i]:
                continue
            others = [(t, x) for j, (t, x) in enumerate(zip(ctx.terms, operands))
                      if j != i]
            known = ctx.out + "".join(t for t, _ in others)
            kept = "".join(c for c in term if c in known)
            g = einsum(",".join([ctx.out] + [t for t, _ in others]) + "->" + kept,
                       grad_output, *[x for _, x in others])
            for pos, c in enumerate(term):  # letters summed away in this operand alone
                if c not in known:
                    g = g.unsqueeze(pos)
            grads[i] = g.expand(operands[i].shape)
        return tuple(grads)  # one per tensor argument


def einsum(equation, *operands):
    """Products and sums by index letters. Mirrors: torch.einsum"""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    terms, out, spare = _parse(equation, operands)
    pairs = [_take_diagonals(t, x) for t, x in zip(terms, operands)]
    terms = [t for t, _ in pairs]
    operands = _broadcast(terms, [x for _, x in pairs], spare)
    if len(terms) == 1:  # one operand: a sum over the dropped letters, then a permute
        term, x = terms[0], operands[0]
        dropped = tuple(i for i, c in enumerate(term) if c not in out)
        if dropped:
            x = x.sum(dropped)
            term = "".join(c for c in term if c in out)
        return x.permute(*[term.index(c) for c in out]) if term != out else x
    return Einsum.apply(terms, out, *operands)
