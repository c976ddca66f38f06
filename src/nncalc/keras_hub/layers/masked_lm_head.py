"""keras_hub's ``MaskedLMHead``: predicts the tokens at ``mask_positions``.

Gathers the hidden vectors at the masked positions, then ``intermediate_dense`` (d·d + d, with
the intermediate activation), ``intermediate_layer_norm`` (2·d), and the vocabulary logits:
through the (reversed) ``token_embedding`` when given (its table, counted there), else an
``output_kernel`` (d, vocabulary); plus an ``output_bias`` (vocabulary,).
Output shape = mask_positions' shape + (vocabulary,).
"""

from __future__ import annotations

from ...keras import layers, ops
from .base import HubLayer, build_layer


class MaskedLMHead(HubLayer):
    def __init__(self, vocabulary_size=None, token_embedding=None, intermediate_activation="relu", activation=None,
                 layer_norm_epsilon=1e-05, kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.vocabulary_size = vocabulary_size
        self.token_embedding = token_embedding  # tracked: its weights count in this layer's row too
        self.intermediate_activation = intermediate_activation
        self.activation = activation
        self.layer_norm_epsilon = layer_norm_epsilon
        if vocabulary_size is None and token_embedding is None:
            raise ValueError("One of `vocabulary_size` or `token_embedding` must be set. Received: "
                             "`vocabulary_size=None`, `token_embedding=None`")
        if token_embedding:
            if vocabulary_size and vocabulary_size != token_embedding.input_dim:
                raise ValueError(
                    "`vocabulary_size` should match the input dimension of the of `token_embedding`. Received: "
                    f"`vocabulary_size={vocabulary_size}`, `token_embedding.input_dim={token_embedding.input_dim}`")
            self.vocabulary_size = token_embedding.input_dim

    def build_for_call(self, inputs_shape, mask_positions_shape=None, *args, **kwargs):
        self.build(inputs_shape, mask_positions_shape)

    def build(self, inputs_shape, mask_positions_shape=None):
        feature_size = self.token_embedding.output_dim if self.token_embedding is not None else inputs_shape[-1]
        self._intermediate_dense = layers.Dense(feature_size, activation=self.intermediate_activation,
                                                dtype=self.dtype_policy, name="intermediate_dense")
        self._intermediate_layer_norm = layers.LayerNormalization(epsilon=self.layer_norm_epsilon,
                                                                  dtype=self.dtype_policy,
                                                                  name="intermediate_layer_norm")
        build_layer(self._intermediate_dense, (inputs_shape[0], None, inputs_shape[-1]))
        build_layer(self._intermediate_layer_norm, (inputs_shape[0], None, feature_size))
        if self.token_embedding is None:
            self._kernel = self.add_weight(name="output_kernel", shape=[feature_size, self.vocabulary_size],
                                           dtype=self.dtype)
        self._bias = self.add_weight(name="output_bias", shape=[self.vocabulary_size], dtype=self.dtype)
        self.built = True

    def call(self, inputs, mask_positions):
        x = ops.take_along_axis(inputs, ops.expand_dims(mask_positions, axis=-1), axis=1)
        x = self._intermediate_layer_norm(self._intermediate_dense(x))
        if self.token_embedding:
            outputs = self.token_embedding(x, reverse=True)
        else:
            outputs = ops.matmul(x, self._kernel)
        outputs = ops.cast(outputs, self.compute_dtype) + self._bias
        if self.activation is not None:
            from ...keras import activations

            outputs = activations.get(self.activation)(outputs)
        return outputs

    def output_shape_for_call(self, inputs_shape, mask_positions_shape=None, **kwargs):
        return self.compute_output_shape(inputs_shape, mask_positions_shape)

    def compute_output_shape(self, inputs_shape, mask_positions_shape):
        return tuple(mask_positions_shape) + (self.vocabulary_size,)
