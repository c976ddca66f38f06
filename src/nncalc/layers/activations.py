"""Activation layers: elementwise functions, no weights, output shape = input shape."""

from __future__ import annotations

from ..core.args import activation_name
from ..core.explain import identity_shape_steps
from ..core.layer import Layer


class Activation(Layer):
    """``y = activation(x)``, element by element."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activation_name(activation)
        self.built = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def explain_shape(self, input_shape):
        return identity_shape_steps(input_shape)


EXPORTS = {"Activation": Activation}
