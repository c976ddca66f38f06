"""T5 (keras_hub ``models/t5``): ``T5Backbone``, ``T5Seq2SeqLM``.

Encoder and decoder stacks of ``T5TransformerLayer`` sharing the ``token_embedding``; every
layer returns (hidden states, position bias) and the next layer takes that bias, so each layer
row has two outputs. Per layer: ``self_attention`` (T5MultiHeadAttention: query, key, value
(d, h·k) and output (h·k, d), no bias; the first layer of each stack also holds the relative
attention bias table (32 buckets × h)), on decoder layers a ``cross_attention``, T5 RMS norms
(``weight`` of d) before each block, and the MLP ``input_projector`` (d, f, with the
activation), ``gate_projector`` (d, f, gated variants: T5 1.1, FLAN) and ``output_projector``
(f, d). The layers have no ``compute_output_shape``: their shapes come from their ``call()``,
as in Keras.
"""

from __future__ import annotations

import math

from ...keras import activations, layers, ops
from ..layers.base import HubLayer
from ..layers.rotary_embedding import positions
from .backbone import Backbone, sequence_input
from .task import Seq2SeqLM


class T5LayerNorm(HubLayer):
    """``weight · x · rsqrt(mean(x²) + ε)`` (no mean subtraction, no bias): params = d."""

    def __init__(self, epsilon=1e-06, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        self.weight = self.add_weight(name="weight", shape=(input_shape[-1],), initializer="ones")
        self.built = True

    def call(self, hidden_states):
        variance = ops.mean(ops.square(hidden_states), axis=-1, keepdims=True)
        return self.weight * (hidden_states * ops.rsqrt(variance + self.epsilon))


def _int_positions(x, length):
    """0 .. length-1 as int32: a constant when the length is known (see :func:`positions`)."""
    if length is not None:
        return ops.arange(length)
    return ops.cast(positions(x), "int32")


def _length(x):
    """The sequence axis' size, or -1 when unknown (a reshape target)."""
    return -1 if x.shape[1] is None else x.shape[1]


class T5MultiHeadAttention(HubLayer):
    def __init__(self, is_decoder, hidden_dim, key_value_dim, num_heads, dropout, use_relative_attention_bias=False,
                 **kwargs):
        super().__init__(**kwargs)
        self.is_decoder = is_decoder
        self.hidden_dim = hidden_dim
        self.key_value_dim = key_value_dim
        self.num_heads = num_heads
        self.use_relative_attention_bias = use_relative_attention_bias
        self.inner_dim = num_heads * key_value_dim
        self.relative_attention_buckets = 32
        self.relative_attention_max_distance = 128
        policy = self.dtype_policy
        self.query_projector = layers.Dense(self.inner_dim, use_bias=False, dtype=policy, name="query_projector")
        self.key_projector = layers.Dense(self.inner_dim, use_bias=False, dtype=policy, name="key_projector")
        self.value_projector = layers.Dense(self.inner_dim, use_bias=False, dtype=policy, name="value_projector")
        self.output_projector = layers.Dense(hidden_dim, use_bias=False, dtype=policy, name="output_projector")
        self.dropout_layer = layers.Dropout(dropout, dtype=policy)
        if use_relative_attention_bias:
            self.relative_attention_bias = self.add_weight(name="embeddings",
                                                           shape=[self.relative_attention_buckets, num_heads])

    def _relative_position_bucket(self, relative_position, bidirectional, num_buckets, max_distance):
        """keras_hub's bucketing of relative positions (integer arithmetic, on the sequence only)."""
        relative_buckets = 0
        if bidirectional:
            num_buckets //= 2
            relative_buckets += ops.cast(ops.greater(relative_position, 0), dtype="int32") * num_buckets
            relative_position = ops.abs(relative_position)
        else:
            relative_position = -ops.minimum(relative_position, 0)
        max_exact = num_buckets // 2
        is_small = ops.less(relative_position, max_exact)
        large = max_exact + ops.cast(
            ops.log(ops.cast(relative_position, "float32") / ops.cast(max_exact, "float32"))
            / ops.cast(math.log(max_distance / max_exact), "float32") * (num_buckets - max_exact),
            dtype="int32")
        large = ops.minimum(large, num_buckets - 1)
        return relative_buckets + ops.where(is_small, relative_position, large)

    def compute_bias(self, queries, keys):
        """The learned bias of each head for each (query, key) offset: (1, heads, q, k)."""
        context_position = _int_positions(queries, queries.shape[1])[:, None]
        memory_position = _int_positions(keys, keys.shape[1])[None, :]
        bucket = self._relative_position_bucket(memory_position - context_position, not self.is_decoder,
                                                self.relative_attention_buckets, self.relative_attention_max_distance)
        values = ops.take(self.relative_attention_bias, bucket, axis=0)
        return ops.expand_dims(ops.transpose(values, axes=(2, 0, 1)), axis=0)

    def call(self, hidden_states, mask=None, key_value_states=None, position_bias=None, cache=None,
             cache_update_index=None, training=False):
        batch_size = hidden_states.shape[0]

        def shape(states):  # keras_hub writes -1 for the length: here the length itself when known
            return ops.reshape(states, (batch_size, _length(states), self.num_heads, self.key_value_dim))

        key_value_inputs = hidden_states if key_value_states is None else key_value_states
        query_states = shape(self.query_projector(hidden_states))
        key_states = shape(self.key_projector(key_value_inputs))
        value_states = shape(self.value_projector(key_value_inputs))
        scores = ops.einsum("bqnd,bknd->bnqk", query_states, key_states)
        if position_bias is None:
            if self.use_relative_attention_bias:
                position_bias = self.compute_bias(hidden_states, key_value_inputs)
            elif None in (hidden_states.shape[1], key_value_inputs.shape[1]):
                position_bias = ops.zeros_like(ops.cast(scores, self.compute_dtype))  # (lengths unknown)
            else:
                position_bias = ops.zeros((1, self.num_heads, hidden_states.shape[1], key_value_inputs.shape[1]),
                                          self.compute_dtype)
            if mask is not None:
                mask = (1.0 - ops.cast(mask[:, None, :, :], self.compute_dtype)) * -1000000000.0
                position_bias = position_bias + mask
        scores += ops.cast(position_bias, scores.dtype)
        weights = self.dropout_layer(ops.softmax(scores, axis=-1), training=training)
        output = ops.einsum("bnqk,bknd->bqnd", weights, value_states)
        output = self.output_projector(ops.reshape(output, (batch_size, _length(output), self.inner_dim)))
        return output, position_bias, cache


class T5TransformerLayer(HubLayer):
    def __init__(self, is_decoder, hidden_dim, intermediate_dim, key_value_dim, dropout, activation,
                 layer_norm_epsilon, num_heads, use_gated_activation=False, use_relative_attention_bias=False,
                 **kwargs):
        super().__init__(**kwargs)
        self.is_decoder = is_decoder
        self.use_gated_activation = use_gated_activation
        policy = self.dtype_policy
        self.self_attention = T5MultiHeadAttention(
            is_decoder=is_decoder, hidden_dim=hidden_dim, key_value_dim=key_value_dim, num_heads=num_heads,
            dropout=dropout, use_relative_attention_bias=use_relative_attention_bias, dtype=policy,
            name="self_attention")
        self.self_attention_layer_norm = T5LayerNorm(layer_norm_epsilon, dtype=policy)
        self.self_attention_dropout = layers.Dropout(dropout, dtype=policy)
        if is_decoder:
            self.cross_attention = T5MultiHeadAttention(
                is_decoder=is_decoder, hidden_dim=hidden_dim, key_value_dim=key_value_dim, num_heads=num_heads,
                dropout=dropout, use_relative_attention_bias=False, dtype=policy, name="cross_attention")
            self.cross_attention_layer_norm = T5LayerNorm(layer_norm_epsilon, dtype=policy)
            self.cross_attention_dropout = layers.Dropout(dropout, dtype=policy)
        self.input_projector = layers.Dense(intermediate_dim, use_bias=False, activation=activation, dtype=policy,
                                            name="input_projector")
        if use_gated_activation:
            self.gate_projector = layers.Dense(intermediate_dim, use_bias=False, dtype=policy, name="gate_projector")
        self.output_projector = layers.Dense(hidden_dim, use_bias=False, dtype=policy, name="output_projector")
        self.layer_norm = T5LayerNorm(epsilon=layer_norm_epsilon, dtype=policy)
        self.dropout_layer = layers.Dropout(dropout, dtype=policy)

    def _self_attention_mask(self, hidden_states, attention_mask):
        """keras_hub's causal mask (query position ≥ key position), and-ed with the padding mask."""
        length = hidden_states.shape[1]
        i = ops.expand_dims(_int_positions(hidden_states, length), axis=1)
        causal = ops.expand_dims(i >= _int_positions(hidden_states, length), axis=0)
        return causal if attention_mask is None else causal & ops.cast(attention_mask, "bool")

    def call(self, hidden_states, attention_mask=None, position_bias=None, encoder_hidden_states=None,
             encoder_attention_mask=None, use_causal_mask=False, training=False):
        if use_causal_mask and position_bias is None:
            attention_mask = self._self_attention_mask(hidden_states, attention_mask)
        residual = hidden_states
        x, position_bias, _ = self.self_attention(self.self_attention_layer_norm(hidden_states), mask=attention_mask,
                                                  position_bias=position_bias, training=training)
        x = self.self_attention_dropout(x, training=training) + residual
        if self.is_decoder:
            residual = x
            y, _, _ = self.cross_attention(self.cross_attention_layer_norm(x), key_value_states=encoder_hidden_states,
                                           mask=encoder_attention_mask, training=training)
            x = self.cross_attention_dropout(y, training=training) + residual
        residual = x
        x = self.layer_norm(x)
        if self.use_gated_activation:
            x = self.input_projector(x) * self.gate_projector(x)
        else:
            x = self.input_projector(x)
        x = self.dropout_layer(self.output_projector(self.dropout_layer(x, training=training)), training=training)
        return x + residual, position_bias


class T5Backbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_heads, hidden_dim, intermediate_dim, key_value_dim=None,
                 dropout=0.1, activation="relu", use_gated_activation=True, layer_norm_epsilon=1e-06,
                 tie_embedding_weights=True, dtype=None, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          tie_weights=tie_embedding_weights, dtype=dtype,
                                                          name="token_embedding")
        self.encoder_embedding_dropout = layers.Dropout(dropout, dtype=dtype, name="encoder_embedding_dropout")

        def stack(is_decoder):
            kind = "decoder" if is_decoder else "encoder"
            return [T5TransformerLayer(
                is_decoder=is_decoder, hidden_dim=hidden_dim, intermediate_dim=intermediate_dim,
                key_value_dim=key_value_dim or hidden_dim // num_heads, dropout=dropout,
                activation=activations.get(activation), layer_norm_epsilon=layer_norm_epsilon, num_heads=num_heads,
                use_gated_activation=use_gated_activation, use_relative_attention_bias=bool(i == 0), dtype=dtype,
                name=f"transformer_{kind}_layer_{i}") for i in range(num_layers)]

        self.encoder_transformer_layers = stack(False)
        self.encoder_layer_norm = T5LayerNorm(epsilon=layer_norm_epsilon, dtype=dtype, name="encoder_output_layer_norm")
        self.encoder_dropout = layers.Dropout(dropout, dtype=dtype, name="encoder_output_dropout")
        self.decoder_embedding_dropout = layers.Dropout(dropout, dtype=dtype, name="decoder_embedding_dropout")
        self.decoder_transformer_layers = stack(True)
        self.decoder_layer_norm = T5LayerNorm(epsilon=layer_norm_epsilon, dtype=dtype, name="decoder_output_layer_norm")
        self.decoder_dropout = layers.Dropout(dropout, dtype=dtype, name="decoder_output_dropout")
        encoder_token_id_input = sequence_input("encoder_token_ids")
        encoder_padding_mask_input = sequence_input("encoder_padding_mask")
        decoder_token_id_input = sequence_input("decoder_token_ids")
        decoder_padding_mask_input = sequence_input("decoder_padding_mask")
        x = self.encoder_embedding_dropout(self.token_embedding(encoder_token_id_input))
        encoder_attention_mask = encoder_padding_mask_input[:, None, :]
        position_bias = None
        for transformer_layer in self.encoder_transformer_layers:
            x, position_bias = transformer_layer(x, attention_mask=encoder_attention_mask, position_bias=position_bias,
                                                 use_causal_mask=False)
        encoder_output = self.encoder_dropout(self.encoder_layer_norm(x))
        x = self.decoder_embedding_dropout(self.token_embedding(decoder_token_id_input))
        decoder_attention_mask = decoder_padding_mask_input[:, None, :]
        position_bias = None
        for transformer_layer in self.decoder_transformer_layers:
            x, position_bias = transformer_layer(x, attention_mask=decoder_attention_mask, position_bias=position_bias,
                                                 encoder_hidden_states=encoder_output,
                                                 encoder_attention_mask=encoder_attention_mask, use_causal_mask=True)
        decoder_output = self.decoder_dropout(self.decoder_layer_norm(x))
        super().__init__({"encoder_token_ids": encoder_token_id_input,
                          "encoder_padding_mask": encoder_padding_mask_input,
                          "decoder_token_ids": decoder_token_id_input,
                          "decoder_padding_mask": decoder_padding_mask_input},
                         outputs={"encoder_sequence_output": encoder_output,
                                  "decoder_sequence_output": decoder_output}, dtype=dtype, **kwargs)
        self.vocabulary_size, self.hidden_dim, self.intermediate_dim = vocabulary_size, hidden_dim, intermediate_dim
        self.num_layers, self.num_heads, self.key_value_dim = num_layers, num_heads, key_value_dim
        self.tie_embedding_weights = tie_embedding_weights


class T5Seq2SeqLM(Seq2SeqLM):
    backbone_cls = T5Backbone

    def __init__(self, backbone, preprocessor=None, **kwargs):
        self.backbone = backbone
        self.preprocessor = preprocessor
        inputs = backbone.input
        hidden_states = backbone(inputs)["decoder_sequence_output"]
        if backbone.tie_embedding_weights:
            hidden_states = ops.multiply(hidden_states, ops.cast(backbone.hidden_dim ** (-0.5), hidden_states.dtype))
        outputs = backbone.token_embedding(hidden_states, reverse=True)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
