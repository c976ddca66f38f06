"""Mistral (keras_hub ``models/mistral``): Llama's architecture with an optional ``head_dim``.

Graph and decoder layer as :mod:`.llama` (grouped-query attention with rotary encoding, SwiGLU
MLP, RMS norms; untied output embedding), under Mistral's class names. The sliding window
only masks attention scores: it changes no shape and no parameter.
"""

from __future__ import annotations

from ...keras import layers
from ..layers.rms_normalization import RMSNorm
from .backbone import Backbone
from .llama import GatedDecoder, RotaryAttention
from .task import ReversedEmbeddingLM


class MistralLayerNormalization(RMSNorm):
    """Mistral's RMS norm."""


class CachedMistralAttention(RotaryAttention):
    """Mistral's attention: no bias; ``head_dim`` may differ from hidden_dim // heads."""


class MistralTransformerDecoder(GatedDecoder):
    norm_class = MistralLayerNormalization
    attention_class = CachedMistralAttention

    def __init__(self, intermediate_dim, num_query_heads, num_key_value_heads, rope_max_wavelength=10000,
                 rope_scaling_factor=1.0, activation="silu", layer_norm_epsilon=1e-5,
                 kernel_initializer="glorot_uniform", sliding_window=512, dropout=0, head_dim=None, **kwargs):
        super().__init__(intermediate_dim, num_query_heads, num_key_value_heads, head_dim=head_dim,
                         activation=activation, layer_norm_epsilon=layer_norm_epsilon, dropout=dropout,
                         attention_options={"rope": {"max_wavelength": rope_max_wavelength,
                                                     "scaling_factor": rope_scaling_factor}}, **kwargs)
        self.sliding_window = sliding_window


class MistralBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_query_heads, hidden_dim, intermediate_dim,
                 num_key_value_heads, rope_max_wavelength=10000, rope_scaling_factor=1.0, layer_norm_epsilon=1e-6,
                 sliding_window=512, head_dim=None, dropout=0, dtype=None, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          tie_weights=False, dtype=dtype, name="token_embedding")
        self.transformer_layers = [
            MistralTransformerDecoder(
                intermediate_dim=intermediate_dim, num_query_heads=num_query_heads,
                num_key_value_heads=num_key_value_heads, rope_max_wavelength=rope_max_wavelength,
                rope_scaling_factor=rope_scaling_factor, layer_norm_epsilon=layer_norm_epsilon, activation="silu",
                sliding_window=sliding_window, head_dim=head_dim, dropout=dropout, dtype=dtype,
                name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.layer_norm = MistralLayerNormalization(epsilon=layer_norm_epsilon, dtype=dtype,
                                                    name="sequence_output_layernorm")
        self._build_decoder_only(self.transformer_layers, self.layer_norm, dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.hidden_dim = vocabulary_size, num_layers, hidden_dim
        self.num_query_heads, self.num_key_value_heads, self.head_dim = num_query_heads, num_key_value_heads, head_dim
        self.intermediate_dim = intermediate_dim


class MistralCausalLM(ReversedEmbeddingLM):
    backbone_cls = MistralBackbone
