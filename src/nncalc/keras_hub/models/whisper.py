"""Whisper (keras_hub ``models/whisper``): ``WhisperBackbone``.

Encoder: ``encoder_features`` (batch, frames, num_mels) → Conv1D (k 3, same) → GELU (a
``gelu`` row) → ``encoder_padder`` (one zero frame each side) → Conv1D (k 3, stride 2, valid)
→ GELU → + ``encoder_position_embedding`` (max_encoder_sequence_length / 2 × d, not trainable)
→ ``transformer_encoder_layer_i`` (WhisperEncoder: a pre-norm TransformerEncoder whose key
projection has no bias) → ``encoder_layer_norm``. Decoder: ``decoder_token_and_position_embedding``
→ ``transformer_decoder_layer_i`` (WhisperDecoder: pre-norm self- and cross-attention, no key
bias) → ``decoder_layer_norm``.
"""

from __future__ import annotations

from ...keras import activations, layers, ops
from ..layers.base import HubLayer
from ..layers.cached_multi_head_attention import CachedMultiHeadAttention
from ..layers.position_embedding import PositionEmbedding
from ..layers.token_and_position_embedding import TokenAndPositionEmbedding
from ..layers.transformer_decoder import TransformerDecoder
from ..layers.transformer_encoder import TransformerEncoder
from .backbone import Backbone, sequence_input


class WhisperCachedMultiHeadAttention(CachedMultiHeadAttention):
    """Keras' MultiHeadAttention without a bias on the key projection."""

    def _add_projection(self, equation, partial_output, bias_axes, name, *args, **kwargs):
        return super()._add_projection(equation, partial_output, None if name == "key" else bias_axes, name,
                                       *args, **kwargs)


class Padder(HubLayer):
    """Pads the time axis with one frame on each side: (b, t, c) → (b, t + 2, c)."""

    def call(self, x):
        return ops.pad(x, [[0, 0], [1, 1], [0, 0]])


class WhisperEncoder(TransformerEncoder):
    attention_class = WhisperCachedMultiHeadAttention


class WhisperDecoder(TransformerDecoder):
    attention_class = WhisperCachedMultiHeadAttention


class WhisperBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_heads, hidden_dim, intermediate_dim, num_mels=80, dropout=0.0,
                 max_encoder_sequence_length=3000, max_decoder_sequence_length=448, dtype=None, **kwargs):
        self.encoder_conv_layer_1 = layers.Conv1D(filters=hidden_dim, kernel_size=3, strides=1, padding="same",
                                                  dtype=dtype, name="encoder_token_embedding_conv_layer_1")
        self.encoder_conv_layer_2 = layers.Conv1D(filters=hidden_dim, kernel_size=3, strides=2, padding="valid",
                                                  dtype=dtype, name="encoder_token_embedding_conv_layer_2")
        self.encoder_padder = Padder(dtype=dtype, name="encoder_padder")
        self.encoder_position_embedding = PositionEmbedding(sequence_length=max_encoder_sequence_length // 2,
                                                            dtype=dtype, name="encoder_position_embedding",
                                                            trainable=False)
        self.encoder_embeddings_add = layers.Add(dtype=dtype, name="encoder_embeddings_add")
        self.encoder_embeddings_dropout = layers.Dropout(dropout, dtype=dtype, name="encoder_embeddings_dropout")
        self.encoder_transformer_layers = [
            WhisperEncoder(num_heads=num_heads, intermediate_dim=intermediate_dim, activation=activations.gelu,
                           layer_norm_epsilon=1e-05, dropout=dropout, normalize_first=True, dtype=dtype,
                           name=f"transformer_encoder_layer_{i}")
            for i in range(num_layers)]
        self.encoder_layer_norm = layers.LayerNormalization(axis=-1, epsilon=1e-05, dtype=dtype,
                                                            name="encoder_layer_norm")
        self.decoder_embeddings = TokenAndPositionEmbedding(
            vocabulary_size=vocabulary_size, sequence_length=max_decoder_sequence_length, embedding_dim=hidden_dim,
            dtype=dtype, name="decoder_token_and_position_embedding")
        self.token_embedding = self.decoder_embeddings.token_embedding
        self.decoder_embeddings_dropout = layers.Dropout(dropout, dtype=dtype, name="decoder_embeddings_dropout")
        self.decoder_transformer_layers = [
            WhisperDecoder(intermediate_dim=intermediate_dim, num_heads=num_heads, dropout=dropout,
                           activation=activations.gelu, layer_norm_epsilon=1e-05, normalize_first=True, dtype=dtype,
                           name=f"transformer_decoder_layer_{i}")
            for i in range(num_layers)]
        self.decoder_layer_norm = layers.LayerNormalization(axis=-1, epsilon=1e-05, dtype=dtype,
                                                            name="decoder_layer_norm")
        encoder_feature_input = sequence_input("encoder_features", "float32", (num_mels,))
        decoder_token_id_input = sequence_input("decoder_token_ids")
        decoder_padding_mask_input = sequence_input("decoder_padding_mask")
        x = activations.gelu(self.encoder_conv_layer_1(encoder_feature_input), approximate=False)
        x = self.encoder_padder(x)
        x = activations.gelu(self.encoder_conv_layer_2(x), approximate=False)
        x = self.encoder_embeddings_dropout(self.encoder_embeddings_add((x, self.encoder_position_embedding(x))))
        for transformer_layer in self.encoder_transformer_layers:
            x = transformer_layer(x)
        encoder_output = self.encoder_layer_norm(x)
        x = self.decoder_embeddings_dropout(self.decoder_embeddings(decoder_token_id_input))
        for transformer_layer in self.decoder_transformer_layers:
            x = transformer_layer(decoder_sequence=x, encoder_sequence=encoder_output,
                                  decoder_padding_mask=decoder_padding_mask_input)
        decoder_output = self.decoder_layer_norm(x)
        super().__init__(inputs={"encoder_features": encoder_feature_input, "decoder_token_ids": decoder_token_id_input,
                                 "decoder_padding_mask": decoder_padding_mask_input},
                         outputs={"encoder_sequence_output": encoder_output, "decoder_sequence_output": decoder_output},
                         dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.num_heads = vocabulary_size, num_layers, num_heads
        self.hidden_dim, self.intermediate_dim, self.num_mels = hidden_dim, intermediate_dim, num_mels
