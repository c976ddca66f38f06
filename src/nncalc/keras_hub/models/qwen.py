"""Qwen 2 / 2.5 (keras_hub ``models/qwen``): Llama's architecture with biased query, key, value.

Graph and decoder layer as :mod:`.llama`; the query, key and value projections have a bias
over (heads, head_dim); the token embedding is tied to the output by default.
"""

from __future__ import annotations

from ...keras import layers
from ..layers.rms_normalization import RMSNorm
from .backbone import Backbone
from .llama import GatedDecoder, RotaryAttention
from .task import ReversedEmbeddingLM


class QwenLayerNorm(RMSNorm):
    """Qwen's RMS norm."""


class QwenAttention(RotaryAttention):
    """Qwen's attention: bias on query (h, head_dim), key and value (g, head_dim)."""

    qkv_bias = True


class QwenTransformerDecoder(GatedDecoder):
    norm_class = QwenLayerNorm
    attention_class = QwenAttention

    def __init__(self, intermediate_dim, num_query_heads, num_key_value_heads, rope_max_wavelength=10000,
                 rope_scaling_factor=1.0, activation="silu", layer_norm_epsilon=1e-5,
                 kernel_initializer="glorot_uniform", dropout=0, use_sliding_window_attention=False,
                 sliding_window_size=4096, **kwargs):
        super().__init__(intermediate_dim, num_query_heads, num_key_value_heads, activation=activation,
                         layer_norm_epsilon=layer_norm_epsilon, dropout=dropout,
                         attention_options={"rope": {"max_wavelength": rope_max_wavelength,
                                                     "scaling_factor": rope_scaling_factor}}, **kwargs)


class QwenBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_query_heads, num_key_value_heads, hidden_dim,
                 intermediate_dim, rope_max_wavelength=10000, rope_scaling_factor=1.0, layer_norm_epsilon=1e-6,
                 dropout=0, dtype=None, tie_word_embeddings=True, use_sliding_window_attention=False,
                 sliding_window_size=32768, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          tie_weights=tie_word_embeddings, dtype=dtype,
                                                          name="token_embedding")
        self.transformer_layers = [
            QwenTransformerDecoder(
                intermediate_dim=intermediate_dim, num_query_heads=num_query_heads,
                num_key_value_heads=num_key_value_heads, rope_max_wavelength=rope_max_wavelength,
                rope_scaling_factor=rope_scaling_factor, layer_norm_epsilon=layer_norm_epsilon, activation="silu",
                dropout=dropout, dtype=dtype, use_sliding_window_attention=use_sliding_window_attention,
                sliding_window_size=sliding_window_size, name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.layer_norm = QwenLayerNorm(epsilon=layer_norm_epsilon, dtype=dtype, name="sequence_output_layernorm")
        self._build_decoder_only(self.transformer_layers, self.layer_norm, dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.hidden_dim = vocabulary_size, num_layers, hidden_dim
        self.num_query_heads, self.num_key_value_heads = num_query_heads, num_key_value_heads
        self.intermediate_dim = intermediate_dim


class QwenCausalLM(ReversedEmbeddingLM):
    backbone_cls = QwenBackbone


Qwen2Backbone, Qwen2CausalLM = QwenBackbone, QwenCausalLM  # keras_hub exports both names
