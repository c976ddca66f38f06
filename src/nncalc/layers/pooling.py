"""Pooling layers: no weights, only the spatial axes change.

* window pooling (``MaxPooling1D/2D/3D``, ``AveragePooling1D/2D/3D``): a ``pool_size``
  window slides over the spatial axes; output size per axis as in
  :mod:`nncalc.layers.window` (``strides`` defaults to ``pool_size``);
* global pooling (``GlobalMaxPooling1D/2D/3D``, ``GlobalAveragePooling1D/2D/3D``): every
  spatial axis is reduced to one value per channel (dropped, or kept as 1 with
  ``keepdims=True``);
* adaptive pooling (``AdaptiveMaxPooling1D/2D/3D``, ``AdaptiveAveragePooling1D/2D/3D``):
  the spatial sizes become ``output_size`` whatever the input's sizes.

The channel axis is never changed.
"""

from __future__ import annotations

from ..analysis.receptive_field import GLOBAL, Window, left_padding, spatial_axes, unknown
from ..core import cost, tf_flops
from ..core.args import standardize_data_format, standardize_tuple
from ..core.cost import Factor, factor
from ..core.explain import OUTPUT_SHAPE, Derived, Step, Text, num, shape_text
from ..core.layer import InputSpec, Layer
from ..core.tensor import standardize_shape
from .convolution import AXIS_NAMES
from .window import window_output, window_rule

CHANNELS = Text("channels", "通道数")
KEEPS_CHANNELS = Text("pooling keeps the channels", "池化不改变通道数")
MODE_WORDS = {"max": Text("largest value", "最大值"), "average": Text("average", "平均值")}


def _axis_name(rank: int, i: int) -> Text:
    names = AXIS_NAMES.get(rank)
    return names[i] if names and i < len(names) else Text(f"spatial axis {i + 1}", f"空间维度 {i + 1}")


def _channel(input_shape, data_format):
    return input_shape[-1] if data_format == "channels_last" else input_shape[1]


def _spatial(shape, data_format) -> tuple:
    return tuple(shape[1:-1]) if data_format == "channels_last" else tuple(shape[2:])


PER_WINDOW = Text("per window", "每个窗口")
WINDOW_OPS = {"max": Text("max over each window", "窗口内取最大值"),
              "average": Text("sum over each window", "窗口内求和")}
DIVIDE = Text("divide by the count", "除以值的个数")
CHANNELS_WORD = Text("channels", "个通道")


GLOBAL_OPS = {"max": Text("max over all positions", "所有位置取最大值"),
              "average": Text("sum over all positions", "所有位置求和")}


def _pooling_terms(mode, per_output: list, output_elements: Factor, labels=WINDOW_OPS) -> list:
    """``per_output`` factors counting the reduced values; average pooling adds one divide per output."""
    terms = [cost.flops(labels[mode], *per_output)]
    if mode == "average":
        terms.append(cost.flops(DIVIDE, output_elements))
    return terms


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

    def _spatial_output(self, input_shape) -> list[Derived]:
        """Keras' ``compute_pooling_output_shape``, one :class:`Derived` per spatial axis."""
        if self.padding not in ("valid", "same"):
            raise ValueError(
                f"Argument `padding` must be either 'valid' or 'same'. Received: padding={self.padding}"
            )
        if 0 in self.strides:  # Keras divides by the stride even for unknown sizes
            raise ZeroDivisionError("division by zero")
        n = self.pool_dimensions
        first = 1 if self.data_format == "channels_last" else 2
        derived = []
        for i in range(n):
            size = input_shape[first + i]
            out = window_output(size, self.pool_size[i], self.strides[i], self.padding)
            if self.padding == "valid" and out.value is not None and out.value <= 0:
                raise ValueError(
                    "Computed output size would be zero or negative. Received: "
                    f"`inputs.shape={tuple(input_shape)}`, `pool_size={self.pool_size}`, "
                    f"`strides={self.strides}`, `padding={self.padding}`."
                )
            derived.append(out)
        return derived

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        spatial = tuple(d.value for d in self._spatial_output(input_shape))
        if self.data_format == "channels_last":
            return (input_shape[0],) + spatial + (input_shape[-1],)
        return (input_shape[0], input_shape[1]) + spatial

    def receptive_field(self, input_shape, output_shape) -> dict:
        """{spatial axis: Window}: pool size, stride and Keras' left padding per axis."""
        windows = {}
        for i, axis in enumerate(spatial_axes(self.pool_dimensions, self.data_format)):
            k, s = self.pool_size[i], self.strides[i]
            windows[axis] = Window(k, s, 1, left_padding(self.padding, input_shape[axis], output_shape[axis], k, s))
        return windows

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = output elements × pool window size K (one compare or add per value; also with
        padding='same', where border windows hold fewer values) + for average pooling one divide per output element."""
        elements = cost.elements(output_shape)
        return cost.Cost(_pooling_terms(self.pool_mode, [elements, factor(self.pool_size, PER_WINDOW)], elements))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 1-D/2-D MaxPool / AvgPool = output elements × pool window size (also with
        padding='same'); 3-D pooling 0 (MaxPool3D/AvgPool3D have no registered FLOPs)."""
        if self.pool_dimensions == 3:
            return {}
        op = "MaxPool" if self.pool_mode == "max" else "AvgPool"
        return tf_flops.ops((op, tf_flops.size(output_shape, "the output") * tf_flops.dims(self.pool_size)))

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        mode = MODE_WORDS[self.pool_mode]
        window = " × ".join(str(k) for k in self.pool_size)
        steps = [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out,
                      Text(f"the {mode.en} of each {window} window, stride {self.strides}",
                           f"每个 {window} 窗口取{mode.zh}，步长 {self.strides}"))]
        for i, derived in enumerate(self._spatial_output(input_shape)):
            steps.append(Step("shape", _axis_name(self.pool_dimensions, i), derived.formula, derived.value,
                              window_rule(self.padding)))
        channel = _channel(input_shape, self.data_format)
        steps.append(Step("shape", CHANNELS, num(channel), channel, KEEPS_CHANNELS))
        return steps


class MaxPooling1D(BasePooling):
    """1-d max pooling: the largest value of each pool_size window along the steps."""

    pool_dimensions = 1
    pool_mode = "max"

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class MaxPooling2D(BasePooling):
    """2-d max pooling: the largest value of each pool_size window."""

    pool_dimensions = 2
    pool_mode = "max"

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class MaxPooling3D(BasePooling):
    """3-d max pooling: the largest value of each pool_size window."""

    pool_dimensions = 3
    pool_mode = "max"

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None, name=None,
                 **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class AveragePooling1D(BasePooling):
    """1-d average pooling (``pool_size`` has no default in Keras 3)."""

    pool_dimensions = 1
    pool_mode = "average"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class AveragePooling2D(BasePooling):
    """2-d average pooling (``pool_size`` has no default in Keras 3)."""

    pool_dimensions = 2
    pool_mode = "average"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


class AveragePooling3D(BasePooling):
    """3-d average pooling (``pool_size`` has no default in Keras 3)."""

    pool_dimensions = 3
    pool_mode = "average"

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, padding, data_format, name=name, **kwargs)


# ------------------------------------------------------------------ global pooling
class BaseGlobalPooling(Layer):
    """Reduce every spatial axis to one value per channel (kept as size 1 with ``keepdims``)."""

    pool_dimensions = 2
    pool_mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.keepdims = keepdims  # Keras takes any truthy value
        self.input_spec = InputSpec(ndim=self.pool_dimensions + 2)
        self.built = True

    def compute_output_shape(self, input_shape):
        spatial = len(input_shape) - 2
        if self.data_format == "channels_last":
            if self.keepdims:
                return (input_shape[0],) + (1,) * spatial + (input_shape[-1],)
            return (input_shape[0], input_shape[-1])
        if self.keepdims:
            return (input_shape[0], input_shape[1]) + (1,) * spatial
        return (input_shape[0], input_shape[1])

    def receptive_field(self, input_shape, output_shape):
        """Every output sees the whole input."""
        return GLOBAL

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = channels × N (N = the spatial positions, each compared or added once per channel)
        + for average pooling one divide per channel (GlobalAveragePooling1D's mask, if any, not counted)."""
        channels = factor(_channel(input_shape, self.data_format), CHANNELS_WORD)
        positions = factor(_spatial(input_shape, self.data_format), Text("positions per channel", "个位置/通道"))
        return cost.Cost(_pooling_terms(self.pool_mode, [channels, positions], channels, GLOBAL_OPS))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: global average pooling is one Mean = input elements; global max pooling
        (a Max reduction) 0."""
        if self.pool_mode == "max":
            return {}
        return tf_flops.ops(("Mean", tf_flops.size(input_shape, "the input")))

    def explain_shape(self, input_shape):
        input_shape = tuple(input_shape)
        out = self.compute_output_shape(input_shape)
        first = 1 if self.data_format == "channels_last" else 2
        spatial = input_shape[first:first + len(input_shape) - 2]
        mode = MODE_WORDS[self.pool_mode]
        if None in spatial:
            window = Text("values (of unknown number)", "所有值（个数未知）")
        else:
            count = " × ".join(num(d) for d in spatial)
            window = Text(f"{count} values", f" {count} 个值")
        if self.keepdims:
            rule = Text(f"each channel's {window.en} become one ({mode.en}); keepdims=True keeps "
                        "every spatial axis with size 1",
                        f"每个通道的{window.zh}取{mode.zh}，合为一个值；keepdims=True 保留各空间维度，大小为 1")
        else:
            rule = Text(f"each channel's {window.en} become one ({mode.en}); the spatial axes are "
                        "dropped, leaving (batch, channels)",
                        f"每个通道的{window.zh}取{mode.zh}，合为一个值；空间维度被去掉，只剩（批大小, 通道数）")
        steps = [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out, rule)]
        for i in range(len(spatial)):
            name = _axis_name(len(spatial), i)
            if self.keepdims:
                steps.append(Step("shape", name, f"{num(spatial[i])} → 1", 1,
                                  Text("pooled over the whole axis", "整条维度池化为 1")))
        channel = _channel(input_shape, self.data_format)
        steps.append(Step("shape", CHANNELS, num(channel), channel, KEEPS_CHANNELS))
        return steps


class GlobalMaxPooling1D(BaseGlobalPooling):
    """The largest value over the steps, per channel."""

    pool_dimensions = 1
    pool_mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling2D(BaseGlobalPooling):
    """The largest value over height and width, per channel."""

    pool_dimensions = 2
    pool_mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling3D(BaseGlobalPooling):
    """The largest value over depth, height and width, per channel."""

    pool_dimensions = 3
    pool_mode = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalAveragePooling1D(BaseGlobalPooling):
    """The average over the steps, per channel (masked steps left out)."""

    pool_dimensions = 1
    pool_mode = "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True


class GlobalAveragePooling2D(BaseGlobalPooling):
    """The average over height and width, per channel."""

    pool_dimensions = 2
    pool_mode = "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalAveragePooling3D(BaseGlobalPooling):
    """The average over depth, height and width, per channel."""

    pool_dimensions = 3
    pool_mode = "average"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)


# ------------------------------------------------------------------ adaptive pooling
ADAPTIVE_RULE = Text(
    "adaptive pooling: the size is output_size, whatever the input size (the windows adapt)",
    "自适应池化：输出尺寸即 output_size，与输入尺寸无关（窗口大小随之调整）",
)


def adaptive_windows(size, output_size: int):
    """Keras' adaptive windows along one axis: output i pools input positions
    floor(i·I/O) … ceil((i+1)·I/O) - 1 (``ops.adaptive_*_pool``); their sizes, or None for I = None."""
    if size is None:
        return None
    return [-(-(i + 1) * size // output_size) - (i * size) // output_size for i in range(output_size)]


class BaseAdaptivePooling(Layer):
    """Spatial sizes set to ``output_size``; the channel axis is kept.

    Keras gives this family no input spec: the output is (batch, *output_size, channels)
    with the channels read from the last (or second) axis, whatever the input's rank.
    """

    pool_dimensions = 2
    pool_mode = "max"
    _size_error = "`output_size` must be an integer or (height, width) tuple. "

    def __init__(self, output_size, data_format=None, **kwargs):
        n = self.pool_dimensions
        if isinstance(output_size, int):
            output_size = (output_size,) * n
        elif isinstance(output_size, (tuple, list)) and (len(output_size) == n or n == 1):
            if len(output_size) != n:
                raise ValueError(
                    f"For 1D input, `output_size` tuple must have length 1. Received: {output_size}"
                )
            output_size = tuple(output_size)
        else:
            raise TypeError(self._size_error + f"Received: {output_size} of type {type(output_size)}")
        super().__init__(**kwargs)
        self.output_size = output_size
        self.data_format = data_format or "channels_last"
        if self.data_format not in {"channels_first", "channels_last"}:
            raise ValueError(
                f"Invalid data_format: {self.data_format}. Expected 'channels_first' or 'channels_last'."
            )

    def compute_output_shape(self, input_shape):
        if self.data_format == "channels_last":
            shape = (input_shape[0], *self.output_size, input_shape[-1])
        else:
            shape = (input_shape[0], input_shape[1], *self.output_size)
        return standardize_shape(shape)  # Keras' KerasTensor rejects 3.5 or -1 sizes

    def _axis_windows(self, input_shape) -> list:
        """Per spatial axis, the window sizes of the outputs along it (None: input size unknown)."""
        spatial = _spatial(input_shape, self.data_format)
        return [adaptive_windows(spatial[i] if i < len(spatial) else None, int(out))
                for i, out in enumerate(self.output_size)]

    def receptive_field(self, input_shape, output_shape):
        """Equal windows (input size a multiple of output_size) are a pooling with K = S = I / O;
        unequal ones have no single size and stride (unknown)."""
        windows = {}
        for i, axis in enumerate(spatial_axes(self.pool_dimensions, self.data_format)):
            size, out = input_shape[axis], int(self.output_size[i])
            if size is None or size % out:
                return unknown(Text(f"adaptive windows of unequal sizes ({num(size)} positions into {out})",
                                    f"自适应窗口大小不一（{num(size)} 个位置分成 {out} 份）"))
            windows[axis] = Window(size // out, size // out, 1, 0)
        return windows

    def compute_cost(self, input_shape, output_shape):
        """FLOPs = channels × Π over axes of (the sum of the output windows' sizes along that axis), i.e. each
        output counts its window's K values (window i spans floor(i·I/O) to ceil((i+1)·I/O)) + for average one divide per output."""
        factors = [factor(_channel(input_shape, self.data_format), CHANNELS_WORD)]
        for i, windows in enumerate(self._axis_windows(input_shape)):
            word = Text(f"window values along {_axis_name(self.pool_dimensions, i).en}",
                        f"沿{_axis_name(self.pool_dimensions, i).zh}的窗口值个数")
            if windows is None:
                factors.append(Factor(None, "None", word))
                continue
            counts = {}
            for k in windows:
                counts[k] = counts.get(k, 0) + 1
            text = " + ".join(f"{num(n)} × {num(k)}" for k, n in sorted(counts.items()))
            factors.append(Factor(sum(windows), f"({text})", word))
        return cost.Cost(_pooling_terms(self.pool_mode, factors, cost.elements(output_shape)))

    def explain_shape(self, input_shape):
        input_shape = tuple(input_shape)
        out = self.compute_output_shape(input_shape)
        mode = MODE_WORDS[self.pool_mode]
        steps = [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out,
                      Text(f"each output position takes the {mode.en} of its adaptive window",
                           f"每个输出位置取其自适应窗口的{mode.zh}"))]
        first = 1 if self.data_format == "channels_last" else 2
        for i, size in enumerate(self.output_size):
            axis = first + i
            given = input_shape[axis] if axis < len(input_shape) else None
            steps.append(Step("shape", _axis_name(self.pool_dimensions, i),
                              f"{num(given)} → output_size {num(int(size))}", int(size), ADAPTIVE_RULE))
        channel = _channel(input_shape, self.data_format)
        steps.append(Step("shape", CHANNELS, num(channel), channel, KEEPS_CHANNELS))
        return steps


class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    """Max pooling to a fixed output length."""

    pool_dimensions = 1
    pool_mode = "max"
    _size_error = "`output_size` must be an integer or tuple of 1 integer. "

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, data_format, **kwargs)


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    """Max pooling to a fixed (height, width)."""

    pool_dimensions = 2
    pool_mode = "max"
    _size_error = "`output_size` must be an integer or (height, width) tuple. "

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, data_format, **kwargs)


class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    """Max pooling to a fixed (depth, height, width)."""

    pool_dimensions = 3
    pool_mode = "max"
    _size_error = "`output_size` must be an integer or (depth, height, width) tuple. "

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, data_format, **kwargs)


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """Average pooling to a fixed output length."""

    pool_dimensions = 1
    pool_mode = "average"
    _size_error = "`output_size` must be an integer or tuple of 1 integer. "

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, data_format, **kwargs)


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """Average pooling to a fixed (height, width)."""

    pool_dimensions = 2
    pool_mode = "average"
    _size_error = "`output_size` must be an integer or (height, width) tuple. "

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, data_format, **kwargs)


class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    """Average pooling to a fixed (depth, height, width)."""

    pool_dimensions = 3
    pool_mode = "average"
    _size_error = "`output_size` must be an integer or (depth, height, width) tuple. "

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(output_size, data_format, **kwargs)


MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D)


EXPORTS = {
    "MaxPooling1D": MaxPooling1D, "MaxPooling2D": MaxPooling2D, "MaxPooling3D": MaxPooling3D,
    "MaxPool1D": MaxPool1D, "MaxPool2D": MaxPool2D, "MaxPool3D": MaxPool3D,
    "AveragePooling1D": AveragePooling1D, "AveragePooling2D": AveragePooling2D,
    "AveragePooling3D": AveragePooling3D,
    "AvgPool1D": AvgPool1D, "AvgPool2D": AvgPool2D, "AvgPool3D": AvgPool3D,
    "GlobalMaxPooling1D": GlobalMaxPooling1D, "GlobalMaxPooling2D": GlobalMaxPooling2D,
    "GlobalMaxPooling3D": GlobalMaxPooling3D,
    "GlobalMaxPool1D": GlobalMaxPool1D, "GlobalMaxPool2D": GlobalMaxPool2D, "GlobalMaxPool3D": GlobalMaxPool3D,
    "GlobalAveragePooling1D": GlobalAveragePooling1D, "GlobalAveragePooling2D": GlobalAveragePooling2D,
    "GlobalAveragePooling3D": GlobalAveragePooling3D,
    "GlobalAvgPool1D": GlobalAvgPool1D, "GlobalAvgPool2D": GlobalAvgPool2D, "GlobalAvgPool3D": GlobalAvgPool3D,
    "AdaptiveMaxPooling1D": AdaptiveMaxPooling1D, "AdaptiveMaxPooling2D": AdaptiveMaxPooling2D,
    "AdaptiveMaxPooling3D": AdaptiveMaxPooling3D,
    "AdaptiveAveragePooling1D": AdaptiveAveragePooling1D, "AdaptiveAveragePooling2D": AdaptiveAveragePooling2D,
    "AdaptiveAveragePooling3D": AdaptiveAveragePooling3D,
}
