"""OPT (keras_hub ``models/opt``): ``OPTBackbone``, ``OPTCausalLM``.

Backbone graph: ``token_ids`` → ``embeddings`` (TokenAndPositionEmbedding: vocabulary × d plus
max_sequence_length × d) → ``transformer_layer_i`` (TransformerDecoder, pre-norm, ReLU MLP) →
``layer_norm``; the LM head is the token embedding reversed (tied).
"""

from __future__ import annotations

from ...keras import layers
from ..layers.token_and_position_embedding import TokenAndPositionEmbedding
from ..layers.transformer_decoder import TransformerDecoder
from .backbone import Backbone
from .task import ReversedEmbeddingLM


class OPTBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_heads, hidden_dim, intermediate_dim, dropout=0.1,
                 max_sequence_length=2048, dtype=None, **kwargs):
        self.embeddings = TokenAndPositionEmbedding(vocabulary_size=vocabulary_size,
                                                    sequence_length=max_sequence_length, embedding_dim=hidden_dim,
                                                    dtype=dtype, name="embeddings")
        self.token_embedding = self.embeddings.token_embedding
        self.transformer_layers = [
            TransformerDecoder(intermediate_dim=intermediate_dim, num_heads=num_heads, dropout=dropout,
                               activation="relu", layer_norm_epsilon=1e-05, normalize_first=True, dtype=dtype,
                               name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.layer_norm = layers.LayerNormalization(axis=-1, epsilon=1e-05, dtype=dtype, name="layer_norm")
        self._build_decoder_only(self.transformer_layers, self.layer_norm, embed=self.embeddings, dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.num_heads = vocabulary_size, num_layers, num_heads
        self.hidden_dim, self.intermediate_dim = hidden_dim, intermediate_dim
        self.dropout, self.max_sequence_length = dropout, max_sequence_length


class OPTCausalLM(ReversedEmbeddingLM):
    backbone_cls = OPTBackbone
