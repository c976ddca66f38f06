"""Preprocessing layers (``keras/src/layers/preprocessing``): no trainable weights.

Most of them keep the input shape (``Rescaling``, the ``Random*`` image augmentations);
a few set the image size (``Resizing``, ``CenterCrop``, ``RandomCrop``) or encode values
into a new last axis of ``num_tokens`` / ``num_bins`` / vocabulary-size entries
(``CategoryEncoding``, ``Hashing``, ``Discretization``, the lookups).
``Normalization`` is the only one whose ``build`` adds weights: ``mean`` and ``variance``
(one value per kept axis position) and ``count``, all non-trainable.

Random augmentation layers make a ``SeedGenerator`` each; its automatic name
(``seed_generator_N``) uses its own counter, so it never moves a layer's name, and its
state is not a weight of the layer.
"""

from __future__ import annotations

import math


from ..core import cost
from ..core.args import standardize_data_format
from ..core.cost import Cost, Factor, Term, factor
from ..core import tf_flops
from ..core.explain import OUTPUT_SHAPE, Step, Text, num, shape_text
from ..core.layer import Layer
from ..errors import Unsupported

SAME_SHAPE_RULE = Text("a preprocessing step: the values change, the shape does not",
                       "预处理层：只改变数值，不改变形状")
AUGMENT_RULE = Text("random augmentation (active in training only): the shape does not change",
                    "随机数据增强（仅训练时生效）：形状不变")


def _is_number(value) -> bool:
    """``isinstance(value, (int, float))`` as Keras tests it (bools and numpy floats pass)."""
    return isinstance(value, (int, float))


def _check_seed(seed) -> None:
    """``SeedGenerator(seed)``: an integer or None."""
    if seed is not None and not isinstance(seed, int):
        raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")


PER_ELEMENT = Text("per element", "每个元素")
NO_FLOAT_ARITHMETIC = Text("no floating-point arithmetic (hashing, table lookups, integer encoding)",
                           "无浮点运算（哈希、查表、整数编码）")


def _per_element(label: Text, shape, per: int) -> Term:
    """``elements × per per element`` FLOPs of ``shape`` (batch excluded)."""
    extra = [Factor(per, str(per), PER_ELEMENT)] if per != 1 else []
    return cost.flops(label, cost.elements(shape), *extra)


def _value_range(value_range):
    """``_set_value_range`` of the colour layers: a list or tuple of two numbers, sorted."""
    message = "The `value_range` argument should be a list of two numbers. "
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(message + f"Received: value_range={value_range}")
    return sorted(value_range)


# ---------------------------------------------------------------------------- bases
class DataLayer(Layer):
    """A layer safe in ``tf.data`` pipelines; the output keeps the input shape by default."""

    SHAPE_RULE = SAME_SHAPE_RULE

    def compute_output_shape(self, input_shape):
        return input_shape

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        rule = self.SHAPE_RULE if tuple(out) == tuple(input_shape) else None
        return [Step("shape", OUTPUT_SHAPE, shape_text(out), out, rule)]


class BaseImagePreprocessingLayer(DataLayer):
    """Keras' base of image layers: ``factor`` (in ``_FACTOR_BOUNDS``), ``data_format``."""

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)
    SHAPE_RULE = AUGMENT_RULE

    def __init__(self, factor=None, bounding_box_format=None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.bounding_box_format = bounding_box_format
        self.data_format = standardize_data_format(data_format)
        if self._USE_BASE_FACTOR:
            self._set_factor(factor or 0.0)
        elif factor is not None:
            raise ValueError(
                f"Layer {type(self).__name__} does not take a `factor` argument. Received: factor={factor}"
            )

    def _factor_bounds(self, factor, what="factor"):
        """(lower, upper) within ``_FACTOR_BOUNDS``, as the base ``_set_factor`` computes it."""
        low, high = self._FACTOR_BOUNDS
        error = (f"The `{what}` argument should be a number (or a list of two numbers) in the range "
                 f"[{low}, {high}]. Received: factor={factor}")
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2 or factor[0] > high or factor[1] < low:
                raise ValueError(error)
            return tuple(sorted(factor))
        if _is_number(factor):
            if factor < low or factor > high:
                raise ValueError(error)
            factor = abs(factor)
            return (max(-factor, low), factor)
        raise ValueError(error)

    def _set_factor(self, factor):
        self.factor = self._factor_bounds(factor)

    def output_dtype(self, inputs):
        return self.compute_dtype

    def compute_cost(self, input_shape, output_shape=None):
        """0: Keras applies this augmentation only in training (in inference the images pass unchanged)."""
        return cost.free(cost.INFERENCE_NOOP)


# ---------------------------------------------------------------------------- Rescaling
class Rescaling(DataLayer):
    """``x * scale + offset`` on every value; the shape does not change."""

    def compute_cost(self, input_shape, output_shape=None):
        """FLOPs = 2 per element (x × scale + offset)."""
        return Cost([_per_element(Text("multiply by scale, add offset", "乘以 scale，加 offset"), input_shape, 2)])

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: Mul + AddV2 per element (the offset is added even when it is 0)."""
        n = tf_flops.size(output_shape, "the output")
        return tf_flops.ops(("Mul", n), ("AddV2", n))

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset

    def explain_shape(self, input_shape):
        return [Step("shape", OUTPUT_SHAPE, shape_text(input_shape), tuple(input_shape),
                     Text("every value becomes value × scale + offset; the shape does not change",
                          "每个值变为 值 × scale + offset；形状不变"))]


# ---------------------------------------------------------------------------- sizes
HEIGHT = Text("height", "高")
WIDTH = Text("width", "宽")


class _SizedImageLayer(BaseImagePreprocessingLayer):
    """Sets the height and width axes to ``height`` × ``width``; the other axes are kept."""

    _USE_BASE_FACTOR = False
    SIZE_RULE = Text("", "")

    def _axes(self, input_shape):
        """Indices of the height and width axes, as Keras' compute_output_shape picks them."""
        if len(input_shape) == 4:
            return (1, 2) if self.data_format == "channels_last" else (2, 3)
        return (0, 1) if self.data_format == "channels_last" else (1, 2)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        h, w = self._axes(shape)
        shape[h] = self.height
        shape[w] = self.width
        return tuple(shape)

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        return [
            Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out, self.SIZE_RULE),
            Step("shape", HEIGHT, num(self.height), self.height),
            Step("shape", WIDTH, num(self.width), self.width),
        ]


class Resizing(_SizedImageLayer):
    """Resizes images to ``height`` × ``width`` (the channel axis is kept)."""

    # FLOPs per output value of each interpolation, as TF's resize kernels compute it.
    _INTERPOLATION_COST = {"nearest": 0, "bilinear": 9, "bicubic": 40}

    def compute_cost(self, input_shape, output_shape=None):
        """Per output value: nearest 0 (a gather); bilinear 9 FLOPs (3 lerps a + (b − a)·t); bicubic
        20 MACs (4 row and 1 column interpolations of 4 taps); area, lanczos, gaussian, mitchellcubic and
        antialias=True: unknown (the taps depend on the scale). Crop/pad to aspect ratio: free."""
        return _resize_cost(self.interpolation, self.antialias, output_shape or self.compute_output_shape(input_shape))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 for bilinear, nearest, bicubic, area (ResizeBilinear / ResizeNearestNeighbor /
        ResizeBicubic / ResizeArea); lanczos3, lanczos5 or antialias=True (bilinear, bicubic) run
        ScaleAndTranslate (0) after RealDiv 2 (the two scales); crop_to_aspect_ratio adds 14 scalar ops
        (Mul 2, RealDiv 4, Minimum 2, Maximum 2, Sub 2, AddV2 2). pad_to_aspect_ratio, antialias with
        nearest/area, gaussian and mitchellcubic (Keras' TF backend fails on them): not modelled."""
        scaled = self.interpolation in ("lanczos3", "lanczos5")
        if self.pad_to_aspect_ratio or (self.antialias and self.interpolation not in ("bilinear", "bicubic")) or (
                not scaled and self.interpolation not in ("bilinear", "nearest", "bicubic", "area")):
            return tf_flops.not_modelled("Resizing with these arguments")
        result = tf_flops.ops(("RealDiv", 2)) if scaled or self.antialias else {}
        if self.crop_to_aspect_ratio:
            result = tf_flops.add_ops(result, tf_flops.ops(("Mul", 2), ("RealDiv", 4), ("Minimum", 2),
                                                           ("Maximum", 2), ("Sub", 2), ("AddV2", 2)))
        return result

    SIZE_RULE = Text("the height and width axes become height × width; the channels are kept",
                     "高和宽变为 height × width，通道数不变")

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, antialias=False,
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height = height
        self.width = width
        self.interpolation = interpolation
        self.data_format = standardize_data_format(data_format)
        self.crop_to_aspect_ratio = crop_to_aspect_ratio
        self.pad_to_aspect_ratio = pad_to_aspect_ratio
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.antialias = bool(antialias)


def _resize_cost(interpolation, antialias, output_shape) -> Cost:
    if interpolation == "nearest":
        return cost.free(Text("nearest-neighbour resize: a gather, no arithmetic", "最近邻缩放：只取值，无算术"))
    if antialias or interpolation not in ("bilinear", "bicubic"):
        what = "antialias=True" if antialias else f"interpolation='{interpolation}'"
        return Cost(unknown=Text(f"nncalc does not count a resize with {what} (TF's kernel taps depend on the scale)",
                                 f"nncalc 不统计 {what} 的缩放（TF 的插值抽头数取决于缩放比例）"))
    if interpolation == "bilinear":
        return Cost([_per_element(Text("bilinear interpolation (3 lerps a + (b − a)·t)",
                                       "双线性插值（3 次线性插值 a + (b − a)·t）"), output_shape, 9)])
    return Cost([cost.macs(Text("bicubic interpolation (4 × 4 taps, separable)", "双三次插值（4 × 4 抽头，可分离）"),
                           cost.elements(output_shape), Factor(20, "(4 × 4 + 4)", Text("taps", "个抽头")))])


class CenterCrop(_SizedImageLayer):
    """Crops the central ``height`` × ``width`` window (smaller images are resized first)."""

    def compute_cost(self, input_shape, output_shape=None):
        """0 when the image is at least height × width (a crop); otherwise Keras' smart_resize crops to
        the aspect ratio and resizes bilinearly: 9 FLOPs per output value."""
        h, w = self._axes(input_shape)
        if all(size is None or size >= want for size, want in ((input_shape[h], self.height),
                                                               (input_shape[w], self.width))):
            return cost.free(Text("a crop: no arithmetic", "裁剪：无算术"))
        return _resize_cost("bilinear", False, output_shape or self.compute_output_shape(input_shape))

    def tf_flops(self, input_shape, output_shape):
        """TF profiler: 0 (slicing, and resizing up when the crop is larger)."""
        return {}

    SIZE_RULE = Text("the central height × width window is kept; the channels are kept",
                     "保留中央 height × width 区域，通道数不变")

    def __init__(self, height, width, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height = height
        self.width = width

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4) or isinstance(input_shape[0], (list, tuple)):
            raise ValueError(
                "`input_shape` must be a non-nested tuple or list of rank-1 with size 3 "
                "(unbatched) or 4 (batched). "
            )
        return super().compute_output_shape(input_shape)


class RandomCrop(_SizedImageLayer):
    """Crops a random ``height`` × ``width`` window while training (the centre at inference)."""

    def compute_cost(self, input_shape, output_shape=None):
        """0: in inference Keras 3 returns the images as they are (no crop, no resize)."""
        return cost.free(Text("does nothing in inference (Keras 3 returns the images uncropped)",
                              "推理时不做任何运算（Keras 3 原样返回图像，不裁剪）"))

    SIZE_RULE = Text("a height × width window is cropped; the channels are kept",
                     "裁剪出 height × width 的区域，通道数不变")

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.height = height
        self.width = width
        self.seed = seed
        _check_seed(seed)
        self.data_format = standardize_data_format(data_format)

    def _axes(self, input_shape):
        n = len(input_shape)
        h, w = (-2, -1) if self.data_format == "channels_first" else (-3, -2)
        if n < -h:  # Keras indexes the list and fails with an IndexError
            raise IndexError("list assignment index out of range")
        return n + h, n + w


# ---------------------------------------------------------------------------- geometric augmentations
FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def _check_choice(value, allowed, what):
    if value not in allowed:
        raise NotImplementedError(f"Unknown `{what}` {value}. Expected of one {allowed}.")


class RandomFlip(BaseImagePreprocessingLayer):
    """Flips images horizontally and/or vertically while training."""

    _USE_BASE_FACTOR = False

    def __init__(self, mode="horizontal_and_vertical", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.seed = seed
        _check_seed(seed)
        self.mode = mode  # Keras checks the mode only when it flips actual images


class RandomRotation(BaseImagePreprocessingLayer):
    """Rotates images by a random angle in ``factor × 2π`` while training."""

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self.seed = seed
        _check_seed(seed)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value
        _check_choice(fill_mode, FILL_MODES, "fill_mode")
        _check_choice(interpolation, INTERPOLATIONS, "interpolation")


class _HeightWidthFactors(BaseImagePreprocessingLayer):
    """``RandomZoom`` / ``RandomTranslation``: a factor (or two) per axis in (-1, 1]."""

    _USE_BASE_FACTOR = False
    _FACTOR_VALIDATION_ERROR = ""
    _LOWEST_EXCLUDED = False

    def _check_factor_range(self, value):
        if value > 1.0 or (value <= -1.0 if self._LOWEST_EXCLUDED else value < -1.0):
            raise ValueError(self._FACTOR_VALIDATION_ERROR + f"Received: input_number={value}")

    def _axis_factor(self, factor, name):
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise ValueError(self._FACTOR_VALIDATION_ERROR + f"Received: {name}={factor}")
            self._check_factor_range(factor[0])
            self._check_factor_range(factor[1])
            return tuple(sorted(factor))
        if _is_number(factor):
            self._check_factor_range(factor)
            factor = abs(factor)
            return (-factor, factor)
        raise ValueError(self._FACTOR_VALIDATION_ERROR + f"Received: {name}={factor}")

    def _set_options(self, fill_mode, interpolation, seed, fill_value):
        _check_choice(fill_mode, FILL_MODES, "fill_mode")
        _check_choice(interpolation, INTERPOLATIONS, "interpolation")
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed
        _check_seed(seed)


class RandomZoom(_HeightWidthFactors):
    """Zooms images in or out by a random factor per axis while training."""

    _FACTOR_VALIDATION_ERROR = ("The `height_factor` and `width_factor` arguments should be a number "
                                "(or a list of two numbers) in the range (-1.0, 1.0]. ")
    _LOWEST_EXCLUDED = True

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear",
                 seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height_factor = self._axis_factor(height_factor, "height_factor")
        self.width_factor = None if width_factor is None else self._axis_factor(width_factor, "width_factor")
        self._set_options(fill_mode, interpolation, seed, fill_value)
        self.data_format = standardize_data_format(data_format)


class RandomTranslation(_HeightWidthFactors):
    """Shifts images by a random fraction of their height and width while training."""

    _FACTOR_VALIDATION_ERROR = ("The `factor` argument should be a number (or a list of two numbers) "
                                "in the range [-1.0, 1.0]. ")

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear",
                 seed=None, fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = self._axis_factor(height_factor, "height_factor")
        self.width_factor = self._axis_factor(width_factor, "width_factor")
        self._set_options(fill_mode, interpolation, seed, fill_value)


class RandomShear(_HeightWidthFactors):
    """Shears images along x and/or y by a random factor in [0, 1] while training."""

    _FACTOR_BOUNDS = (0, 1)
    _FACTOR_VALIDATION_ERROR = ("The `factor` argument should be a number (or a list of two numbers) "
                                "in the range [0, 1.0]. ")

    def _check_factor_range(self, value):
        if value > 1.0 or value < 0.0:
            raise ValueError(self._FACTOR_VALIDATION_ERROR + f"Received: input_number={value}")

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.x_factor = self._axis_factor(x_factor, "x_factor")
        self.y_factor = self._axis_factor(y_factor, "y_factor")
        self._set_options(fill_mode, interpolation, seed, fill_value)


class RandomPerspective(BaseImagePreprocessingLayer):
    """Moves the image corners at random (a perspective warp) while training."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = scale
        self.fill_value = fill_value
        self.interpolation = interpolation
        self.seed = seed
        _check_seed(seed)
        if scale < 0.0 or scale > 1.0:
            raise ValueError(f"The `scale` argument should be a number in the range [0,1]. Received: scale={scale}")
        _check_choice(interpolation, INTERPOLATIONS, "interpolation")


class RandomElasticTransform(BaseImagePreprocessingLayer):
    """Displaces pixels by a smoothed random field while training."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)
    _FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = self._factor_bounds(scale, "scale")
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = value_range
        self.seed = seed
        _check_seed(seed)
        _check_choice(interpolation, INTERPOLATIONS, "interpolation")
        if fill_mode not in self._FILL_MODES:
            raise NotImplementedError(f"Unknown `fill_mode` {fill_mode}. Expected of one {set(self._FILL_MODES)}.")


# ---------------------------------------------------------------------------- colour and pixel augmentations
class RandomContrast(BaseImagePreprocessingLayer):
    """Scales each image's contrast by a random factor in [1 - lower, 1 + upper] while training."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        _check_seed(seed)


class RandomBrightness(BaseImagePreprocessingLayer):
    """Adds a random brightness offset (a fraction of ``value_range``) while training."""

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(factor=factor, **kwargs)
        self.seed = seed
        _check_seed(seed)
        self.value_range = _value_range(value_range)


class _ColourLayer(BaseImagePreprocessingLayer):
    """``factor`` (bounds per class), ``value_range`` (two numbers), ``seed``."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = _value_range(value_range)
        self.seed = seed
        _check_seed(seed)


class RandomColorDegeneration(_ColourLayer):
    """Blends images with their grayscale version while training; needs 3 channels."""

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(
                "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                f"Received: input_shape={input_shape}"
            )
        channels = input_shape[-1 if self.data_format == "channels_last" else -3]
        if channels is not None and channels != 3:
            raise ValueError(f"Input images must have 3 channels, but received images with {channels} channels.")
        return input_shape


class RandomSaturation(_ColourLayer):
    """Changes the saturation by a random factor while training."""

    _USE_BASE_FACTOR = True
    _FACTOR_BOUNDS = (-1, 1)


class RandomSharpness(_ColourLayer):
    """Changes the sharpness by a random factor while training."""


class RandomPosterization(_ColourLayer):
    """Keeps a random number of bits (1 to 8) per colour channel while training."""

    _FACTOR_BOUNDS = (1, 8)


class RandomHue(BaseImagePreprocessingLayer):
    """Shifts the hue by a random amount while training."""

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        _check_seed(seed)


class RandomInvert(BaseImagePreprocessingLayer):
    """Inverts images (``max - x``) with probability ``factor`` while training."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self.seed = seed
        _check_seed(seed)


class RandomGrayscale(BaseImagePreprocessingLayer):
    """Turns images to grayscale with probability ``factor`` (the channels are kept)."""

    _USE_BASE_FACTOR = True

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if factor < 0 or factor > 1:
            raise ValueError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        self.factor = factor
        self.data_format = standardize_data_format(data_format)
        self.seed = seed
        _check_seed(seed)

    def output_dtype(self, inputs):
        return inputs.dtype


class RandomErasing(BaseImagePreprocessingLayer):
    """Fills a random rectangle of each image while training."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = self._factor_bounds(scale, "scale")
        self.fill_value = fill_value
        self.value_range = value_range
        self.seed = seed
        _check_seed(seed)


class RandomGaussianBlur(BaseImagePreprocessingLayer):
    """Blurs images with a Gaussian kernel of random sigma while training."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None,
                 seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.kernel_size = self._kernel_size(kernel_size)
        self.sigma = self._factor_bounds(sigma, "sigma")
        self.value_range = value_range
        self.seed = seed
        _check_seed(seed)

    @staticmethod
    def _kernel_size(size):
        error = f"kernel_size must be an odd number. Received: kernel_size={size}"
        if isinstance(size, (tuple, list)):
            if len(size) != 2:
                raise ValueError("The `kernel_size` argument should be a number (or a list of two numbers) "
                                 f"Received: kernel_size={size}")
            if size[0] % 2 == 0 or size[1] % 2 == 0:
                raise ValueError(error)
            return tuple(size)
        if _is_number(size):
            if size % 2 == 0:
                raise ValueError(error)
            return (size, size)
        raise ValueError(error)


class Solarization(BaseImagePreprocessingLayer):
    """Inverts the pixels above a random threshold (after a random addition) while training."""

    _USE_BASE_FACTOR = False
    _FACTOR_VALIDATION_ERROR = ("The `addition_factor` and `threshold_factor` arguments should be a number "
                                "(or a list of two numbers) in the range [0, 1]. ")

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        _check_seed(seed)
        self.addition_factor = self._named_factor(addition_factor, "addition_factor")
        self.threshold_factor = self._named_factor(threshold_factor, "threshold_factor")
        self.value_range = _value_range(value_range)

    def _check_range(self, value):
        if value > 1.0 or value < 0:
            raise ValueError(self._FACTOR_VALIDATION_ERROR + f"Received: input_number={value}")

    def _named_factor(self, factor, name):
        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise ValueError(self._FACTOR_VALIDATION_ERROR + f"Received: {name}={factor}")
            self._check_range(factor[0])
            self._check_range(factor[1])
            return tuple(sorted(factor))
        if _is_number(factor):
            self._check_range(factor)
            return (0, factor)
        raise ValueError(self._FACTOR_VALIDATION_ERROR + f"Received: {name}={factor}")


class AutoContrast(BaseImagePreprocessingLayer):
    """Stretches each image's values to the full ``value_range``."""

    def compute_cost(self, input_shape, output_shape=None):
        """Always active: per element 2 (per-channel min and max over height × width) + 2 (× scale + offset)
        + 2 (clip) + 1 (NaN check), + 8 when value_range ≠ (0, 255) (two range conversions of 4);
        + 4 per channel (scale = 255 / (high − low), offset = −low × scale)."""
        per = 7 + (0 if list(self.value_range) == [0, 255] else 8)
        words = ("min, max, scale, offset, clip, NaN check" + ("" if per == 7 else ", range conversions"),
                 "最小值、最大值、缩放、平移、截断、NaN 检查" + ("" if per == 7 else "、数值范围转换"))
        # Keras reduces over axes 1 and 2 of the batch: one statistic per remaining position
        stats = factor(tuple(input_shape[3:]), Text("statistics", "个统计量"))
        return Cost([_per_element(Text(words[0], words[1]), input_shape, per),
                     cost.flops(Text("scale and offset per channel", "每个通道的缩放与平移"), stats,
                                Factor(4, "4", Text("per channel", "每个通道")))])

    _USE_BASE_FACTOR = False
    SHAPE_RULE = SAME_SHAPE_RULE

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = _value_range(value_range)


class Equalization(BaseImagePreprocessingLayer):
    """Histogram equalization of each channel."""

    SHAPE_RULE = SAME_SHAPE_RULE

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.bins = bins
        self.value_range = _value_range(value_range)
        self.data_format = standardize_data_format(data_format)

    def output_dtype(self, inputs):
        return inputs.dtype


class ContrastLimitedAdaptiveHistogramEqualization(BaseImagePreprocessingLayer):
    """CLAHE: histogram equalization per tile of ``tile_grid_size`` with clipping."""

    def compute_cost(self, input_shape, output_shape=None):
        """Unknown: always active, but its per-tile histograms, clipping and lookups are data-dependent
        gathers and scatters that nncalc does not count."""
        return Cost(unknown=Text("nncalc does not count CLAHE (per-tile histograms, clipping and lookups)",
                                 "nncalc 不统计 CLAHE（逐块直方图、截断与查表）"))

    SHAPE_RULE = SAME_SHAPE_RULE

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.value_range = value_range
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size
        self.data_format = standardize_data_format(data_format)


class MixUp(BaseImagePreprocessingLayer):
    """Mixes pairs of images (and labels) of a batch while training."""

    def __init__(self, alpha=0.2, data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.alpha = alpha
        self.seed = seed
        _check_seed(seed)


class CutMix(BaseImagePreprocessingLayer):
    """Pastes a random patch of another image of the batch while training."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.seed = seed
        _check_seed(seed)


# ---------------------------------------------------------------------------- policies of several layers
class _AugmentationPolicy(BaseImagePreprocessingLayer):
    """Owns one sublayer per augmentation; each takes an automatic name, in Keras' order."""

    SHAPE_RULE = AUGMENT_RULE

    def _own(self, layer):
        self._layers.append(layer)
        return layer

    def _common_sublayers(self, value_range, interpolation, seed, data_format, kwargs):
        """Shear, translation, rotation (geometric), as AugMix and RandAugment make them first."""
        factor = self.factor
        self._own(RandomShear(x_factor=factor, y_factor=factor, interpolation=interpolation, seed=seed,
                              data_format=data_format, **kwargs))
        self._own(RandomTranslation(height_factor=factor, width_factor=factor, interpolation=interpolation,
                                    seed=seed, data_format=data_format, **kwargs))
        self._own(RandomRotation(factor=factor, interpolation=interpolation, seed=seed, data_format=data_format,
                                 **kwargs))

    def _colour_sublayers(self, value_range, seed, data_format, kwargs):
        for cls in (RandomBrightness, RandomColorDegeneration, RandomContrast, RandomSharpness):
            self._own(cls(factor=self.factor, value_range=value_range, seed=seed, data_format=data_format,
                          **kwargs))

    def _tone_sublayers(self, value_range, seed, data_format, kwargs):
        self._own(Solarization(addition_factor=self.factor, threshold_factor=self.factor, value_range=value_range,
                               seed=seed, data_format=data_format, **kwargs))
        self._own(RandomPosterization(factor=max(1, int(8 * self.factor[1])), value_range=value_range, seed=seed,
                                      data_format=data_format, **kwargs))
        self._own(AutoContrast(value_range=value_range, data_format=data_format, **kwargs))
        self._own(Equalization(value_range=value_range, data_format=data_format, **kwargs))


class AugMix(_AugmentationPolicy):
    """Mixes ``num_chains`` chains of ``chain_depth`` random augmentations while training."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3, alpha=1.0, all_ops=True,
                 interpolation="bilinear", seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self._set_factor(factor)
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = interpolation
        self.seed = seed
        _check_seed(seed)
        self._common_sublayers(value_range, interpolation, seed, data_format, kwargs)
        self._tone_sublayers(value_range, seed, data_format, kwargs)
        if all_ops:
            self._colour_sublayers(value_range, seed, data_format, kwargs)


class RandAugment(_AugmentationPolicy):
    """Applies ``num_ops`` augmentations picked at random while training."""

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_ops = num_ops
        self._set_factor(factor)
        self.interpolation = interpolation
        self.seed = seed
        _check_seed(seed)
        self._common_sublayers(value_range, interpolation, seed, data_format, kwargs)
        self._colour_sublayers(value_range, seed, data_format, kwargs)
        self._tone_sublayers(value_range, seed, data_format, kwargs)


class RandomColorJitter(_AugmentationPolicy):
    """Random brightness, contrast, saturation and hue (each only if its factor is given)."""

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.value_range = value_range
        self.seed = seed
        _check_seed(seed)
        for cls, value in ((RandomBrightness, brightness_factor), (RandomContrast, contrast_factor),
                           (RandomSaturation, saturation_factor), (RandomHue, hue_factor)):
            if value is not None:
                self._own(cls(factor=value, value_range=value_range, seed=seed))


class MaxNumBoundingBoxes(BaseImagePreprocessingLayer):
    """Pads or trims the bounding boxes of a dict input to ``max_number`` per image."""

    def compute_cost(self, input_shape, output_shape=None):
        """0: the images pass unchanged; the boxes are padded or trimmed (data movement)."""
        return cost.free()

    SHAPE_RULE = SAME_SHAPE_RULE

    def __init__(self, max_number, fill_value=-1, **kwargs):
        super().__init__(**kwargs)
        self.max_number = int(max_number)
        self.fill_value = int(fill_value)

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, dict) and "bounding_boxes" in input_shape:
            boxes = input_shape["bounding_boxes"]
            extra = set(boxes) - {"boxes", "labels"}
            if extra:
                raise KeyError(f"There are unsupported keys in `bounding_boxes`: {list(extra)}. "
                               "Only `boxes` and `labels` are supported.")
            result = dict(input_shape)
            result["bounding_boxes"] = {
                key: tuple(shape[:1]) + (self.max_number,) + tuple(shape[2:]) for key, shape in boxes.items()
            }
            return result
        return input_shape


# ---------------------------------------------------------------------------- Normalization
class Normalization(DataLayer):
    """``(x - mean) / sqrt(variance)`` per position of the kept ``axis``.

    Without ``mean=``/``variance=`` it builds three non-trainable weights: ``mean`` and
    ``variance`` of shape (input sizes on the kept axes) and a scalar ``count`` (int64);
    ``adapt()`` fills them from data (nncalc keeps only their shapes).
    """

    def compute_cost(self, input_shape, output_shape=None):
        """FLOPs = 2 per element ((x − mean) / std, or x × std + mean with invert) + 2 per statistic
        (std = max(√variance, ε))."""
        ndim = len(input_shape)
        keep = sorted(a if a >= 0 else a + ndim for a in self.axis)
        stats = factor(tuple(input_shape[a] for a in keep), Text("statistics", "个统计量"))
        op = ("multiply by std, add mean", "乘以标准差，加均值") if self.invert else ("subtract mean, divide by std",
                                                                          "减均值，除以标准差")
        return Cost([_per_element(Text(*op), input_shape, 2),
                     cost.flops(Text("std = max(√variance, ε)", "标准差 = max(√方差, ε)"), stats,
                                Factor(2, "2", Text("per statistic", "每个统计量")))])

    def tf_flops(self, input_shape, output_shape):
        """TF profiler (N elements, P = elements of the broadcast statistics, the kept axes' sizes): Sub N +
        Maximum P (max(sqrt(var), ε)) + RealDiv N; invert=True: Mul N + AddV2 N + Maximum P."""
        n = tf_flops.size(output_shape, "the output")
        rank = len(input_shape)
        p = tf_flops.dims([input_shape[a % rank] for a in self.axis], "a kept axis")
        if self.invert:
            return tf_flops.ops(("Mul", n), ("AddV2", n), ("Maximum", p))
        return tf_flops.ops(("Sub", n), ("Maximum", p), ("RealDiv", n))

    weight_names_zh = {"mean": "均值", "variance": "方差", "count": "样本数"}

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        if (mean is not None) != (variance is not None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            import numpy as np

            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same shape. "
                    f"Received: mean shape {np.shape(mean)} and variance shape {np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    "The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis {self.axis}"
                )

    def build(self, input_shape):
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                "All `axis` values must be in the range [-ndim, ndim). "
                f"Received inputs with ndim={ndim}, while axis={self.axis}"
            )
        self._keep_axis = tuple(sorted(d if d >= 0 else d + ndim for d in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(
                    f"All `axis` values to be kept must have a known shape. Received axis={self.axis}, "
                    f"inputs.shape={input_shape}, with unknown axis at index {d}"
                )
        self._build_input_shape = input_shape
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        broadcast = [input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)]
        if math.prod(self._mean_and_var_shape) != math.prod(broadcast):
            # A repeated axis: Keras fails reshaping the statistics to the broadcast shape.
            raise ValueError(
                f"`axis` repeats an axis ({self.axis} on ndim={ndim}): the statistics of shape "
                f"{self._mean_and_var_shape} cannot be reshaped to the broadcast shape {tuple(broadcast)}"
            )
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape, trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._mean_and_var_shape, trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int", trainable=False)
        else:
            self._check_broadcast(input_shape)
        self.built = True

    def _check_broadcast(self, input_shape):
        """The given mean/variance must broadcast to the kept axes (Keras fails in broadcast_to)."""
        import numpy as np

        mean_shape = np.shape(self.input_mean)
        target = [input_shape[d] if d in self._keep_axis else 1 for d in range(len(input_shape))]
        expanded = [1] * len(input_shape)
        for i in range(1, len(mean_shape) + 1):
            expanded[self._keep_axis[-i]] = mean_shape[-i]
        for have, want in zip(expanded, target):
            if have not in (1, want):
                raise ValueError(
                    f"Incompatible shapes: `mean`/`variance` of shape {tuple(mean_shape)} cannot be "
                    f"broadcast to the kept axes {tuple(target)} of inputs of shape {input_shape}"
                )

    def adapt(self, data, steps=None):
        """Builds the weights from the data's shape; their values are not computed."""
        shape = getattr(data, "shape", None)
        if shape is None and isinstance(data, (list, tuple)) and data:
            shape = getattr(data[0], "shape", None)
        if shape is None:
            raise Unsupported(
                f"Normalization.adapt() on {type(data).__name__}: nncalc needs a NumPy array "
                "(or a list of arrays) to know the data's shape"
            )
        shape = tuple(None if d is None else int(d) for d in shape)
        if not self.built:
            self.build(shape)
            self._build_shapes = shape
        else:
            for d in self._keep_axis:
                if shape[d] != self._build_input_shape[d]:
                    raise ValueError(
                        f"The layer was built with input_shape={self._build_input_shape}, but adapt() is "
                        f"being called with data with an incompatible shape, data.shape={shape}"
                    )

    def param_formula(self):
        if not self.weights:
            return None
        size = num(self.adapt_mean.size)
        return f"{size} + {size} + 1"

    def param_rule(self):
        if not self.weights:
            return None
        return Text("mean and variance per position of the kept axes, plus one sample count (not trainable)",
                    "保留轴上每个位置一个均值和一个方差，另加一个样本计数（不可训练）")

    def explain_shape(self, input_shape):
        return [Step("shape", OUTPUT_SHAPE, shape_text(input_shape), tuple(input_shape),
                     Text("(x - mean) / sqrt(variance) for every value: the shape does not change",
                          "每个值变为 (x - 均值) / sqrt(方差)：形状不变"))]


# ---------------------------------------------------------------------------- encodings
def _validate_string_arg(value, allowed, caller, arg):
    if isinstance(value, str) and value in allowed:
        return
    raise ValueError(
        f"Unknown value for `{arg}` argument of {caller}. Allowed values are: {allowed}. Received: {arg}={value}"
    )


def _encode_steps(input_shape, out, depth, depth_label: Text, mode):
    """Explanation of an encoding: the last axis becomes (or gains) a ``depth`` axis."""
    if mode == "int":
        return [Step("shape", OUTPUT_SHAPE, shape_text(out), out,
                     Text("one integer per input value: the shape does not change",
                          "每个输入值对应一个整数：形状不变"))]
    if tuple(out[:-1]) == tuple(input_shape):
        rule = Text(f"{mode}: a new last axis of {depth_label.en} = {num(depth)}",
                    f"{mode}：新增最后一维，长度为{depth_label.zh} = {num(depth)}")
    else:
        rule = Text(f"{mode}: the last axis becomes {depth_label.en} = {num(depth)}",
                    f"{mode}：最后一维变为{depth_label.zh} = {num(depth)}")
    return [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out, rule),
            Step("shape", depth_label, num(depth), depth)]


class CategoryEncoding(DataLayer):
    """Integer ids → one-hot / multi-hot / count vectors of length ``num_tokens``."""

    def compute_cost(self, input_shape, output_shape=None):
        """0: one-hot, multi-hot or counts of integer ids (no floating-point arithmetic)."""
        return cost.free(NO_FLOAT_ARITHMETIC)

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not known "
                "beforehand, use the IntegerLookup layer instead."
            )
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return input_shape + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        return _encode_steps(input_shape, out, self.num_tokens, Text("num_tokens", "类别数 num_tokens"),
                             self.output_mode)


class Discretization(DataLayer):
    """Buckets values by ``bin_boundaries`` (or ``num_bins`` adapted bins)."""

    def compute_cost(self, input_shape, output_shape=None):
        """FLOPs = elements × ⌈log2(boundaries + 1)⌉ comparisons (TF's Bucketize: a binary search over the
        boundaries; num_bins − 1 boundaries once adapted); the encoding after it is free."""
        boundaries = len(self.bin_boundaries) if self.bin_boundaries is not None else max(self.num_bins - 1, 0)
        compares = math.ceil(math.log2(boundaries + 1)) if boundaries else 0
        if not compares:
            return cost.free(Text("no boundaries: nothing to compare", "无边界：无需比较"))
        return Cost([cost.flops(Text("bucket search (comparisons)", "分桶查找（比较）"), cost.elements(input_shape),
                                Factor(compares, f"⌈log2({num(boundaries)} + 1)⌉",
                                       Text("comparisons", "次比较")))])

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False,
                 dtype=None, name=None):
        super().__init__(name=name, dtype=dtype)
        if sparse and output_mode == "int":
            raise ValueError(
                "`sparse=True` may only be used if `output_mode` is `'one_hot'`, `'multi_hot'`, or "
                f"`'count'`. Received: sparse={sparse} and output_mode={output_mode}"
            )
        _validate_string_arg(output_mode, ("int", "one_hot", "multi_hot", "count"), "Discretization",
                             "output_mode")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. "
                f"Received: `num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse

    def _depth(self):
        if self.bin_boundaries is not None:
            return Step("shape", Text("bins", "桶数"), f"{num(len(self.bin_boundaries))} + 1",
                        len(self.bin_boundaries) + 1,
                        Text("one bin more than boundaries", "桶数 = 边界数 + 1"))
        return Step("shape", Text("bins", "桶数"), num(self.num_bins), self.num_bins)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self._depth().value
        if self.output_mode == "one_hot":
            if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        if len(input_shape) >= 2:
            return (input_shape[0],) + input_shape[2:] + (depth,)
        return (depth,)

    def output_dtype(self, inputs):
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        if self.output_mode == "int":
            return _encode_steps(input_shape, out, None, None, "int")
        depth = self._depth()
        if self.output_mode == "one_hot":
            steps = _encode_steps(input_shape, out, depth.value, Text("bins", "桶数"), "one_hot")
        else:
            steps = [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out,
                          Text(f"{self.output_mode}: the axis after the batch axis is summed over and a "
                               f"last axis of bins = {num(depth.value)} is added",
                               f"{self.output_mode}：批维度之后的一维被汇总，新增最后一维，长度为桶数 = {num(depth.value)}"))]
        return steps[:1] + [depth]


class Hashing(DataLayer):
    """Hashes values (strings or integers) into ``num_bins`` bins."""

    def compute_cost(self, input_shape, output_shape=None):
        """0: hashing into bins is integer arithmetic (no floating-point operations)."""
        return cost.free(NO_FLOAT_ARITHMETIC)

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(
                f"The `num_bins` for `Hashing` cannot be `None` or non-positive values. Received: num_bins={num_bins}."
            )
        if output_mode == "int" and self.dtype_policy.name not in ("int32", "int64"):
            raise ValueError(
                "When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or 'in64'. "
                f"Received: dtype={kwargs['dtype']}"
            )
        modes = ("int", "one_hot", "multi_hot", "count")
        if output_mode not in modes:
            raise ValueError(
                f"Invalid value for argument `output_mode`. Expected one of {modes}. Received: output_mode={output_mode}"
            )
        if sparse and output_mode == "int":
            raise ValueError(
                "`sparse` may only be true if `output_mode` is `\"one_hot\"`, `\"multi_hot\"`, or `\"count\"`. "
                f"Received: sparse={sparse} and output_mode={output_mode}"
            )
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.output_mode = output_mode
        self.sparse = sparse
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError(
                    "The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a single "
                    f"integer. Received: salt={salt}."
                )

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if not input_shape:
            return (self.num_bins,)
        return input_shape[:-1] + (self.num_bins,)

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        return _encode_steps(input_shape, out, self.num_bins, Text("num_bins", "桶数 num_bins"), self.output_mode)


class HashedCrossing(DataLayer):
    """Hashes the pairs (crosses) of two same-shaped inputs into ``num_bins`` bins."""

    def compute_cost(self, input_shape, output_shape=None):
        """0: crossing and hashing features is integer arithmetic (no floating-point operations)."""
        return cost.free(NO_FLOAT_ARITHMETIC)

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None, **kwargs):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype)  # Keras ignores any other keyword argument
        _validate_string_arg(output_mode, ("int", "one_hot"), "HashedCrossing", "output_mode")
        self.num_bins = num_bins
        self.output_mode = output_mode
        self.sparse = sparse

    def compute_output_shape(self, input_shape):
        if (not len(input_shape) == 2 or not isinstance(input_shape[0], tuple)
                or not isinstance(input_shape[1], tuple)):
            raise ValueError(f"Expected as input a list/tuple of 2 tensors. Received input_shape={input_shape}")
        first, second = input_shape
        if first[-1] != second[-1]:
            raise ValueError(
                f"Expected the two input tensors to have identical shapes. Received input_shape={input_shape}"
            )
        if self.output_mode == "int":
            return tuple(first)
        if first[-1] != 1:
            return tuple(first) + (self.num_bins,)
        return tuple(first)[:-1] + (self.num_bins,)

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        return _encode_steps(tuple(input_shape[0]), out, self.num_bins, Text("num_bins", "桶数 num_bins"),
                             self.output_mode)


# ---------------------------------------------------------------------------- lookups
ADAPT_UNSUPPORTED = (
    "{cls}.adapt(): the vocabulary (and so the size of the encoded axis) comes from the adapt() "
    "data, which nncalc does not read; pass `vocabulary=` (or `max_tokens=` with "
    "`pad_to_max_tokens=True`) instead"
)


class IndexLookup(DataLayer):
    """Maps tokens to indices: ``num_oov_indices`` OOV indices (and index 0 for ``mask_token`` in
    ``int`` mode) come before the vocabulary's tokens. Encoded modes add an axis of
    ``max_tokens`` (with ``pad_to_max_tokens``) or of the vocabulary size."""

    def compute_cost(self, input_shape, output_shape=None):
        """0: table lookups and integer encodings; output_mode='tf_idf' adds each token's idf weight into
        its bin: 1 FLOP per input token."""
        if self.output_mode != "tf_idf":
            return cost.free(NO_FLOAT_ARITHMETIC)
        return Cost([cost.flops(Text("add idf weights (weighted count)", "累加 idf 权重（加权计数）"),
                                factor(tuple(input_shape[1:]), Text("tokens", "个词元")))])

    _VOCABULARY_DTYPE = "string"

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype, vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", name=None, salt=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(
                f"`num_oov_indices` must be greater than or equal to 0. Received: num_oov_indices={num_oov_indices}"
            )
        _validate_string_arg(oov_method, ("floormod", "farmhash"), type(self).__name__, "oov_method")
        if salt is not None:
            if vocabulary_dtype != "string" and oov_method != "farmhash":
                raise ValueError(
                    f"`salt` can only be used when `oov_method='farmhash'`. Received: oov_method={oov_method}"
                )
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = list(salt)
            elif isinstance(salt, int):
                salt = [salt, salt]
            else:
                raise ValueError(
                    "The `salt` argument for `IndexLookup` can only be a tuple of 2 integers, or a single "
                    f"integer. Received: salt={salt}."
                )
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        _validate_string_arg(output_mode, ("int", "one_hot", "multi_hot", "count", "tf_idf"),
                             type(self).__name__, "output_mode")
        if invert and output_mode != "int":
            raise ValueError(f"`output_mode` must be `'int'` when `invert` is true. Received: output_mode={output_mode}")
        if sparse and output_mode == "int":
            raise ValueError(
                "`sparse` may only be true if `output_mode` is `'one_hot'`, `'multi_hot'`, `'count'` or "
                f"`'tf_idf'`. Received: sparse={sparse} and output_mode={output_mode}"
            )
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(
                "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                f"Received: idf_weights={idf_weights} and output_mode={output_mode}"
            )
        super().__init__(name=name)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = sparse
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self._frozen_vocab_size = kwargs.pop("vocabulary_size", None)
        self._has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None:
            raise ValueError(
                "When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` "
                "argument must also be provided."
            )
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Counts the vocabulary as Keras does (special tokens at its start are not counted twice)."""
        import numpy as np

        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError(
                "`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                f"Received: output_mode={self.output_mode} and idf_weights={idf_weights}"
            )
        if isinstance(vocabulary, str):
            raise Unsupported(
                f"{type(self).__name__}(vocabulary='{vocabulary}'): a vocabulary file is not read by nncalc; "
                "pass the vocabulary as a list"
            )
        if not hasattr(vocabulary, "shape") and not isinstance(vocabulary, (list, tuple)):
            raise Unsupported(f"{type(self).__name__}: vocabulary of type {type(vocabulary).__name__}")
        vocabulary = np.array(vocabulary)
        if idf_weights is not None and isinstance(idf_weights, (list, tuple)):
            idf_weights = np.array(idf_weights)
        if vocabulary.size == 0:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        oov_start = self._oov_start_index()
        token_start = self._token_start_index()
        special = [self.mask_token] * oov_start + [self.oov_token] * self.num_oov_indices
        found_special = np.array_equal(special, vocabulary[:token_start])
        tokens = vocabulary[token_start:] if found_special else vocabulary
        token_list = tokens.tolist()
        if len(set(token_list)) != len(token_list):
            repeated = sorted({t for t in token_list if token_list.count(t) > 1}, key=token_list.index)
            raise ValueError(
                "The passed vocabulary has at least one repeated term. Please uniquify your dataset. "
                f"The repeated terms are: {repeated}"
            )
        if self.mask_token is not None and self.mask_token in token_list:
            raise ValueError(
                "Found reserved mask token at unexpected location in `vocabulary`. Note that passed "
                "`vocabulary` does not need to include the OOV and mask tokens. Either remove all mask and "
                "OOV tokens, or include them only at the start of the vocabulary in precisely this order: "
                f"{special}. Received: mask_token={self.mask_token}"
            )
        if self.oov_token is not None and self.invert and self.oov_token in token_list:
            raise ValueError(
                "Found reserved OOV token at unexpected location in `vocabulary`. Note that passed "
                "`vocabulary` does not need to include the OOV and mask tokens. Either remove all mask and "
                "OOV tokens, or include them only at the start of the vocabulary in precisely this order: "
                f"{special}. Received: oov_token={self.oov_token}"
            )
        if not token_list:  # Keras fails when it fills its lookup table (InvalidArgumentError)
            raise ValueError("The vocabulary has no token besides the special tokens: keys and values "
                             "cannot be empty tensors.")
        size = token_start + len(token_list)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError(
                "Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary size "
                f"is {size}; `max_tokens` is {self.max_tokens}."
            )
        if self.output_mode == "tf_idf" and idf_weights is not None:
            if len(vocabulary) != len(idf_weights):
                raise ValueError(
                    "`idf_weights` must be the same length as vocabulary. "
                    f"len(idf_weights) is {len(idf_weights)}; len(vocabulary) is {len(vocabulary)}"
                )
            if np.ndim(idf_weights) != 1:
                raise ValueError(f"TF-IDF data must be a 1-index array. Received: type(idf_weights)={type(idf_weights)}")
        self._vocabulary_tokens = len(token_list)
        self._frozen_vocab_size = size

    def vocabulary_size(self):
        if self._frozen_vocab_size is None:
            return self._token_start_index()
        return self._frozen_vocab_size

    def adapt(self, data, steps=None):
        raise Unsupported(ADAPT_UNSUPPORTED.format(cls=type(self).__name__))

    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return input_shape
        depth = self._depth()
        input_shape = tuple(input_shape)
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def output_dtype(self, inputs):
        return "int64" if self.output_mode == "int" else "float32"

    def _depth_step(self):
        if self.pad_to_max_tokens:
            return Step("shape", Text("vocabulary size", "词表大小"), num(self.max_tokens), self.max_tokens,
                        Text("pad_to_max_tokens: the axis has max_tokens entries",
                             "pad_to_max_tokens：该维长度为 max_tokens"))
        if self._frozen_vocab_size is None:
            return Step("shape", Text("vocabulary size", "词表大小"), "None", None,
                        Text("no vocabulary yet (it would come from adapt()): Keras leaves this axis unknown",
                             "尚无词表（需由 adapt() 得到）：Keras 将该维记为未知"))
        parts = []
        if self._oov_start_index():
            parts.append(("1", Text("mask", "掩码")))
        parts.append((num(self.num_oov_indices), Text("OOV indices", "OOV 索引")))
        parts.append((num(self._vocabulary_tokens), Text("tokens", "词元")))
        formula = " + ".join(p for p, _ in parts)
        rule = Text(" + ".join(t.en for _, t in parts), " + ".join(t.zh for _, t in parts))
        return Step("shape", Text("vocabulary size", "词表大小"), formula, self._frozen_vocab_size, rule)

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        if self.output_mode == "int":
            return _encode_steps(input_shape, out, None, None, "int")
        depth = self._depth_step()
        steps = _encode_steps(tuple(input_shape), out, depth.value, Text("vocabulary size", "词表大小"),
                              self.output_mode)
        return steps[:1] + [depth]


class StringLookup(IndexLookup):
    """Maps strings to integer indices (or encodes them, see ``IndexLookup``)."""

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]", vocabulary=None,
                 idf_weights=None, invert=False, output_mode="int", pad_to_max_tokens=False, sparse=False,
                 encoding="utf-8", name=None, salt=None, **kwargs):
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)


class IntegerLookup(IndexLookup):
    """Maps integers to contiguous indices (or encodes them, see ``IndexLookup``)."""

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, oov_method="floormod", salt=None, name=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                "If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. "
                f"Received: max_tokens={max_tokens}"
            )
        if num_oov_indices < 0:
            raise ValueError(
                "The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. "
                f"Received: num_oov_indices={num_oov_indices}"
            )
        if vocabulary_dtype != "int64":
            raise ValueError(
                f"Only `vocabulary_dtype='int64'` is supported at this time. Received: vocabulary_dtype={vocabulary_dtype}"
            )
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, vocabulary_dtype=vocabulary_dtype,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name,
                         **kwargs)


class TextVectorization(DataLayer):
    """Strings → token indices (``int``: ``(batch, output_sequence_length)``) or encoded vectors.

    It owns a ``StringLookup`` (mask token ``""``), which takes the next ``string_lookup`` name.
    """

    def compute_cost(self, input_shape, output_shape=None):
        """0: standardize, split and look up are string operations; output_mode='tf_idf' adds each token's idf
        weight: 1 FLOP per token (unknown after a split: the token count is None)."""
        return self._lookup_layer.compute_cost(self._lookup_input(input_shape), output_shape)

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None, **kwargs):
        caller = "TextVectorization"
        if not (standardize is None or callable(standardize)):
            _validate_string_arg(standardize, ("lower_and_strip_punctuation", "lower", "strip_punctuation"),
                                 caller, "standardize")
        if not (split is None or callable(split)):
            _validate_string_arg(split, ("whitespace", "character"), caller, "split")
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        _validate_string_arg(output_mode, ("int", "one_hot", "multi_hot", "count", "tf_idf"), caller, "output_mode")
        if not (ngrams is None or isinstance(ngrams, int)
                or isinstance(ngrams, tuple) and all(isinstance(i, int) for i in ngrams)):
            raise ValueError(f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}")
        if output_mode == "int" and not (isinstance(output_sequence_length, int) or output_sequence_length is None):
            raise ValueError(
                "`output_sequence_length` must be either None or an integer when `output_mode` is 'int'. "
                f"Received: output_sequence_length={output_sequence_length}"
            )
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError(
                "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received output_sequence_length={output_sequence_length}."
            )
        if ragged and output_mode != "int":
            raise ValueError(
                f"`ragged` must not be true if `output_mode` is `'int'`. Received: ragged={ragged} and "
                f"output_mode={output_mode}"
            )
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._ragged = ragged
        has_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._lookup_layer = StringLookup(max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
                                          pad_to_max_tokens=pad_to_max_tokens, mask_token="",
                                          output_mode=output_mode, sparse=sparse,
                                          has_input_vocabulary=has_vocabulary, encoding=encoding,
                                          vocabulary_size=vocabulary_size)
        self._layers.append(self._lookup_layer)

    def adapt(self, data, batch_size=None, steps=None):
        raise Unsupported(ADAPT_UNSUPPORTED.format(cls="TextVectorization"))

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    def _lookup_input(self, input_shape):
        input_shape = tuple(input_shape)
        if self._split is None:
            return input_shape + (1,) if len(input_shape) <= 1 else input_shape
        return input_shape + (None,)

    def compute_output_shape(self, input_shape):
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        return self._lookup_layer.compute_output_shape(self._lookup_input(input_shape))

    def output_dtype(self, inputs):
        return "int64" if self._output_mode == "int" else "float32"

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        if self._output_mode == "int":
            length = self._output_sequence_length
            rule = (Text("one token index per token, padded or cut to output_sequence_length",
                         "每个词元一个索引，补齐或截断到 output_sequence_length")
                    if length is not None else
                    Text("one token index per token; without output_sequence_length the length is unknown",
                         "每个词元一个索引；未设置 output_sequence_length 时长度未知"))
            return [Step("shape", OUTPUT_SHAPE, f"({num(input_shape[0])}, {num(length)})", out, rule)]
        steps = self._lookup_layer.explain_shape(self._lookup_input(input_shape))
        first = steps[0]
        split_rule = (Text("the split adds a token axis (None), then ", "分词增加一个词元维（None），然后 ")
                      if self._split is not None else Text("", ""))
        rule = first.rule
        if rule is not None:
            rule = Text(split_rule.en + rule.en, split_rule.zh + rule.zh)
        return [Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out, rule)] + steps[1:]


# ---------------------------------------------------------------------------- audio
class MelSpectrogram(DataLayer):
    """Audio (batch, samples) → mel spectrogram (batch, num_mel_bins, frames)."""

    def compute_cost(self, input_shape, output_shape=None):
        """Per frame (1 + samples // sequence_stride frames as TF's stft runs; N = fft_length, K = N // 2 + 1
        bins, M = num_mel_bins): window N, real FFT
        2.5 × N × log2 N FLOPs (half a radix-2 complex FFT's 5 N log2 N; N a power of 2, else unknown),
        magnitude and power 5 per bin, mel matrix K × M MACs, power_to_db 6 per mel value."""
        n, bins, mels = self.fft_length, self.fft_length // 2 + 1, self.num_mel_bins
        if n & (n - 1):
            return Cost(unknown=Text(f"nncalc counts the FFT only for a power-of-2 fft_length (got {n})",
                                     f"nncalc 只统计长度为 2 的幂的 FFT（fft_length = {n}）"))
        # the frames TF's stft computes after padding fft_length // 2 on each side (N even)
        samples, stride = input_shape[-1], self.sequence_stride
        frames = Factor(None if samples is None else 1 + samples // stride,
                        "None" if samples is None else f"(1 + ⌊{num(samples)} / {num(stride)}⌋)",
                        Text("frames", "帧"))
        terms = []
        if self.window is not None:
            terms.append(cost.flops(Text("window", "加窗"), frames, factor(n, Text("samples", "个采样点"))))
        log2n = n.bit_length() - 1
        terms.append(cost.flops(Text("real FFT (2.5 × N × log2 N)", "实数 FFT（2.5 × N × log2 N）"), frames,
                                Factor(5 * n * log2n // 2, f"2.5 × {num(n)} × {log2n}", None)))
        terms.append(cost.flops(Text("magnitude √(re² + im²) and power", "幅度 √(re² + im²) 与乘方"), frames,
                                factor(bins, Text("bins", "个频点")), Factor(5, "5", Text("per bin", "每个频点"))))
        terms.append(cost.macs(Text("mel filter bank", "梅尔滤波器组"), frames, factor(bins, Text("bins", "个频点")),
                               factor(mels, Text("mel bins", "个梅尔频带"))))
        if self.power_to_db:
            terms.append(cost.flops(Text("power to dB (max, log10, × 10, − ref, global max, clamp)",
                                         "功率转分贝（max、log10、× 10、减参考值、全局最大值、截断）"),
                                    frames, factor(mels, Text("mel bins", "个梅尔频带")),
                                    Factor(6, "6", Text("per value", "每个值"))))
        return Cost(terms)

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None, window="hann",
                 sampling_rate=16000, num_mel_bins=128, min_freq=20.0, max_freq=None, power_to_db=True,
                 top_db=80.0, mag_exp=2.0, min_power=1e-10, ref_power=1.0, **kwargs):
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(
                "`fft_length` must be greater than or equal to   `sequence_length`. Received: "
                f"`sequence_length`={self.sequence_length}, `fft_length`={self.fft_length}."
            )
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)  # after the checks: a rejected layer takes no name

    def _frames(self, samples):
        if samples is None:
            return None
        return (samples + self.sequence_stride + 1) // self.sequence_stride

    def compute_output_shape(self, input_shape):
        if len(input_shape) == 1:
            return (self.num_mel_bins, self._frames(input_shape[0]))
        return (input_shape[0], self.num_mel_bins, self._frames(input_shape[1]))

    def explain_shape(self, input_shape):
        out = self.compute_output_shape(input_shape)
        samples = input_shape[0] if len(input_shape) == 1 else input_shape[1]
        stride = num(self.sequence_stride)
        formula = "None" if samples is None else f"⌊({num(samples)} + {stride} + 1) / {stride}⌋"
        return [
            Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out,
                 Text("(batch, mel bins, frames)", "（批大小, 梅尔频带数, 帧数）")),
            Step("shape", Text("mel bins", "梅尔频带数"), num(self.num_mel_bins), self.num_mel_bins),
            Step("shape", Text("frames", "帧数"), formula, out[-1],
                 Text("⌊(samples + sequence_stride + 1) / sequence_stride⌋, as Keras computes it",
                      "⌊(采样点数 + sequence_stride + 1) / sequence_stride⌋，与 Keras 的计算一致")),
        ]


# ---------------------------------------------------------------------------- Pipeline
class _ShapeOnly:
    """What ``Layer._check_input_spec`` reads of a tensor: its shape (no automatic name taken)."""

    def __init__(self, shape):
        self.shape = tuple(shape)


class Pipeline(Layer):
    """Applies ``layers`` one after the other; their weights are the pipeline's weights."""

    def compute_cost(self, input_shape, output_shape=None):
        """The layers' costs added up, each on the previous layer's output shape."""
        total, shape = Cost(), input_shape
        for layer in self._pipeline_layers:
            out = layer.output_shape_for_call(shape)
            part = layer.cost_for_call(out, shape)
            unknown = part.why_unknown()
            if unknown is not None:
                unknown = Text(f"{layer.name}: {unknown.en}", f"{layer.name}：{unknown.zh}")
            total = total + Cost([Term(t.kind, Text(f"{layer.name}: {t.label.en}", f"{layer.name}：{t.label.zh}"),
                                       t.factors) for t in part.terms], unknown)
            shape = out
        return total

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        self._pipeline_layers = layers
        self._layers = list(layers)

    @property
    def layers(self):
        return self._pipeline_layers

    def _run(self, input_shape, build):
        shape = input_shape
        for layer in self._pipeline_layers:
            layer._check_input_spec(_ShapeOnly(shape))
            if build and not layer.built:
                layer._build_shapes = shape
                layer.build_for_call(shape)
                layer.built = True
            shape = layer.output_shape_for_call(shape)
        return shape

    def build_for_call(self, input_shape, *args, **kwargs):
        self._run(input_shape, build=True)

    def compute_output_shape(self, input_shape):
        return self._run(input_shape, build=False)

    def explain_shape(self, input_shape):
        steps, shape = [], input_shape
        for layer in self._pipeline_layers:
            out = layer.compute_output_shape(shape)
            steps.append(Step("shape", Text(f"after {layer.name}", f"经过 {layer.name} 后"),
                              f"{shape_text(shape)} → {shape_text(out)}", out))
            shape = out
        return [Step("shape", OUTPUT_SHAPE, shape_text(shape), shape,
                     Text("the output of the last layer of the pipeline", "流水线中最后一层的输出"))] + steps


# Window names ``scipy.signal.get_window(name, 1)`` accepts (scipy 1.14-1.16), which Keras
# calls to validate a string ``window``; windows that need parameters (kaiser, ...) fail there.
SCIPY_WINDOWS = frozenset((
    "bart barthann bartlett bkh black blackharr blackman blackmanharris blk bman bmn bohman box "
    "boxcar brt brthan bth cosine exponential flat flattop flt halfcosine ham hamm hamming han hann "
    "lanczos nut nutl nuttall ones par parz parzen poisson rect rectangular sinc taylor taylorwin "
    "tri triang triangle tuk tukey").split())
STFT_MODES = ["log", "magnitude", "psd", "real", "imag", "angle", "stft"]


class STFTSpectrogram(Layer):
    """A short-time Fourier transform as two 1-D convolutions (real and imaginary kernels).

    kernels: ``real_kernel`` / ``imag_kernel`` (frame_length, 1, F) with F = fft_length // 2 + 1
    (``fft_length`` defaults to the next power of 2 ≥ frame_length); mode 'real' keeps only the
    first, 'imag' only the second. Output: frames = the 1-D convolution size of the time axis
    (kernel frame_length, stride frame_step = frame_length // 2 by default, padding);
    channels = F × input channels (2F for mode 'stft'), or with ``expand_dims``
    (batch, frames, F, channels).
    """

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann",
                 periodic=False, scaling="density", padding="valid", expand_dims=False, data_format=None,
                 **kwargs):
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError(
                "`frame_step` should be a positive integer not greater than `frame_length`. "
                f"Received frame_step={frame_step}, frame_length={frame_length}"
            )
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(
                "`fft_length` should be not less than `frame_length`. "
                f"Received fft_length={fft_length}, frame_length={frame_length}"
            )
        if mode not in STFT_MODES:
            raise ValueError(
                f"Output mode is invalid, it must be one of {', '.join(STFT_MODES)}. Received: mode={mode}"
            )
        if scaling is not None and scaling not in ["density", "spectrum"]:
            raise ValueError(
                "Scaling is invalid, it must be `None`, 'density' or 'spectrum'. "
                f"Received scaling={scaling}"
            )
        if padding not in ["valid", "same"]:
            raise ValueError(f"Padding is invalid, it should be 'valid', 'same'. Received: padding={padding}")
        if isinstance(window, str) and window not in SCIPY_WINDOWS:
            raise ValueError(f"Invalid window name {window!r} in parameter window={window!r}!")
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = window
        self.padding = padding
        self.expand_dims = expand_dims
        self.data_format = standardize_data_format(data_format)
        from ..core.layer import InputSpec

        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(name="real_kernel", shape=shape)
        if self.mode != "real":
            self.imag_kernel = self.add_weight(name="imag_kernel", shape=shape)
        self.built = True

    weight_names_zh = {"real_kernel": "实部卷积核", "imag_kernel": "虚部卷积核"}

    def _frames(self, input_shape):
        from .window import spatial_outputs

        if self._frame_step == 0:  # frame_length 1 and no frame_step: Keras divides by zero
            raise ValueError(f"frame_step defaults to frame_length // 2 = 0 for frame_length="
                             f"{self.frame_length}: a stride of 0 (Keras fails with a division by zero)")

        return spatial_outputs(input_shape, "kernel size", (self.frame_length,), (self._frame_step,),
                               self.padding, (1,), self.data_format)[0]

    def compute_output_shape(self, input_shape):
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        bins = self._fft_length // 2 + 1
        if self.mode == "stft":
            bins *= 2
        frames = self._frames(input_shape).value
        if self.expand_dims:
            if self.data_format == "channels_last":
                return (input_shape[0], frames, bins, channels)
            return (input_shape[0], channels, frames, bins)
        features = None if channels is None else bins * channels
        if self.data_format == "channels_last":
            return (input_shape[0], frames, features)
        return (input_shape[0], features, frames)

    def param_rule(self):
        return Text("frame_length × 1 × (fft_length // 2 + 1) per kernel (real and/or imaginary)",
                    "每个卷积核 frame_length × 1 × (fft_length // 2 + 1)（实部和/或虚部）")

    def explain_shape(self, input_shape):
        from .window import window_rule

        out = self.compute_output_shape(input_shape)
        frames = self._frames(input_shape)
        bins = self._fft_length // 2 + 1
        return [
            Step("shape", OUTPUT_SHAPE, f"{shape_text(input_shape)} → {shape_text(out)}", out),
            Step("shape", Text("frames", "帧数"), frames.formula, frames.value, window_rule(self.padding)),
            Step("shape", Text("frequency bins", "频点数"), f"{num(self._fft_length)} // 2 + 1", bins,
                 Text("fft_length // 2 + 1 (doubled for mode='stft': real and imaginary parts)",
                      "fft_length // 2 + 1（mode='stft' 时实部、虚部各一份，数量加倍）")),
        ]

    def compute_cost(self, input_shape, output_shape):
        """MACs = frames × channels × frame_length × F per kernel (real, imaginary or both);
        FLOPs = 2 × MACs + per value: power re² + im² 3, then psd + 1, magnitude + 2 (max, sqrt),
        log + 4 (max, sqrt, max, log), angle arctan2 1."""
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        bins = self._fft_length // 2 + 1
        frames = factor(self._frames(input_shape).value, Text("frames", "帧"))
        kernels = (self.mode != "imag") + (self.mode != "real")
        values = [frames, factor(channels, Text("channels", "个通道")), factor(bins, Text("bins", "个频点"))]
        terms = [cost.macs(Text("framed Fourier products", "分帧傅里叶乘法"), *values,
                           factor(self.frame_length, Text("samples per frame", "每帧采样点")),
                           factor(kernels, Text("kernels", "个卷积核")))]
        per_value = {"real": 0, "imag": 0, "stft": 0, "angle": 1, "psd": 4, "magnitude": 5, "log": 7}[self.mode]
        if per_value:
            terms.append(cost.flops(Text(f"mode '{self.mode}' per value", f"模式 '{self.mode}' 每个值"), *values,
                                    Factor(per_value, str(per_value), Text("per value", "每个值"))))
        return Cost(terms)


EXPORTS = {
    cls.__name__: cls
    for cls in (
        STFTSpectrogram, Rescaling, Resizing, CenterCrop, RandomCrop, RandomFlip, RandomRotation, RandomZoom, RandomTranslation,
        RandomShear, RandomPerspective, RandomElasticTransform, RandomContrast, RandomBrightness,
        RandomColorDegeneration, RandomSaturation, RandomSharpness, RandomPosterization, RandomHue, RandomInvert,
        RandomGrayscale, RandomErasing, RandomGaussianBlur, Solarization, AutoContrast, Equalization,
        ContrastLimitedAdaptiveHistogramEqualization, MixUp, CutMix, MaxNumBoundingBoxes, AugMix, RandAugment,
        RandomColorJitter, Normalization, CategoryEncoding, Discretization, Hashing, HashedCrossing,
        StringLookup, IntegerLookup, TextVectorization, MelSpectrogram, Pipeline,
    )
}
