"""keras_hub's ``TokenAndPositionEmbedding``: a token embedding plus a learned position embedding.

Sublayers ``token_embedding`` (ReversibleEmbedding, vocabulary × features) and
``position_embedding`` (sequence_length × features); output = their sum (one add per element).
"""

from __future__ import annotations

from ...keras import layers
from .base import HubLayer
from .position_embedding import PositionEmbedding


class TokenAndPositionEmbedding(HubLayer):
    def __init__(self, vocabulary_size, sequence_length, embedding_dim, tie_weights=True,
                 embeddings_initializer="uniform", mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("vocabulary_size", vocabulary_size), ("sequence_length", sequence_length),
                            ("embedding_dim", embedding_dim)):
            if value is None:
                raise ValueError(f"`{name}` must be an Integer, received `None`.")
        self.vocabulary_size = int(vocabulary_size)
        self.sequence_length = int(sequence_length)
        self.embedding_dim = int(embedding_dim)
        self.token_embedding = layers.ReversibleEmbedding(vocabulary_size, embedding_dim, tie_weights=tie_weights,
                                                          mask_zero=mask_zero, dtype=self.dtype_policy,
                                                          name="token_embedding")
        self.position_embedding = PositionEmbedding(sequence_length=sequence_length, dtype=self.dtype_policy,
                                                    name="position_embedding")
        self.supports_masking = mask_zero

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        self.token_embedding.build(input_shape)
        self.token_embedding.built = True
        self.position_embedding.build(input_shape + (self.embedding_dim,))
        self.position_embedding.built = True
        self.built = True

    def call(self, inputs, start_index=0, positions=None):
        embedded_tokens = self.token_embedding(inputs)
        return embedded_tokens + self.position_embedding(embedded_tokens)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.embedding_dim,)
