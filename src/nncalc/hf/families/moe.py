"""Mixtral, Qwen2-MoE and Qwen3-MoE: Llama-style decoders whose MLP is a sparse MoE block
(transformers ``models/mixtral``, ``models/qwen2_moe``, ``models/qwen3_moe``).

* mixtral: ``mlp.gate`` (router) then ``mlp.experts``; attention as Mistral's.
* qwen2_moe: ``mlp.gate``, ``mlp.experts``, ``mlp.shared_expert`` (a gated MLP of
  ``shared_expert_intermediate_size``) and ``mlp.shared_expert_gate`` (H → 1, sigmoid); a
  layer is sparse unless listed in ``mlp_only_layers`` or off the ``decoder_sparse_step``
  (then a dense MLP of ``intermediate_size``); attention as Qwen2's (q/k/v biases).
* qwen3_moe: ``mlp.experts`` then ``mlp.gate``; attention as Qwen3's (q_norm, k_norm).
"""

from __future__ import annotations

from ...torch import nn
from ..blocks import GatedMLP
from ..moe_blocks import Experts, MoEInfo, SoftmaxRouter, count
from .llama import DEFAULTS as LLAMA_DEFAULTS
from .llama import DecoderLayer, DecoderModel, LlamaLike, Variant

DEFAULTS = {
    "mixtral": dict(LLAMA_DEFAULTS["mistral"], sliding_window=None, num_local_experts=8, num_experts_per_tok=2,
                    rms_norm_eps=1e-5, max_position_embeddings=4096 * 32),
    "qwen2_moe": dict(LLAMA_DEFAULTS["qwen2"], hidden_size=2048, intermediate_size=5632, num_hidden_layers=24,
                      num_attention_heads=16, num_key_value_heads=16, num_experts=60, num_experts_per_tok=4,
                      moe_intermediate_size=1408, shared_expert_intermediate_size=5632, decoder_sparse_step=1,
                      mlp_only_layers=[], norm_topk_prob=False, max_window_layers=28),
    "qwen3_moe": dict(LLAMA_DEFAULTS["qwen3"], hidden_size=2048, intermediate_size=6144, num_hidden_layers=24,
                      num_attention_heads=32, num_key_value_heads=4, head_dim=None, num_experts=128,
                      num_experts_per_tok=8, moe_intermediate_size=768, decoder_sparse_step=1, mlp_only_layers=[],
                      norm_topk_prob=False, max_window_layers=28),
}
# The config classes' attribute_map: another name for the same setting.
ALIASES = {"mixtral": {"num_experts": "num_local_experts"}, "qwen3_moe": {"num_experts": "num_local_experts"}}
ATTENTION_OF = {"mixtral": "mistral", "qwen2_moe": "qwen2", "qwen3_moe": "qwen3"}
CLASS_NAMES = {"mixtral": "MixtralForCausalLM", "qwen2_moe": "Qwen2MoeForCausalLM",
               "qwen3_moe": "Qwen3MoeForCausalLM"}


class SparseMoeBlock(nn.Module):
    role = "SparseMoeBlock"

    def __init__(self, cfg, v, family):
        super().__init__()
        self.family = family
        experts = cfg.positive("num_experts")
        self.top_k = cfg.positive("num_experts_per_tok")
        inter = v.intermediate if family == "mixtral" else cfg.positive("moe_intermediate_size")
        normalize = True if family == "mixtral" else bool(cfg.get("norm_topk_prob", False))
        if family == "qwen3_moe":
            self.experts = Experts(experts, v.hidden, inter, v.act)
            self.gate = SoftmaxRouter(experts, v.hidden, self.top_k, normalize)
        else:
            self.gate = SoftmaxRouter(experts, v.hidden, self.top_k, normalize)
            self.experts = Experts(experts, v.hidden, inter, v.act)
        if family == "qwen2_moe":
            self.shared_expert = GatedMLP(v.hidden, cfg.positive("shared_expert_intermediate_size"), v.act)
            self.shared_expert_gate = nn.Linear(v.hidden, 1, bias=False)

    def forward(self, x):
        b, s, h = x.shape
        flat = x.view(-1, h)
        shared = self.shared_expert(flat) if self.family == "qwen2_moe" else None
        self.gate(flat)
        out = self.experts(flat, self.top_k)
        if shared is not None:
            out = out + nn.functional.sigmoid(self.shared_expert_gate(flat)) * shared
        return out.reshape(b, s, h)

    def info(self, layer):
        shared = count(self.shared_expert) + count(self.shared_expert_gate) if self.family == "qwen2_moe" else 0
        return MoEInfo(layer, self.experts.num_experts, self.top_k, self.experts.params_per_expert, shared,
                       count(self.gate))


def _sparse(cfg, family, i) -> bool:
    if family == "mixtral":
        return True
    return (i not in (cfg.get("mlp_only_layers") or []) and cfg.get("num_experts", 0) > 0
            and (i + 1) % cfg.optional_positive("decoder_sparse_step", 1) == 0)


class MoECausalLM(LlamaLike):
    def __init__(self, cfg, family):
        nn.Module.__init__(self)
        self.cfg, self.family = cfg, family
        v = self.variant = Variant(cfg, ATTENTION_OF[family], layer_family=family)

        def make_layer(i):
            mlp = SparseMoeBlock(cfg, v, family) if _sparse(cfg, family, i) else \
                GatedMLP(v.hidden, v.intermediate, v.act)
            return DecoderLayer(v, i, mlp)

        self.model = DecoderModel(cfg, v, make_layer)
        self.lm_head = nn.Linear(v.hidden, cfg.vocab_size, bias=False)
        self.tie(cfg)
        self.class_name = CLASS_NAMES[family]

    def moe(self):
        return [layer.mlp.info(i) for i, layer in enumerate(self.model.layers)
                if isinstance(layer.mlp, SparseMoeBlock)]


def build(cfg, family):
    return MoECausalLM(cfg, family)
