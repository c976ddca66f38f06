"""Xception (Chollet, 2017): depthwise-separable convolutions in residual blocks, 299x299 input.

* Stem ``block1``: two 'valid' 3x3 convolutions (32 with stride 2, then 64), each with
  BN (``_bn``) and ReLU (``_act``).
* Entry flow, blocks 2-4 with widths 128, 256, 728 and block 13 with (728, 1024): a
  strided 1x1 conv + BN shortcut (auto-named ``conv2d``, ``batch_normalization``), two units
  ``[ReLU] -> SeparableConv2D 3x3 'same' -> BN`` (block 2 has no first ReLU), a 3x3 max
  pool of stride 2 (``_pool``), and ``add`` (auto-named) with the shortcut.
* Middle flow, blocks 5-12: three 728-wide units ``ReLU -> SeparableConv2D -> BN`` plus
  the identity.
* Exit ``block14``: ``SeparableConv2D -> BN -> ReLU`` at 1536 then 2048 filters.

Top: ``avg_pool`` + ``predictions``; without it ``pooling`` adds an auto-named global pool.
Convolutions have no bias; BN has Keras' default epsilon 1e-3.
"""

from __future__ import annotations

from .. import backend, layers
from ...core.functional import Functional
from . import imagenet_utils
from .imagenet_utils import decode_predictions

__all__ = ["Xception", "decode_predictions", "preprocess_input"]

# Blocks with a strided conv shortcut: block number, (sepconv1, sepconv2) filters.
ENTRY_BLOCKS = ((2, (128, 128)), (3, (256, 256)), (4, (728, 728)))
EXIT_SHORTCUT_BLOCK = (13, (728, 1024))
MIDDLE_BLOCKS = range(5, 13)


def _channel_axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else -1


def separable_unit(x, filters, prefix, activate_first=True):
    """``[relu ->] SeparableConv2D(filters, 3x3, 'same', no bias) -> BN``, named ``{prefix}[_act|_bn]``."""
    if activate_first:
        x = layers.Activation("relu", name=f"{prefix}_act")(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=prefix)(x)
    return layers.BatchNormalization(axis=_channel_axis(), name=f"{prefix}_bn")(x)


def shortcut_block(x, block, widths, first_activation=True):
    """Two separable units and a stride-2 max pool, added to a strided 1x1 conv shortcut."""
    residual = layers.Conv2D(widths[-1], (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization(axis=_channel_axis())(residual)
    for k, filters in enumerate(widths, start=1):
        x = separable_unit(x, filters, f"block{block}_sepconv{k}", activate_first=first_activation or k > 1)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def middle_block(x, block):
    """Three 728-wide separable units plus the identity."""
    residual = x
    for k in range(1, 4):
        x = separable_unit(x, 728, f"block{block}_sepconv{k}")
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="xception"):
    """Xception: 36 convolutions in 14 blocks, 22,910,480 parameters with the top."""
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError(imagenet_utils.WEIGHTS_MESSAGE)  # Xception's message names no value
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  "
                         f"Received classes={classes}")
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=299, min_size=71,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    x = img_input
    for k, (filters, strides) in enumerate(((32, (2, 2)), (64, (1, 1))), start=1):
        x = layers.Conv2D(filters, (3, 3), strides=strides, use_bias=False, name=f"block1_conv{k}")(x)
        x = layers.BatchNormalization(axis=_channel_axis(), name=f"block1_conv{k}_bn")(x)
        x = layers.Activation("relu", name=f"block1_conv{k}_act")(x)
    for block, widths in ENTRY_BLOCKS:
        x = shortcut_block(x, block, widths, first_activation=block != 2)
    for block in MIDDLE_BLOCKS:
        x = middle_block(x, block)
    x = shortcut_block(x, *EXIT_SHORTCUT_BLOCK)
    for k, filters in enumerate((1536, 2048), start=1):
        x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=f"block14_sepconv{k}")(x)
        x = layers.BatchNormalization(axis=_channel_axis(), name=f"block14_sepconv{k}_bn")(x)
        x = layers.Activation("relu", name=f"block14_sepconv{k}_act")(x)
    if include_top:
        x = imagenet_utils.classifier(x, classes, classifier_activation, weights)
    else:
        x = imagenet_utils.global_pooling(x, pooling)
    return Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)


def preprocess_input(x, data_format=None):
    """'tf' mode: pixels scaled to [-1, 1] (``x / 127.5 - 1``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
