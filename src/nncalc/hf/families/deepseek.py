"""DeepSeek-V2 and DeepSeek-V3 (transformers ``models/deepseek_v2``, ``models/deepseek_v3``).

Attention is multi-head latent attention (MLA): the query through a low-rank pair
``q_a_proj`` → ``q_a_layernorm`` → ``q_b_proj`` (or one ``q_proj`` when ``q_lora_rank`` is
null), keys and values from one compressed latent ``kv_a_proj_with_mqa`` (H → kv_lora_rank +
qk_rope_head_dim), ``kv_a_layernorm``, expanded per head by ``kv_b_proj`` (kv_lora_rank →
heads × (qk_nope_head_dim + v_head_dim)); ``o_proj``. The cache keeps the compressed latent and
the rotary key part: kv_lora_rank + qk_rope_head_dim values per token and layer.

Layers from ``first_k_dense_replace`` on are MoE: ``experts`` (routed), ``gate`` (router;
V3 also a buffer ``e_score_correction_bias``), ``shared_experts`` (a gated MLP of
moe_intermediate_size × n_shared_experts); the others a dense MLP of intermediate_size.
Transformers builds ``num_hidden_layers`` layers and no multi-token-prediction layer
(DeepSeek-V3's checkpoint has one more, layer 61, which transformers ignores when loading).
"""

from __future__ import annotations

from ... import torch
from ...torch import nn
from ..blocks import GatedMLP, RMSNorm, RotaryEmbedding, apply_rotary, eager_attention
from ..moe_blocks import Experts, MoEInfo, count
from .base import CausalLM, KVLayer

_V2 = dict(vocab_size=102400, hidden_size=4096, intermediate_size=11008, moe_intermediate_size=1407,
           num_hidden_layers=32, num_attention_heads=32, n_shared_experts=2, n_routed_experts=64,
           routed_scaling_factor=1.0, kv_lora_rank=512, q_lora_rank=1536, qk_rope_head_dim=64, v_head_dim=128,
           qk_nope_head_dim=128, topk_method="greedy", n_group=None, topk_group=None, num_experts_per_tok=None,
           first_k_dense_replace=0, norm_topk_prob=False, hidden_act="silu", max_position_embeddings=2048,
           rms_norm_eps=1e-6, tie_word_embeddings=False, attention_bias=False, mlp_bias=False)
DEFAULTS = {
    "deepseek_v2": _V2,
    "deepseek_v3": dict(_V2, vocab_size=129280, hidden_size=7168, intermediate_size=18432, moe_intermediate_size=2048,
                        num_hidden_layers=61, num_attention_heads=128, n_shared_experts=1, n_routed_experts=256,
                        routed_scaling_factor=2.5, num_experts_per_tok=8, n_group=8, topk_group=4,
                        first_k_dense_replace=3, norm_topk_prob=True, max_position_embeddings=4096),
}
ALIASES = {"deepseek_v2": {"num_experts": "n_routed_experts"},
           "deepseek_v3": {"num_local_experts": "n_routed_experts"}}
CLASS_NAMES = {"deepseek_v2": "DeepseekV2ForCausalLM", "deepseek_v3": "DeepseekV3ForCausalLM"}


class MLA(nn.Module):
    role = "Attention"

    def __init__(self, cfg, hidden):
        super().__init__()
        self.heads = cfg.positive("num_attention_heads")
        self.q_lora_rank, self.kv_lora_rank = cfg.get("q_lora_rank"), cfg.positive("kv_lora_rank")
        self.nope, self.rope, self.v_dim = (cfg.positive("qk_nope_head_dim"), cfg.positive("qk_rope_head_dim"),
                                            cfg.positive("v_head_dim"))
        qk = self.nope + self.rope
        bias = bool(cfg.get("attention_bias", False))
        eps = cfg.get("rms_norm_eps", 1e-6)
        if self.q_lora_rank is None:
            self.q_proj = nn.Linear(hidden, self.heads * qk, bias=False)
        else:
            self.q_a_proj = nn.Linear(hidden, self.q_lora_rank, bias=bias)
            self.q_a_layernorm = RMSNorm(self.q_lora_rank, eps)
            self.q_b_proj = nn.Linear(self.q_lora_rank, self.heads * qk, bias=False)
        self.kv_a_proj_with_mqa = nn.Linear(hidden, self.kv_lora_rank + self.rope, bias=bias)
        self.kv_a_layernorm = RMSNorm(self.kv_lora_rank, eps)
        self.kv_b_proj = nn.Linear(self.kv_lora_rank, self.heads * (self.nope + self.v_dim), bias=False)
        self.o_proj = nn.Linear(self.heads * self.v_dim, hidden, bias=bias)
        self.scaling = qk ** -0.5

    def forward(self, x, cos, sin):
        b, s = x.shape[0], x.shape[1]
        q = self.q_proj(x) if self.q_lora_rank is None else self.q_b_proj(self.q_a_layernorm(self.q_a_proj(x)))
        q = q.view(b, s, -1, self.nope + self.rope).transpose(1, 2)
        q_pass, q_rot = q.split([self.nope, self.rope], dim=-1)
        kv_nope, k_rot = self.kv_a_proj_with_mqa(x).split([self.kv_lora_rank, self.rope], dim=-1)
        kv_nope = self.kv_a_layernorm(kv_nope).view(b, 1, s, self.kv_lora_rank)
        k_rot = k_rot.view(b, 1, s, self.rope)
        q_rot, k_rot = apply_rotary(q_rot, k_rot, cos, sin)
        q = torch.cat((q_pass, q_rot), dim=-1)
        kv = self.kv_b_proj(kv_nope).view(b, s, -1, self.nope + self.v_dim).transpose(1, 2)
        k_nope, value = kv.split([self.nope, self.v_dim], dim=-1)
        key = torch.cat((k_nope, k_rot.expand(-1, self.heads, -1, -1)), dim=-1)
        out = eager_attention(q, key, value, self.scaling)
        return self.o_proj(out.reshape(b, s, -1))


class Router(nn.Module):
    role = "TopKRouter"
    """DeepSeek's router: logits = x · Wᵀ in float32; V2 softmax (``greedy`` or
    ``group_limited_greedy`` top-k), V3 sigmoid + ``e_score_correction_bias`` (a buffer),
    best groups then top-k, renormalized (``norm_topk_prob``), × routed_scaling_factor."""

    def __init__(self, cfg, hidden, v3):
        super().__init__()
        self.v3, self.cfg = v3, cfg
        experts = cfg.positive("n_routed_experts")
        self.weight = nn.Parameter(torch.empty(experts, hidden))
        if v3:
            self.register_buffer("e_score_correction_bias", torch.empty(experts))

    def forward(self, x, top_k):
        logits = nn.functional.linear(x.float(), self.weight.float())
        scores = logits.sigmoid() if self.v3 else logits.softmax(-1, dtype=torch.float32)
        if self.v3:
            scores = scores + self.e_score_correction_bias
        top, _ = scores.topk(top_k, dim=-1)
        if self.v3 and self.cfg.get("norm_topk_prob", False):
            top = top / (top.sum(-1, keepdim=True) + 1e-20)
        return top * 1.0


class MoE(nn.Module):
    role = "SparseMoeBlock"

    def __init__(self, cfg, hidden, act, v3):
        super().__init__()
        self.cfg = cfg
        inter = cfg.positive("moe_intermediate_size")
        self.experts = Experts(cfg.positive("n_routed_experts"), hidden, inter, act)
        self.gate = Router(cfg, hidden, v3)
        self.shared_experts = GatedMLP(hidden, inter * cfg.get("n_shared_experts", 1), act,
                                       bool(cfg.get("mlp_bias", False)))

    @property
    def top_k(self):
        return self.cfg.positive("num_experts_per_tok")

    def forward(self, x):
        b, s, h = x.shape
        self.gate(x.view(-1, h), self.top_k)
        out = self.experts(x.view(-1, h), self.top_k).view(b, s, h)
        return out + self.shared_experts(x)

    def info(self, layer):
        return MoEInfo(layer, self.experts.num_experts, self.top_k, self.experts.params_per_expert,
                       count(self.shared_experts), count(self.gate))


class DecoderLayer(nn.Module):
    role = "DecoderLayer"

    def __init__(self, cfg, i, hidden, act, v3):
        super().__init__()
        self.self_attn = MLA(cfg, hidden)
        self.mlp = MoE(cfg, hidden, act, v3) if i >= cfg.get("first_k_dense_replace", 0) else \
            GatedMLP(hidden, cfg.positive("intermediate_size"), act, bool(cfg.get("mlp_bias", False)))
        eps = cfg.get("rms_norm_eps", 1e-6)
        self.input_layernorm = RMSNorm(hidden, eps)
        self.post_attention_layernorm = RMSNorm(hidden, eps)

    def forward(self, x, cos, sin):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class DeepseekModel(nn.Module):
    role = "Model"

    def __init__(self, cfg, hidden, act, v3):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.positive("vocab_size"), hidden)
        self.layers = nn.ModuleList(DecoderLayer(cfg, i, hidden, act, v3)
                                    for i in range(cfg.positive("num_hidden_layers")))
        self.norm = RMSNorm(hidden, cfg.get("rms_norm_eps", 1e-6))
        self.rotary_emb = RotaryEmbedding(cfg.positive("qk_rope_head_dim"))

    def forward(self, ids):
        x = self.embed_tokens(ids)
        cos, sin = self.rotary_emb(x, torch.arange(ids.shape[1]).unsqueeze(0))
        for layer in self.layers:
            x = layer(x, cos, sin)
        return self.norm(x)


class DeepseekCausalLM(CausalLM):
    def __init__(self, cfg, family):
        super().__init__(cfg, family)
        hidden = cfg.positive("hidden_size")
        self.model = DeepseekModel(cfg, hidden, cfg.hidden_act, family == "deepseek_v3")
        self.lm_head = nn.Linear(hidden, cfg.vocab_size, bias=False)
        self.tie(cfg)
        self.class_name = CLASS_NAMES[family]

    def forward(self, ids):
        return self.lm_head(self.model(ids))

    def kv_layers(self):
        attn = self.model.layers[0].self_attn
        return [KVLayer(attn.kv_lora_rank, attn.rope)] * len(self.model.layers)

    def moe(self):
        return [layer.mlp.info(i) for i, layer in enumerate(self.model.layers) if isinstance(layer.mlp, MoE)]


def build(cfg, family):
    return DeepseekCausalLM(cfg, family)
