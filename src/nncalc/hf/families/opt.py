"""OPT (transformers ``models/opt/modeling_opt.py``).

``model.decoder``: ``embed_tokens`` (vocab × word_embed_proj_dim), ``embed_positions``
(max_position_embeddings + 2 rows: OPT offsets positions by 2), ``project_out`` and
``project_in`` when word_embed_proj_dim ≠ hidden_size, ``final_layer_norm`` (when
do_layer_norm_before), layers of ``self_attn`` (k, v, q, out projections, with biases when
enable_bias), ``self_attn_layer_norm``, ``fc1``, ``fc2``, ``final_layer_norm``; ``lm_head``
(word_embed_proj_dim → vocab) tied to ``embed_tokens``.
"""

from __future__ import annotations

from ... import torch
from ...torch import nn
from ..blocks import activation, eager_attention
from .base import CausalLM, KVLayer, check_heads

DEFAULTS = {"opt": dict(vocab_size=50272, hidden_size=768, num_hidden_layers=12, ffn_dim=3072,
                        max_position_embeddings=2048, do_layer_norm_before=True, _remove_final_layer_norm=False,
                        word_embed_proj_dim=None, num_attention_heads=12, activation_function="relu",
                        enable_bias=True, layer_norm_elementwise_affine=True, tie_word_embeddings=True)}


class Attention(nn.Module):
    role = "Attention"

    def __init__(self, cfg):
        super().__init__()
        hidden, self.heads = cfg.positive("hidden_size"), cfg.positive("num_attention_heads")
        bias = bool(cfg.get("enable_bias", True))
        self.k_proj = nn.Linear(hidden, hidden, bias=bias)
        self.v_proj = nn.Linear(hidden, hidden, bias=bias)
        self.q_proj = nn.Linear(hidden, hidden, bias=bias)
        self.out_proj = nn.Linear(hidden, hidden, bias=bias)
        self.head_dim = hidden // self.heads
        check_heads(self.heads, self.heads, self.head_dim)

    def forward(self, x):
        b, s, _ = x.shape
        shape = (b, s, -1, self.head_dim)
        q = self.q_proj(x).view(*shape).transpose(1, 2)
        k = self.k_proj(x).view(*shape).transpose(1, 2)
        v = self.v_proj(x).view(*shape).transpose(1, 2)
        return self.out_proj(eager_attention(q, k, v, self.head_dim ** -0.5).reshape(b, s, -1))


class LearnedPositionalEmbedding(nn.Embedding):
    """OPT's position table: max_position_embeddings + 2 rows (positions offset by 2)."""

    role = "LearnedPositionalEmbedding"


def _norm(cfg, width):
    """OPT's layer norms: weight and bias when layer_norm_elementwise_affine (enable_bias
    does not reach them)."""
    return nn.LayerNorm(width, elementwise_affine=cfg.get("layer_norm_elementwise_affine", True))


class DecoderLayer(nn.Module):
    role = "DecoderLayer"

    def __init__(self, cfg):
        super().__init__()
        hidden, ffn = cfg.positive("hidden_size"), cfg.positive("ffn_dim")
        bias = bool(cfg.get("enable_bias", True))
        self.before = cfg.get("do_layer_norm_before", True)
        self.self_attn = Attention(cfg)
        self.activation_fn = activation(cfg.activation_function)
        self.self_attn_layer_norm = _norm(cfg, hidden)
        self.fc1 = nn.Linear(hidden, ffn, bias=bias)
        self.fc2 = nn.Linear(ffn, hidden, bias=bias)
        self.final_layer_norm = _norm(cfg, hidden)

    def forward(self, x):
        h = self.self_attn(self.self_attn_layer_norm(x) if self.before else x)
        x = x + h
        if not self.before:
            x = self.self_attn_layer_norm(x)
        h = self.fc2(self.activation_fn(self.fc1(self.final_layer_norm(x) if self.before else x)))
        x = x + h
        return x if self.before else self.final_layer_norm(x)


class OPTDecoder(nn.Module):
    role = "Decoder"

    def __init__(self, cfg):
        super().__init__()
        hidden = cfg.positive("hidden_size")
        proj = cfg.get("word_embed_proj_dim") or hidden
        self.embed_tokens = nn.Embedding(cfg.positive("vocab_size"), proj)
        self.embed_positions = LearnedPositionalEmbedding(cfg.positive("max_position_embeddings") + 2, hidden)
        if proj != hidden:
            self.project_out = nn.Linear(hidden, proj, bias=False)
            self.project_in = nn.Linear(proj, hidden, bias=False)
        self.final = cfg.get("do_layer_norm_before", True) and not cfg.get("_remove_final_layer_norm", False)
        if self.final:
            self.final_layer_norm = _norm(cfg, hidden)
        self.layers = nn.ModuleList(DecoderLayer(cfg) for _ in range(cfg.positive("num_hidden_layers")))
        self.proj = proj != hidden

    def forward(self, ids):
        x = self.embed_tokens(ids)
        if self.proj:
            x = self.project_in(x)
        x = x + self.embed_positions(torch.empty(1, ids.shape[1], dtype=torch.int64))
        for layer in self.layers:
            x = layer(x)
        if self.final:
            x = self.final_layer_norm(x)
        return self.project_out(x) if self.proj else x


class OPTModel(nn.Module):
    role = "Model"

    def __init__(self, cfg):
        super().__init__()
        self.decoder = OPTDecoder(cfg)


class OPTForCausalLM(CausalLM):
    class_name = "OPTForCausalLM"

    def __init__(self, cfg, family):
        super().__init__(cfg, family)
        self.model = OPTModel(cfg)
        proj = cfg.get("word_embed_proj_dim") or cfg.hidden_size
        self.lm_head = nn.Linear(proj, cfg.vocab_size, bias=False)
        self.tie(cfg, self.model.decoder.embed_tokens)

    def forward(self, ids):
        return self.lm_head(self.model.decoder(ids))

    def kv_layers(self):
        hidden = self.cfg.positive("hidden_size")
        return [KVLayer(hidden, hidden)] * self.cfg.positive("num_hidden_layers")


def build(cfg, family):
    return OPTForCausalLM(cfg, family)
