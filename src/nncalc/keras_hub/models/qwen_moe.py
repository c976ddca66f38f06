"""Qwen 1.5 MoE (keras_hub ``models/qwen_moe``): Qwen's attention, experts plus a shared expert.

Decoder layer ``QwenMoeTransformerDecoder``: biased-QKV rotary attention (``QwenMoeAttention``),
then ``mlp``: on sparse layers a ``QwenSparseMoeBlock`` — router (d, E), ``experts`` with a
fused gate/up weight (E, d, 2f) and a down weight (E, f, d), a ``shared_expert_dense`` SwiGLU
MLP (width ``shared_expert_intermediate_dim``) gated by ``shared_expert_gate_dense`` (d, 1) —
otherwise a dense ``QwenMoeMLP`` of ``intermediate_dim``. (The backbone passes no ``layer_index``,
so every layer counts as layer 0 for ``mlp_only_layers`` and ``decoder_sparse_step``, as in keras_hub.) As in keras_hub every expert runs on
every token (see :mod:`.mixtral`). The final norm is Qwen's ``QwenLayerNorm``.
"""

from __future__ import annotations

from ...keras import layers, ops
from ..layers.base import HubLayer, build_layer
from ..layers.rms_normalization import RMSNorm
from .backbone import Backbone
from .llama import SwiGLU
from .mixtral import MoeDecoder, MoeExperts, SparseMoeBlock
from .qwen import QwenAttention, QwenLayerNorm
from .task import ReversedEmbeddingLM


class QwenMoeLayerNorm(RMSNorm):
    """Qwen MoE's RMS norm."""


class QwenMoeAttention(QwenAttention):
    pass


class QwenMoeMLP(SwiGLU, HubLayer):
    """A dense SwiGLU MLP (3·d·f, no bias) as its own layer."""

    def __init__(self, intermediate_dim, hidden_dim, activation_fn="silu", layer_norm_epsilon=1e-05,
                 kernel_initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        self.intermediate_dim = intermediate_dim
        self.hidden_dim = hidden_dim
        self.activation = activation_fn

    def build(self, decoder_sequence_shape):
        self.build_feedforward(decoder_sequence_shape)
        self.built = True

    def call(self, x):
        return self.feedforward(x)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.hidden_dim,)


class QwenMoeExperts(MoeExperts):
    fused_gate_up = True


class QwenSparseMoeBlock(SparseMoeBlock):
    experts_class = QwenMoeExperts
    shared_mlp_class = QwenMoeMLP

    def __init__(self, hidden_dim, moe_intermediate_dim, shared_expert_intermediate_dim, num_experts, top_k,
                 norm_top_k_prob, kernel_initializer="glorot_uniform", layer_norm_epsilon=1e-05,
                 router_aux_loss_coefficient=0.01, **kwargs):
        super().__init__(hidden_dim, moe_intermediate_dim, num_experts, top_k, **kwargs)
        self.intermediate_dim_shared = shared_expert_intermediate_dim
        self.norm_top_k_prob = norm_top_k_prob

    def build(self, decoder_sequence_shape):
        super().build(decoder_sequence_shape)
        if self.intermediate_dim_shared is not None:
            self.shared_expert_dense = build_layer(self.shared_mlp_class(
                intermediate_dim=self.intermediate_dim_shared, hidden_dim=self.hidden_dim,
                name="shared_expert_dense", dtype=self.dtype_policy), decoder_sequence_shape)
            self.shared_expert_gate_dense = build_layer(layers.Dense(
                1, use_bias=False, name="shared_expert_gate_dense", dtype=self.dtype_policy), decoder_sequence_shape)
        self.built = True

    def experts_output(self, flat):
        out = super().experts_output(flat)
        if self.intermediate_dim_shared is None:
            return out
        shared = self.shared_expert_dense(flat) * ops.sigmoid(self.shared_expert_gate_dense(flat))
        return out + shared


class QwenMoeTransformerDecoder(MoeDecoder):
    norm_class = QwenMoeLayerNorm
    attention_class = QwenMoeAttention

    def __init__(self, intermediate_dim, num_query_heads, num_key_value_heads, moe_intermediate_dim,
                 shared_expert_intermediate_dim, num_experts, top_k, norm_top_k_prob, decoder_sparse_step,
                 rope_max_wavelength=10000, rope_scaling_factor=1.0, activation="silu", layer_norm_epsilon=1e-05,
                 kernel_initializer="glorot_uniform", dropout=0, use_sliding_window_attention=False,
                 sliding_window_size=4096, layer_index=0, mlp_only_layers=(), output_router_logits=False,
                 router_aux_loss_coefficient=0.001, **kwargs):
        super().__init__(intermediate_dim, num_query_heads, num_key_value_heads, activation=activation,
                         layer_norm_epsilon=layer_norm_epsilon, dropout=dropout,
                         attention_options={"rope": {"max_wavelength": rope_max_wavelength,
                                                     "scaling_factor": rope_scaling_factor}}, **kwargs)
        if output_router_logits:
            from ...errors import Unsupported

            raise Unsupported("QwenMoeBackbone(output_router_logits=True) is not supported by nncalc yet")
        self.moe_intermediate_dim = moe_intermediate_dim
        self.shared_expert_intermediate_dim = shared_expert_intermediate_dim
        self.num_experts = num_experts
        self.top_k = top_k
        self.norm_top_k_prob = norm_top_k_prob
        self.sparse = layer_index not in mlp_only_layers and num_experts > 0 \
            and (layer_index + 1) % decoder_sparse_step == 0

    def make_mlp(self):
        if self.sparse:
            return QwenSparseMoeBlock(
                hidden_dim=self.hidden_dim, moe_intermediate_dim=self.moe_intermediate_dim,
                shared_expert_intermediate_dim=self.shared_expert_intermediate_dim, num_experts=self.num_experts,
                top_k=self.top_k, norm_top_k_prob=self.norm_top_k_prob, dtype=self.dtype_policy)
        return QwenMoeMLP(intermediate_dim=self.intermediate_dim, hidden_dim=self.hidden_dim, dtype=self.dtype_policy)


class QwenMoeBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_query_heads, num_key_value_heads, hidden_dim, intermediate_dim,
                 moe_intermediate_dim, shared_expert_intermediate_dim, num_experts, top_k=4, norm_top_k_prob=False,
                 decoder_sparse_step=1, rope_max_wavelength=10000, rope_scaling_factor=1.0, layer_norm_epsilon=1e-06,
                 dropout=0, dtype=None, tie_word_embeddings=False, use_sliding_window_attention=False,
                 sliding_window_size=32768, output_router_logits=False, router_aux_loss_coefficient=0.001,
                 mlp_only_layers=(), **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          tie_weights=tie_word_embeddings, dtype=dtype,
                                                          name="token_embedding")
        self.transformer_layers = [
            QwenMoeTransformerDecoder(
                intermediate_dim=intermediate_dim, num_query_heads=num_query_heads,
                num_key_value_heads=num_key_value_heads, moe_intermediate_dim=moe_intermediate_dim,
                shared_expert_intermediate_dim=shared_expert_intermediate_dim, num_experts=num_experts, top_k=top_k,
                norm_top_k_prob=norm_top_k_prob, decoder_sparse_step=decoder_sparse_step,
                rope_max_wavelength=rope_max_wavelength, rope_scaling_factor=rope_scaling_factor,
                layer_norm_epsilon=layer_norm_epsilon, activation="silu", dropout=dropout, dtype=dtype,
                use_sliding_window_attention=use_sliding_window_attention, sliding_window_size=sliding_window_size,
                output_router_logits=output_router_logits, mlp_only_layers=mlp_only_layers,
                name=f"transformer_layer_{i}")  # (keras_hub passes no layer_index: every layer is layer 0)
            for i in range(num_layers)]
        self.layer_norm = QwenLayerNorm(epsilon=layer_norm_epsilon, dtype=dtype, name="sequence_output_layernorm")
        self._build_decoder_only(self.transformer_layers, self.layer_norm, dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.hidden_dim = vocabulary_size, num_layers, hidden_dim
        self.num_query_heads, self.num_key_value_heads = num_query_heads, num_key_value_heads
        self.intermediate_dim, self.num_experts, self.top_k = intermediate_dim, num_experts, top_k


class QwenMoeCausalLM(ReversedEmbeddingLM):
    backbone_cls = QwenMoeBackbone
