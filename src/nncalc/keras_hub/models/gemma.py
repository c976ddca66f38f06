"""Gemma and Gemma 2 (keras_hub ``models/gemma``): ``GemmaBackbone``, ``GemmaCausalLM``.

Backbone graph: ``token_ids`` → ``token_embedding`` (ReversibleEmbedding tied to the output,
with Gemma 2's ``final_logit_soft_cap``) → ``multiply`` (× √hidden_dim, a ``keras.ops`` row) →
``decoder_block_i`` (GemmaDecoderBlock, also fed ``padding_mask``) → ``final_normalization``.

One decoder block (hidden d, query heads h, key/value heads g, head_dim k, ``intermediate_dim`` f):

* ``attention`` (CachedGemmaAttention): query (h, d, k), key and value (g, d, k),
  attention_output (h, k, d), no bias: d·k·(2h + 2g);
* ``pre_attention_norm``, ``pre_ffw_norm`` (+ Gemma 2's ``post_attention_norm``,
  ``post_ffw_norm``): d each (RMS, ``1 + scale``);
* GeGLU MLP: ``ffw_gating`` and ``ffw_gating_2`` (d, f/2) and ``ffw_linear`` (f/2, d): note that
  keras_hub's ``intermediate_dim`` is twice the MLP width, so 3·d·f/2.

Gemma 2 alternates sliding-window layers (even indices) and caps attention logits with
``tanh(x / cap) · cap``: neither changes a shape or a parameter.
"""

from __future__ import annotations

import math

from ...keras import activations, layers, ops
from ..layers.base import HubLayer, build_layer
from ..layers.rms_normalization import OnePlusScaleRMSNorm
from ..layers.rotary_embedding import RotaryEmbedding
from .backbone import Backbone
from .task import ReversedEmbeddingLM


class RMSNormalization(OnePlusScaleRMSNorm):
    """Gemma's RMS norm: ``x / sqrt(mean(x²) + ε) · (1 + scale)``."""


class CachedGemmaAttention(HubLayer):
    """Grouped-query attention with rotary encoding, Gemma's kernel layouts and soft cap."""

    interleave_rope = True  # Gemma 1/2 re-interleave the rotated halves (Gemma 3 does not)

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, kernel_initializer="glorot_uniform",
                 logit_soft_cap=None, use_sliding_window_attention=False, sliding_window_size=4096,
                 query_head_dim_normalize=True, use_query_key_norm=False, layer_norm_epsilon=1e-6,
                 rope_wavelength=10000.0, rope_scaling_factor=1.0, dropout=0, **kwargs):
        super().__init__(**kwargs)
        self.use_query_key_norm = use_query_key_norm
        self.layer_norm_epsilon = layer_norm_epsilon
        self.rope = {"max_wavelength": rope_wavelength, "scaling_factor": rope_scaling_factor}
        self.num_query_heads = num_query_heads
        self.num_key_value_heads = num_key_value_heads
        self.head_dim = head_dim
        self.logit_soft_cap = logit_soft_cap
        self.use_sliding_window_attention = use_sliding_window_attention
        self.sliding_window_size = sliding_window_size
        self.query_head_dim_normalize = query_head_dim_normalize
        self.dropout = dropout
        self.num_key_value_groups = num_query_heads // num_key_value_heads

    def build(self, inputs_shape):
        self.hidden_dim = inputs_shape[-1]
        policy = self.dtype_policy
        self.query_dense = build_layer(layers.EinsumDense(
            "btd,ndh->btnh", output_shape=(None, self.num_query_heads, self.head_dim), dtype=policy, name="query"),
            inputs_shape)
        self.key_dense = build_layer(layers.EinsumDense(
            "bsd,kdh->bskh", output_shape=(None, self.num_key_value_heads, self.head_dim), dtype=policy, name="key"),
            inputs_shape)
        self.value_dense = build_layer(layers.EinsumDense(
            "bsd,kdh->bskh", output_shape=(None, self.num_key_value_heads, self.head_dim), dtype=policy,
            name="value"), inputs_shape)
        if self.use_query_key_norm:
            self.query_norm = build_layer(RMSNormalization(epsilon=self.layer_norm_epsilon, dtype=policy,
                                                           name="query_norm"),
                                          self.query_dense.compute_output_shape(inputs_shape))
            self.key_norm = build_layer(RMSNormalization(epsilon=self.layer_norm_epsilon, dtype=policy,
                                                         name="key_norm"),
                                        self.key_dense.compute_output_shape(inputs_shape))
        self.dropout_layer = layers.Dropout(rate=self.dropout, dtype=policy)
        self.output_dense = build_layer(layers.EinsumDense(
            "btnh,nhd->btd", output_shape=(None, self.hidden_dim), dtype=policy, name="attention_output"),
            (None, None, self.num_query_heads, self.head_dim))
        self.softmax = layers.Softmax(dtype="float32")
        self.rope_layer = RotaryEmbedding(**self.rope, dtype=policy)
        self.built = True

    def _apply_rope(self, x):
        x = self.rope_layer(x)
        if self.interleave_rope:
            x = ops.reshape(ops.stack(ops.split(x, 2, axis=-1), axis=-1), x.shape)
        return x

    def call(self, x, attention_mask=None, cache=None, cache_update_index=0, training=False):
        q, k = self.query_dense(x), self.key_dense(x)
        if self.use_query_key_norm:
            q, k = self.query_norm(q), self.key_norm(k)
        q, k = self._apply_rope(q), self._apply_rope(k)
        v = self.value_dense(x)
        norm = self.head_dim if self.query_head_dim_normalize else self.hidden_dim // self.num_query_heads
        q = q * ops.cast(1 / math.sqrt(norm), q.dtype)
        b, t, _, h = q.shape
        q = ops.reshape(q, (b, t, self.num_key_value_heads, self.num_key_value_groups, h))
        logits = ops.einsum("btkgh,bskh->bkgts", q, k)
        if self.logit_soft_cap is not None:
            logits = ops.multiply(ops.tanh(ops.divide(logits, self.logit_soft_cap)), self.logit_soft_cap)
        weights = ops.cast(self.softmax(logits), logits.dtype)
        if self.dropout:
            weights = self.dropout_layer(weights, training=training)
        results = ops.reshape(ops.einsum("bkgts,bskh->btkgh", weights, v), (b, t, self.num_query_heads, h))
        return self.output_dense(results)

    def compute_output_shape(self, input_shape):
        return input_shape


class GemmaDecoderBlock(HubLayer):
    """``x + attention(norm(x))`` (norm after it too in Gemma 2), then ``+ GeGLU MLP(norm(x))``."""

    attention_class = CachedGemmaAttention

    def __init__(self, hidden_dim, intermediate_dim, head_dim, num_query_heads, num_key_value_heads,
                 query_head_dim_normalize=True, use_post_ffw_norm=False, use_post_attention_norm=False,
                 logit_soft_cap=None, use_sliding_window_attention=False, sliding_window_size=4096,
                 layer_norm_epsilon=1e-6, dropout=0, gate_dim_reduction=2, attention_options=None, **kwargs):
        super().__init__(**kwargs)
        self.intermediate_dim = intermediate_dim
        self.hidden_dim = hidden_dim
        self.layer_norm_epsilon = layer_norm_epsilon
        self.dropout = dropout
        self.use_post_ffw_norm = use_post_ffw_norm
        self.use_post_attention_norm = use_post_attention_norm
        policy = self.dtype_policy
        self.pre_attention_norm = RMSNormalization(epsilon=layer_norm_epsilon, dtype=policy, name="pre_attention_norm")
        if use_post_attention_norm:
            self.post_attention_norm = RMSNormalization(epsilon=layer_norm_epsilon, dtype=policy,
                                                        name="post_attention_norm")
        self.attention = self.attention_class(
            head_dim=head_dim, num_query_heads=num_query_heads, num_key_value_heads=num_key_value_heads,
            logit_soft_cap=logit_soft_cap, use_sliding_window_attention=use_sliding_window_attention,
            sliding_window_size=sliding_window_size, query_head_dim_normalize=True, dropout=dropout, dtype=policy,
            name="attention", **(attention_options or {}))
        if self.dropout > 0:
            self.attention_dropout = layers.Dropout(rate=dropout)
            self.feedforward_dropout = layers.Dropout(rate=dropout)
        self.pre_ffw_norm = RMSNormalization(epsilon=layer_norm_epsilon, dtype=policy, name="pre_ffw_norm")
        if use_post_ffw_norm:
            self.post_ffw_norm = RMSNormalization(epsilon=layer_norm_epsilon, dtype=policy, name="post_ffw_norm")
        self.gating_ffw = layers.EinsumDense("btd,df->btf", output_shape=(None, intermediate_dim // gate_dim_reduction),
                                             dtype=policy, name="ffw_gating")
        self.gating_ffw_2 = layers.EinsumDense("btd,df->btf",
                                               output_shape=(None, intermediate_dim // gate_dim_reduction),
                                               dtype=policy, name="ffw_gating_2")
        self.ffw_linear = layers.EinsumDense("btf,fd->btd", output_shape=(None, hidden_dim), dtype=policy,
                                             name="ffw_linear")

    def build(self, input_shape):
        build_layer(self.pre_attention_norm, input_shape)
        build_layer(self.attention, input_shape)
        if self.use_post_attention_norm:
            build_layer(self.post_attention_norm, self.attention.compute_output_shape(input_shape))
        build_layer(self.pre_ffw_norm, input_shape)
        build_layer(self.gating_ffw, input_shape)
        build_layer(self.gating_ffw_2, input_shape)
        shape = self.gating_ffw.compute_output_shape(input_shape)
        build_layer(self.ffw_linear, shape)
        if self.use_post_ffw_norm:
            build_layer(self.post_ffw_norm, self.ffw_linear.compute_output_shape(shape))
        self.built = True

    def call(self, x, padding_mask=None, cache=None, cache_update_index=0, vision_mask=None):
        attention = self.attention(self.pre_attention_norm(x))
        if self.use_post_attention_norm:
            attention = self.post_attention_norm(attention)
        if self.dropout:
            attention = self.attention_dropout(attention)
        attention_x = x + attention
        normalized_x = self.pre_ffw_norm(attention_x)
        x1 = self.gating_ffw(normalized_x)
        x2 = self.gating_ffw_2(normalized_x)
        x = self.ffw_linear(activations.gelu(x1, approximate=True) * x2)
        if self.use_post_ffw_norm:
            x = self.post_ffw_norm(x)
        return x + attention_x

    def compute_output_shape(self, input_shape):
        return input_shape


class GemmaBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_query_heads, num_key_value_heads, hidden_dim,
                 intermediate_dim, head_dim, query_head_dim_normalize=True, use_post_ffw_norm=False,
                 use_post_attention_norm=False, attention_logit_soft_cap=None, final_logit_soft_cap=None,
                 use_sliding_window_attention=False, sliding_window_size=4096, layer_norm_epsilon=1e-6, dropout=0,
                 dtype=None, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(
            input_dim=vocabulary_size, output_dim=hidden_dim, tie_weights=True, dtype=dtype,
            logit_soft_cap=final_logit_soft_cap, name="token_embedding")
        self.transformer_layers = [
            GemmaDecoderBlock(
                intermediate_dim=intermediate_dim, hidden_dim=hidden_dim, num_query_heads=num_query_heads,
                head_dim=head_dim, num_key_value_heads=num_key_value_heads,
                query_head_dim_normalize=query_head_dim_normalize, use_post_ffw_norm=use_post_ffw_norm,
                use_post_attention_norm=use_post_attention_norm, logit_soft_cap=attention_logit_soft_cap,
                use_sliding_window_attention=use_sliding_window_attention and i % 2 == 0,
                sliding_window_size=sliding_window_size, dropout=dropout, dtype=dtype, name=f"decoder_block_{i}")
            for i in range(num_layers)]
        self.layer_norm = RMSNormalization(epsilon=layer_norm_epsilon, dtype=dtype, name="final_normalization")
        self._build_decoder_only(self.transformer_layers, self.layer_norm, mask_argument="padding_mask",
                                 embedding_scale=hidden_dim, dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.hidden_dim = vocabulary_size, num_layers, hidden_dim
        self.num_query_heads, self.num_key_value_heads, self.head_dim = num_query_heads, num_key_value_heads, head_dim
        self.intermediate_dim = intermediate_dim


class GemmaCausalLM(ReversedEmbeddingLM):
    backbone_cls = GemmaBackbone
