"""Convolution layers.

``Conv2D`` (and its N-d base): a kernel of shape ``kernel_size + (C_in / groups, filters)``
slides over the spatial axes; the bias has one value per filter.

params = K1 × … × Kn × (C_in / groups) × filters (+ filters with a bias)
output spatial size: see :mod:`nncalc.layers.window`; output channels = filters.
"""

from __future__ import annotations


from ..core.args import activation_name, standardize_data_format, standardize_padding, standardize_tuple
from ..core.explain import OUTPUT_SHAPE, Step, Text, num, shape_text
from ..core.layer import InputSpec, Layer
from .window import spatial_outputs, window_rule

AXIS_NAMES = {
    1: [Text("length", "长度")],
    2: [Text("height", "高"), Text("width", "宽")],
    3: [Text("depth", "深"), Text("height", "高"), Text("width", "宽")],
}


class BaseConv(Layer):
    """An N-d convolution (N = ``rank``); ``Conv1D``/``Conv2D``/``Conv3D`` fix N."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        rank = self.rank
        self.filters = filters
        self.groups = groups
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding, allow_causal=rank == 1)
        self.data_format = standardize_data_format(data_format)
        self.activation = activation_name(activation)
        self.use_bias = use_bias
        self.input_spec = InputSpec(min_ndim=rank + 2)
        if filters is not None and filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly positive value. "
                f"Received filters={filters}."
            )
        if groups <= 0:
            raise ValueError(f"The number of groups must be a positive integer. Received: groups={groups}.")
        if filters is not None and filters % groups != 0:
            raise ValueError(
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}."
            )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape):
        channels = input_shape[self._channel_axis()]
        if channels is None:
            raise ValueError(
                "The channel dimension of the inputs should be defined. "
                f"Found `None` (full input shape is {input_shape})."
            )
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis(): channels})
        if channels % self.groups != 0:
            raise ValueError(
                "The number of input channels must be evenly divisible by the number of groups. "
                f"Received groups={self.groups}, but the input has {channels} channels "
                f"(full input shape is {input_shape})."
            )
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            name="kernel", shape=self.kernel_size + (channels // self.groups, self.filters)
        )
        self.bias = self.add_weight(name="bias", shape=(self.filters,)) if self.use_bias else None
        self.built = True

    def _spatial_output(self, input_shape):
        """One :class:`Derived` per spatial axis."""
        return spatial_outputs(input_shape, "kernel size", self.kernel_size, self.strides,
                               self.padding, self.dilation_rate, self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"Kernel shape must have the same length as input, but received kernel of shape "
                f"{self.kernel_size + (input_shape[self._channel_axis()], self.filters)} and input "
                f"of shape {input_shape}."
            )
        spatial = tuple(d.value for d in self._spatial_output(input_shape))
        if self.data_format == "channels_last":
            return (input_shape[0],) + spatial + (self.filters,)
        return (input_shape[0], self.filters) + spatial

    weight_names_zh = {"kernel": "卷积核", "bias": "偏置"}

    def param_formula(self):
        factors = " × ".join(num(d) for d in self.kernel.shape)
        return f"{factors} + {num(self.filters)}" if self.use_bias else factors

    def param_rule(self):
        if self.use_bias:
            return Text("kernel size × input channels per group × filters, plus one bias per filter",
                        "卷积核尺寸 × 每组输入通道数 × 卷积核数量，再加上每个卷积核一个偏置")
        return Text("kernel size × input channels per group × filters (no bias)",
                    "卷积核尺寸 × 每组输入通道数 × 卷积核数量（无偏置）")

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        names = AXIS_NAMES.get(self.rank)
        steps = [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out)]
        for i, derived in enumerate(self._spatial_output(input_shape)):
            label = names[i] if names else Text(f"spatial axis {i + 1}", f"空间维度 {i + 1}")
            steps.append(Step("shape", label, derived.formula, derived.value,
                              window_rule(self.padding, self.dilation_rate[i])))
        steps.append(Step("shape", Text("channels", "通道数"), "filters",
                          self.filters, Text("one output channel per filter", "每个卷积核输出一个通道")))
        return steps


class Conv2D(BaseConv):
    """2-d convolution over (height, width); see :class:`BaseConv`."""

    rank = 2


EXPORTS = {"Conv2D": Conv2D, "Convolution2D": Conv2D}
