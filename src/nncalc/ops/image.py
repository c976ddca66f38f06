"""``keras.ops.image``: ``extract_patches``, ``resize``, ``rgb_to_grayscale``, ``affine_transform``,
``pad_images``, ``crop_images`` (shapes as ``keras/src/ops/image.py``'s ``compute_output_spec``)."""

from __future__ import annotations

import math

from ..core.explain import Text
from .base import Operation, Spec, apply, operand_shape
from .numpy import _dtype
from .shapes import conv_shape


def _data_format(data_format):
    fmt = (data_format or "channels_last").lower()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
                         f"Received: data_format={data_format}")
    return fmt


class ExtractPatches(Operation):
    """Patches as a convolution with an identity kernel: channels become size × size × channels."""

    operation = Text("patch extraction", "提取图块")
    shape_rule = Text("each patch position: floor((I - K) / S) + 1 ('valid') or ceil(I / S) ('same'); "
                      "channels: patch height × patch width × channels",
                      "每个图块位置：floor((I - K) / S) + 1（valid）或 ceil(I / S)（same）；通道：图块高 × 图块宽 × 通道数")
    flops_per_element = None

    def __init__(self, size, strides=None, dilation_rate=1, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        size = (size, size) if isinstance(size, int) else tuple(size)
        self.size, self.is_3d = size, len(size) == 3
        self.strides = size if strides is None else strides
        self.dilation_rate, self.padding = dilation_rate, padding
        self.data_format = _data_format(data_format)

    def compute_output_spec(self, images):
        shape = list(operand_shape(images))
        ndim = len(shape)
        if self.data_format == "channels_last":
            channels = shape[-1]
        else:
            channels = shape[-4] if self.is_3d else shape[-3]
        unbatched = ndim == (4 if self.is_3d else 3)
        if unbatched:
            shape = [1] + shape
        if channels is None:  # Keras fails too (size × size × None)
            raise ValueError(f"the number of channels of images must be known; received images.shape={tuple(shape)}")
        filters = math.prod(self.size) * channels
        out = conv_shape(shape, filters, self.size, self.strides, self.padding, self.data_format,
                         self.dilation_rate)
        return Spec(out[1:] if unbatched else out, _dtype(images))


class Resize(Operation):
    """``resize(images, size)``: height and width become ``size``."""

    operation = Text("image resizing (interpolation)", "图像缩放（插值）")
    shape_rule = Text("height and width become size", "高和宽变为 size")

    def __init__(self, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
                 pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.size, self.interpolation = tuple(size), interpolation
        self.data_format = _data_format(data_format)

    def compute_output_spec(self, images):
        shape = list(operand_shape(images))
        if len(shape) not in (3, 4):
            raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch of "
                             f"images). Received input with shape: images.shape={tuple(shape)}")
        h, w = (-3, -2) if self.data_format == "channels_last" else (-2, -1)
        shape[h], shape[w] = self.size[0], self.size[1]
        return Spec(shape, _dtype(images))


def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    return apply(ExtractPatches, (images,), size=size, strides=strides, dilation_rate=dilation_rate,
                 padding=padding, data_format=data_format)


def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    return apply(Resize, (images,), size=size, interpolation=interpolation, antialias=antialias,
                 crop_to_aspect_ratio=crop_to_aspect_ratio, pad_to_aspect_ratio=pad_to_aspect_ratio,
                 fill_mode=fill_mode, fill_value=fill_value, data_format=data_format)


def _image_rank(shape) -> None:
    if len(shape) not in (3, 4):
        raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                         f"Received: images.shape={list(shape)}")


class RGBToGrayscale(Operation):
    """``rgb_to_grayscale(images)``: the channel axis (3 or 1) becomes 1; 5 FLOPs per output
    element (three products, two adds)."""

    operation = Text("weighted sum of the colour channels", "颜色通道加权求和")
    shape_rule = Text("the channel axis becomes 1", "通道维变为 1")
    flops_per_element = 5

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(data_format)

    def compute_output_spec(self, images):
        shape = list(operand_shape(images))
        _image_rank(shape)
        axis = -1 if self.data_format == "channels_last" else -3
        if shape[axis] is not None and shape[axis] not in (1, 3):
            raise ValueError("Invalid channel size: expected 3 (RGB) or 1 (Grayscale). "
                             f"Received input with shape: images.shape={tuple(shape)}")
        shape[axis] = 1
        return Spec(shape, _dtype(images))


class AffineTransform(Operation):
    """``affine_transform(images, transform)``: the images' shape kept (transform of rank 1 or 2)."""

    operation = Text("affine transform (resampling)", "仿射变换（重采样）")
    shape_rule = Text("the shape is kept", "形状不变")

    def __init__(self, interpolation="bilinear", fill_mode="constant", fill_value=0, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.interpolation, self.fill_mode, self.fill_value = interpolation, fill_mode, fill_value
        self.data_format = _data_format(data_format)

    def compute_output_spec(self, images, transform):
        shape, tshape = operand_shape(images), operand_shape(transform)
        if len(shape) not in (3, 4):
            raise ValueError("Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                             f"Received input with shape: images.shape={tuple(shape)}")
        if len(tshape) not in (1, 2):
            raise ValueError("Invalid transform rank: expected rank 1 (single transform) or rank 2 (batch of "
                             f"transforms). Received input with shape: transform.shape={tuple(tshape)}")
        return Spec(shape, _dtype(images))

    def cost_for_call(self, output_shape, *args, **kwargs):
        from ..core import cost

        return cost.not_modelled("AffineTransform")


def _margins(size, before, after, target, sign, words):
    """One axis of pad_images (sign +1) or crop_images (sign -1), as Keras computes it."""
    b_name, a_name, t_name = words
    if target is None and size is not None:
        target = size + sign * (before + after)
    if size is not None:
        if before is None:
            before = sign * (target - size) - after
        if after is None:
            after = sign * (target - size) - before
        for value, name in ((before, b_name), (after, a_name), (target, t_name)):
            if value < 0:
                raise ValueError(f"{name} must be >= 0. Received: {name}={value}")
    return target


class PadImages(Operation):
    """``pad_images``: height and width become the targets (or size + both paddings)."""

    operation = Text("zero padding", "零填充")
    shape_rule = Text("height and width: top + H + bottom, left + W + right (or the targets)",
                      "高和宽：top + H + bottom、left + W + right（或目标尺寸）")
    flops_per_element = None
    sign, words = 1, "padding"

    def __init__(self, top=None, left=None, bottom=None, right=None, target_height=None, target_width=None,
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.top, self.left, self.bottom, self.right = top, left, bottom, right
        self.target_height, self.target_width = target_height, target_width
        self.data_format = _data_format(data_format)

    def compute_output_spec(self, images):
        shape = list(operand_shape(images))
        _image_rank(shape)
        w = self.words
        for names, values in (((f"top_{w}", f"bottom_{w}", "target_height"), (self.top, self.bottom, self.target_height)),
                              ((f"left_{w}", f"right_{w}", "target_width"), (self.left, self.right, self.target_width))):
            if list(values).count(None) != 1:
                raise ValueError(f"Must specify exactly two of {', '.join(names)}. Received: "
                                 + ", ".join(f"{n}={v}" for n, v in zip(names, values)))
        for name, value in ((f"top_{w}", self.top), (f"bottom_{w}", self.bottom), ("target_height", self.target_height),
                            (f"left_{w}", self.left), (f"right_{w}", self.right), ("target_width", self.target_width)):
            if value is not None and value < 0:
                raise ValueError(f"{name} must be >= 0. Received: {name}={value}")
        h, wi = (-3, -2) if self.data_format == "channels_last" else (-2, -1)
        self._check_unknown(shape, h, wi)
        shape[h] = _margins(shape[h], self.top, self.bottom, self.target_height, self.sign,
                            (f"top_{w}", f"bottom_{w}", "target_height"))
        shape[wi] = _margins(shape[wi], self.left, self.right, self.target_width, self.sign,
                             (f"left_{w}", f"right_{w}", "target_width"))
        return Spec(shape, _dtype(images))

    def _check_unknown(self, shape, h, w):
        pass


class CropImages(PadImages):
    """``crop_images``: height and width become the targets (or size minus both croppings)."""

    operation = Text("cropping", "裁剪")
    shape_rule = Text("height and width: H - top - bottom, W - left - right (or the targets)",
                      "高和宽：H - top - bottom、W - left - right（或目标尺寸）")
    sign, words = -1, "cropping"

    def _check_unknown(self, shape, h, w):
        if shape[h] is None and self.target_height is None:
            raise ValueError("When the height of the images is unknown, `target_height` must be specified."
                             f"Received images.shape={shape} and target_height={self.target_height}")
        if shape[w] is None and self.target_width is None:
            raise ValueError("When the width of the images is unknown, `target_width` must be specified."
                             f"Received images.shape={shape} and target_width={self.target_width}")


def rgb_to_grayscale(images, data_format=None):
    return apply(RGBToGrayscale, (images,), data_format=data_format)


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format=None):
    return apply(AffineTransform, (images, transform), interpolation=interpolation, fill_mode=fill_mode,
                 fill_value=fill_value, data_format=data_format)


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    return apply(PadImages, (images,), top=top_padding, left=left_padding, bottom=bottom_padding,
                 right=right_padding, target_height=target_height, target_width=target_width, data_format=data_format)


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                target_height=None, target_width=None, data_format=None):
    return apply(CropImages, (images,), top=top_cropping, left=left_cropping, bottom=bottom_cropping,
                 right=right_cropping, target_height=target_height, target_width=target_width,
                 data_format=data_format)


# TF profiler (--flops-convention tf, measured): ImageProjectiveTransformV3 has no registered "flops"
# statistic: 0.
AffineTransform.tf_ops = {}
