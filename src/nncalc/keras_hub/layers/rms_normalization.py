"""RMS normalization, the norm of every recent decoder: ``x / sqrt(mean(x²) + ε) · scale``.

keras_hub writes it once per family (``LlamaLayerNorm``, ``MistralLayerNormalization``,
``QwenLayerNorm``, Gemma's ``RMSNormalization`` ...): the same single weight ``scale`` of
shape (features,), so params = features. :class:`RMSNorm` is that layer; the families
subclass it under their own class names (the summary shows them). Gemma multiplies by
``1 + scale`` (its scale starts at zero): :class:`OnePlusScaleRMSNorm`.
"""

from __future__ import annotations

from ...keras import ops
from .base import HubLayer


class RMSNorm(HubLayer):
    """``x · rsqrt(mean(x², last axis) + ε) · scale``, computed in float32; scale: (features,)."""

    scale_initializer = "ones"

    def __init__(self, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", trainable=True, shape=(input_shape[-1],),
                                     initializer=self.scale_initializer, dtype=self.variable_dtype)
        self.built = True

    def normalize(self, x):
        x = ops.cast(x, "float32")
        var = ops.mean(ops.power(x, 2), axis=-1, keepdims=True)
        return x * ops.rsqrt(var + self.epsilon)

    def call(self, x):
        return ops.cast(self.normalize(x) * self.scale, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape


class OnePlusScaleRMSNorm(RMSNorm):
    """Gemma's: ``x / sqrt(mean(x²) + ε) · (1 + scale)`` (scale initialised to zeros)."""

    scale_initializer = "zeros"

    def call(self, x):
        x = ops.cast(x, "float32")
        var = ops.mean(ops.square(x), axis=-1, keepdims=True)
        normed = x * ops.reciprocal(ops.sqrt(var + self.epsilon))
        return ops.cast(normed * (1 + ops.cast(self.scale, "float32")), self.compute_dtype)


class RMSNormalization(HubLayer):
    """``keras_hub.layers.RMSNormalization(input_dim)``: its scale is created at construction."""

    def __init__(self, input_dim):
        super().__init__()
        self.scale = self.add_weight(name="scale", shape=(input_dim,), initializer="ones")

    def call(self, x):
        x = ops.cast(x, "float32")
        rrms = ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + 1e-06)
        return x * rrms * self.scale
