"""keras_hub's ``TransformerDecoder``: causal self-attention, optional cross-attention, an MLP.

Sublayers (hidden d, heads h, head_dim d // h, MLP f): ``self_attention``
(CachedMultiHeadAttention), ``self_attention_layer_norm``; with an encoder sequence
``cross_attention`` and ``cross_attention_layer_norm``; ``feedforward_intermediate_dense``
(d·f + f), ``feedforward_output_dense`` (f·d + d), ``feedforward_layer_norm``. Post-norm unless
``normalize_first`` (GPT-2, OPT).
"""

from __future__ import annotations

from ...keras import layers
from .base import HubLayer, build_layer
from .cached_multi_head_attention import CachedMultiHeadAttention


class TransformerDecoder(HubLayer):
    supports_masking = True
    attention_class = CachedMultiHeadAttention  # Whisper's decoder: no key bias

    def __init__(self, intermediate_dim, num_heads, dropout=0, activation="relu", layer_norm_epsilon=1e-05,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", normalize_first=False, **kwargs):
        decoder_sequence_shape = kwargs.pop("decoder_sequence_shape", None)
        encoder_sequence_shape = kwargs.pop("encoder_sequence_shape", None)
        super().__init__(**kwargs)
        self.intermediate_dim = intermediate_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.activation = activation
        self.layer_norm_epsilon = layer_norm_epsilon
        self.normalize_first = normalize_first
        self._cross_attention_layer = None
        if decoder_sequence_shape:
            self.build(decoder_sequence_shape, encoder_sequence_shape)

    def build_for_call(self, decoder_sequence=None, encoder_sequence=None, *args, **kwargs):
        """Built from the shapes of the call's ``decoder_sequence`` and ``encoder_sequence`` (given
        by position or by name)."""
        self.build(decoder_sequence, encoder_sequence)

    def output_shape_for_call(self, decoder_sequence=None, *args, **kwargs):
        return self.compute_output_shape(decoder_sequence)

    def _attention(self, name, query_shape, value_shape, value_dim=None):
        head_dim = int(query_shape[-1] // self.num_heads)
        layer = self.attention_class(num_heads=self.num_heads, key_dim=head_dim, value_dim=value_dim,
                                         dropout=self.dropout, dtype=self.dtype_policy, name=name)
        layer.build(query_shape, value_shape)
        layer.built = True
        return layer

    def _layer_norm(self, name, shape):
        return build_layer(layers.LayerNormalization(epsilon=self.layer_norm_epsilon, dtype=self.dtype_policy,
                                                     name=name), shape)

    def build(self, decoder_sequence_shape, encoder_sequence_shape=None):
        hidden_dim = decoder_sequence_shape[-1]
        if int(hidden_dim // self.num_heads) == 0:
            raise ValueError(
                "Attention `head_dim` computed cannot be zero. The `hidden_dim` value of "
                f"{hidden_dim} has to be equal to or greater than `num_heads` value of {self.num_heads}.")
        policy = self.dtype_policy
        self._self_attention_layer = self._attention("self_attention", decoder_sequence_shape, decoder_sequence_shape)
        self._self_attention_layer_norm = self._layer_norm("self_attention_layer_norm", decoder_sequence_shape)
        self._self_attention_dropout = layers.Dropout(rate=self.dropout, dtype=policy, name="self_attention_dropout")
        self._cross_attention_layer = None
        if encoder_sequence_shape:
            self._cross_attention_layer = self._attention("cross_attention", decoder_sequence_shape,
                                                          encoder_sequence_shape,
                                                          int(hidden_dim // self.num_heads))
            self._cross_attention_layer_norm = self._layer_norm("cross_attention_layer_norm", decoder_sequence_shape)
            self._cross_attention_dropout = layers.Dropout(rate=self.dropout, dtype=policy,
                                                           name="cross_attention_dropout")
        self._feedforward_intermediate_dense = build_layer(layers.Dense(
            self.intermediate_dim, activation=self.activation, dtype=policy, name="feedforward_intermediate_dense"),
            decoder_sequence_shape)
        self._feedforward_output_dense = build_layer(layers.Dense(
            hidden_dim, dtype=policy, name="feedforward_output_dense"),
            tuple(decoder_sequence_shape[:-1]) + (self.intermediate_dim,))
        self._feedforward_layer_norm = self._layer_norm("feedforward_layer_norm", decoder_sequence_shape)
        self._feedforward_dropout = layers.Dropout(rate=self.dropout, dtype=policy, name="feedforward_dropout")
        self.built = True

    def _block(self, x, attention, layer_norm, dropout, value=None):
        residual = x
        if self.normalize_first:
            x = layer_norm(x)
        x = attention(x, x if value is None else value)
        x = dropout(x) + residual
        return x if self.normalize_first else layer_norm(x)

    def call(self, decoder_sequence, encoder_sequence=None, decoder_padding_mask=None, decoder_attention_mask=None,
             encoder_padding_mask=None, encoder_attention_mask=None, self_attention_cache=None,
             self_attention_cache_update_index=None, cross_attention_cache=None,
             cross_attention_cache_update_index=None, use_causal_mask=True, training=None):
        has_cross_attention = self._cross_attention_layer is not None
        if has_cross_attention != (encoder_sequence is not None):
            raise ValueError(
                "The number of call arguments to `keras_hub.layers.TransformerDecoder` should not change. Use "
                "`layer(decoder_sequence, encoder_sequence)` to build a layer with cross attention, or "
                "`layer(decoder_sequence)` to build a layer without. This layer has been built "
                + ("with cross attention, but you did not provide encoder_sequence." if has_cross_attention else
                   "without cross attention, but you are trying to call it with encoder_sequence."))
        x = self._block(decoder_sequence, self._self_attention_layer, self._self_attention_layer_norm,
                        self._self_attention_dropout)
        if has_cross_attention:
            x = self._block(x, self._cross_attention_layer, self._cross_attention_layer_norm,
                            self._cross_attention_dropout, encoder_sequence)
        residual = x
        if self.normalize_first:
            x = self._feedforward_layer_norm(x)
        x = self._feedforward_output_dense(self._feedforward_intermediate_dense(x))
        x = self._feedforward_dropout(x) + residual
        return x if self.normalize_first else self._feedforward_layer_norm(x)

    def compute_output_shape(self, decoder_sequence_shape):
        return decoder_sequence_shape
