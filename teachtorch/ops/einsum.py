"""einsum: products and sums written as index strings ('ij,jk->ik' is a matmul).

Each letter names an axis; letters shared by the operands are multiplied together, and
letters missing from the output are summed over. The gradient for one operand is again
an einsum: swap that operand's letters with the output's ('ik,jk->ij' for A in
'ij,jk->ik'). One or two operands, no '...' and no letter twice in one operand.
Chapter 03 (broadcasting) and chapter 09 (matrix products) open this file.
"""
import numpy as np

from teachtorch.autograd.function import Function
from teachtorch.ops._util import is_tensor
from teachtorch.ops.reduce import array_of


def _parse(equation, n):
    eq = equation.replace(" ", "")
    if "..." in eq:
        raise NotImplementedError("einsum with '...' is not part of teachtorch\nhint: "
                                  "write the batch letters out, e.g. 'bij,bjk->bik'.")
    if "->" in eq:
        lhs, out = eq.split("->")
    else:  # implicit output: letters seen once, in alphabetical order
        lhs = eq
        letters = lhs.replace(",", "")
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    terms = lhs.split(",")
    if len(terms) != n:
        raise RuntimeError(
            "einsum(): more operands were provided than specified in the equation\n"
            f"hint: '{equation}' names {len(terms)} operand(s), but {n} were given.")
    for t in terms:
        if len(set(t)) != len(t):
            raise NotImplementedError(
                f"einsum with a repeated letter in one operand ('{t}') is not part of "
                "teachtorch\nhint: use torch.diagonal or torch.trace for diagonals.")
    return terms, out


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
        grads = [None, None]
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
        return tuple(grads[:len(ctx.terms)])  # one per tensor argument


def einsum(equation, *operands):
    """Products and sums by index letters. Mirrors: torch.einsum"""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    terms, out = _parse(equation, len(operands))
    for t, x in zip(terms, operands):
        if not is_tensor(x) or x.dim() != len(t):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({len(t)}) does "
                f"not match the number of dimensions ({x.dim()}) for operand "
                f"{terms.index(t)} and no ellipsis was given\nhint: give one letter "
                "per dimension of each operand.")
    if len(terms) == 1:  # one operand: a sum over the dropped letters, then a permute
        term, x = terms[0], operands[0]
        dropped = tuple(i for i, c in enumerate(term) if c not in out)
        if dropped:
            x = x.sum(dropped)
            term = "".join(c for c in term if c in out)
        return x.permute(*[term.index(c) for c in out]) if term != out else x
    return Einsum.apply(terms, out, *operands)
