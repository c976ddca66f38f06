"""keras_hub's ``TransformerEncoder``: self-attention and a two-layer MLP, each with a residual.

Sublayers (hidden d, heads h, key_dim d // h, MLP f): ``self_attention_layer``
(MultiHeadAttention: 4·(d·d + d) when h divides d), ``self_attention_layer_norm`` and
``feedforward_layer_norm`` (2·d each), ``feedforward_intermediate_dense`` (d·f + f) and
``feedforward_output_dense`` (f·d + d). Post-norm unless ``normalize_first``.
"""

from __future__ import annotations

from ...keras import activations, layers
from .base import HubLayer, build_layer


def gelu_approximate(x):
    """keras_hub's ``gelu_approximate``: ``keras.activations.gelu(x, approximate=True)``."""
    return activations.gelu(x, approximate=True)


class TransformerEncoder(HubLayer):
    supports_masking = True
    attention_class = layers.MultiHeadAttention  # Whisper's encoder: no key bias

    def __init__(self, intermediate_dim, num_heads, dropout=0, activation="relu", layer_norm_epsilon=1e-05,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", normalize_first=False, **kwargs):
        super().__init__(**kwargs)
        self.intermediate_dim = intermediate_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.activation = activation
        self.layer_norm_epsilon = layer_norm_epsilon
        self.normalize_first = normalize_first

    def build(self, inputs_shape):
        hidden_dim = inputs_shape[-1]
        key_dim = int(hidden_dim // self.num_heads)
        if key_dim == 0:
            raise ValueError(
                f"Attention `key_dim` computed cannot be zero. The `hidden_dim` value of {hidden_dim} has to be "
                f"equal to or greater than `num_heads` value of {self.num_heads}.")
        policy = self.dtype_policy
        self._self_attention_layer = self.attention_class(num_heads=self.num_heads, key_dim=key_dim,
                                                          dropout=self.dropout, dtype=policy,
                                                          name="self_attention_layer")
        self._self_attention_layer.build(inputs_shape, inputs_shape)
        self._self_attention_layer.built = True
        self._self_attention_layer_norm = build_layer(layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=policy, name="self_attention_layer_norm"), inputs_shape)
        self._self_attention_dropout = layers.Dropout(rate=self.dropout, dtype=policy, name="self_attention_dropout")
        self._feedforward_layer_norm = build_layer(layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=policy, name="feedforward_layer_norm"), inputs_shape)
        self._feedforward_intermediate_dense = build_layer(layers.Dense(
            self.intermediate_dim, activation=self.activation, dtype=policy, name="feedforward_intermediate_dense"),
            inputs_shape)
        self._feedforward_output_dense = build_layer(layers.Dense(
            hidden_dim, dtype=policy, name="feedforward_output_dense"),
            tuple(inputs_shape[:-1]) + (self.intermediate_dim,))
        self._feedforward_dropout = layers.Dropout(rate=self.dropout, dtype=policy, name="feedforward_dropout")
        self.built = True

    def call(self, inputs, padding_mask=None, attention_mask=None, training=None, return_attention_scores=False):
        x = residual = inputs
        if self.normalize_first:
            x = self._self_attention_layer_norm(x)
        x = self._self_attention_layer(x, x)
        x = self._self_attention_dropout(x, training=training) + residual
        if not self.normalize_first:
            x = self._self_attention_layer_norm(x)
        residual = x
        if self.normalize_first:
            x = self._feedforward_layer_norm(x)
        x = self._feedforward_output_dense(self._feedforward_intermediate_dense(x))
        x = self._feedforward_dropout(x, training=training) + residual
        if not self.normalize_first:
            x = self._feedforward_layer_norm(x)
        return x

    def compute_output_shape(self, inputs_shape):
        return inputs_shape
