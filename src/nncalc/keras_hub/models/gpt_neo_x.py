"""GPT-NeoX (keras_hub ``models/gpt_neo_x``): ``GPTNeoXBackbone``, ``GPTNeoXCausalLM``.

Decoder layer ``GPTNeoXDecoder`` (parallel residual): ``x + attention(ln₁(x)) + mlp(ln₂(x))``.
Attention ``GPTNeoXAttention``: one fused ``query_key_value`` projection (d → h × 3·head_dim,
with bias), rotary encoding on the first ``rotary_percentage`` of each head's features,
``attention_output`` (d, d) with bias. MLP: Dense d → f (GELU) → d, with biases; LayerNorms.
"""

from __future__ import annotations

import math

from ...keras import layers, ops
from ..layers.base import HubLayer, build_layer
from ..layers.rotary_embedding import RotaryEmbedding
from ..layers.transformer_encoder import gelu_approximate
from .backbone import Backbone
from .task import ReversedEmbeddingLM


class GPTNeoXAttention(HubLayer):
    def __init__(self, num_heads, hidden_dim, dropout=0.0, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", rotary_percentage=0.25, rotary_max_wavelength=10000,
                 max_sequence_length=512, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.hidden_dim = hidden_dim
        self.rotary_percentage = rotary_percentage
        self.dropout = dropout
        self.attn_head_size = hidden_dim // num_heads
        self.rotary_dim = int(self.attn_head_size * rotary_percentage)
        self.rotary_embedding_layer = RotaryEmbedding(max_wavelength=rotary_max_wavelength, dtype=self.dtype_policy)
        self._inv_norm_factor = 1.0 / math.sqrt(self.attn_head_size)

    def build(self, input_shape):
        policy = self.dtype_policy
        self._qkv_dense = build_layer(layers.EinsumDense(
            "abc,cde->abde", output_shape=(None, self.num_heads, 3 * self.attn_head_size), bias_axes="de",
            dtype=policy, name="query_key_value"), input_shape)
        self._attn_dropout_layer = layers.Dropout(self.dropout, dtype=policy, name="attention_dropout")
        self._softmax = layers.Softmax(axis=-1, dtype="float32", name="attention_softmax")
        self._output_dense = build_layer(layers.EinsumDense(
            "abc,cd->abd", output_shape=(None, self.hidden_dim), bias_axes="d", dtype=policy,
            name="attention_output"), input_shape)
        self.built = True

    def call(self, hidden_states, attention_mask=None, cache=None, cache_update_index=None, training=None):
        qkv = self._qkv_dense(hidden_states)
        size = self.attn_head_size
        query, key, value = qkv[..., :size], qkv[..., size:2 * size], qkv[..., 2 * size:]
        query = ops.concatenate((self.rotary_embedding_layer(query[..., :self.rotary_dim]),
                                 query[..., self.rotary_dim:]), axis=-1)
        key = ops.concatenate((self.rotary_embedding_layer(key[..., :self.rotary_dim]), key[..., self.rotary_dim:]),
                              axis=-1)
        scores = ops.einsum("aecd,abcd->acbe", key, query)
        scores = self._attn_dropout_layer(self._softmax(ops.multiply(scores, ops.cast(self._inv_norm_factor,
                                                                                      self.compute_dtype))))
        output = ops.einsum("acbe,aecd->abcd", scores, value)
        output = ops.reshape(output, (output.shape[0], output.shape[1], self.hidden_dim))
        return self._output_dense(output)

    def compute_output_shape(self, input_shape):
        return input_shape


class GPTNeoXDecoder(HubLayer):
    supports_masking = True

    def __init__(self, intermediate_dim, num_heads, dropout=0.0, activation="relu", layer_norm_epsilon=1e-05,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", rotary_percentage=0.25,
                 rotary_max_wavelength=10000, max_sequence_length=512, **kwargs):
        super().__init__(**kwargs)
        self.intermediate_dim = intermediate_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.rotary_percentage = rotary_percentage
        self.rotary_max_wavelength = rotary_max_wavelength
        self.max_sequence_length = max_sequence_length
        self.activation = activation
        self.layer_norm_epsilon = layer_norm_epsilon

    def build(self, decoder_sequence_shape):
        hidden_dim = decoder_sequence_shape[-1]
        policy = self.dtype_policy
        self._self_attention_layer = build_layer(GPTNeoXAttention(
            num_heads=self.num_heads, hidden_dim=hidden_dim, dropout=self.dropout,
            rotary_percentage=self.rotary_percentage, rotary_max_wavelength=self.rotary_max_wavelength,
            max_sequence_length=self.max_sequence_length, dtype=policy, name="self_attention"),
            decoder_sequence_shape)
        self._self_attention_layer_norm = build_layer(layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=policy, name="self_attention_layer_norm"), decoder_sequence_shape)
        self._self_attention_dropout = layers.Dropout(rate=self.dropout, dtype=policy, name="self_attention_dropout")
        self._feedforward_intermediate_dense = build_layer(layers.Dense(
            self.intermediate_dim, activation=self.activation, dtype=policy, name="feedforward_intermediate_dense"),
            decoder_sequence_shape)
        self._feedforward_output_dense = build_layer(layers.Dense(
            hidden_dim, dtype=policy, name="feedforward_output_dense"),
            tuple(decoder_sequence_shape[:-1]) + (self.intermediate_dim,))
        self._feedforward_layer_norm = build_layer(layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=policy, name="feedforward_layer_norm"), decoder_sequence_shape)
        self._feedforward_dropout = layers.Dropout(rate=self.dropout, dtype=policy, name="feedforward_dropout")
        self.built = True

    def call(self, decoder_sequence, decoder_padding_mask=None, decoder_attention_mask=None,
             self_attention_cache=None, self_attention_cache_update_index=None):
        attention_output = self._self_attention_dropout(
            self._self_attention_layer(self._self_attention_layer_norm(decoder_sequence)))
        x = self._feedforward_intermediate_dense(self._feedforward_layer_norm(decoder_sequence))
        return self._feedforward_output_dense(x) + attention_output + decoder_sequence

    def compute_output_shape(self, decoder_sequence_shape):
        return decoder_sequence_shape


class GPTNeoXBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_heads, hidden_dim, intermediate_dim, dropout=0.0,
                 rotary_percentage=0.25, rotary_max_wavelength=10000, layer_norm_epsilon=1e-05,
                 max_sequence_length=512, dtype=None, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          dtype=dtype, name="token_embedding")
        self.embeddings_dropout = layers.Dropout(dropout, dtype=dtype, name="embeddings_dropout")
        self.transformer_layers = [
            GPTNeoXDecoder(intermediate_dim=intermediate_dim, num_heads=num_heads, dropout=dropout,
                           max_sequence_length=max_sequence_length, rotary_percentage=rotary_percentage,
                           rotary_max_wavelength=rotary_max_wavelength, layer_norm_epsilon=layer_norm_epsilon,
                           activation=gelu_approximate, dtype=dtype, name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.layer_norm = layers.LayerNormalization(axis=-1, epsilon=layer_norm_epsilon, dtype=dtype,
                                                    name="layer_norm")
        self._build_decoder_only(self.transformer_layers, self.layer_norm,
                                 embed=lambda ids: self.embeddings_dropout(self.token_embedding(ids)), dtype=dtype,
                                 **kwargs)
        self.vocabulary_size, self.num_layers, self.num_heads = vocabulary_size, num_layers, num_heads
        self.hidden_dim, self.intermediate_dim = hidden_dim, intermediate_dim


class GPTNeoXCausalLM(ReversedEmbeddingLM):
    backbone_cls = GPTNeoXBackbone
