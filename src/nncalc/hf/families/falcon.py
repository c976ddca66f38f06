"""Falcon (transformers ``models/falcon/modeling_falcon.py``).

``transformer``: ``word_embeddings``, layers ``h.N`` of ``self_attention`` (one fused
``query_key_value``: 3H for multi-head, H + 2·head_dim for multi-query, (2·num_kv_heads +
heads)·head_dim for the new decoder architecture; ``dense``), ``mlp`` (``dense_h_to_4h`` H →
ffn_hidden_size (default 4H), ``dense_4h_to_h``), and layer norms: ``ln_attn`` and ``ln_mlp``
(new architecture, two norms), else ``input_layernorm`` (+ ``post_attention_layernorm`` when
attention and MLP are sequential); ``ln_f``, ``rotary_emb`` (buffers; ALiBi models add a
position bias instead of rotating); ``lm_head`` tied by default. Falcon's linear layers run
``x @ Wᵀ`` then add the bias (an ``mm`` and an add, not one ``addmm``).
"""

from __future__ import annotations

from ... import torch
from ...flops.trace import emit
from ...torch import nn
from ..blocks import RotaryEmbedding, activation, apply_rotary, eager_attention
from ..config import HFConfigError
from .base import CausalLM, KVLayer, check_heads

DEFAULTS = {"falcon": dict(vocab_size=65024, hidden_size=4544, num_hidden_layers=32, num_attention_heads=71,
                           num_ln_in_parallel_attn=None, layer_norm_epsilon=1e-5, alibi=False,
                           new_decoder_architecture=False, multi_query=True, parallel_attn=True, bias=False,
                           max_position_embeddings=2048, activation="gelu", ffn_hidden_size=None,
                           tie_word_embeddings=True)}


class FalconLinear(nn.Linear):
    """``x @ weightᵀ`` then ``+ bias``: a matmul and an elementwise add."""

    def forward(self, x):
        out = torch.matmul(x, self.weight.T)
        return out if self.bias is None else out + self.bias


class Attention(nn.Module):
    role = "Attention"

    def __init__(self, cfg, v):
        super().__init__()
        self.v = v
        hidden, heads, d = v.hidden, v.heads, v.head_dim
        if v.new:
            out = (cfg.get("num_kv_heads") or heads) * 2 * d + heads * d
        elif v.multi_query:
            out = hidden + 2 * d
        else:
            out = 3 * hidden
        self.query_key_value = FalconLinear(hidden, out, bias=v.bias)
        self.dense = FalconLinear(hidden, hidden, bias=v.bias)

    def forward(self, x, cos, sin):
        v = self.v
        b, s, _ = x.shape
        self.query_key_value(x)  # q, k and v are views of its output (no arithmetic)
        q = torch.empty(b, s, v.heads, v.head_dim).transpose(1, 2)
        k = torch.empty(b, s, v.kv_heads, v.head_dim).transpose(1, 2)
        val = torch.empty(b, s, v.kv_heads, v.head_dim).transpose(1, 2)
        if not v.alibi:
            q, k = apply_rotary(q, k, cos, sin)
        out = eager_attention(q, k, val, v.head_dim ** -0.5)
        return self.dense(out.reshape(b, s, -1))


class MLP(nn.Module):
    role = "MLP"

    def __init__(self, cfg, v):
        super().__init__()
        ffn = cfg.get("ffn_hidden_size") or 4 * v.hidden
        self.dense_h_to_4h = FalconLinear(v.hidden, ffn, bias=v.bias)
        self.act = activation(cfg.get("activation", "gelu"))
        self.dense_4h_to_h = FalconLinear(ffn, v.hidden, bias=v.bias)

    def forward(self, x):
        return self.dense_4h_to_h(self.act(self.dense_h_to_4h(x)))


class DecoderLayer(nn.Module):
    role = "DecoderLayer"

    def __init__(self, cfg, v):
        super().__init__()
        self.v = v
        self.self_attention = Attention(cfg, v)
        self.mlp = MLP(cfg, v)
        eps = cfg.get("layer_norm_epsilon", 1e-5)
        if not v.parallel:
            self.post_attention_layernorm = nn.LayerNorm(v.hidden, eps=eps)
            self.input_layernorm = nn.LayerNorm(v.hidden, eps=eps)
        elif v.norms == 2:
            self.ln_attn = nn.LayerNorm(v.hidden, eps=eps)
            self.ln_mlp = nn.LayerNorm(v.hidden, eps=eps)
        else:
            self.input_layernorm = nn.LayerNorm(v.hidden, eps=eps)

    def forward(self, x, cos, sin):
        v = self.v
        if v.new and v.norms == 2:
            a_in, m_in = self.ln_attn(x), self.ln_mlp(x)
        else:
            a_in = self.input_layernorm(x)
            m_in = a_in
        attn = self.self_attention(a_in, cos, sin)
        residual = x
        if not v.new and not v.parallel:
            residual = attn + x
            m_in = self.post_attention_layernorm(residual)
        out = self.mlp(m_in)
        if v.new or v.parallel:
            out = out + attn
        return out + residual


class Variant:
    def __init__(self, cfg):
        self.hidden, self.heads = cfg.positive("hidden_size"), cfg.positive("num_attention_heads")
        self.head_dim = self.hidden // self.heads
        check_heads(self.heads, self.heads, self.head_dim)
        self.new = bool(cfg.get("new_decoder_architecture", False))
        self.multi_query = bool(cfg.get("multi_query", True))
        self.kv_heads = (cfg.get("num_kv_heads") or self.heads) if (self.new or not self.multi_query) else 1
        self.parallel = bool(cfg.get("parallel_attn", True))
        self.norms = cfg.get("num_ln_in_parallel_attn") or (2 if self.new else None)
        self.bias, self.alibi = bool(cfg.get("bias", False)), bool(cfg.get("alibi", False))
        if self.new and not self.parallel:
            raise HFConfigError("config: falcon's new_decoder_architecture needs parallel_attn (transformers' "
                                "layer has no ln_attn then, and fails)")


class FalconModel(nn.Module):
    role = "Model"

    def __init__(self, cfg, v):
        super().__init__()
        self.v = v
        self.word_embeddings = nn.Embedding(cfg.positive("vocab_size"), v.hidden)
        self.h = nn.ModuleList(DecoderLayer(cfg, v) for _ in range(cfg.positive("num_hidden_layers")))
        self.ln_f = nn.LayerNorm(v.hidden, eps=cfg.get("layer_norm_epsilon", 1e-5))
        self.rotary_emb = RotaryEmbedding(v.head_dim)

    def forward(self, ids):
        x = self.word_embeddings(ids)
        b, s = ids.shape
        if self.v.alibi:  # slopes × positions, one bias row per head
            emit("elementwise", (b * self.v.heads * s,), "mul")
        cos, sin = self.rotary_emb(x, torch.arange(s).unsqueeze(0))
        for layer in self.h:
            x = layer(x, cos, sin)
        return self.ln_f(x)


class FalconForCausalLM(CausalLM):
    class_name = "FalconForCausalLM"

    def __init__(self, cfg, family):
        super().__init__(cfg, family)
        self.v = Variant(cfg)
        self.transformer = FalconModel(cfg, self.v)
        self.lm_head = nn.Linear(self.v.hidden, cfg.vocab_size, bias=False)
        self.tie(cfg, self.transformer.word_embeddings)

    def forward(self, ids):
        return self.lm_head(self.transformer(ids))

    def kv_layers(self):
        width = self.v.kv_heads * self.v.head_dim
        return [KVLayer(width, width)] * len(self.transformer.h)


def build(cfg, family):
    return FalconForCausalLM(cfg, family)
