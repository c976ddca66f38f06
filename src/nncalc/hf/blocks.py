"""Building blocks shared by the decoder families, each written from transformers' modeling
code (``models/llama/modeling_llama.py`` and the families that copy it): the same parameters,
buffers and registration order, and a forward performing the same operations on symbolic
tensors (so the recorded ops are what eager PyTorch runs).
"""

from __future__ import annotations

import math

from .. import torch
from ..flops.trace import attention_products
from ..torch import nn
from ..torch.nn import functional as F
from .config import HFConfigError

# transformers' ACT2FN names nncalc knows; each activation counts one op per element.
ACTIVATIONS = {"silu": F.silu, "swish": F.silu, "gelu": F.gelu, "gelu_new": F.gelu, "gelu_fast": F.gelu,
               "gelu_pytorch_tanh": F.gelu, "gelu_python": F.gelu, "gelu_accurate": F.gelu,
               "quick_gelu": F.gelu, "relu": F.relu, "tanh": F.tanh, "sigmoid": F.sigmoid, "mish": F.mish,
               "elu": F.elu, "leaky_relu": F.leaky_relu}


def activation(name):
    if name not in ACTIVATIONS:
        raise HFConfigError(f"activation {name!r} is not supported by nncalc yet")
    return ACTIVATIONS[name]


class RMSNorm(nn.Module):
    role = "RMSNorm"
    """transformers' RMSNorm: weight (dim,); y = w · x / √(mean(x²) + ε) (Gemma: (1 + w) · ...).

    Ops as written there: x², the mean, + ε and rsqrt per row, x · r, then the weight.
    """

    def __init__(self, dim, eps=1e-6, plus_one=False):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(dim))
        self.eps, self.plus_one = eps, plus_one

    def forward(self, x):
        dtype = x.dtype
        x = x.to(torch.float32)
        variance = x.pow(2).mean(-1, keepdim=True)
        x = x * torch.rsqrt(variance + self.eps)
        if self.plus_one:
            return (x * (1.0 + self.weight.float())).to(dtype)
        return self.weight * x.to(dtype)


class RotaryEmbedding(nn.Module):
    role = "RotaryEmbedding"
    """Rotary position embedding: buffers ``inv_freq`` and ``original_inv_freq`` (⌈rotary
    dims / 2⌉ each, non-persistent: not parameters, not in the checkpoint); forward makes cos and sin."""

    def __init__(self, rotary_dim, prefixes=("",)):
        super().__init__()
        self.rotary_dim = rotary_dim
        size = (rotary_dim + 1) // 2  # 1 / base ** (arange(0, dim, 2) / dim)
        for prefix in prefixes:
            self.register_buffer(f"{prefix}inv_freq", torch.empty(size), persistent=False)
            self.register_buffer(f"{prefix}original_inv_freq", torch.empty(size), persistent=False)
        self.prefixes = prefixes

    def forward(self, x, position_ids, prefix=""):
        inv_freq = self._buffers[f"{prefix}inv_freq"]
        freqs = position_ids[..., None].float() * inv_freq.float()
        emb = torch.cat((freqs, freqs), dim=-1)
        cos = emb.cos() * 1.0
        sin = emb.sin() * 1.0
        return cos.to(x.dtype), sin.to(x.dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rotary(q, k, cos, sin):
    """q·cos + rotate_half(q)·sin, the same for k (cos, sin broadcast over heads)."""
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


def eager_attention(q, k, v, scaling, window=None, softcap=None, causal=True, mask=True):
    """transformers' ``eager_attention_forward``: (q · kᵀ) · scale (+ softcap), + mask,
    softmax, · v. K and V are repeated over the query groups by a view (no arithmetic)."""
    groups = q.shape[1] // k.shape[1]
    if groups > 1:
        b, h, s, d = k.shape
        k = k[:, :, None].expand(b, h, groups, s, d).reshape(b, h * groups, s, d)
        v = v[:, :, None].expand(b, h, groups, s, v.shape[-1]).reshape(b, h * groups, s, v.shape[-1])
    q_len, k_len = q.shape[-2], k.shape[-2]
    with attention_products(q_len, k_len, causal, window, k_len - q_len):
        weights = torch.matmul(q, k.transpose(2, 3)) * scaling
        if softcap is not None:
            weights = (weights / softcap).tanh() * softcap
        if mask:
            weights = weights + torch.empty(1, 1, q_len, k_len)
        weights = F.softmax(weights, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(weights, v)
    return out.transpose(1, 2).contiguous()


class GatedMLP(nn.Module):
    role = "MLP"
    """gate_proj and up_proj (hidden → intermediate), down_proj (intermediate → hidden):
    down(act(gate(x)) · up(x))."""

    def __init__(self, hidden, intermediate, act, bias=False):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, intermediate, bias=bias)
        self.up_proj = nn.Linear(hidden, intermediate, bias=bias)
        self.down_proj = nn.Linear(intermediate, hidden, bias=bias)
        self.act_fn = activation(act)

    def forward(self, x):
        return self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))


def head_scaling(head_dim):
    return 1.0 / math.sqrt(head_dim)
