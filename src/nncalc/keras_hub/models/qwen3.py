"""Qwen3 (keras_hub ``models/qwen3``): Llama's architecture with RMS norms on query and key heads.

Graph and decoder layer as :mod:`.llama`, with an explicit ``head_dim`` and, in the attention,
``query_dense_layernorm`` and ``key_dense_layernorm`` (one scale of head_dim each, shared by
the heads); the token embedding is tied by default.
"""

from __future__ import annotations

from ...keras import layers
from ..layers.rms_normalization import RMSNorm
from .backbone import Backbone
from .llama import GatedDecoder, RotaryAttention
from .task import ReversedEmbeddingLM


class Qwen3LayerNorm(RMSNorm):
    """Qwen3's RMS norm; with ``head_dim`` its scale has head_dim entries (a per-head norm)."""

    def __init__(self, head_dim=None, epsilon=1e-6, **kwargs):
        super().__init__(epsilon=epsilon, **kwargs)
        self.head_dim = head_dim

    def build(self, input_shape):
        super().build((self.head_dim,) if self.head_dim else input_shape)


class Qwen3Attention(RotaryAttention):
    qk_norm = Qwen3LayerNorm


class Qwen3TransformerDecoder(GatedDecoder):
    norm_class = Qwen3LayerNorm
    attention_class = Qwen3Attention

    def __init__(self, intermediate_dim, num_query_heads, num_key_value_heads, head_dim, rope_max_wavelength=10000,
                 rope_scaling_factor=1.0, activation="silu", layer_norm_epsilon=1e-5,
                 kernel_initializer="glorot_uniform", dropout=0.0, sliding_window_size=None, **kwargs):
        super().__init__(intermediate_dim, num_query_heads, num_key_value_heads, head_dim=head_dim,
                         activation=activation, layer_norm_epsilon=layer_norm_epsilon, dropout=dropout,
                         attention_options={"rope": {"max_wavelength": rope_max_wavelength,
                                                     "scaling_factor": rope_scaling_factor},
                                            "layer_norm_epsilon": layer_norm_epsilon}, **kwargs)


class Qwen3Backbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_query_heads, num_key_value_heads, head_dim, hidden_dim,
                 intermediate_dim, rope_max_wavelength=10000, rope_scaling_factor=1.0, layer_norm_epsilon=1e-6,
                 dropout=0.0, tie_word_embeddings=True, sliding_window_size=32768, dtype=None, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          tie_weights=tie_word_embeddings, dtype=dtype,
                                                          name="token_embedding")
        self.transformer_layers = [
            Qwen3TransformerDecoder(
                intermediate_dim=intermediate_dim, head_dim=head_dim, num_query_heads=num_query_heads,
                num_key_value_heads=num_key_value_heads, rope_max_wavelength=rope_max_wavelength,
                rope_scaling_factor=rope_scaling_factor, layer_norm_epsilon=layer_norm_epsilon, activation="silu",
                dropout=dropout, sliding_window_size=sliding_window_size, dtype=dtype, name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.layer_norm = Qwen3LayerNorm(epsilon=layer_norm_epsilon, dtype=dtype, name="sequence_output_layernorm")
        self._build_decoder_only(self.transformer_layers, self.layer_norm, dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.hidden_dim = vocabulary_size, num_layers, hidden_dim
        self.num_query_heads, self.num_key_value_heads, self.head_dim = num_query_heads, num_key_value_heads, head_dim
        self.intermediate_dim = intermediate_dim


class Qwen3CausalLM(ReversedEmbeddingLM):
    backbone_cls = Qwen3Backbone
