"""Falcon (keras_hub ``models/falcon``): ``FalconBackbone``, ``FalconCausalLM``.

Decoder layer ``FalconTransformerDecoder``: ``input_layernorm`` → ``attention``
(FalconAttention: query, key and value (d, h, head_dim) with bias, ALiBi position bias added
to the scores, ``output_dense`` (d, d) with bias) → + residual → ``post_attention_layernorm`` →
``dense_h_to_4h`` (GELU) → ``dense_4h_to_h`` → + residual. No position embedding: ALiBi
(a slope per head times the key position) has no weights.
"""

from __future__ import annotations

import math

from ...keras import layers, ops
from ..layers.base import HubLayer, build_layer
from .backbone import Backbone
from .task import ReversedEmbeddingLM


class FalconAttention(HubLayer):
    def __init__(self, num_heads, attention_dropout_rate, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.attention_dropout_rate = attention_dropout_rate

    def build(self, inputs_shape):
        hidden_dim = inputs_shape[-1]
        self.head_dim = hidden_dim // self.num_heads
        self.inv_norm_factor = 1.0 / math.sqrt(self.head_dim)
        policy = self.dtype_policy
        for name in ("query_dense", "key_dense", "value_dense"):
            setattr(self, name, build_layer(layers.EinsumDense(
                "bqm,mnh->bqnh" if name == "query_dense" else "bkm,mnh->bknh",
                output_shape=(None, self.num_heads, self.head_dim), bias_axes="nh", dtype=policy, name=name),
                inputs_shape))
        self.attention_dropout = layers.Dropout(rate=self.attention_dropout_rate, dtype=policy,
                                                name="attention_dropout")
        self.output_dense = build_layer(layers.Dense(hidden_dim, dtype=policy, name="output_dense"), inputs_shape)
        self.softmax = layers.Softmax(dtype="float32", name="softmax")
        self.built = True

    def call(self, inputs, alibi, attention_mask=None, cache=None, cache_update_index=None):
        batch_size, seq_length, _ = inputs.shape
        query, key, value = self.query_dense(inputs), self.key_dense(inputs), self.value_dense(inputs)
        scores = ops.add(ops.einsum("bqnh,bknh->bnqk", query, key), alibi)
        scores = ops.multiply(scores, ops.cast(self.inv_norm_factor, self.compute_dtype))
        scores = self.attention_dropout(self.softmax(scores))
        output = ops.einsum("bnqk,bknh->bqnh", scores, value)
        output = ops.reshape(output, (batch_size, seq_length, self.num_heads * self.head_dim))
        return self.output_dense(output)

    def compute_output_shape(self, input_shape):
        return input_shape


class FalconTransformerDecoder(HubLayer):
    def __init__(self, num_attention_heads, intermediate_dim, layer_norm_epsilon=1e-05, attention_dropout_rate=0,
                 feedforward_dropout_rate=0, **kwargs):
        super().__init__(**kwargs)
        self.num_attention_heads = num_attention_heads
        self.intermediate_dim = intermediate_dim
        self.layer_norm_epsilon = layer_norm_epsilon
        self.attention_dropout_rate = attention_dropout_rate
        self.feedforward_dropout_rate = feedforward_dropout_rate

    def build(self, decoder_sequence_shape):
        self.hidden_dim = decoder_sequence_shape[-1]
        policy = self.dtype_policy
        self.input_layernorm = build_layer(layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=policy, name="input_layernorm"), decoder_sequence_shape)
        self.attention_layer = build_layer(FalconAttention(
            num_heads=self.num_attention_heads, attention_dropout_rate=self.attention_dropout_rate, dtype=policy,
            name="attention"), decoder_sequence_shape)
        self.attention_dropout = layers.Dropout(rate=self.attention_dropout_rate, dtype=policy,
                                                name="attention_dropout")
        self.post_attention_layernorm = build_layer(layers.LayerNormalization(
            epsilon=self.layer_norm_epsilon, dtype=policy, name="post_attention_layernorm"), decoder_sequence_shape)
        self.dense_h_to_4h = build_layer(layers.Dense(self.intermediate_dim, activation="gelu", use_bias=True,
                                                      dtype=policy, name="dense_h_to_4h"), decoder_sequence_shape)
        self.dense_4h_to_h = build_layer(layers.Dense(self.hidden_dim, use_bias=True, dtype=policy,
                                                      name="dense_4h_to_h"),
                                         (decoder_sequence_shape[0], decoder_sequence_shape[1], self.intermediate_dim))
        self.feedforward_dropout = layers.Dropout(rate=self.feedforward_dropout_rate, dtype=policy,
                                                  name="feedforward_dropout")
        self.built = True

    def _alibi(self, mask):
        """keras_hub's ``_build_alibi_tensor``: slope per head × (cumulative count of real tokens - 1)."""
        slopes = ops.convert_to_tensor([1.0] * self.num_attention_heads, dtype=self.compute_dtype)
        mask = ops.cast(mask, dtype="int32")
        arange = (ops.cast(ops.cumsum(mask, axis=-1) - 1, "int32") * mask)[:, None, :]
        alibi = ops.expand_dims(slopes[..., None] * ops.cast(arange, self.compute_dtype), 0)
        return ops.transpose(alibi, [1, 2, 0, 3])

    def call(self, inputs, decoder_padding_mask=None, attention_cache=None, attention_cache_update_index=None,
             training=None):
        mask = decoder_padding_mask
        if mask is None:
            mask = ops.ones(inputs.shape[:2], dtype="int32")
        x = self.attention_layer(self.input_layernorm(inputs), alibi=self._alibi(mask))
        x = self.attention_dropout(x) + inputs
        residual = x
        x = self.dense_4h_to_h(self.dense_h_to_4h(self.post_attention_layernorm(x)))
        return self.feedforward_dropout(x) + residual

    def compute_output_shape(self, decoder_sequence_shape):
        return decoder_sequence_shape


class FalconBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_attention_heads, hidden_dim, intermediate_dim,
                 layer_norm_epsilon=1e-05, attention_dropout_rate=0, feedforward_dropout_rate=0, dtype=None, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          dtype=dtype, name="token_embedding")
        self.transformer_layers = [
            FalconTransformerDecoder(num_attention_heads=num_attention_heads, intermediate_dim=intermediate_dim,
                                     attention_dropout_rate=attention_dropout_rate,
                                     feedforward_dropout_rate=feedforward_dropout_rate, dtype=dtype,
                                     name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.final_layernorm = layers.LayerNormalization(epsilon=layer_norm_epsilon, dtype=dtype, name="final_layernorm")
        self._build_decoder_only(self.transformer_layers, self.final_layernorm, inputs_keyword=True, dtype=dtype,
                                 **kwargs)
        self.vocabulary_size, self.num_layers, self.num_attention_heads = vocabulary_size, num_layers, num_attention_heads
        self.hidden_dim, self.intermediate_dim = hidden_dim, intermediate_dim


class FalconCausalLM(ReversedEmbeddingLM):
    backbone_cls = FalconBackbone
