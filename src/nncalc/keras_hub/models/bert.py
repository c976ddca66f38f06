"""BERT (keras_hub ``models/bert``): ``BertBackbone``, ``BertMaskedLM``, ``BertTextClassifier``.

Backbone graph: ``token_embedding`` (vocabulary × d) + ``position_embedding``
(max_sequence_length × d) + ``segment_embedding`` (num_segments × d) → ``embeddings_add`` →
``embeddings_layer_norm`` → ``embeddings_dropout`` → ``transformer_layer_i``
(TransformerEncoder, post-norm, GELU) → outputs ``sequence_output`` and ``pooled_output``
(``pooled_dense``, tanh, on the first token: a ``get_item`` row).
"""

from __future__ import annotations

from ...keras import layers
from ..layers.position_embedding import PositionEmbedding
from ..layers.transformer_encoder import TransformerEncoder, gelu_approximate
from .backbone import Backbone, sequence_input
from .task import MaskedLM, TextClassifier


class BertBackbone(Backbone):
    def __init__(self, vocabulary_size, num_layers, num_heads, hidden_dim, intermediate_dim, dropout=0.1,
                 max_sequence_length=512, num_segments=2, dtype=None, **kwargs):
        self.token_embedding = layers.ReversibleEmbedding(input_dim=vocabulary_size, output_dim=hidden_dim,
                                                          dtype=dtype, name="token_embedding")
        self.position_embedding = PositionEmbedding(sequence_length=max_sequence_length, dtype=dtype,
                                                    name="position_embedding")
        self.segment_embedding = layers.Embedding(input_dim=num_segments, output_dim=hidden_dim, dtype=dtype,
                                                  name="segment_embedding")
        self.embeddings_add = layers.Add(dtype=dtype, name="embeddings_add")
        self.embeddings_layer_norm = layers.LayerNormalization(axis=-1, epsilon=1e-12, dtype=dtype,
                                                               name="embeddings_layer_norm")
        self.embeddings_dropout = layers.Dropout(dropout, dtype=dtype, name="embeddings_dropout")
        self.transformer_layers = [
            TransformerEncoder(num_heads=num_heads, intermediate_dim=intermediate_dim, activation=gelu_approximate,
                               dropout=dropout, layer_norm_epsilon=1e-12, dtype=dtype, name=f"transformer_layer_{i}")
            for i in range(num_layers)]
        self.pooled_dense = layers.Dense(hidden_dim, activation="tanh", dtype=dtype, name="pooled_dense")
        token_id_input = sequence_input("token_ids")
        segment_id_input = sequence_input("segment_ids")
        padding_mask_input = sequence_input("padding_mask")
        tokens = self.token_embedding(token_id_input)
        positions = self.position_embedding(tokens)
        segments = self.segment_embedding(segment_id_input)
        x = self.embeddings_add((tokens, positions, segments))
        x = self.embeddings_dropout(self.embeddings_layer_norm(x))
        for transformer_layer in self.transformer_layers:
            x = transformer_layer(x, padding_mask=padding_mask_input)
        pooled_output = self.pooled_dense(x[:, 0, :])
        super().__init__(inputs={"token_ids": token_id_input, "segment_ids": segment_id_input,
                                 "padding_mask": padding_mask_input},
                         outputs={"sequence_output": x, "pooled_output": pooled_output}, dtype=dtype, **kwargs)
        self.vocabulary_size, self.num_layers, self.num_heads = vocabulary_size, num_layers, num_heads
        self.hidden_dim, self.intermediate_dim = hidden_dim, intermediate_dim
        self.dropout, self.max_sequence_length, self.num_segments = dropout, max_sequence_length, num_segments
        self.cls_token_index = 0


class BertMaskedLM(MaskedLM):
    backbone_cls = BertBackbone

    def __init__(self, backbone, preprocessor=None, **kwargs):
        self._build_masked_lm(backbone, preprocessor, lambda outputs: outputs["sequence_output"], kwargs)


class BertTextClassifier(TextClassifier):
    backbone_cls = BertBackbone

    def __init__(self, backbone, num_classes, preprocessor=None, activation=None, dropout=0.1, **kwargs):
        self.backbone = backbone
        self.preprocessor = preprocessor
        self.output_dropout = layers.Dropout(dropout, dtype=backbone.dtype_policy, name="classifier_dropout")
        self.output_dense = layers.Dense(num_classes, activation=activation, dtype=backbone.dtype_policy,
                                         name="logits")
        inputs = backbone.input
        pooled = self.output_dropout(backbone(inputs)["pooled_output"])
        outputs = self.output_dense(pooled)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self.num_classes = num_classes
        self.activation = activation
        self.dropout = dropout


BertClassifier = BertTextClassifier
