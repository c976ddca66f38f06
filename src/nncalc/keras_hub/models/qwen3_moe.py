"""Qwen3 MoE (keras_hub ``models/qwen3_moe``): Qwen3's attention and a mixture of experts.

Decoder layer ``Qwen3MoeTransformerDecoder``: rotary attention with per-head query/key RMS
norms (``Qwen3MoeAttention``), then ``mlp``: a ``Qwen3SparseMoeBlock`` (router (d, E),
``experts`` with fused gate/up (E, d, 2f) and down (E, f, d); no shared expert) on sparse
layers, else a dense ``Qwen3MoeMLP``. Every expert runs on every token (see :mod:`.mixtral`).
"""

from __future__ import annotations

from ...keras import layers
from .backbone import Backbone
from .llama import RotaryAttention
from .mixtral import MoeDecoder, SparseMoeBlock
from .qwen3 import Qwen3LayerNorm
from .qwen_moe import QwenMoeExperts, QwenMoeMLP
from .task import ReversedEmbeddingLM


class Qwen3MoeLayerNorm(Qwen3LayerNorm):
    """Qwen3 MoE's RMS norm (per head with ``head_dim``)."""


class Qwen3MoeAttention(RotaryAttention):
    qk_norm = Qwen3MoeLayerNorm


class Qwen3MoeMLP(QwenMoeMLP):
    pass


class Qwen3MoeExperts(QwenMoeExperts):
    pass


class Qwen3SparseMoeBlock(SparseMoeBlock):
    experts_class = Qwen3MoeExperts

    def __init__(self, hidden_dim, moe_intermediate_dim, num_experts, top_k, norm_top_k_prob,
                 kernel_initializer="glorot_uniform", layer_norm_epsilon=1e-06, router_aux_loss_coefficient=0.01,
                 **kwargs):
        super().__init__(hidden_dim, moe_intermediate_dim, num_experts, top_k, **kwargs)
        self.norm_top_k_prob = norm_top_k_prob


class Qwen3MoeTransformerDecoder(MoeDecoder):
    norm_class = Qwen3MoeLayerNorm
    attention_class = Qwen3MoeAttention

    def __init__(self, intermediate_dim, num_query_heads, num_key_value_heads, moe_intermediate_dim, num_experts,
                 top_k, norm_top_k_prob, head_dim=None, is_sparse_mlp=False, rope_max_wavelength=10000,
                 rope_scaling_factor=1.0, activation="silu", layer_norm_epsilon=1e-06,
                 kernel_initializer="glorot_uniform", dropout=0, sliding_window_size=4096,
                 router_aux_loss_coefficient=0.001, **kwargs):
        super().__init__(intermediate_dim, num_query_heads, num_key_value_heads, head_dim=head_dim,
                         activation=activation, layer_norm_epsilon=layer_norm_epsilon, dropout=dropout,
                         attention_options={"rope": {"max_wavelength": rope_max_wavelength,
                                                     "scaling_factor": rope_scaling_factor},
                                            "layer_norm_epsilon": layer_norm_epsilon}, **kwargs)
        self.moe_intermediate_dim = moe_intermediate_dim
        self.num_experts = num_experts
        self.top_k = top_k
        self.norm_top_k_prob = norm_top_k_prob
        self.is_sparse_mlp = is_sparse_mlp

    def make_mlp(self):
        if self.is_sparse_mlp:
            return Qwen3SparseMoeBlock(hidden_dim=self.hidden_dim, moe_intermediate_dim=self.moe_intermediate_dim,
                                       num_experts=self.num_experts, top_k=self.top_k,
                                       norm_top_k_prob=self.norm_top_k_prob, dtype=self.dtype_policy)
        return Qwen3MoeMLP(intermediate_dim=self.intermediate_dim, hidden_dim=self.hidden_dim, dtype=self.dtype_policy)


class Qwen3MoeBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_query_heads, num_key_value_heads, hidden_dim, intermediate_dim,
                 moe_intermediate_dim, num_experts, head_dim=None, top_k=4, norm_top_k_prob=False,
                 decoder_sparse_step=1, rope_max_wavelength=10000, rope_scaling_factor=1.0, layer_norm_epsilon=1e-06,
                 dropout=0, dtype=None, tie_word_embeddings=False, sliding_window_size=32768,
                 router_aux_loss_coefficient=0.001, mlp_only_layers=None, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          tie_weights=tie_word_embeddings, dtype=dtype,
                                                          name="token_embedding")
        mlp_only_layers = mlp_only_layers or []
        self.transformer_layers = [
            Qwen3MoeTransformerDecoder(
                intermediate_dim=intermediate_dim, num_query_heads=num_query_heads,
                num_key_value_heads=num_key_value_heads, moe_intermediate_dim=moe_intermediate_dim,
                head_dim=head_dim, num_experts=num_experts, top_k=top_k, norm_top_k_prob=norm_top_k_prob,
                rope_max_wavelength=rope_max_wavelength, rope_scaling_factor=rope_scaling_factor,
                layer_norm_epsilon=layer_norm_epsilon, activation="silu", dropout=dropout, dtype=dtype,
                sliding_window_size=sliding_window_size,
                is_sparse_mlp=i not in mlp_only_layers and num_experts > 0 and (i + 1) % decoder_sparse_step == 0,
                name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.layer_norm = Qwen3MoeLayerNorm(epsilon=layer_norm_epsilon, dtype=dtype, name="sequence_output_layernorm")
        self._build_decoder_only(self.transformer_layers, self.layer_norm, dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.hidden_dim = vocabulary_size, num_layers, hidden_dim
        self.num_query_heads, self.num_key_value_heads, self.head_dim = num_query_heads, num_key_value_heads, head_dim
        self.intermediate_dim, self.num_experts, self.top_k = intermediate_dim, num_experts, top_k


class Qwen3MoeCausalLM(ReversedEmbeddingLM):
    backbone_cls = Qwen3MoeBackbone
