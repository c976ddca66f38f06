"""Reshaping layers: no weights, the values are only moved, repeated, cut or padded.

``Flatten``, ``Reshape`` (one ``-1`` inferred), ``Permute``, ``RepeatVector``,
``Cropping1D/2D/3D`` (size - start - end), ``ZeroPadding1D/2D/3D`` (size + start + end)
and ``UpSampling1D/2D/3D`` (size × factor), as in ``keras/src/layers/reshaping``.
"""

from __future__ import annotations

import math
import numbers

from ..core.args import standardize_data_format, standardize_tuple
from ..core import cost
from ..core.cost import Factor
from ..core.explain import OUTPUT_SHAPE, Derived, Step, Text, num, shape_text
from ..core.layer import InputSpec, Layer
from ..core.tensor import standardize_shape
from .convolution import AXIS_NAMES

CHANNELS = Text("channels", "通道数")


class Flatten(Layer):
    """Keeps the batch axis and multiplies all the others into one: (N, d1, ..., dk) -> (N, d1·…·dk).

    A rank-1 input gives (N, 1); any unknown non-batch size makes the result unknown.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def output_dtype(self, inputs) -> str:
        """Keras keeps the input's dtype here (an int tensor stays int)."""
        return getattr(inputs, "dtype", self.compute_dtype)

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

    def compute_cost(self, input_shape, output_shape):
        """0: only the layout changes (values are not computed)."""
        return cost.free(Text("only the layout changes: no arithmetic", "只改变排布：无算术运算"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 (Reshape)."""
        return {}


# ------------------------------------------------------------------ shared helpers
def _spatial_first(data_format) -> int:
    """Index of the first spatial axis in a batched input."""
    return 1 if data_format == "channels_last" else 2


def _shape_step(input_shape, out, rule) -> Step:
    return Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out, rule)


def _channel_step(input_shape, data_format, rule) -> Step:
    channel = input_shape[-1] if data_format == "channels_last" else input_shape[1]
    return Step("shape", CHANNELS, num(channel), channel, rule)


def _axis_name(rank: int, i: int) -> Text:
    names = AXIS_NAMES.get(rank)
    return names[i] if names and i < len(names) else Text(f"spatial axis {i + 1}", f"空间维度 {i + 1}")


def _pair_per_axis(value, n: int, what: str, word: str, check_int_negative: bool):
    """Keras' int / n pairs / n ints forms of ``cropping`` / ``padding`` (2-D and 3-D layers)."""
    ordinals = ("1st", "2nd", "3rd")
    if isinstance(value, int):
        if check_int_negative and value < 0:
            raise ValueError(f"`{what}` cannot be negative. Received: {what}={value}.")
        return ((value, value),) * n
    if hasattr(value, "__len__"):
        if len(value) != n:
            if n == 2:
                raise ValueError(f"`{what}` should have two elements. Received: {what}={value}.")
            raise ValueError(f"`{what}` should have {n} elements. Received: {value}.")
        return tuple(standardize_tuple(value[i], 2, f"{ordinals[i]} entry of {what}", allow_zero=True)
                     for i in range(n))
    raise ValueError(
        f"`{what}` should be either an int, a tuple of {n} ints (symmetric {word} per axis), or a tuple "
        f"of {n} tuples of 2 ints (before, after per axis). Received: {what}={value}."
    )


# ------------------------------------------------------------------ Reshape
INFERRED = Text("-1 (the inferred axis)", "-1（自动推断的维度）")


def _is_int(dim) -> bool:
    return isinstance(dim, numbers.Integral)


class Reshape(Layer):
    """Lays the non-batch values out as ``target_shape``; one ``-1`` is inferred from the total.

    -1 = (product of the input's non-batch sizes) / (product of the other target sizes);
    unknown when any input size is unknown. A total that does not match is an error.
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        _validate_target(target_shape)
        self.target_shape = target_shape
        self.built = True

    def output_dtype(self, inputs) -> str:
        """Keras keeps the input's dtype here (an int tensor stays int)."""
        return getattr(inputs, "dtype", self.compute_dtype)

    def _resolve(self, input_shape):
        """``(output sizes, total, known)``: Keras' ``compute_reshape_output_shape``."""
        rest = tuple(input_shape[1:])
        target = tuple(int(d) if _is_int(d) else None for d in self.target_shape)
        if None in rest or None in target:
            return tuple(None if d == -1 else d for d in target), None, None
        total = math.prod(rest)
        if -1 not in target:
            if total != math.prod(target):
                raise ValueError(
                    "The total size of the tensor must be unchanged. Received: "
                    f"input_shape={rest}, target_shape={self.target_shape}"
                )
            return target, total, None
        known = math.prod(d for d in target if d != -1)
        if known == 0 or total % known != 0:
            raise ValueError(
                "The total size of the tensor must be unchanged, however, the input size cannot by "
                "divided by the specified dimensions in target_shape. Received: "
                f"input_shape={rest}, target_shape={self.target_shape}"
            )
        return tuple(total // known if d == -1 else d for d in target), total, known

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self._resolve(input_shape)[0])

    def explain_shape(self, input_shape):
        input_shape = tuple(input_shape)
        sizes, total, known = self._resolve(input_shape)
        out = (input_shape[0], *sizes)
        rest = input_shape[1:]
        rest_text = " × ".join(num(d) for d in rest) or "1"
        steps = [_shape_step(input_shape, out, Text(
            f"the {rest_text} values of each sample are laid out again as target_shape "
            f"{tuple(self.target_shape)}; the batch axis is kept",
            f"每个样本的 {rest_text} 个值按 target_shape {tuple(self.target_shape)} 重新排列；批维度不变"))]
        if total is not None:
            steps.append(Step("shape", Text("values per sample", "每个样本的元素个数"),
                              rest_text if len(rest) > 1 else num(total), total,
                              Text("unchanged by a reshape", "重塑前后保持不变")))
        if known is not None:
            others = [d for d in self.target_shape if int(d) != -1]
            divisor = " × ".join(num(int(d)) for d in others) or "1"
            if len(others) > 1:
                divisor = f"({divisor})"
            steps.append(Step("shape", INFERRED, f"{num(total)} / {divisor}", total // known,
                              Text("the total divided by the other target sizes",
                                   "元素总数除以其余目标维度之积")))
        elif -1 in self.target_shape:
            steps.append(Step("shape", INFERRED, "None", None,
                              Text("unknown: an input size is unknown", "未知：输入中有未知尺寸")))
        return steps

    def compute_cost(self, input_shape, output_shape):
        """0: only the layout changes (values are not computed)."""
        return cost.free(Text("only the layout changes: no arithmetic", "只改变排布：无算术运算"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 (Reshape)."""
        return {}


def _validate_target(target_shape) -> None:
    count = 0
    for dim in target_shape:
        if not _is_int(dim):
            continue
        if dim < -1:
            raise ValueError(
                "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a "
                f"single unknown dimension. Received: target_shape={target_shape}."
            )
        if dim == -1:
            count += 1
    if count > 1:
        raise ValueError(
            "There must be at most one unknown dimension (-1) in `target_shape`. Received: "
            f"target_shape={target_shape}."
        )


# ------------------------------------------------------------------ Permute, RepeatVector
class Permute(Layer):
    """Reorders the non-batch axes: output axis i is input axis ``dims[i - 1]``."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in "
                f"`dims` must be consecutive and start from 1. Received dims={dims}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def output_dtype(self, inputs) -> str:
        """Keras keeps the input's dtype here (an int tensor stays int)."""
        return getattr(inputs, "dtype", self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        steps = [_shape_step(input_shape, out, Text(
            f"dims={self.dims}: output axis i is input axis dims[i]; sizes move, none change",
            f"dims={self.dims}：输出第 i 维取输入第 dims[i] 维；尺寸只换位置，不变大小"))]
        for i, d in enumerate(self.dims):
            steps.append(Step("shape", Text(f"axis {i + 1} = input axis {d}", f"第 {i + 1} 维 = 输入第 {d} 维"),
                              num(input_shape[d]), input_shape[d]))
        return steps

    def compute_cost(self, input_shape, output_shape):
        """0: the axes are reordered (values are moved, not computed)."""
        return cost.free(Text("axes reordered: values are moved, no arithmetic", "轴重新排列：只移动数值，无算术运算"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 (Transpose)."""
        return {}


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features): the vector repeated n times."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(f"Expected an integer value for `n`, got {type(n)}.")
        if n <= 0:
            raise ValueError(f"Argument `n` should be a positive integer. Received: n={n}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        return [
            _shape_step(input_shape, out, Text(
                f"the {num(input_shape[1])} features are repeated n = {self.n} times on a new axis 1",
                f"{num(input_shape[1])} 个特征在新的第 1 维上重复 n = {self.n} 次")),
            Step("shape", Text("repeats", "重复次数"), f"n = {self.n}", self.n),
        ]

    def compute_cost(self, input_shape, output_shape):
        """0: the input is copied n times (no arithmetic)."""
        return cost.free(Text("the input is copied n times: no arithmetic", "输入复制 n 次：无算术运算"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: Mul 1 (the scalar shape arithmetic of ops.repeat); the copy 0."""
        return {"Mul": 1}


# ------------------------------------------------------------------ Cropping
CROP_RULE = Text("input size - cropped at the start - cropped at the end",
                 "输入尺寸 - 开头裁掉的 - 结尾裁掉的")
KEEPS_CHANNELS = Text("cropping keeps the channels", "裁剪不改变通道数")


def _cropped(size, crop) -> Derived:
    if size is None:
        return Derived(None, "None")
    return Derived(size - crop[0] - crop[1], f"{num(size)} - {crop[0]} - {crop[1]}")


class _Cropping(Layer):
    """Removes ``cropping[i]`` = (start, end) positions along each spatial axis."""

    rank = 2
    data_format = "channels_last"

    def _pairs(self):
        return self.cropping

    def _sizes(self, input_shape) -> list[Derived]:
        first = _spatial_first(self.data_format)
        derived = [_cropped(input_shape[first + i], self._pairs()[i]) for i in range(self.rank)]
        if any(d.value is not None and d.value <= 0 for d in derived):
            raise ValueError(
                "Values in `cropping` argument should be smaller than the corresponding spatial "
                f"dimension of the input. Received: input_shape={tuple(input_shape)}, "
                f"cropping={self.cropping}"
            )
        return derived

    def compute_output_shape(self, input_shape):
        sizes = tuple(d.value for d in self._sizes(input_shape))
        if self.data_format == "channels_last":
            return (input_shape[0], *sizes, input_shape[-1])
        return (input_shape[0], input_shape[1], *sizes)

    def receptive_field(self, input_shape, output_shape) -> dict:
        """Cropping ``start`` positions shifts every field by ``start`` (a negative left padding)."""
        from ..analysis.receptive_field import Window

        first = _spatial_first(self.data_format)
        return {first + i: Window(pad=-pair[0]) for i, pair in enumerate(self._pairs())}

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        steps = [_shape_step(input_shape, out, Text(
            f"cropping {self.cropping}: (start, end) positions removed per spatial axis",
            f"裁剪 cropping {self.cropping}：每个空间维度去掉开头和结尾的位置"))]
        for i, d in enumerate(self._sizes(input_shape)):
            steps.append(Step("shape", _axis_name(self.rank, i), d.formula, d.value, CROP_RULE))
        steps.append(_channel_step(input_shape, self.data_format, KEEPS_CHANNELS))
        return steps

    def compute_cost(self, input_shape, output_shape):
        """0: values are cut out (no arithmetic)."""
        return cost.free(Text("values are cut out: no arithmetic", "裁剪数值：无算术运算"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 (StridedSlice)."""
        return {}


class Cropping1D(_Cropping):
    """Crops the steps axis of (batch, steps, features)."""

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = standardize_tuple(cropping, 2, "cropping", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def _pairs(self):
        return (self.cropping,)

    def _sizes(self, input_shape):
        derived = [_cropped(input_shape[1], self.cropping)]
        if derived[0].value is not None and derived[0].value <= 0:
            raise ValueError(
                "`cropping` parameter of `Cropping1D` layer must be smaller than the input length. "
                f"Received: input_shape={tuple(input_shape)}, cropping={self.cropping}"
            )
        return derived


class Cropping2D(_Cropping):
    """Crops height and width: ((top, bottom), (left, right))."""

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = _pair_per_axis(cropping, 2, "cropping", "crop", check_int_negative=True)
        self.input_spec = InputSpec(ndim=4)


class Cropping3D(_Cropping):
    """Crops the three spatial axes: ((start, end),) × 3."""

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = _pair_per_axis(cropping, 3, "cropping", "crop", check_int_negative=True)
        self.input_spec = InputSpec(ndim=5)


# ------------------------------------------------------------------ ZeroPadding
PAD_RULE = Text("input size + zeros added at the start + zeros added at the end",
                "输入尺寸 + 开头补零个数 + 结尾补零个数")
PAD_KEEPS_CHANNELS = Text("padding keeps the channels", "填充不改变通道数")


def _padded(size, pad) -> Derived:
    if size is None:
        return Derived(None, "None")
    return Derived(size + pad[0] + pad[1], f"{num(size)} + {pad[0]} + {pad[1]}")


class _ZeroPadding(Layer):
    """Adds ``padding[i]`` = (start, end) zeros along each spatial axis."""

    rank = 2

    def __init__(self, padding, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        if self.rank == 1:
            self.padding = standardize_tuple(padding, 2, "padding", allow_zero=True)
        else:
            self.padding = _pair_per_axis(padding, self.rank, "padding", "pad", check_int_negative=False)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _sizes(self, input_shape) -> list[Derived]:
        first = _spatial_first(self.data_format)
        pairs = (self.padding,) if self.rank == 1 else self.padding
        return [_padded(input_shape[first + i], pairs[i]) for i in range(self.rank)]

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = _spatial_first(self.data_format)
        for i, d in enumerate(self._sizes(input_shape)):
            shape[first + i] = d.value
        # an int padding may be negative in Keras; a negative size is then rejected as a shape
        return standardize_shape(tuple(shape))

    def receptive_field(self, input_shape, output_shape) -> dict:
        """Padding ``start`` zeros shifts every field by ``-start`` (a left padding P = start)."""
        from ..analysis.receptive_field import Window

        first = _spatial_first(self.data_format)
        pairs = (self.padding,) if self.rank == 1 else self.padding
        return {first + i: Window(pad=pair[0]) for i, pair in enumerate(pairs)}

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        steps = [_shape_step(input_shape, out, Text(
            f"padding {self.padding}: (start, end) zeros added per spatial axis",
            f"填充 padding {self.padding}：每个空间维度在开头和结尾补零"))]
        for i, d in enumerate(self._sizes(input_shape)):
            steps.append(Step("shape", _axis_name(self.rank, i), d.formula, d.value, PAD_RULE))
        steps.append(_channel_step(input_shape, self.data_format, PAD_KEEPS_CHANNELS))
        return steps

    def compute_cost(self, input_shape, output_shape):
        """0: zeros are added around the values (no arithmetic)."""
        return cost.free(Text("zeros are added around the values: no arithmetic", "在周围补零：无算术运算"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 (Pad)."""
        return {}


class ZeroPadding1D(_ZeroPadding):
    """Zeros at the start and end of the steps axis."""

    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """Zeros around height and width: ((top, bottom), (left, right))."""

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Zeros around the three spatial axes."""

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format, **kwargs)


# ------------------------------------------------------------------ UpSampling
UP_RULE = Text("input size × the size factor of this axis", "输入尺寸 × 该维度的放大倍数 size")
UP_KEEPS_CHANNELS = Text("upsampling keeps the channels", "上采样不改变通道数")


def _scaled(size, factor) -> Derived:
    if size is None:
        return Derived(None, "None")
    return Derived(size * factor, f"{num(size)} × {factor}")


class _UpSampling(Layer):
    """Repeats (or interpolates) each spatial position ``size[i]`` times along axis i."""

    rank = 2
    data_format = "channels_last"

    def _factors(self):
        return self.size

    def _sizes(self, input_shape) -> list[Derived]:
        first = _spatial_first(self.data_format)
        return [_scaled(input_shape[first + i], self._factors()[i]) for i in range(self.rank)]

    def compute_output_shape(self, input_shape):
        sizes = tuple(d.value for d in self._sizes(input_shape))
        if self.data_format == "channels_last":
            return (input_shape[0], *sizes, input_shape[-1])
        return (input_shape[0], input_shape[1], *sizes)

    def receptive_field(self, input_shape, output_shape):
        """Nearest upsampling by S is a transposed window of S taps, stride S (fractional jump);
        other interpolations are not followed."""
        from ..analysis.receptive_field import Window, unknown

        interpolation = getattr(self, "interpolation", "nearest")
        if interpolation != "nearest":
            return unknown(Text(f"interpolation='{interpolation}' is not followed",
                                f"不追踪插值方式 '{interpolation}'"))
        first = _spatial_first(self.data_format)
        return {first + i: Window(f, f, transposed=True) for i, f in enumerate(self._factors())}

    def _how(self) -> Text:
        return Text("each position repeated", "每个位置重复")

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        how = self._how()
        steps = [_shape_step(input_shape, out, Text(
            f"size {self._factors()}: every spatial size multiplied ({how.en})",
            f"size {self._factors()}：每个空间尺寸乘以对应倍数（{how.zh}）"))]
        for i, d in enumerate(self._sizes(input_shape)):
            steps.append(Step("shape", _axis_name(self.rank, i), d.formula, d.value, UP_RULE))
        steps.append(_channel_step(input_shape, self.data_format, UP_KEEPS_CHANNELS))
        return steps

    def compute_cost(self, input_shape, output_shape):
        """0: nearest upsampling repeats each value (no arithmetic)."""
        return cost.free(Text("each value is repeated: no arithmetic", "每个值被重复：无算术运算"))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: Mul 1 per repeated axis (scalar shape arithmetic of ops.repeat); the copies 0;
        bilinear UpSampling2D: 0 (ResizeBilinear)."""
        if getattr(self, "interpolation", "nearest") != "nearest":
            return {}
        return {"Mul": len(input_shape) - 2}


class UpSampling1D(_UpSampling):
    """Repeats each step ``size`` times: (batch, steps, features) -> (batch, steps·size, features)."""

    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"Expected an integer value for `size`, got {type(size)}.")
        if size <= 0:
            raise ValueError(f"Argument `size` should be a positive integer. Received: size={size}")
        self.size = size
        self.input_spec = InputSpec(ndim=3)

    def _factors(self):
        return (self.size,)


class UpSampling2D(_UpSampling):
    """Height × size[0], width × size[1]; ``interpolation`` changes values, not shapes."""

    rank = 2

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 2, "size")
        self.interpolation = interpolation.lower()  # Keras checks the name only when computing values
        self.input_spec = InputSpec(ndim=4)

    def _how(self) -> Text:
        if self.interpolation == "nearest":
            return Text("interpolation='nearest': each position repeated", "最近邻插值：每个位置重复")
        return Text(f"interpolation='{self.interpolation}' fills the new positions",
                    f"插值方式 '{self.interpolation}' 计算新增位置的值")

    def compute_cost(self, input_shape, output_shape):
        """0 for nearest (values repeated); bilinear: 9 FLOPs per output element (TensorFlow's
        ResizeBilinear: 3 lerps, each a subtract, a multiply and an add); other interpolations: not counted."""
        if self.interpolation == "nearest":
            return super().compute_cost(input_shape, output_shape)
        if self.interpolation == "bilinear":
            return cost.Cost([cost.flops(Text("bilinear interpolation: 3 lerps (subtract, multiply, add)",
                                              "双线性插值：3 次线性插值（相减、相乘、相加）"),
                                         cost.elements(output_shape),
                                         Factor(9, "9", Text("per element", "每个元素")))])
        return cost.Cost(unknown=Text(f"nncalc does not count the FLOPs of interpolation='{self.interpolation}'",
                                      f"nncalc 不统计插值方式 '{self.interpolation}' 的浮点运算"))


class UpSampling3D(_UpSampling):
    """Each spatial size multiplied by its ``size`` factor."""

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 3, "size")
        self.input_spec = InputSpec(ndim=5)


EXPORTS = {
    "Flatten": Flatten, "Reshape": Reshape, "Permute": Permute, "RepeatVector": RepeatVector,
    "Cropping1D": Cropping1D, "Cropping2D": Cropping2D, "Cropping3D": Cropping3D,
    "UpSampling1D": UpSampling1D, "UpSampling2D": UpSampling2D, "UpSampling3D": UpSampling3D,
    "ZeroPadding1D": ZeroPadding1D, "ZeroPadding2D": ZeroPadding2D, "ZeroPadding3D": ZeroPadding3D,
}
