"""Llama and the decoders that copy its code: llama (2, 3, 3.1, 3.2), mistral, qwen2, qwen3,
gemma, gemma2, gemma3 (text), phi3 (transformers ``models/<family>/modeling_<family>.py``).

One decoder layer: ``self_attn`` (q/k/v/o projections, or phi3's fused ``qkv_proj``; qwen3
and gemma3 add ``q_norm``/``k_norm`` over head_dim), ``mlp`` (gate/up/down, phi3's fused
``gate_up_proj``), ``input_layernorm``, ``post_attention_layernorm`` (gemma2/3 add
``pre_feedforward_layernorm`` and ``post_feedforward_layernorm``). The model: ``embed_tokens``,
``layers``, ``norm``, ``rotary_emb`` (buffers only); ``lm_head`` tied to ``embed_tokens``
when ``tie_word_embeddings``. ``rope_scaling``/``rope_parameters`` change the rotary
frequencies, never a parameter.
"""

from __future__ import annotations

from ... import torch
from ...torch import nn
from ..blocks import GatedMLP, RMSNorm, RotaryEmbedding, activation, apply_rotary, eager_attention
from ..config import Config, HFConfigError
from .base import CausalLM, KVLayer, check_heads, layer_types_of

_COMMON = dict(vocab_size=32000, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32,
               num_attention_heads=32, hidden_act="silu", max_position_embeddings=2048,
               tie_word_embeddings=False, attention_bias=False, mlp_bias=False, rms_norm_eps=1e-6)
# Defaults of each family's PretrainedConfig (transformers 5), for keys a config.json omits.
DEFAULTS = {
    "llama": dict(_COMMON),
    "mistral": dict(_COMMON, intermediate_size=14336, num_key_value_heads=8, max_position_embeddings=131072,
                    sliding_window=4096, rms_norm_eps=1e-6),
    "qwen2": dict(_COMMON, vocab_size=151936, intermediate_size=22016, max_position_embeddings=32768,
                  use_sliding_window=False, sliding_window=4096, max_window_layers=28),
    "qwen3": dict(_COMMON, vocab_size=151936, intermediate_size=22016, max_position_embeddings=32768,
                  head_dim=128, use_sliding_window=False, sliding_window=4096, max_window_layers=28),
    "gemma": dict(_COMMON, vocab_size=256000, hidden_size=3072, intermediate_size=24576, num_hidden_layers=28,
                  num_attention_heads=16, head_dim=256, hidden_act="gelu_pytorch_tanh",
                  max_position_embeddings=8192, tie_word_embeddings=True),
    "gemma2": dict(_COMMON, vocab_size=256000, hidden_size=2304, intermediate_size=9216, num_hidden_layers=26,
                   num_attention_heads=8, num_key_value_heads=4, head_dim=256, hidden_activation="gelu_pytorch_tanh",
                   max_position_embeddings=8192, tie_word_embeddings=True, sliding_window=4096,
                   query_pre_attn_scalar=256, final_logit_softcapping=30.0, attn_logit_softcapping=50.0),
    "gemma3_text": dict(_COMMON, vocab_size=262208, hidden_size=2304, intermediate_size=9216,
                        num_hidden_layers=26, num_attention_heads=8, num_key_value_heads=4, head_dim=256,
                        hidden_activation="gelu_pytorch_tanh", max_position_embeddings=131072,
                        tie_word_embeddings=True, sliding_window=4096, query_pre_attn_scalar=256,
                        final_logit_softcapping=None, attn_logit_softcapping=None, sliding_window_pattern=6),
    "phi3": dict(_COMMON, vocab_size=32064, hidden_size=3072, intermediate_size=8192, max_position_embeddings=4096,
                 sliding_window=None),
}
CLASS_PREFIX = {"llama": "Llama", "mistral": "Mistral", "qwen2": "Qwen2", "qwen3": "Qwen3", "gemma": "Gemma",
                "gemma2": "Gemma2", "gemma3_text": "Gemma3", "phi3": "Phi3"}


class Variant:
    """What a family changes in Llama's code, read from its config."""

    def __init__(self, cfg: Config, family: str, layer_family=None):
        self.family = family
        self.hidden = cfg.positive("hidden_size")
        self.heads = cfg.positive("num_attention_heads")
        self.kv_heads = cfg.optional_positive("num_key_value_heads", self.heads)
        self.head_dim = cfg.optional_positive("head_dim", self.hidden // self.heads)
        self.intermediate = cfg.positive("intermediate_size")
        check_heads(self.heads, self.kv_heads, self.head_dim)
        self.gemma = family.startswith("gemma")
        self.act = cfg.get("hidden_activation") or cfg.hidden_act
        bias = bool(cfg.get("attention_bias", False))
        self.qkv_bias = True if family == "qwen2" else bias
        self.o_bias = False if family == "qwen2" else bias
        self.mlp_bias = bool(cfg.get("mlp_bias", False)) if family == "llama" else False
        self.qk_norm = family in ("qwen3", "gemma3_text")
        self.fused = family == "phi3"
        self.sandwich = family in ("gemma2", "gemma3_text")
        self.eps = cfg.get("rms_norm_eps", 1e-6)
        if family in ("gemma2", "gemma3_text"):
            scalar = cfg.query_pre_attn_scalar
            if isinstance(scalar, bool) or not isinstance(scalar, (int, float)) or scalar <= 0:
                raise HFConfigError(f"config: query_pre_attn_scalar must be a positive number, got {scalar!r}")
            self.scaling = scalar ** -0.5
        else:
            self.scaling = self.head_dim ** -0.5
        self.attn_softcap = cfg.get("attn_logit_softcapping") if family == "gemma2" else None
        self.final_softcap = cfg.get("final_logit_softcapping") if family in ("gemma2", "gemma3_text") else None
        rope = cfg.get("rope_parameters") or {}
        partial = rope.get("partial_rotary_factor", cfg.get("partial_rotary_factor", 1.0)) \
            if isinstance(rope, dict) else 1.0
        self.rotary_dim = int(self.head_dim * partial)
        self.layer_types, self.window = layer_types_of(cfg, layer_family or family)


class Attention(nn.Module):
    role = "Attention"

    def __init__(self, v: Variant, layer_idx: int):
        super().__init__()
        self.v, self.layer_idx = v, layer_idx
        q_out, kv_out = v.heads * v.head_dim, v.kv_heads * v.head_dim
        if v.fused:  # Phi3Attention registers o_proj first, then the fused qkv_proj
            self.o_proj = nn.Linear(q_out, v.hidden, bias=False)
            self.qkv_proj = nn.Linear(v.hidden, q_out + 2 * kv_out, bias=False)
        else:
            self.q_proj = nn.Linear(v.hidden, q_out, bias=v.qkv_bias)
            self.k_proj = nn.Linear(v.hidden, kv_out, bias=v.qkv_bias)
            self.v_proj = nn.Linear(v.hidden, kv_out, bias=v.qkv_bias)
            self.o_proj = nn.Linear(q_out, v.hidden, bias=v.o_bias)
        if v.qk_norm:
            self.q_norm = RMSNorm(v.head_dim, v.eps, plus_one=v.gemma)
            self.k_norm = RMSNorm(v.head_dim, v.eps, plus_one=v.gemma)
        self.window = v.window if v.layer_types[layer_idx] == "sliding_attention" else None

    def forward(self, x, cos, sin):
        v = self.v
        b, s = x.shape[0], x.shape[1]
        if v.fused:
            qkv = self.qkv_proj(x)
            q_end, kv = v.heads * v.head_dim, v.kv_heads * v.head_dim
            q, k, val = qkv[..., :q_end], qkv[..., q_end:q_end + kv], qkv[..., q_end + kv:]
        else:
            q, k, val = self.q_proj(x), self.k_proj(x), self.v_proj(x)
        q = q.view(b, s, -1, v.head_dim)
        k = k.view(b, s, -1, v.head_dim)
        if v.qk_norm:
            q, k = self.q_norm(q), self.k_norm(k)
        q, k, val = q.transpose(1, 2), k.transpose(1, 2), val.view(b, s, -1, v.head_dim).transpose(1, 2)
        if v.rotary_dim == v.head_dim:
            q, k = apply_rotary(q, k, cos, sin)
        else:  # Phi-3's partial rotary: the first rotary_dim dims rotate, the rest pass
            r = v.rotary_dim
            q_rot, k_rot = apply_rotary(q[..., :r], k[..., :r], cos, sin)
            q, k = torch.cat((q_rot, q[..., r:]), dim=-1), torch.cat((k_rot, k[..., r:]), dim=-1)
        out = eager_attention(q, k, val, v.scaling, window=self.window, softcap=v.attn_softcap)
        return self.o_proj(out.reshape(b, s, -1))


class Phi3MLP(nn.Module):
    role = "MLP"
    """gate_up_proj (hidden → 2 × intermediate), down_proj: down(act(gate) · up)."""

    def __init__(self, v: Variant):
        super().__init__()
        self.gate_up_proj = nn.Linear(v.hidden, 2 * v.intermediate, bias=False)
        self.down_proj = nn.Linear(v.intermediate, v.hidden, bias=False)
        self.activation_fn = activation(v.act)

    def forward(self, x):
        gate, up = self.gate_up_proj(x).chunk(2, dim=-1)
        return self.down_proj(up * self.activation_fn(gate))


class DecoderLayer(nn.Module):
    role = "DecoderLayer"

    def __init__(self, v: Variant, layer_idx: int, mlp=None):
        super().__init__()
        self.self_attn = Attention(v, layer_idx)
        self.mlp = mlp if mlp is not None else (Phi3MLP(v) if v.fused else
                                                GatedMLP(v.hidden, v.intermediate, v.act, v.mlp_bias))
        self.input_layernorm = RMSNorm(v.hidden, v.eps, plus_one=v.gemma)
        self.post_attention_layernorm = RMSNorm(v.hidden, v.eps, plus_one=v.gemma)
        if v.sandwich:
            self.pre_feedforward_layernorm = RMSNorm(v.hidden, v.eps, plus_one=v.gemma)
            self.post_feedforward_layernorm = RMSNorm(v.hidden, v.eps, plus_one=v.gemma)
        self.sandwich = v.sandwich

    def forward(self, x, cos, sin):
        h = self.self_attn(self.input_layernorm(x), cos, sin)
        if self.sandwich:
            x = x + self.post_attention_layernorm(h)
            return x + self.post_feedforward_layernorm(self.mlp(self.pre_feedforward_layernorm(x)))
        x = x + h
        return x + self.mlp(self.post_attention_layernorm(x))


class ScaledEmbedding(nn.Embedding):
    role = "ScaledEmbedding"
    """Gemma's embedding: the lookup × √hidden (a buffer ``embed_scale``, not a parameter)."""

    def __init__(self, vocab, hidden):
        super().__init__(vocab, hidden)
        self.register_buffer("embed_scale", torch.empty(), persistent=False)

    def forward(self, ids):
        return super().forward(ids) * self.embed_scale


class DecoderModel(nn.Module):
    role = "Model"

    def __init__(self, cfg: Config, v: Variant, make_layer):
        super().__init__()
        vocab = cfg.positive("vocab_size")
        self.embed_tokens = ScaledEmbedding(vocab, v.hidden) if v.gemma else nn.Embedding(vocab, v.hidden)
        self.layers = nn.ModuleList(make_layer(i) for i in range(cfg.positive("num_hidden_layers")))
        self.norm = RMSNorm(v.hidden, v.eps, plus_one=v.gemma)
        if v.family == "gemma3_text":
            self.rotary_emb = RotaryEmbedding(v.rotary_dim, tuple(f"{t}_" for t in sorted(set(v.layer_types))))
        else:
            self.rotary_emb = RotaryEmbedding(v.rotary_dim)
        self.v = v

    def forward(self, ids):
        x = self.embed_tokens(ids)
        positions = torch.arange(ids.shape[1]).unsqueeze(0)
        if self.v.family == "gemma3_text":
            per_type = {t: self.rotary_emb(x, positions, f"{t}_") for t in sorted(set(self.v.layer_types))}
            for layer, kind in zip(self.layers, self.v.layer_types):
                x = layer(x, *per_type[kind])
        else:
            cos, sin = self.rotary_emb(x, positions)
            for layer in self.layers:
                x = layer(x, cos, sin)
        return self.norm(x)


class LlamaLike(CausalLM):
    def __init__(self, cfg: Config, family: str):
        super().__init__(cfg, family)
        v = self.variant = Variant(cfg, family)
        self.model = DecoderModel(cfg, v, lambda i: DecoderLayer(v, i))
        self.lm_head = nn.Linear(v.hidden, cfg.vocab_size, bias=False)
        self.tie(cfg)
        self.class_name = f"{CLASS_PREFIX[family]}ForCausalLM"

    def forward(self, ids):
        logits = self.lm_head(self.model(ids))
        cap = self.variant.final_softcap
        if cap is not None:
            logits = (logits / cap).tanh() * cap
        return logits

    def kv_layers(self):
        v = self.variant
        return [KVLayer(v.kv_heads * v.head_dim, v.kv_heads * v.head_dim,
                        v.window if kind == "sliding_attention" else None) for kind in v.layer_types]


def build(cfg: Config, family: str):
    return LlamaLike(cfg, family)
