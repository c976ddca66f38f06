"""Gemma 3, text only (keras_hub ``models/gemma3``): ``Gemma3Backbone``, ``Gemma3CausalLM``.

Gemma 2's graph (embedding × √d, ``decoder_block_i``, ``final_normalization``) with:
RMS norms on each query and key head (``query_norm``, ``key_norm``: head_dim each), a GeGLU
MLP of full width (``gate_dim_reduction=1``: gate and up (d, f), down (f, d)), five local
(sliding-window, RoPE base 10⁴) layers for each global one (RoPE base 10⁶). Embedding models
(``is_embedding_model``) add ``mean_pooling``, ``pooling_dense_1``, ``embedding_projection``
and ``unit_normalization``. A ``vision_encoder`` (the multimodal presets) is not supported.
"""

from __future__ import annotations

from ...errors import Unsupported
from ...keras import layers, ops
from ..layers.base import HubLayer
from .backbone import Backbone, sequence_input
from .gemma import CachedGemmaAttention, GemmaDecoderBlock, RMSNormalization
from .task import ReversedEmbeddingLM


class CachedGemma3Attention(CachedGemmaAttention):
    interleave_rope = False


class Gemma3DecoderBlock(GemmaDecoderBlock):
    attention_class = CachedGemma3Attention

    def __init__(self, hidden_dim, intermediate_dim, head_dim, num_query_heads, num_key_value_heads,
                 query_head_dim_normalize=True, use_query_key_norm=False, use_post_ffw_norm=False,
                 use_post_attention_norm=False, gate_dim_reduction=2, logit_soft_cap=None,
                 use_sliding_window_attention=False, sliding_window_size=4096, layer_norm_epsilon=1e-06,
                 rope_wavelength=10000.0, rope_scaling_factor=1.0, use_bidirectional_attention=False, dropout=0,
                 **kwargs):
        super().__init__(hidden_dim, intermediate_dim, head_dim, num_query_heads, num_key_value_heads,
                         query_head_dim_normalize=query_head_dim_normalize, use_post_ffw_norm=use_post_ffw_norm,
                         use_post_attention_norm=use_post_attention_norm, logit_soft_cap=logit_soft_cap,
                         use_sliding_window_attention=use_sliding_window_attention,
                         sliding_window_size=sliding_window_size, layer_norm_epsilon=layer_norm_epsilon,
                         dropout=dropout, gate_dim_reduction=gate_dim_reduction,
                         attention_options={"use_query_key_norm": use_query_key_norm,
                                            "rope_wavelength": rope_wavelength,
                                            "rope_scaling_factor": rope_scaling_factor}, **kwargs)


class Gemma3MeanPooling(HubLayer):
    """The mean of the sequence over its real tokens (padding_mask): (batch, seq, d) → (batch, d)."""

    supports_masking = True

    def call(self, inputs, padding_mask=None):
        mask = ops.expand_dims(ops.cast(padding_mask, inputs.dtype), axis=-1)
        summed = ops.sum(inputs * mask, axis=1)
        count = ops.maximum(ops.expand_dims(ops.sum(ops.cast(padding_mask, inputs.dtype), axis=1), axis=1), 1e-09)
        return ops.cast(summed / count, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-2]) + (input_shape[-1],)


class Gemma3Backbone(Backbone):
    def __init__(self, vocabulary_size, image_size, num_layers, num_query_heads, num_key_value_heads, hidden_dim,
                 intermediate_dim, head_dim, query_head_dim_normalize=True, use_query_key_norm=True,
                 use_post_ffw_norm=False, use_post_attention_norm=False, attention_logit_soft_cap=None,
                 final_logit_soft_cap=None, use_sliding_window_attention=False, sliding_window_size=1024,
                 local_rope_scaling_factor=1.0, global_rope_scaling_factor=1.0, vision_encoder=None,
                 layer_norm_epsilon=1e-06, use_bidirectional_attention=False, dropout=0, is_embedding_model=False,
                 pooling_intermediate_dim=None, embedding_dim=None, dtype=None, **kwargs):
        if vision_encoder is not None:
            raise Unsupported("Gemma3Backbone with a vision_encoder (the multimodal Gemma 3) is not supported by "
                              "nncalc yet: only the text models")
        self.token_embedding = layers.ReversibleEmbedding(
            input_dim=vocabulary_size, output_dim=hidden_dim, tie_weights=True, dtype=dtype,
            logit_soft_cap=final_logit_soft_cap, name="token_embedding")
        self.vision_encoder = None
        self.transformer_layers = []
        for i in range(num_layers):
            sliding_window = use_sliding_window_attention and i % 6 < 5
            self.transformer_layers.append(Gemma3DecoderBlock(
                hidden_dim=hidden_dim, intermediate_dim=intermediate_dim, head_dim=head_dim,
                num_query_heads=num_query_heads, num_key_value_heads=num_key_value_heads,
                query_head_dim_normalize=query_head_dim_normalize, use_query_key_norm=use_query_key_norm,
                use_post_ffw_norm=use_post_ffw_norm, use_post_attention_norm=use_post_attention_norm,
                gate_dim_reduction=1, logit_soft_cap=attention_logit_soft_cap,
                use_sliding_window_attention=sliding_window, sliding_window_size=sliding_window_size,
                rope_wavelength=10000.0 if sliding_window else 1000000.0,
                rope_scaling_factor=local_rope_scaling_factor if sliding_window else global_rope_scaling_factor,
                use_bidirectional_attention=use_bidirectional_attention, dropout=dropout, dtype=dtype,
                name=f"decoder_block_{i}"))
        self.layer_norm = RMSNormalization(epsilon=layer_norm_epsilon, dtype=dtype, name="final_normalization")
        token_id_input = sequence_input("token_ids")
        padding_mask_input = sequence_input("padding_mask")
        x = self.token_embedding(token_id_input)
        x = x * ops.cast(ops.sqrt(hidden_dim), x.dtype)
        for transformer_layer in self.transformer_layers:
            x = transformer_layer(x, padding_mask=padding_mask_input, vision_mask=None)
        sequence_output = self.layer_norm(x)
        outputs = sequence_output
        if is_embedding_model:
            if embedding_dim is None or pooling_intermediate_dim is None:
                raise ValueError("Must specify embedding_dim and pooling_intermediate_dim.")
            pooled = Gemma3MeanPooling(dtype=dtype, name="mean_pooling")(sequence_output, padding_mask=padding_mask_input)
            pooled = layers.Dense(pooling_intermediate_dim, dtype=dtype, name="pooling_dense_1", use_bias=False)(pooled)
            pooled = layers.Dense(embedding_dim, dtype=dtype, name="embedding_projection", use_bias=False)(pooled)
            pooled = layers.UnitNormalization(axis=-1, dtype=dtype, name="unit_normalization")(pooled)
            outputs = {"sequence_output": sequence_output, "pooled_output": pooled}
        super().__init__(inputs={"token_ids": token_id_input, "padding_mask": padding_mask_input}, outputs=outputs,
                         dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.hidden_dim = vocabulary_size, num_layers, hidden_dim
        self.num_query_heads, self.num_key_value_heads, self.head_dim = num_query_heads, num_key_value_heads, head_dim
        self.intermediate_dim, self.image_size = intermediate_dim, image_size
        self.text_only_model = True


class Gemma3CausalLM(ReversedEmbeddingLM):
    backbone_cls = Gemma3Backbone

    def __init__(self, preprocessor, backbone, **kwargs):  # (keras_hub's argument order)
        super().__init__(backbone, preprocessor, **kwargs)
