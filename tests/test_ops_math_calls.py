"""Call forms learners write (keywords, axis=, numbers on the left, dtype=, mixed
tensors and numbers), run as the same source text on torch and teachtorch; the reprs
must be identical (values, dtype, grad_fn, named tuples)."""
import pytest
import torch

import teachtorch

CALLS = [
    "x.sum(axis=0)", "x.mean(axis=1)", "x.max(axis=1)", "torch.sum(x, axis=0)",
    "x.argmax(axis=1)", "x.std(axis=0)", "x.softmax(axis=0)", "x.cumsum(axis=0)",
    "x.prod(axis=0)", "x.amax(axis=0)", "x.norm(dim=0)", "x == None", "x != None",
    "x.var(0, True)", "x.std(0, keepdim=True)", "x.logsumexp(dim=0)", "x.all()",
    "x.any(dim=0)", "torch.all(x > 0, dim=1)", "x.clamp(min=torch.tensor(1.))",
    "torch.where(x > 2, x, 0)", "torch.where(x > 2, 1, 0)", "torch.where(x > 2, 1., 0)",
    "torch.max(x, 1, True)", "x.median(dim=1)", "torch.mean(x, dtype=torch.float64)",
    "x.sum(dtype=torch.int32)", "x.int().mean(dtype=torch.float32)",
    "x.pow(2).sum(-1).sqrt()", "torch.remainder(5, x + 1)", "torch.mul(2, x)",
    "torch.add(1, x)", "torch.sub(1, x)", "torch.div(1, x)", "w.sum(1)", "w.mean()",
    "w.max()", "w.max(0)", "w.min(dim=1)", "w.amin(1)", "w.argmin()", "w.norm()",
    "w.norm(p=1)", "w.norm(float('inf'), dim=1)", "torch.norm(w, dim=(0, 1))",
    "w.softmax(dim=-1)", "torch.log_softmax(w, 1)", "w.sigmoid()", "w.tanh()",
    "w.relu()", "torch.relu(w)", "w.abs()", "w.exp().log()", "w * 2", "2 * w",
    "w / 2", "2 / w", "w ** 2", "2 ** w", "w - 1", "1 - w", "-w", "w @ w.t()",
    "w.t() @ w", "w[0] @ w[0]", "w @ w[0]", "w[0] @ w.t()", "w.mm(w.t())",
    "torch.matmul(w, w.t())", "w.unsqueeze(0).bmm(w.t().unsqueeze(0))",
    "torch.einsum('ij,jk->ik', w, w.t())", "torch.einsum('ij->ji', w)",
    "torch.einsum('i,i->', w[0], w[1])", "torch.einsum('ij->', w)",
    "torch.einsum('ij->j', w)", "torch.einsum('ij->i', w)", "torch.einsum('ij,j->i', w, w[0])",
    "torch.addmm(w[0, :2], w, w.t())", "torch.outer(w[0], w[1])", "w.var()",
    "w.std(correction=0)", "w.var(dim=1, unbiased=False)", "w.clamp(-0.5, 0.5)",
    "w.clamp(max=0)", "w.clamp_min(0.1)", "torch.clamp(w, min=-1, max=1)",
    "torch.maximum(w, w.flip(0))", "torch.max(w, w.flip(1))", "w.cumprod(1)",
    "w.logsumexp(1, keepdim=True)", "w.floor()", "w.round()", "w.round(decimals=1)",
    "w.sign()", "w.frac()", "w.sqrt()", "w.rsqrt()", "w.erf()", "w.log1p()",
    "w.reciprocal()", "w.square()", "torch.lerp(w, w.flip(0), 0.5)",
    "torch.addcmul(w, w, w, value=2)", "torch.addcdiv(w, w, w + 3)",
    "torch.fmod(w, 0.3)", "w % 0.3", "w // 0.3", "torch.div(w, 0.3, rounding_mode='trunc')",
    "(w > 0).sum()", "(w > 0).float().mean()", "(w > 0).sum(1)", "torch.count_nonzero(w > 0)",
    "torch.isclose(w, w + 1e-9)", "torch.allclose(w, w)", "w.eq(w.flip(0))",
    "w.ne(0)", "w.lt(0.1)", "(w > 0) & (w < 0.5)", "(w > 0) | (w < -0.5)", "~(w > 0)",
    "(w > 0) ^ (w < 0.5)", "torch.logical_not(w > 0)", "w.nan_to_num()",
    "torch.where(w > 0)", "w.max().item()", "w.sum(1).tolist()", "len(w.max(1))",
]


def _env(lib):
    x = lib.arange(6.).reshape(2, 3)
    w = lib.tensor([[0.25, -0.5, 1.5], [0.75, 2.0, -1.25]], requires_grad=True)
    return {"torch": lib, "x": x, "w": w}


@pytest.mark.parametrize("src", CALLS)
def test_same_repr_as_torch(src):
    ours = eval(src, _env(teachtorch))
    theirs = eval(src, _env(torch))
    assert repr(ours) == repr(theirs)
