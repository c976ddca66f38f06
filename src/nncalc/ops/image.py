"""``keras.ops.image``: ``extract_patches`` and ``resize`` (``keras/src/ops/image.py``)."""

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
