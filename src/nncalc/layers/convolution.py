"""Convolution layers.

``Conv1D`` / ``Conv2D`` / ``Conv3D`` (and their N-d base): a kernel of shape
``kernel_size + (C_in / groups, filters)`` slides over the spatial axes; the bias
has one value per filter.

params = K1 × … × Kn × (C_in / groups) × filters (+ filters with a bias)
output spatial size: see :mod:`nncalc.layers.window`; output channels = filters.

The other kinds (as in ``keras/src/layers/convolutional``):

* transposed (``Conv1DTranspose`` …): kernel ``kernel_size + (filters, C_in)``, output
  sizes grow (see :func:`nncalc.layers.window.transpose_output`);
* depthwise (``DepthwiseConv1D/2D``): one kernel per input channel and per
  ``depth_multiplier`` M: kernel ``kernel_size + (C_in, M)``, bias ``(C_in·M,)``;
  output channels = C_in·M;
* separable (``SeparableConv1D/2D``): a depthwise step then a 1×1 (pointwise)
  convolution: ``depthwise_kernel`` ``kernel_size + (C_in, M)``, ``pointwise_kernel``
  ``(1, …, 1, C_in·M, filters)``, bias ``(filters,)``.
"""

from __future__ import annotations

import math

from ..analysis.receptive_field import Window, left_padding, transpose_left_padding
from ..core import cost, tf_flops
from ..core.cost import POSITIONS, factor
from ..core.args import activation_name, standardize_data_format, standardize_padding, standardize_tuple
from ..core.explain import OUTPUT_SHAPE, Step, Text, num, shape_text
from ..core.layer import InputSpec, Layer
from .core import tf_lora_ops
from .window import spatial_axes, spatial_outputs, transpose_outputs, transpose_rule, window_output, window_rule

AXIS_NAMES = {
    1: [Text("length", "长度")],
    2: [Text("height", "高"), Text("width", "宽")],
    3: [Text("depth", "深"), Text("height", "高"), Text("width", "宽")],
}


INPUT_POSITIONS = Text("input positions", "个输入位置")
PER_FILTER = Text("per filter", "每个卷积核")
FILTERS = Text("filters", "个卷积核")


def _factors(shape) -> str:
    return " × ".join(num(d) for d in shape)


class _SlidingConv(Layer):
    """What every convolution shares: the window arguments, the channel axis, the explanation.

    A kind sets ``rank`` and overrides ``_output_channels`` (and, for transposed
    convolutions, ``_spatial_output`` / ``_spatial_rule``).
    """

    rank = 2
    CHANNELS_RULE = Text("one output channel per filter", "每个卷积核输出一个通道")

    def _set_window(self, kernel_size, strides, padding, data_format, dilation_rate, activation,
                    use_bias, allow_causal=False):
        rank = self.rank
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding, allow_causal=allow_causal)
        self.data_format = standardize_data_format(data_format)
        self.activation = activation_name(activation)
        self.use_bias = use_bias
        self.input_spec = InputSpec(min_ndim=rank + 2)

    def _check_positive(self, name, value):
        if value is not None and value <= 0:
            raise ValueError(
                f"Invalid value for argument `{name}`. Expected a strictly positive value. "
                f"Received {name}={value}."
            )

    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def _input_channels(self, input_shape, need=True):
        channels = input_shape[self._channel_axis()]
        if channels is None and need:
            raise ValueError(
                "The channel dimension of the inputs should be defined. "
                f"Found `None` (full input shape is {tuple(input_shape)})."
            )
        return channels

    def _fix_channels(self, input_shape) -> None:
        """After build the channel axis is fixed, as Keras' InputSpec does."""
        self.input_spec = InputSpec(min_ndim=self.rank + 2,
                                    axes={self._channel_axis(): input_shape[self._channel_axis()]})

    def _output_channels(self, input_shape):
        return self.filters

    def _kernel_shape_for_message(self, input_shape):
        return self.kernel_size + (input_shape[self._channel_axis()], self._output_channels(input_shape))

    def _spatial_output(self, input_shape):
        """One :class:`Derived` per spatial axis."""
        return spatial_outputs(input_shape, "kernel size", self.kernel_size, self.strides,
                               self.padding, self.dilation_rate, self.data_format)

    def _spatial_rule(self, i) -> Text:
        return window_rule(self.padding, self.dilation_rate[i])

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        channels = self._output_channels(input_shape)
        if len(input_shape) != self.rank + 2:
            raise ValueError(
                f"Kernel shape must have the same length as input, but received kernel of shape "
                f"{self._kernel_shape_for_message(input_shape)} and input of shape {input_shape}."
            )
        spatial = tuple(d.value for d in self._spatial_output(input_shape))
        if self.data_format == "channels_last":
            return (input_shape[0],) + spatial + (channels,)
        return (input_shape[0], channels) + spatial

    def _output_positions(self, output_shape):
        """The spatial axes of the output as a cost factor: ``(126 × 126) output positions``."""
        spatial = output_shape[1:-1] if self.data_format == "channels_last" else output_shape[2:]
        return factor(tuple(spatial), POSITIONS)

    def receptive_field(self, input_shape, output_shape) -> dict:
        """{spatial axis: Window}: kernel size, stride, dilation and Keras' left padding per axis."""
        windows = {}
        for i, axis in enumerate(spatial_axes(self.rank, self.data_format)):
            k, s, d = self.kernel_size[i], self.strides[i], self.dilation_rate[i]
            pad = self._left_padding(input_shape[axis], output_shape[axis], d * (k - 1) + 1, s)
            windows[axis] = Window(k, s, d, pad, transposed=self._transposed)
        return windows

    _transposed = False

    def _left_padding(self, size_in, size_out, extent, stride):
        return left_padding(self.padding, size_in, size_out, extent, stride)

    def _input_positions(self, input_shape):
        """The spatial axes of the input as a cost factor: ``(64 × 64) input positions``."""
        spatial = input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]
        return factor(tuple(spatial), INPUT_POSITIONS)

    def _bias_and_activation(self, output_shape) -> list:
        """A bias add per output element (with ``use_bias``), then the activation's term."""
        terms = [cost.flops(Text("bias add", "加偏置"), cost.elements(output_shape))] if self.use_bias else []
        return terms + cost.activation_term(self.activation, output_shape)

    def _tf_bias_and_activation(self, output_shape) -> dict:
        """TF profiler: BiasAdd = output elements (with ``use_bias``; AddV2 for a single filter), then the activation's ops."""
        n = tf_flops.size(output_shape, "the output")
        add = {}
        if self.use_bias:  # ops.add(outputs, bias reshaped to (1, ..., 1, channels))
            bias_shape = (1,) * (len(output_shape) - 1) + (output_shape[-1],)
            add = {tf_flops.keras_add_op(tf_flops.at_batch_1(output_shape), bias_shape): n}
        return tf_flops.add_ops(add, tf_flops.activation_ops(self.activation, n))

    def _tf_channels_last(self):
        if self.data_format != "channels_last":
            raise tf_flops.TFUnknown(Text(
                "TensorFlow's profiler count is modelled for data_format='channels_last' only",
                "TensorFlow 分析器的统计只对 data_format='channels_last' 建模"))

    def _channels_step(self, input_shape) -> Step:
        return Step("shape", Text("channels", "通道数"), "filters", self.filters, self.CHANNELS_RULE)

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        names = AXIS_NAMES.get(self.rank)
        steps = [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out)]
        for i, derived in enumerate(self._spatial_output(input_shape)):
            label = names[i] if names else Text(f"spatial axis {i + 1}", f"空间维度 {i + 1}")
            steps.append(Step("shape", label, derived.formula, derived.value, self._spatial_rule(i)))
        steps.append(self._channels_step(input_shape))
        return steps


# ---------------------------------------------------------------------- Conv1D/2D/3D
class BaseConv(_SlidingConv):
    """An N-d convolution (N = ``rank``); ``Conv1D``/``Conv2D``/``Conv3D`` fix N.

    With ``lora_rank`` r, Keras freezes the kernel and adds ``lora_kernel_a``
    ``kernel.shape[:-1] + (r,)`` and ``lora_kernel_b`` ``(r, filters)`` (float32).
    """

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, lora_rank=None, lora_alpha=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = filters
        self.groups = groups
        self._set_window(kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, allow_causal=self.rank == 1)
        self.kernel_constraint = kernel_constraint
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self._check_positive("filters", filters)
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

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._fix_channels(input_shape)
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
        if self.lora_rank:
            self._enable_lora(self.lora_rank)

    def _enable_lora(self, rank):
        self.add_lora_weights(self.kernel, rank, self.kernel.shape[:-1] + (rank,), (rank, self.filters),
                              self.kernel_constraint, "kernel_constraint", "kernel")

    def compute_cost(self, input_shape, output_shape):
        """MACs = output positions × (kernel size × input channels / groups) × filters;
        FLOPs = 2 × MACs + a bias add and the activation per output element.
        With LoRA, the kernel is first formed as kernel + (alpha / r) · A · B."""
        terms = [cost.macs(Text("kernel products", "卷积乘法"), self._output_positions(output_shape),
                           factor(self.kernel.shape[:-1], Text("per filter", "每个卷积核")),
                           factor(self.filters, Text("filters", "个卷积核")))]
        if self.lora_enabled:
            per_filter = math.prod(self.kernel.shape[:-1])
            terms.append(cost.macs(Text("LoRA A · B", "LoRA A · B"),
                                   factor((per_filter, self.lora_rank, self.filters))))
            terms.append(cost.flops(Text("LoRA scale and add", "LoRA 缩放并相加"),
                                    factor((per_filter, self.filters)), factor(2, Text("per kernel entry", "每个权重"))))
        if self.use_bias:
            terms.append(cost.flops(Text("bias add", "加偏置"), cost.elements(output_shape)))
        return cost.Cost(terms + cost.activation_term(self.activation, output_shape))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: Conv2D (also for Conv1D) / Conv3D = 2 × output elements × kernel size × input
        channels per group, + BiasAdd = output elements; groups > 1: the convolution counts 0 (run in a
        nested jit function the profiler does not enter); dilated Conv3D counts its space-to-batch
        padded output; activation as TF's ops count it. channels_first: the same, except that a
        Conv3D counts 0 and a dilated convolution counts its space-to-batch padded output too. LoRA: + the
        kernel rebuild, MatMul 2 × r × E + Mul E + AddV2 E (E = kernel entries, :func:`tf_lora_ops`)."""
        n = tf_flops.size(output_shape, "the output")
        k = math.prod(self.kernel_size)
        per_group = self.kernel.shape[-2]
        op = "Conv3D" if self.rank == 3 else "Conv2D"
        lora = tf_lora_ops(math.prod(self.kernel.shape), self.lora_rank) if self.lora_enabled else {}
        if self.groups > 1 or (self.rank == 3 and self.data_format == "channels_first"):
            conv = 0
        elif (self.rank == 3 or self.data_format == "channels_first") and max(self.dilation_rate) > 1:
            # tf.nn.convolution runs a dilated Conv3D (and a channels_first dilated convolution) on
            # space-to-batch blocks: the count uses the block-padded output size o_i per axis,
            # times the dilation.
            positions = 1
            for i, axis in enumerate(spatial_axes(self.rank, self.data_format)):
                size, ki, d = input_shape[axis], self.kernel_size[i], self.dilation_rate[i]
                tf_flops.dims((size,), "a spatial input dimension")
                base = (ki - 1) * d if self.padding == "same" else 0
                extra = (d - (size + base) % d) % d
                positions *= d * ((size + base + extra) // d - ki + 1)
            conv = 2 * self.filters * k * per_group * positions
        else:
            conv = 2 * n * k * per_group
        return tf_flops.add_ops(tf_flops.ops((op, conv)), lora, self._tf_bias_and_activation(output_shape))

    weight_names_zh = {"kernel": "卷积核", "bias": "偏置",
                       "lora_kernel_a": "LoRA 低秩矩阵", "lora_kernel_b": "LoRA 低秩矩阵"}

    def param_formula(self):
        formula = _factors(self.kernel.shape)
        if self.use_bias:
            formula += f" + {num(self.filters)}"
        if self.lora_enabled:
            formula += f" + {_factors(self.lora_kernel_a.shape)} + {_factors(self.lora_kernel_b.shape)}"
        return formula

    def param_rule(self):
        if self.use_bias:
            rule = Text("kernel size × input channels per group × filters, plus one bias per filter",
                        "卷积核尺寸 × 每组输入通道数 × 卷积核数量，再加上每个卷积核一个偏置")
        else:
            rule = Text("kernel size × input channels per group × filters (no bias)",
                        "卷积核尺寸 × 每组输入通道数 × 卷积核数量（无偏置）")
        if self.lora_enabled:
            rule = Text(
                rule.en + f"; LoRA rank r = {self.lora_rank} freezes the kernel and adds "
                "(kernel size × input channels per group) × r + r × filters trainable weights",
                rule.zh + f"；LoRA 秩 r = {self.lora_rank}：卷积核被冻结（不可训练），另加 "
                "(卷积核尺寸 × 每组输入通道数) × r + r × 卷积核数量 个可训练参数",
            )
        return rule


class Conv1D(BaseConv):
    """1-d convolution over (length); ``padding='causal'`` is allowed; see :class:`BaseConv`."""

    rank = 1


class Conv2D(BaseConv):
    """2-d convolution over (height, width); see :class:`BaseConv`."""

    rank = 2


class Conv3D(BaseConv):
    """3-d convolution over (depth, height, width); see :class:`BaseConv`."""

    rank = 3


# ---------------------------------------------------------------------- transposed
class BaseConvTranspose(_SlidingConv):
    """N-d transposed convolution: kernel ``kernel_size + (filters, C_in)``, sizes grow."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = filters
        rank = self.rank
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding)
        self.output_padding = (None if output_padding is None else
                               standardize_tuple(output_padding, rank, "output_padding", allow_zero=True))
        self.data_format = standardize_data_format(data_format)
        self.activation = activation_name(activation)
        self.use_bias = use_bias
        self.input_spec = InputSpec(min_ndim=rank + 2)
        self._check_positive("filters", filters)
        if self.output_padding is not None:
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise ValueError(
                        "`output_padding` must be strictly less than `strides` for all dimensions. "
                        f"At dimension {i}, `output_padding` is {op} but `strides` is {s}. "
                        f"Received: output_padding={self.output_padding}, strides={self.strides}"
                    )
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    def build(self, input_shape):
        channels = input_shape[self._channel_axis()]
        self._fix_channels(input_shape)
        # Keras declares the weights first (a None channel fails there) and checks shapes on call.
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (self.filters, channels))
        self.bias = self.add_weight(name="bias", shape=(self.filters,)) if self.use_bias else None
        self.built = True

    def _kernel_shape_for_message(self, input_shape):
        return self.kernel_size + (self.filters, input_shape[self._channel_axis()])

    def _spatial_output(self, input_shape):
        return transpose_outputs(input_shape, self.kernel_size, self.strides, self.padding,
                                 self.output_padding, self.dilation_rate, self.data_format)

    def _spatial_rule(self, i) -> Text:
        return transpose_rule(self.padding, self.output_padding, self.dilation_rate[i])

    _transposed = True

    def _left_padding(self, size_in, size_out, extent, stride):
        return transpose_left_padding(self.padding, size_in, size_out, extent, stride)

    def compute_cost(self, input_shape, output_shape):
        """MACs = input positions × (kernel size × input channels) × filters (every input value is
        scattered through the whole kernel; Keras has no groups here); FLOPs = 2 × MACs + a bias add
        and the activation per output element."""
        kernel_size, channels = self.kernel.shape[:-2], self.kernel.shape[-1]
        terms = [cost.macs(Text("kernel products (each input position scattered through the kernel)",
                                "卷积乘法（每个输入位置乘以整个卷积核）"),
                           self._input_positions(input_shape),
                           factor(tuple(kernel_size) + (channels,), PER_FILTER),
                           factor(self.filters, FILTERS))]
        return cost.Cost(terms + self._bias_and_activation(output_shape))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: Conv2DBackpropInput = int(2 × output elements × kernel size × input channels
        / (product of strides)) (1-D runs as 2-D; kernel size undilated) + BiasAdd = output elements;
        Conv3DTranspose's Conv3DBackpropInputV2 counts 0, and so does every channels_first one."""
        n = tf_flops.size(output_shape, "the output")
        conv = 0
        if self.rank in (1, 2) and self.data_format == "channels_last":
            channels = self.kernel.shape[-1]
            conv = int(2 * n * math.prod(self.kernel_size) * channels / math.prod(self.strides))
        return tf_flops.add_ops(tf_flops.ops(("Conv2DBackpropInput", conv)),
                                self._tf_bias_and_activation(output_shape))

    weight_names_zh = {"kernel": "转置卷积核", "bias": "偏置"}

    def param_formula(self):
        factors = _factors(self.kernel.shape)
        return f"{factors} + {num(self.filters)}" if self.use_bias else factors

    def param_rule(self):
        if self.use_bias:
            return Text("kernel size × filters × input channels, plus one bias per filter",
                        "卷积核尺寸 × 卷积核数量 × 输入通道数，再加上每个卷积核一个偏置")
        return Text("kernel size × filters × input channels (no bias)",
                    "卷积核尺寸 × 卷积核数量 × 输入通道数（无偏置）")


class Conv1DTranspose(BaseConvTranspose):
    """1-d transposed convolution; see :class:`BaseConvTranspose`."""

    rank = 1


class Conv2DTranspose(BaseConvTranspose):
    """2-d transposed convolution; see :class:`BaseConvTranspose`."""

    rank = 2


class Conv3DTranspose(BaseConvTranspose):
    """3-d transposed convolution (Keras puts ``data_format`` before ``output_padding`` here)."""

    rank = 3

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 output_padding=None, dilation_rate=(1, 1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         activity_regularizer=activity_regularizer, **kwargs)


# ---------------------------------------------------------------------- depthwise
class BaseDepthwiseConv(_SlidingConv):
    """Each input channel convolved alone by ``depth_multiplier`` M kernels.

    kernel ``kernel_size + (C_in, M)`` (Keras 3 names it ``kernel``), bias ``(C_in·M,)``;
    output channels = C_in·M.
    """

    rank = 2

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.depth_multiplier = depth_multiplier
        self._set_window(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias)
        self._check_positive("depth_multiplier", depth_multiplier)

    def _output_channels(self, input_shape):
        channels = self._input_channels(input_shape)
        if self.depth_multiplier is None:
            raise ValueError("`depth_multiplier` must be a positive integer, not None.")
        return self.depth_multiplier * channels

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._fix_channels(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (channels, self.depth_multiplier))
        self.bias = (self.add_weight(name="bias", shape=(self.depth_multiplier * channels,))
                     if self.use_bias else None)
        self.built = True

    def _channels_step(self, input_shape):
        channels = self._input_channels(input_shape)
        return Step("shape", Text("channels", "通道数"), f"{num(channels)} × {num(self.depth_multiplier)}",
                    channels * self.depth_multiplier,
                    Text("input channels × depth_multiplier: each channel gets its own kernels",
                         "输入通道数 × 深度乘数 depth_multiplier：每个通道有自己的卷积核"))

    def compute_cost(self, input_shape, output_shape):
        """MACs = output positions × kernel size × (input channels × depth_multiplier) (each output
        channel sees one input channel); FLOPs = 2 × MACs + a bias add and the activation per output element."""
        terms = [cost.macs(Text("depthwise kernel products", "深度卷积乘法"), self._output_positions(output_shape),
                           factor(tuple(self.kernel.shape[:-2]), Text("per output channel", "每个输出通道")),
                           factor(tuple(self.kernel.shape[-2:]), Text("output channels", "个输出通道")))]
        return cost.Cost(terms + self._bias_and_activation(output_shape))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: DepthwiseConv2dNative = 2 × output elements × kernel size (1-D runs as 2-D)
        + BiasAdd = output elements; with strides > 1 and dilation > 1 Keras runs it at stride 1 and
        slices, so the stride-1 output elements are counted (channels_last; channels_first: the
        same rule without that case, which is not modelled)."""
        k = math.prod(self.kernel_size)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            self._tf_channels_last()
            positions = 1
            for i, axis in enumerate(spatial_axes(self.rank, self.data_format)):
                size = tf_flops.dims((input_shape[axis],), "a spatial input dimension")
                positions *= window_output(size, self.kernel_size[i], 1, self.padding, self.dilation_rate[i]).value
            n = positions * output_shape[-1]
        else:
            n = tf_flops.size(output_shape, "the output")
        return tf_flops.add_ops(tf_flops.ops(("DepthwiseConv2dNative", 2 * n * k)),
                                self._tf_bias_and_activation(output_shape))

    weight_names_zh = {"kernel": "深度卷积核", "bias": "偏置"}

    def param_formula(self):
        formula = _factors(self.kernel.shape)
        if self.use_bias:
            formula += f" + {_factors(self.kernel.shape[-2:])}"
        return formula

    def param_rule(self):
        if self.use_bias:
            return Text("kernel size × input channels × depth_multiplier, plus one bias per output "
                        "channel (input channels × depth_multiplier)",
                        "卷积核尺寸 × 输入通道数 × 深度乘数，再加上每个输出通道一个偏置（输入通道数 × 深度乘数）")
        return Text("kernel size × input channels × depth_multiplier (no bias)",
                    "卷积核尺寸 × 输入通道数 × 深度乘数（无偏置）")


class DepthwiseConv1D(BaseDepthwiseConv):
    """1-d depthwise convolution; see :class:`BaseDepthwiseConv`."""

    rank = 1


class DepthwiseConv2D(BaseDepthwiseConv):
    """2-d depthwise convolution; see :class:`BaseDepthwiseConv`."""

    rank = 2


# ---------------------------------------------------------------------- separable
class BaseSeparableConv(_SlidingConv):
    """Depthwise (``kernel_size + (C_in, M)``) then pointwise (``1…1 × (C_in·M) × filters``)."""

    rank = 2
    CHANNELS_RULE = Text("the pointwise 1×1 convolution gives one channel per filter",
                         "逐点（1×1）卷积：每个卷积核输出一个通道")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, pointwise_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.depth_multiplier = depth_multiplier
        self.filters = filters
        self._set_window(kernel_size, strides, padding, data_format, dilation_rate, activation, use_bias)
        self._check_positive("depth_multiplier", depth_multiplier)
        self._check_positive("filters", filters)

    def build(self, input_shape):
        channels = self._input_channels(input_shape)
        self._fix_channels(input_shape)
        if self.depth_multiplier is None:
            raise ValueError("`depth_multiplier` must be a positive integer, not None.")
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier))
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self.rank + (self.depth_multiplier * channels, self.filters))
        self.bias = self.add_weight(name="bias", shape=(self.filters,)) if self.use_bias else None
        self.built = True

    def compute_cost(self, input_shape, output_shape):
        """MACs = output positions × kernel size × (C_in × depth_multiplier) for the depthwise step
        + output positions × (C_in × depth_multiplier) × filters for the pointwise 1×1 step;
        FLOPs = 2 × MACs + a bias add and the activation per output element."""
        positions = self._output_positions(output_shape)
        middle = tuple(self.depthwise_kernel.shape[-2:])
        terms = [cost.macs(Text("depthwise kernel products", "深度卷积乘法"), positions,
                           factor(tuple(self.depthwise_kernel.shape[:-2]), Text("per channel", "每个通道")),
                           factor(middle, Text("depthwise channels", "个深度卷积通道"))),
                 cost.macs(Text("pointwise (1×1) products", "逐点（1×1）卷积乘法"), positions,
                           factor(middle, PER_FILTER), factor(self.filters, FILTERS))]
        return cost.Cost(terms + self._bias_and_activation(output_shape))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: DepthwiseConv2dNative = 2 × output positions × C_in × depth_multiplier × kernel
        size + Conv2D (1×1) = 2 × output elements × C_in × depth_multiplier + BiasAdd = output elements
        (either data_format)."""
        n = tf_flops.size(output_shape, "the output")
        middle = math.prod(self.depthwise_kernel.shape[-2:])
        positions = n // self.filters
        return tf_flops.add_ops(
            tf_flops.ops(("DepthwiseConv2dNative", 2 * positions * middle * math.prod(self.kernel_size)),
                         ("Conv2D", 2 * n * middle)),
            self._tf_bias_and_activation(output_shape))

    weight_names_zh = {"depthwise_kernel": "深度卷积核", "pointwise_kernel": "逐点卷积核", "bias": "偏置"}

    def param_formula(self):
        channels, multiplier = self.depthwise_kernel.shape[-2:]
        pointwise = " × ".join(["1"] * self.rank + [f"({num(channels)} × {num(multiplier)})", num(self.filters)])
        formula = f"{_factors(self.depthwise_kernel.shape)} + {pointwise}"
        return formula + f" + {num(self.filters)}" if self.use_bias else formula

    def param_rule(self):
        ones = " × ".join(["1"] * self.rank)
        depthwise = Text("depthwise: kernel size × input channels × depth_multiplier; "
                         f"pointwise: {ones} × (input channels × depth_multiplier) × filters",
                         "深度卷积：卷积核尺寸 × 输入通道数 × 深度乘数；"
                         f"逐点卷积：{ones} × (输入通道数 × 深度乘数) × 卷积核数量")
        if self.use_bias:
            return Text(depthwise.en + "; plus one bias per filter", depthwise.zh + "；再加上每个卷积核一个偏置")
        return Text(depthwise.en + " (no bias)", depthwise.zh + "（无偏置）")


class SeparableConv1D(BaseSeparableConv):
    """1-d depthwise-separable convolution; see :class:`BaseSeparableConv`."""

    rank = 1


class SeparableConv2D(BaseSeparableConv):
    """2-d depthwise-separable convolution; see :class:`BaseSeparableConv`."""

    rank = 2


EXPORTS = {
    "Conv1D": Conv1D, "Convolution1D": Conv1D,
    "Conv2D": Conv2D, "Convolution2D": Conv2D,
    "Conv3D": Conv3D, "Convolution3D": Conv3D,
    "Conv1DTranspose": Conv1DTranspose, "Convolution1DTranspose": Conv1DTranspose,
    "Conv2DTranspose": Conv2DTranspose, "Convolution2DTranspose": Conv2DTranspose,
    "Conv3DTranspose": Conv3DTranspose, "Convolution3DTranspose": Conv3DTranspose,
    "DepthwiseConv1D": DepthwiseConv1D, "DepthwiseConv2D": DepthwiseConv2D,
    "SeparableConv1D": SeparableConv1D, "SeparableConvolution1D": SeparableConv1D,
    "SeparableConv2D": SeparableConv2D, "SeparableConvolution2D": SeparableConv2D,
}
