"""Pooling layers: a window slides over the spatial axes, no weights.

Output spatial size: see :mod:`nncalc.layers.window` (``strides`` defaults to
``pool_size``); the channel axis is unchanged.
"""

from __future__ import annotations

from ..core.args import standardize_data_format, standardize_tuple
from ..core.explain import OUTPUT_SHAPE, Step, Text, shape_text
from ..core.layer import InputSpec, Layer
from .convolution import AXIS_NAMES
from .window import spatial_outputs, window_rule


class BasePooling(Layer):
    """N-d max or average pooling (N = ``pool_dimensions``)."""

    pool_dimensions = 2
    pool_mode = "max"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        n = self.pool_dimensions
        self.pool_size = standardize_tuple(pool_size, n, "pool_size")
        strides = pool_size if strides is None else strides
        self.strides = standardize_tuple(strides, n, "strides", allow_zero=True)
        self.padding = padding  # Keras checks it only when the layer is called
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=n + 2)
        self.built = True

    def _spatial_output(self, input_shape):
        if self.padding not in ("valid", "same"):
            raise ValueError(
                f"Argument `padding` must be either 'valid' or 'same'. Received: padding={self.padding}"
            )
        return spatial_outputs(input_shape, "pool size", self.pool_size, self.strides, self.padding,
                               (1,) * self.pool_dimensions, self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = tuple(d.value for d in self._spatial_output(input_shape))
        if self.data_format == "channels_last":
            return (input_shape[0],) + spatial + (input_shape[-1],)
        return (input_shape[0], input_shape[1]) + spatial

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        steps = [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out)]
        names = AXIS_NAMES[self.pool_dimensions]
        for i, derived in enumerate(self._spatial_output(input_shape)):
            steps.append(Step("shape", names[i], derived.formula, derived.value, window_rule(self.padding)))
        channel = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        steps.append(Step("shape", Text("channels", "通道数"), str(channel), channel,
                          Text("pooling keeps the channels", "池化不改变通道数")))
        return steps


class MaxPooling2D(BasePooling):
    """2-d max pooling: the largest value of each pool_size window."""

    pool_dimensions = 2
    pool_mode = "max"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


MaxPool2D = MaxPooling2D


EXPORTS = {"MaxPooling2D": MaxPooling2D, "MaxPool2D": MaxPool2D}
