"""Phi-3 (keras_hub ``models/phi3``): Llama's architecture under Phi-3's names, with "su" RoPE.

Decoder layer ``Phi3Decoder``: ``pre_attention_layernorm`` → ``attention`` → ``attention_dropout``
→ + residual → ``post_attention_layernorm`` → SwiGLU MLP → ``feedforward_dropout`` → + residual.
``rope_scaling_type="su"`` (the 128k presets) rescales the rotary frequencies: values only.
"""

from __future__ import annotations

from ...keras import layers
from ..layers.base import build_layer
from ..layers.rms_normalization import RMSNorm
from ..layers.rotary_embedding import RotaryEmbedding
from .backbone import Backbone
from .llama import GatedDecoder, RotaryAttention
from .task import ReversedEmbeddingLM


class Phi3LayerNorm(RMSNorm):
    """Phi-3's RMS norm."""


class Phi3SuScaledRotaryEmbedding(RotaryEmbedding):
    """RoPE with per-frequency short/long factors (the angles' values only)."""

    def __init__(self, inverese_freq_short_factor, inverese_freq_long_factor, max_sequence_length=4096,
                 pretraining_sequence_length=4096, max_wavelength=10000, **kwargs):
        super().__init__(max_wavelength=max_wavelength, **kwargs)
        self.max_sequence_length = max_sequence_length
        self.pretraining_sequence_length = pretraining_sequence_length
        self.inverese_freq_short_factor = inverese_freq_short_factor
        self.inverese_freq_long_factor = inverese_freq_long_factor


class Phi3Attention(RotaryAttention):
    def __init__(self, num_query_heads, num_key_value_heads, dropout=0, max_sequence_length=4096,
                 pretraining_sequence_length=4096, rope_max_wavelength=10000, rope_scaling_type=None,
                 rope_scaling_short_factor=None, rope_scaling_long_factor=None, head_dim=None, **kwargs):
        super().__init__(num_query_heads, num_key_value_heads, dropout=dropout, **kwargs)
        self.max_sequence_length = max_sequence_length
        self.pretraining_sequence_length = pretraining_sequence_length
        self.rope_max_wavelength = rope_max_wavelength
        self.rope_scaling_type = rope_scaling_type
        self.rope_scaling_short_factor = rope_scaling_short_factor
        self.rope_scaling_long_factor = rope_scaling_long_factor

    def make_rotary(self, head_dim):
        if self.rope_scaling_type is None:
            return RotaryEmbedding(max_wavelength=self.rope_max_wavelength, dtype=self.dtype_policy)
        if self.rope_scaling_type != "su":
            raise ValueError('`rope_scaling_type` must be `None` or `"su"`.if `None` is choosed, `RotaryEmbedding` '
                             'will be used.if `"su"` is choosed, `Phi3SuScaledRotaryEmbedding` will be used.')
        for which, factor in (("short", self.rope_scaling_short_factor), ("long", self.rope_scaling_long_factor)):
            if len(factor) != head_dim // 2:
                raise ValueError(
                    f"`rope_scaling_{which}_factor` must be of length `hidden_dim//num_query_heads//2`. "
                    f"`len(rope_scaling_{which}_factor)` is {len(factor)} while it should be {head_dim // 2}.")
        return Phi3SuScaledRotaryEmbedding(
            inverese_freq_short_factor=self.rope_scaling_short_factor,
            inverese_freq_long_factor=self.rope_scaling_long_factor, max_sequence_length=self.max_sequence_length,
            pretraining_sequence_length=self.pretraining_sequence_length, max_wavelength=self.rope_max_wavelength,
            dtype=self.dtype_policy)


class Phi3Decoder(GatedDecoder):
    norm_class = Phi3LayerNorm
    attention_class = Phi3Attention

    def __init__(self, hidden_dim, intermediate_dim, num_query_heads, num_key_value_heads, activation="silu",
                 layer_norm_epsilon=1e-5, kernel_initializer="glorot_uniform", dropout=0, max_sequence_length=4096,
                 pretraining_sequence_length=4096, rope_max_wavelength=10000, rope_scaling_type=None,
                 rope_scaling_short_factor=None, rope_scaling_long_factor=None, **kwargs):
        super().__init__(intermediate_dim, num_query_heads, num_key_value_heads, activation=activation,
                         layer_norm_epsilon=layer_norm_epsilon, dropout=dropout, attention_options=dict(
                             max_sequence_length=max_sequence_length,
                             pretraining_sequence_length=pretraining_sequence_length,
                             rope_max_wavelength=rope_max_wavelength, rope_scaling_type=rope_scaling_type,
                             rope_scaling_short_factor=rope_scaling_short_factor,
                             rope_scaling_long_factor=rope_scaling_long_factor), **kwargs)

    def build(self, decoder_sequence_shape):
        self.hidden_dim = decoder_sequence_shape[-1]
        self.pre_attention_layernorm = self._norm("pre_attention_layernorm", decoder_sequence_shape)
        self.attention = build_layer(self.make_attention("attention"), decoder_sequence_shape)
        self.post_attention_layernorm = self._norm("post_attention_layernorm", decoder_sequence_shape)
        self.build_feedforward(decoder_sequence_shape)
        self.attention_dropout = layers.Dropout(rate=self.dropout, dtype=self.dtype_policy, name="attention_dropout")
        self.feedforward_dropout = layers.Dropout(rate=self.dropout, dtype=self.dtype_policy,
                                                  name="feedforward_dropout")
        self.built = True

    def call(self, decoder_sequence, decoder_padding_mask=None, decoder_attention_mask=None, attention_cache=None,
             attention_cache_update_index=None):
        x = self.attention_dropout(self.attention(self.pre_attention_layernorm(decoder_sequence)))
        x = x + decoder_sequence
        return self.feedforward_dropout(self.feedforward(self.post_attention_layernorm(x))) + x


class Phi3Backbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, hidden_dim, intermediate_dim, num_query_heads,
                 num_key_value_heads, layer_norm_epsilon=1e-6, dropout=0.0, max_sequence_length=4096,
                 pretraining_sequence_length=4096, rope_max_wavelength=10000, rope_scaling_type=None,
                 rope_scaling_short_factor=None, rope_scaling_long_factor=None, dtype=None, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          tie_weights=False, dtype=dtype, name="token_embedding")
        self.transformer_layers = [
            Phi3Decoder(
                hidden_dim=hidden_dim, intermediate_dim=intermediate_dim, num_query_heads=num_query_heads,
                num_key_value_heads=num_key_value_heads, rope_max_wavelength=rope_max_wavelength,
                layer_norm_epsilon=layer_norm_epsilon, activation="silu", dropout=dropout,
                max_sequence_length=max_sequence_length, pretraining_sequence_length=pretraining_sequence_length,
                rope_scaling_type=rope_scaling_type, rope_scaling_short_factor=rope_scaling_short_factor,
                rope_scaling_long_factor=rope_scaling_long_factor, dtype=dtype, name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.layer_norm = Phi3LayerNorm(epsilon=layer_norm_epsilon, dtype=dtype, name="sequence_output_layernorm")
        self._build_decoder_only(self.transformer_layers, self.layer_norm, dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.hidden_dim = vocabulary_size, num_layers, hidden_dim
        self.num_query_heads, self.num_key_value_heads = num_query_heads, num_key_value_heads
        self.intermediate_dim = intermediate_dim


class Phi3CausalLM(ReversedEmbeddingLM):
    backbone_cls = Phi3Backbone
