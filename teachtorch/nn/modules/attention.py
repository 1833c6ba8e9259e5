"""MultiheadAttention: several attention heads over learned projections of Q, K, V.

Each head attends with softmax(Q K^T / sqrt(d)) V on its own d = E / num_heads slice;
the heads are concatenated and mixed by out_proj. Parameter names and shapes are
PyTorch's (one packed in_proj_weight of shape (3E, E)), so state_dicts interchange.
Chapter 13 (sequence models) opens this file.
"""
import math

import numpy as np

from teachtorch import creation
from teachtorch.nn import functional as F
from teachtorch.nn import init
from teachtorch.nn.modules.linear import Linear
from teachtorch.nn.modules.module import Module
from teachtorch.nn.parameter import Parameter
from teachtorch.tensor import Tensor


class NonDynamicallyQuantizableLinear(Linear):
    """A Linear (PyTorch gives MultiheadAttention's out_proj this class name)."""


def _mask_bias(attn_mask, key_padding_mask, n, heads, L, S, dtype):
    """Masks as one additive array (0 or -inf), shaped to broadcast on (N, H, L, S)."""
    bias = np.zeros((1, 1, L, S), dtype)
    if attn_mask is not None:
        m = attn_mask._data
        m = np.where(m, -np.inf, 0).astype(dtype) if m.dtype == bool else m.astype(dtype)
        bias = bias + (m.reshape(n, heads, L, S) if m.ndim == 3 else m)
    if key_padding_mask is not None:
        k = key_padding_mask._data
        k = np.where(k, -np.inf, 0).astype(dtype) if k.dtype == bool else k.astype(dtype)
        bias = bias + k.reshape(n, 1, 1, S)
    return bias


class MultiheadAttention(Module):
    """Multi-head attention. Inputs (L, N, E), or (N, L, E) with batch_first=True.

    Math: head_i = softmax((Q W_q^i)(K W_k^i)^T / sqrt(d)) (V W_v^i);
          out = concat(head_1..head_h) W_o + b_o
    Mirrors: torch.nn.MultiheadAttention
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True,
                 add_bias_kv=False, add_zero_attn=False, kdim=None, vdim=None,
                 batch_first=False, device=None, dtype=None):
        super().__init__()
        if embed_dim % num_heads:
            raise AssertionError("embed_dim must be divisible by num_heads")
        if add_bias_kv or add_zero_attn or (kdim not in (None, embed_dim)) or (
                vdim not in (None, embed_dim)):
            raise NotImplementedError("teachtorch's MultiheadAttention supports "
                                      "kdim = vdim = embed_dim without add_bias_kv / "
                                      "add_zero_attn")
        self.embed_dim = embed_dim
        self.kdim = self.vdim = embed_dim
        self._qkv_same_embed_dim = True
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        kw = {"device": device, "dtype": dtype}
        self.in_proj_weight = Parameter(creation.empty((3 * embed_dim, embed_dim), **kw))
        self.register_parameter("q_proj_weight", None)
        self.register_parameter("k_proj_weight", None)
        self.register_parameter("v_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(creation.empty(3 * embed_dim, **kw))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(embed_dim, embed_dim, bias=bias,
                                                        **kw)
        self.bias_k = self.bias_v = None
        self.add_zero_attn = False
        self._reset_parameters()

    def _reset_parameters(self):
        init.xavier_uniform_(self.in_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True,
                attn_mask=None, average_attn_weights=True, is_causal=False):
        unbatched = query.dim() == 2
        if unbatched:  # (L, E): add a batch dim of 1
            query, key, value = (t.unsqueeze(1) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        if not self.batch_first or unbatched:  # work in (N, L, E)
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        n, L, E = query.shape
        S = key.shape[1]
        h, d = self.num_heads, self.head_dim
        w_q, w_k, w_v = self.in_proj_weight.chunk(3)
        b_q = b_k = b_v = None
        if self.in_proj_bias is not None:
            b_q, b_k, b_v = self.in_proj_bias.chunk(3)
        q = F.linear(query, w_q, b_q).view(n, L, h, d).transpose(1, 2)
        k = F.linear(key, w_k, b_k).view(n, S, h, d).transpose(1, 2)
        v = F.linear(value, w_v, b_v).view(n, S, h, d).transpose(1, 2)
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d))   # (N, H, L, S)
        if is_causal and attn_mask is None:
            attn_mask = Tensor._make(np.triu(np.ones((L, S), bool), 1))
        if attn_mask is not None or key_padding_mask is not None:
            bias = _mask_bias(attn_mask, key_padding_mask, n, h, L, S,
                              scores._data.dtype)
            scores = scores + Tensor._make(bias)
        weights = F.softmax(scores, -1)
        if self.dropout > 0.0:
            weights = F.dropout(weights, self.dropout, self.training)
        out = (weights @ v).transpose(1, 2).reshape(n, L, E)
        out = self.out_proj(out)
        if not self.batch_first or unbatched:
            out = out.transpose(0, 1)
        if unbatched:
            out = out.squeeze(1)
        if not need_weights:
            return out, None
        w = weights.mean(1) if average_attn_weights else weights
        return out, (w.squeeze(0) if unbatched else w)
