"""Regularization layers: active only in training, no weights, output shape = input shape."""

from __future__ import annotations

from ..core.explain import identity_shape_steps
from ..core.layer import Layer


class Dropout(Layer):
    """Zeroes a fraction ``rate`` of the inputs while training; identity at inference."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value received for argument `rate`. Expected a float value between 0 "
                f"and 1. Received: rate={rate}"
            )
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def explain_shape(self, input_shape):
        return identity_shape_steps(input_shape)


EXPORTS = {"Dropout": Dropout}
