"""Llama (keras_hub ``models/llama``): ``LlamaBackbone``, ``LlamaCausalLM`` and their layers.

Backbone graph: ``token_ids`` → ``token_embedding`` (ReversibleEmbedding, untied unless
``tie_word_embeddings``) → ``transformer_layer_i`` (LlamaTransformerDecoder, also fed
``padding_mask``) → ``sequence_output_layernorm`` (LlamaLayerNorm, RMS).

One decoder layer (hidden d, query heads h, key/value heads g, head_dim = d // h, MLP f):

* ``self_attention`` (LlamaAttention): query (d, h, head_dim), key and value (d, g, head_dim),
  attention_output (h, head_dim, d), all without bias: d·h·hd + 2·d·g·hd + h·hd·d;
* ``self_attention_layernorm``, ``feedforward_layernorm``: d each (RMS scale);
* SwiGLU MLP without bias: gate (d, f), intermediate (d, f), output (f, d): 3·d·f.

Llama 2 and 3 differ only in their hyperparameters (``Llama3Backbone`` is this backbone).
"""

from __future__ import annotations

import math

from ...keras import layers, ops
from ..layers.base import HubLayer, build_layer
from ..layers.rms_normalization import RMSNorm
from ..layers.rotary_embedding import RotaryEmbedding
from .backbone import Backbone
from .task import ReversedEmbeddingLM


class LlamaLayerNorm(RMSNorm):
    """Llama's RMS norm: ``x · rsqrt(mean(x²) + ε) · scale``."""


class LlamaRotaryEmbedding(RotaryEmbedding):
    """RoPE with Llama 3.1's frequency adjustment (changes the angles' values only)."""

    def __init__(self, max_wavelength=10000, position_scaling_factor=1.0, sequence_axis=1, feature_axis=-1,
                 frequency_adjustment_factor=None, low_freq_factor=None, high_freq_factor=None,
                 pretraining_sequence_length=None, **kwargs):
        super().__init__(max_wavelength=max_wavelength, scaling_factor=position_scaling_factor,
                         sequence_axis=sequence_axis, feature_axis=feature_axis, **kwargs)
        grouped = [low_freq_factor, high_freq_factor, frequency_adjustment_factor, pretraining_sequence_length]
        if any(x is None for x in grouped) and not all(x is None for x in grouped):
            raise ValueError(
                "Either all of `low_freq_factor`,`high_freq_factor`, `frequency_adjustment_factor` and "
                "`pretraining_sequence_length` should be set, or all of should be set `None`.")
        self.position_scaling_factor = position_scaling_factor
        self.frequency_adjustment_factor = frequency_adjustment_factor
        self.low_freq_factor = low_freq_factor
        self.high_freq_factor = high_freq_factor
        self.pretraining_sequence_length = pretraining_sequence_length


def grouped_attention(query, key, value, num_key_value_groups, scale, softmax, dropout_layer=None):
    """Attention with key/value heads repeated for their query groups (keras_hub's ``ops.repeat``):
    scores ``einsum(bquh,bkuh->buqk)`` scaled, softmax, ``einsum(buqk,bkuh->bquh)``."""
    key = ops.repeat(key, repeats=num_key_value_groups, axis=2)
    value = ops.repeat(value, repeats=num_key_value_groups, axis=2)
    scores = ops.einsum("bquh,bkuh->buqk", query, key)
    scores = ops.multiply(scores, ops.cast(scale, scores.dtype))
    scores = softmax(scores)
    output = ops.einsum("buqk,bkuh->bquh", ops.cast(scores, query.dtype), value)
    return dropout_layer(output) if dropout_layer is not None else output


class RotaryAttention(HubLayer):
    """Grouped-query attention with rotary position encoding, as Llama, Mistral, Qwen, Qwen3 and
    Phi-3 write it (each under its own class name).

    Sublayers: ``query`` (d, h, head_dim), ``key`` and ``value`` (d, g, head_dim),
    ``attention_output`` (h, head_dim, d); ``head_dim`` = d // h unless given. Options of the
    families: ``qkv_bias`` (Qwen 2: a bias (h, head_dim) / (g, head_dim) on query, key and value),
    ``qk_norm`` (Qwen3: an RMS norm of head_dim on each query and key head). The rotary layer
    (no weights) is made by :meth:`make_rotary`.
    """

    qkv_bias = False
    qk_norm = None  # a norm class (Qwen3LayerNorm) built over head_dim, or None

    def __init__(self, num_query_heads, num_key_value_heads, head_dim=None, dropout=0, rope=None,
                 layer_norm_epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.num_key_value_groups = num_query_heads // num_key_value_heads
        self.head_dim = head_dim
        self.dropout = dropout
        self.rope = dict(rope or {})
        self.layer_norm_epsilon = layer_norm_epsilon

    def make_rotary(self, head_dim):
        return RotaryEmbedding(**self.rope, dtype=self.dtype_policy)

    def _projection(self, equation, heads, head_dim, bias_axes, name, inputs_shape):
        return build_layer(layers.EinsumDense(equation, output_shape=(None, heads, head_dim),
                                              bias_axes=bias_axes if self.qkv_bias else None,
                                              dtype=self.dtype_policy, name=name), inputs_shape)

    def _head_norm(self, name, inputs_shape):
        return build_layer(self.qk_norm(epsilon=self.layer_norm_epsilon, dtype=self.dtype_policy, head_dim=self.head_dim,
                                        name=name), inputs_shape)

    def build(self, inputs_shape):
        hidden_dim = inputs_shape[-1]
        if self.head_dim is None:
            self.head_dim = hidden_dim // self.num_query_heads
        head_dim = self.head_dim
        self._inv_norm_factor = 1.0 / math.sqrt(head_dim)
        self._query_dense = self._projection("bqm,muh->bquh", self.num_query_heads, head_dim, "uh", "query",
                                             inputs_shape)
        if self.qk_norm is not None:
            self._query_dense_layer_norm = self._head_norm("query_dense_layernorm", inputs_shape)
        self._key_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, head_dim, "vh", "key",
                                           inputs_shape)
        if self.qk_norm is not None:
            self._key_dense_layer_norm = self._head_norm("key_dense_layernorm", inputs_shape)
        self._value_dense = self._projection("bkm,mvh->bkvh", self.num_key_value_heads, head_dim, "vh", "value",
                                             inputs_shape)
        self._softmax = layers.Softmax(axis=-1, dtype="float32", name="attention_softmax")
        self._dropout_layer = layers.Dropout(rate=self.dropout, dtype=self.dtype_policy)
        self._output_dense = build_layer(layers.EinsumDense(
            "bquh,uhm->bqm", output_shape=(None, hidden_dim), dtype=self.dtype_policy, name="attention_output"),
            (None, None, self.num_query_heads, head_dim))
        self.rotary_embedding_layer = self.make_rotary(head_dim)
        self.built = True

    def call(self, hidden_states, attention_mask=None, cache=None, cache_update_index=None, training=None):
        query = self._query_dense(hidden_states)
        key = self._key_dense(hidden_states)
        if self.qk_norm is not None:
            query, key = self._query_dense_layer_norm(query), self._key_dense_layer_norm(key)
        query, key = self.rotary_embedding_layer(query), self.rotary_embedding_layer(key)
        value = self._value_dense(hidden_states)
        output = grouped_attention(query, key, value, self.num_key_value_groups, self._inv_norm_factor,
                                   self._softmax, self._dropout_layer)
        return self._output_dense(output)

    def compute_output_shape(self, input_shape):
        return input_shape


class LlamaAttention(RotaryAttention):
    """Llama's attention: no bias, Llama's rotary embedding."""

    def make_rotary(self, head_dim):
        return LlamaRotaryEmbedding(**self.rope, dtype=self.dtype_policy)


class SwiGLU:
    """The gated MLP of Llama-like decoders: ``output(act(gate(x)) · intermediate(x))`` with three
    bias-free Dense layers, gate and intermediate (d, f), output (f, d): 3·d·f params."""

    def _dense(self, units, name, shape):
        return build_layer(layers.Dense(units, use_bias=False, dtype=self.dtype_policy, name=name), shape)

    def build_feedforward(self, decoder_sequence_shape):
        """The SwiGLU MLP's three bias-free Dense layers (an MoE decoder builds its expert block)."""
        self._feedforward_intermediate_dense = self._dense(self.intermediate_dim, "feedforward_intermediate_dense",
                                                           decoder_sequence_shape)
        self._feedforward_gate_dense = self._dense(self.intermediate_dim, "feedforward_gate_dense",
                                                   decoder_sequence_shape)
        self._feedforward_output_dense = self._dense(
            self.hidden_dim, "feedforward_output_dense",
            self._feedforward_gate_dense.compute_output_shape(decoder_sequence_shape))

    def feedforward(self, x):
        """``output(act(gate(x)) · intermediate(x))``, the activation computed in float32."""
        gate_output = activation(self.activation)(ops.cast(self._feedforward_gate_dense(x), "float32"))
        gate_output = ops.cast(gate_output, self.compute_dtype)
        x = self._feedforward_intermediate_dense(x)
        return self._feedforward_output_dense(ops.multiply(x, gate_output))


class GatedDecoder(SwiGLU, HubLayer):
    """A pre-norm decoder layer with a SwiGLU MLP (Llama, Mistral, Qwen, Qwen3, Phi-3):

    ``x = x + attention(norm₁(x))``, then ``x + output(act(gate(norm₂(x))) · intermediate(norm₂(x)))``;
    params = attention + 2·d (two RMS scales) + 3·d·f (gate, intermediate (d, f), output (f, d), no bias).
    Subclasses name the classes of their norm and attention.
    """

    supports_masking = True
    norm_class = LlamaLayerNorm
    attention_class = LlamaAttention

    def __init__(self, intermediate_dim, num_query_heads, num_key_value_heads, head_dim=None, activation="silu",
                 layer_norm_epsilon=1e-5, dropout=0, attention_options=None, **kwargs):
        super().__init__(**kwargs)
        self.intermediate_dim = intermediate_dim
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.head_dim = head_dim
        self.activation = activation
        self.layer_norm_epsilon = layer_norm_epsilon
        self.dropout = dropout
        self.attention_options = dict(attention_options or {})

    def make_attention(self, name="self_attention"):
        return self.attention_class(num_query_heads=self.num_query_heads, num_key_value_heads=self.num_key_value_heads,
                                    head_dim=self.head_dim, dropout=self.dropout, dtype=self.dtype_policy,
                                    name=name, **self.attention_options)

    def _norm(self, name, shape):
        return build_layer(self.norm_class(epsilon=self.layer_norm_epsilon, dtype=self.dtype_policy, name=name), shape)

    def build(self, decoder_sequence_shape):
        self.hidden_dim = decoder_sequence_shape[-1]
        self._self_attention_layer = build_layer(self.make_attention(), decoder_sequence_shape)
        self._self_attention_layernorm = self._norm("self_attention_layernorm", decoder_sequence_shape)
        self._self_attention_dropout = layers.Dropout(rate=self.dropout, dtype=self.dtype_policy,
                                                      name="self_attention_dropout")
        self.build_feedforward(decoder_sequence_shape)
        self._feedforward_layernorm = self._norm("feedforward_layernorm", decoder_sequence_shape)
        self.built = True

    def call(self, decoder_sequence, decoder_padding_mask=None, decoder_attention_mask=None,
             self_attention_cache=None, self_attention_cache_update_index=None, training=None):
        residual = decoder_sequence
        x = self._self_attention_layer(self._self_attention_layernorm(decoder_sequence))
        x = self._self_attention_dropout(x, training=training) + residual
        return self.feedforward(self._feedforward_layernorm(x)) + x

    def compute_output_shape(self, decoder_sequence_shape):
        return decoder_sequence_shape


class LlamaTransformerDecoder(GatedDecoder):
    """Llama's decoder layer (see :class:`GatedDecoder`)."""

    def __init__(self, intermediate_dim, num_query_heads, num_key_value_heads, rope_max_wavelength=10000,
                 rope_position_scaling_factor=1.0, rope_frequency_adjustment_factor=None,
                 rope_low_freq_factor=None, rope_high_freq_factor=None, rope_pretraining_sequence_length=None,
                 activation="silu", layer_norm_epsilon=1e-5, kernel_initializer="glorot_uniform", dropout=0,
                 **kwargs):
        rope = dict(max_wavelength=rope_max_wavelength, position_scaling_factor=rope_position_scaling_factor,
                    frequency_adjustment_factor=rope_frequency_adjustment_factor,
                    low_freq_factor=rope_low_freq_factor, high_freq_factor=rope_high_freq_factor,
                    pretraining_sequence_length=rope_pretraining_sequence_length)
        super().__init__(intermediate_dim, num_query_heads, num_key_value_heads, activation=activation,
                         layer_norm_epsilon=layer_norm_epsilon, dropout=dropout,
                         attention_options={"rope": rope}, **kwargs)


def activation(identifier):
    """``keras.activations.get``: a name or a function."""
    from ...keras import activations

    return activations.get(identifier)


class LlamaBackbone(Backbone):
    """keras_hub's ``LlamaBackbone`` (see the module docstring)."""

    def __init__(self, vocabulary_size, num_layers, num_query_heads, hidden_dim, intermediate_dim,
                 num_key_value_heads, rope_max_wavelength=10000, rope_position_scaling_factor=1.0,
                 rope_frequency_adjustment_factor=None, rope_low_freq_factor=None, rope_high_freq_factor=None,
                 rope_pretraining_sequence_length=None, layer_norm_epsilon=1e-6, dropout=0, dtype=None,
                 tie_word_embeddings=False, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(
            input_dim=vocabulary_size, output_dim=hidden_dim, tie_weights=tie_word_embeddings, dtype=dtype,
            name="token_embedding")
        self.transformer_layers = [
            LlamaTransformerDecoder(
                intermediate_dim=intermediate_dim, num_query_heads=num_query_heads,
                num_key_value_heads=num_key_value_heads, rope_max_wavelength=rope_max_wavelength,
                rope_position_scaling_factor=rope_position_scaling_factor,
                rope_frequency_adjustment_factor=rope_frequency_adjustment_factor,
                rope_low_freq_factor=rope_low_freq_factor, rope_high_freq_factor=rope_high_freq_factor,
                rope_pretraining_sequence_length=rope_pretraining_sequence_length,
                layer_norm_epsilon=layer_norm_epsilon, activation="silu", dropout=dropout, dtype=dtype,
                name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.layer_norm = LlamaLayerNorm(epsilon=layer_norm_epsilon, dtype=dtype, name="sequence_output_layernorm")
        self._build_decoder_only(self.transformer_layers, self.layer_norm, dtype=dtype, **kwargs)
        self.vocabulary_size = vocabulary_size
        self.num_layers = num_layers
        self.num_query_heads = num_query_heads
        self.hidden_dim = hidden_dim
        self.intermediate_dim = intermediate_dim
        self.num_key_value_heads = num_key_value_heads
        self.layer_norm_epsilon = layer_norm_epsilon
        self.dropout = dropout
        self.tie_word_embeddings = tie_word_embeddings


class LlamaCausalLM(ReversedEmbeddingLM):
    backbone_cls = LlamaBackbone


class Llama3Backbone(LlamaBackbone):
    """Llama 3, 3.1 and 3.2: the Llama backbone (keras_hub ``models/llama3``)."""


class Llama3CausalLM(LlamaCausalLM):
    backbone_cls = Llama3Backbone
