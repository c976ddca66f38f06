"""Inception-ResNet-v2 (Szegedy et al., 2017): Inception blocks with scaled residual connections.

``conv2d_bn``: Conv2D (no bias) -> BatchNormalization (``scale=False``) -> ReLU; auto-named
unless a name is given (then ``{name}``, ``{name}_bn``, ``{name}_ac``). Padding 'same'
unless noted; stride-2 convolutions are 'valid'.

* Stem (as Inception V3): 3x3/2 (32, valid), 3x3 (32, valid), 3x3 (64), 3x3/2 max pool,
  1x1 (80, valid), 3x3 (192, valid), 3x3/2 max pool.
* ``mixed_5b``: 1x1 (96) | 1x1 (48) 5x5 (64) | 1x1 (64) 3x3 (96) 3x3 (96) | 3x3 average
  pool, 1x1 (64): 320 channels.
* 10 ``block35_{i}`` (scale 0.17): 1x1 (32) | 1x1 (32) 3x3 (32) | 1x1 (32) 3x3 (48) 3x3 (64).
* ``mixed_6a``: 3x3/2 (384) | 1x1 (256) 3x3 (256) 3x3/2 (384) | 3x3/2 max pool: 1088 channels.
* 20 ``block17_{i}`` (scale 0.1): 1x1 (192) | 1x1 (128) 1x7 (160) 7x1 (192).
* ``mixed_7a``: 1x1 (256) 3x3/2 (384) | 1x1 (256) 3x3/2 (288) | 1x1 (256) 3x3 (288) 3x3/2
  (320) | max pool: 2080 channels.
* 10 ``block8_{i}`` (scale 0.2; the 10th scale 1.0 and no ReLU): 1x1 (192) | 1x1 (192)
  1x3 (224) 3x1 (256).
* ``conv_7b``: 1x1 (1536).

A residual block concatenates its branches (``{block}_mixed``), projects them back to the
input's ``C`` channels with a biased 1x1 conv (``{block}_conv``, ``(k + 1) C`` parameters
for ``k`` concatenated channels), and computes ``x + scale * up`` (``CustomScaleLayer``,
auto-named) then ReLU (``{block}_ac``). Top: ``avg_pool`` + ``predictions``; without it
``pooling`` adds an auto-named global pool.
"""

from __future__ import annotations

from .. import backend, layers
from ...core.functional import Functional
from ...io.revived import CustomScaleLayer
from . import imagenet_utils
from .imagenet_utils import decode_predictions

__all__ = ["InceptionResNetV2", "decode_predictions", "preprocess_input"]

# A branch is a sequence of steps: a convolution (filters, kernel) or (filters, kernel,
# strides, padding), or "avg" (3x3 average pool, stride 1, 'same') / "max" (3x3/2 max pool).
V2 = (2, "valid")
STEM = ((32, 3) + V2, (32, 3, 1, "valid"), (64, 3), "max", (80, 1, 1, "valid"), (192, 3, 1, "valid"), "max")
MIXED_5B = (((96, 1),), ((48, 1), (64, 5)), ((64, 1), (96, 3), (96, 3)), ("avg", (64, 1)))
MIXED_6A = (((384, 3) + V2,), ((256, 1), (256, 3), (384, 3) + V2), ("max",))
MIXED_7A = (((256, 1), (384, 3) + V2), ((256, 1), (288, 3) + V2), ((256, 1), (288, 3), (320, 3) + V2), ("max",))

# Residual block type -> (repeats, scale, branches)
RESIDUAL_BLOCKS = {
    "block35": (10, 0.17, (((32, 1),), ((32, 1), (32, 3)), ((32, 1), (48, 3), (64, 3)))),
    "block17": (20, 0.1, (((192, 1),), ((128, 1), (160, (1, 7)), (192, (7, 1))))),
    "block8": (10, 0.2, (((192, 1),), ((192, 1), (224, (1, 3)), (256, (3, 1))))),
}


def _channel_axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu", use_bias=False, name=None):
    """Conv2D, then BatchNormalization (no scale) unless ``use_bias``, then the activation if any."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=_channel_axis(), scale=False,
                                      name=None if name is None else f"{name}_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


def branch(x, steps):
    """The steps of one branch, in order."""
    for step in steps:
        if step == "avg":
            x = layers.AveragePooling2D(3, strides=1, padding="same")(x)
        elif step == "max":
            x = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
        else:
            x = conv2d_bn(x, *step)
    return x


def inception_block(x, branches, name):
    """The branches, concatenated on the channel axis as ``name``."""
    return layers.Concatenate(axis=_channel_axis(), name=name)([branch(x, steps) for steps in branches])


def residual_block(x, block_type, index, scale, activation="relu"):
    """``activation(x + scale * conv1x1(concat(branches)))``, named ``{block_type}_{index}_*``."""
    block_name = f"{block_type}_{index}"
    mixed = inception_block(x, RESIDUAL_BLOCKS[block_type][2], f"{block_name}_mixed")
    up = conv2d_bn(mixed, x.shape[_channel_axis()], 1, activation=None, use_bias=True, name=f"{block_name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{block_name}_ac")(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                      classes=1000, classifier_activation="softmax", name="inception_resnet_v2"):
    """Inception-ResNet-v2: 40 residual Inception blocks, 55,873,736 parameters with the top."""
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded.")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights="imagenet"` with `include_top=True`, `classes` should be 1000. '
                         f"Received classes={classes}")
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=299, min_size=75,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    x = branch(img_input, STEM)
    for mixed_name, branches, block_type in (("mixed_5b", MIXED_5B, "block35"), ("mixed_6a", MIXED_6A, "block17"),
                                             ("mixed_7a", MIXED_7A, "block8")):
        x = inception_block(x, branches, mixed_name)
        repeats, scale, _ = RESIDUAL_BLOCKS[block_type]
        for index in range(1, repeats + 1):
            last = block_type == "block8" and index == repeats
            x = residual_block(x, block_type, index, 1.0 if last else scale, activation=None if last else "relu")
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
    if include_top:
        x = imagenet_utils.classifier(x, classes, classifier_activation, weights)
    else:
        x = imagenet_utils.global_pooling(x, pooling)
    return Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)


def preprocess_input(x, data_format=None):
    """'tf' mode: pixels scaled to [-1, 1] (``x / 127.5 - 1``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
