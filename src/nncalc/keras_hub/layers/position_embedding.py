"""keras_hub's ``PositionEmbedding``: a learned vector per position, ``(sequence_length, features)``.

The output is the first ``seq`` rows of the table broadcast to the input's shape (the input
only gives the shape): params = sequence_length × features, no arithmetic (a slice and a
broadcast), so 0 FLOPs in both conventions.
"""

from __future__ import annotations

from ...core import cost
from .base import HubLayer


class PositionEmbedding(HubLayer):
    def __init__(self, sequence_length, initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        if sequence_length is None:
            raise ValueError("`sequence_length` must be an Integer, received `None`.")
        self.sequence_length = int(sequence_length)
        self.initializer = initializer

    def build(self, inputs_shape):
        self.position_embeddings = self.add_weight(name="embeddings", shape=[self.sequence_length, inputs_shape[-1]],
                                                   trainable=True)
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_cost(self, input_shape, output_shape):
        """0: the output is a slice of the table, broadcast (layout only)."""
        return cost.free()

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: StridedSlice and BroadcastTo count nothing."""
        return {}
