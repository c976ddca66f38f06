"""RoBERTa (keras_hub ``models/roberta``): ``RobertaBackbone``, ``RobertaMaskedLM``,
``RobertaTextClassifier``.

Backbone graph: ``embeddings`` (TokenAndPositionEmbedding) → ``embeddings_layer_norm`` →
``embeddings_dropout`` → ``transformer_layer_i`` (TransformerEncoder, post-norm, GELU, fed
``padding_mask``); output the sequence (no pooler).
"""

from __future__ import annotations

from ...keras import layers
from ..layers.token_and_position_embedding import TokenAndPositionEmbedding
from ..layers.transformer_encoder import TransformerEncoder
from .backbone import Backbone, sequence_input
from .task import MaskedLM, TextClassifier


class RobertaBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_heads, hidden_dim, intermediate_dim, dropout=0.1,
                 max_sequence_length=512, dtype=None, **kwargs):
        self.embeddings = TokenAndPositionEmbedding(vocabulary_size=vocabulary_size,
                                                    sequence_length=max_sequence_length, embedding_dim=hidden_dim,
                                                    dtype=dtype, name="embeddings")
        self.token_embedding = self.embeddings.token_embedding
        self.embeddings_layer_norm = layers.LayerNormalization(axis=-1, epsilon=1e-05, dtype=dtype,
                                                               name="embeddings_layer_norm")
        self.embeddings_dropout = layers.Dropout(dropout, dtype=dtype, name="embeddings_dropout")
        self.transformer_layers = [
            TransformerEncoder(num_heads=num_heads, intermediate_dim=intermediate_dim, activation="gelu",
                               dropout=dropout, layer_norm_epsilon=1e-05, dtype=dtype, name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        token_id_input = sequence_input("token_ids")
        padding_mask_input = sequence_input("padding_mask")
        x = self.embeddings_dropout(self.embeddings_layer_norm(self.embeddings(token_id_input)))
        for transformer_layer in self.transformer_layers:
            x = transformer_layer(x, padding_mask=padding_mask_input)
        super().__init__(inputs={"token_ids": token_id_input, "padding_mask": padding_mask_input}, outputs=x,
                         dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.num_heads = vocabulary_size, num_layers, num_heads
        self.hidden_dim, self.intermediate_dim = hidden_dim, intermediate_dim
        self.dropout, self.max_sequence_length = dropout, max_sequence_length
        self.start_token_index = 0


class RobertaMaskedLM(MaskedLM):
    backbone_cls = RobertaBackbone

    def __init__(self, backbone, preprocessor=None, **kwargs):
        self._build_masked_lm(backbone, preprocessor, lambda outputs: outputs, kwargs)


class RobertaTextClassifier(TextClassifier):
    backbone_cls = RobertaBackbone

    def __init__(self, backbone, num_classes, preprocessor=None, activation=None, hidden_dim=None, dropout=0.0,
                 **kwargs):
        self.backbone = backbone
        self.preprocessor = preprocessor
        policy = backbone.dtype_policy
        self.pooled_dropout = layers.Dropout(dropout, dtype=policy, name="pooled_dropout")
        self.pooled_dense = layers.Dense(hidden_dim or backbone.hidden_dim, activation="tanh", dtype=policy,
                                         name="pooled_dense")
        self.output_dropout = layers.Dropout(dropout, dtype=policy, name="output_dropout")
        self.output_dense = layers.Dense(num_classes, activation=activation, dtype=policy, name="logits")
        inputs = backbone.input
        x = backbone(inputs)[:, backbone.start_token_index, :]
        x = self.output_dense(self.output_dropout(self.pooled_dense(self.pooled_dropout(x))))
        super().__init__(inputs=inputs, outputs=x, **kwargs)
        self.num_classes = num_classes
        self.activation = activation
        self.dropout = dropout


RobertaClassifier = RobertaTextClassifier
