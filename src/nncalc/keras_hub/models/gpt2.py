"""GPT-2 (keras_hub ``models/gpt2``): ``GPT2Backbone``, ``GPT2CausalLM``.

Backbone graph: ``token_ids`` → ``token_embedding`` (vocabulary × d, tied to the output) and
``position_embedding`` (max_sequence_length × d) → ``embeddings_add`` → ``embeddings_dropout``
→ ``transformer_layer_i`` (TransformerDecoder, pre-norm, GELU MLP, fed ``padding_mask``) →
``layer_norm``. One layer: attention 4·(d² + d), two layer norms 2·d each, MLP 2·d·f + f + d.
"""

from __future__ import annotations

from ...keras import layers
from ..layers.position_embedding import PositionEmbedding
from ..layers.transformer_decoder import TransformerDecoder
from ..layers.transformer_encoder import gelu_approximate
from .backbone import Backbone
from .task import ReversedEmbeddingLM


class GPT2Backbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_heads, hidden_dim, intermediate_dim, dropout=0.1,
                 max_sequence_length=1024, dtype=None, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          dtype=dtype, name="token_embedding")
        self.position_embedding = PositionEmbedding(sequence_length=max_sequence_length, dtype=dtype,
                                                    name="position_embedding")
        self.embeddings_add = layers.Add(dtype=dtype, name="embeddings_add")
        self.embeddings_dropout = layers.Dropout(dropout, dtype=dtype, name="embeddings_dropout")
        self.transformer_layers = [
            TransformerDecoder(intermediate_dim=intermediate_dim, num_heads=num_heads, dropout=dropout,
                               layer_norm_epsilon=1e-05, activation=gelu_approximate, normalize_first=True,
                               dtype=dtype, name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.layer_norm = layers.LayerNormalization(axis=-1, epsilon=1e-05, dtype=dtype, name="layer_norm")
        self._build_decoder_only(self.transformer_layers, self.layer_norm, embed=self._embed, dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.num_heads = vocabulary_size, num_layers, num_heads
        self.hidden_dim, self.intermediate_dim = hidden_dim, intermediate_dim
        self.dropout, self.max_sequence_length = dropout, max_sequence_length


    def _embed(self, token_ids):
        tokens = self.token_embedding(token_ids)
        return self.embeddings_dropout(self.embeddings_add((tokens, self.position_embedding(tokens))))


class GPT2CausalLM(ReversedEmbeddingLM):
    backbone_cls = GPT2Backbone
