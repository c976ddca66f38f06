"""Reshaping layers: ``Flatten``."""

from __future__ import annotations

import math

from ..core.args import standardize_data_format
from ..core.explain import OUTPUT_SHAPE, Step, Text, num, shape_text
from ..core.layer import InputSpec, Layer


class Flatten(Layer):
    """Keeps the batch axis and multiplies all the others into one: (N, d1, ..., dk) -> (N, d1·…·dk).

    A rank-1 input gives (N, 1); any unknown non-batch size makes the result unknown.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if not rest:
            flat = 1
        elif any(d is None for d in rest):
            flat = None
        else:
            flat = math.prod(rest)
        return (input_shape[0], flat)

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        rest = input_shape[1:]
        formula = " × ".join(num(d) for d in rest) if rest else "1"
        return [
            Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → ({num(input_shape[0])}, {formula})", out,
                 Text("every axis but the batch axis is multiplied into one",
                      "除批维度外的所有维度相乘，展平为一维")),
            Step("shape", Text("flattened size", "展平后的长度"), formula, out[1]),
        ]


EXPORTS = {"Flatten": Flatten}
