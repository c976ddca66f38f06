"""GPT-NeoX / Pythia (transformers ``models/gpt_neox/modeling_gpt_neox.py``).

``gpt_neox``: ``embed_in``, layers of ``input_layernorm``, ``post_attention_layernorm``,
``attention`` (``query_key_value`` H → 3H, ``dense``; rotary over the first
head_size × partial_rotary_factor dims), ``mlp`` (``dense_h_to_4h``, ``dense_4h_to_h``), with
a parallel residual by default; ``final_layer_norm``, ``rotary_emb`` (buffers); ``lm_head``
(untied by default).
"""

from __future__ import annotations

from ... import torch
from ...torch import nn
from ..blocks import RotaryEmbedding, activation, apply_rotary, eager_attention
from .base import CausalLM, KVLayer, check_heads

DEFAULTS = {"gpt_neox": dict(vocab_size=50432, hidden_size=6144, num_hidden_layers=44, num_attention_heads=64,
                             intermediate_size=24576, hidden_act="gelu", layer_norm_eps=1e-5,
                             use_parallel_residual=True, attention_bias=True, tie_word_embeddings=False,
                             max_position_embeddings=2048)}


def _rotary_fraction(cfg):
    rope = cfg.get("rope_parameters") or {}
    if isinstance(rope, dict) and "partial_rotary_factor" in rope:
        return rope["partial_rotary_factor"]
    return cfg.get("partial_rotary_factor", cfg.get("rotary_pct", 0.25))


class Attention(nn.Module):
    role = "Attention"

    def __init__(self, cfg):
        super().__init__()
        hidden, self.heads = cfg.positive("hidden_size"), cfg.positive("num_attention_heads")
        self.head_size = hidden // self.heads
        check_heads(self.heads, self.heads, self.head_size)
        self.rotary_ndims = int(self.head_size * _rotary_fraction(cfg))
        bias = bool(cfg.get("attention_bias", True))
        self.query_key_value = nn.Linear(hidden, 3 * hidden, bias=bias)
        self.dense = nn.Linear(hidden, hidden, bias=bias)

    def forward(self, x, cos, sin):
        b, s, _ = x.shape
        qkv = self.query_key_value(x).view(b, s, -1, 3 * self.head_size).transpose(1, 2)
        q, k, v = qkv.chunk(3, dim=-1)
        r = self.rotary_ndims
        q_rot, k_rot = apply_rotary(q[..., :r], k[..., :r], cos, sin)
        q, k = torch.cat((q_rot, q[..., r:]), dim=-1), torch.cat((k_rot, k[..., r:]), dim=-1)
        out = eager_attention(q, k, v, self.head_size ** -0.5)
        return self.dense(out.reshape(b, s, -1))


class MLP(nn.Module):
    role = "MLP"

    def __init__(self, cfg):
        super().__init__()
        hidden, inter = cfg.positive("hidden_size"), cfg.positive("intermediate_size")
        self.dense_h_to_4h = nn.Linear(hidden, inter)
        self.dense_4h_to_h = nn.Linear(inter, hidden)
        self.act = activation(cfg.hidden_act)

    def forward(self, x):
        return self.dense_4h_to_h(self.act(self.dense_h_to_4h(x)))


class Layer(nn.Module):
    role = "DecoderLayer"

    def __init__(self, cfg):
        super().__init__()
        hidden, eps = cfg.positive("hidden_size"), cfg.get("layer_norm_eps", 1e-5)
        self.parallel = cfg.get("use_parallel_residual", True)
        self.input_layernorm = nn.LayerNorm(hidden, eps=eps)
        self.post_attention_layernorm = nn.LayerNorm(hidden, eps=eps)
        self.post_attention_dropout, self.post_mlp_dropout = nn.Dropout(), nn.Dropout()
        self.attention = Attention(cfg)
        self.mlp = MLP(cfg)

    def forward(self, x, cos, sin):
        a = self.attention(self.input_layernorm(x), cos, sin)
        if self.parallel:
            return self.mlp(self.post_attention_layernorm(x)) + a + x
        x = a + x
        return self.mlp(self.post_attention_layernorm(x)) + x


class GPTNeoXModel(nn.Module):
    role = "Model"

    def __init__(self, cfg):
        super().__init__()
        hidden = cfg.positive("hidden_size")
        self.embed_in = nn.Embedding(cfg.positive("vocab_size"), hidden)
        self.emb_dropout = nn.Dropout()
        self.layers = nn.ModuleList(Layer(cfg) for _ in range(cfg.positive("num_hidden_layers")))
        self.final_layer_norm = nn.LayerNorm(hidden, eps=cfg.get("layer_norm_eps", 1e-5))
        self.rotary_emb = RotaryEmbedding(self.layers[0].attention.rotary_ndims if len(self.layers) else
                                          int(hidden // cfg.num_attention_heads * _rotary_fraction(cfg)))

    def forward(self, ids):
        x = self.emb_dropout(self.embed_in(ids))
        cos, sin = self.rotary_emb(x, torch.arange(ids.shape[1]).unsqueeze(0))
        for layer in self.layers:
            x = layer(x, cos, sin)
        return self.final_layer_norm(x)


class GPTNeoXForCausalLM(CausalLM):
    class_name = "GPTNeoXForCausalLM"

    def __init__(self, cfg, family):
        super().__init__(cfg, family)
        self.gpt_neox = GPTNeoXModel(cfg)
        self.lm_head = nn.Linear(cfg.positive("hidden_size"), cfg.vocab_size, bias=False)
        if cfg.get("tie_word_embeddings", False):
            self.lm_head.weight = self.gpt_neox.embed_in.weight

    def forward(self, ids):
        return self.lm_head(self.gpt_neox(ids))

    def kv_layers(self):
        hidden = self.cfg.positive("hidden_size")
        return [KVLayer(hidden, hidden)] * self.cfg.positive("num_hidden_layers")


def build(cfg, family):
    return GPTNeoXForCausalLM(cfg, family)
