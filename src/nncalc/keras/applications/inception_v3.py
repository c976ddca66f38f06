"""Inception V3 (Szegedy et al., 2016): a stem and eleven Inception blocks ``mixed0`` .. ``mixed10``.

Every convolution is ``conv2d_bn``: Conv2D (no bias) -> BatchNormalization (``scale=False``)
-> ReLU, all auto-named; 'same' padding unless noted, stride-2 ones 'valid'.

* Stem: 3x3/2 (32, valid), 3x3 (32, valid), 3x3 (64), 3x3/2 max pool, 1x1 (80, valid),
  3x3 (192, valid), 3x3/2 max pool.
* ``mixed0-2`` (35x35 at 299): 1x1 (64) | 1x1 (48) 5x5 (64) | 1x1 (64) 3x3 (96) 3x3 (96) |
  3x3 average pool, 1x1 (32, 64, 64).
* ``mixed3`` (reduction): 3x3/2 (384) | 1x1 (64) 3x3 (96) 3x3/2 (96) | 3x3/2 max pool.
* ``mixed4-7`` (17x17), ``c = 128, 160, 160, 192``: 1x1 (192) | 1x1 (c) 1x7 (c) 7x1 (192) |
  1x1 (c) 7x1 (c) 1x7 (c) 7x1 (c) 1x7 (192) | average pool, 1x1 (192).
* ``mixed8`` (reduction): 1x1 (192) 3x3/2 (320) | 1x1 (192) 1x7 7x1 3x3/2 (192) | max pool.
* ``mixed9``, ``mixed10`` (8x8): 1x1 (320) | 1x1 (384) then 1x3 and 3x1 (384) joined in
  ``mixed9_{i}`` | 1x1 (448) 3x3 (384) then 1x3 and 3x1 (384) joined (auto-named) |
  average pool, 1x1 (192).

Each block concatenates its branches on the channel axis (named ``mixed{n}``). Top:
``avg_pool`` + ``predictions``; without it ``pooling`` adds an auto-named global pool.
"""

from __future__ import annotations

from .. import backend, layers
from ...core.functional import Functional
from . import imagenet_utils
from .imagenet_utils import decode_predictions

__all__ = ["InceptionV3", "decode_predictions", "preprocess_input"]

# A convolution: (filters, rows, cols) with stride 1 and 'same' padding, or
# (filters, rows, cols, strides, padding).
STEM = ((32, 3, 3, 2, "valid"), (32, 3, 3, 1, "valid"), (64, 3, 3), "max", (80, 1, 1, 1, "valid"),
        (192, 3, 3, 1, "valid"), "max")

# A branch: ("conv", convolutions) | ("avg", filters): average pool then 1x1 conv |
# ("max",): 3x3/2 max pool | ("split", convolutions, filters, name): then 1x3 and 3x1 joined.


def block_a(pool_filters):
    return (("conv", ((64, 1, 1),)), ("conv", ((48, 1, 1), (64, 5, 5))),
            ("conv", ((64, 1, 1), (96, 3, 3), (96, 3, 3))), ("avg", pool_filters))


def block_c(c):
    return (("conv", ((192, 1, 1),)), ("conv", ((c, 1, 1), (c, 1, 7), (192, 7, 1))),
            ("conv", ((c, 1, 1), (c, 7, 1), (c, 1, 7), (c, 7, 1), (192, 1, 7))), ("avg", 192))


def block_e(i):
    return (("conv", ((320, 1, 1),)), ("split", ((384, 1, 1),), 384, f"mixed9_{i}"),
            ("split", ((448, 1, 1), (384, 3, 3)), 384, None), ("avg", 192))


BLOCKS = (
    *(block_a(f) for f in (32, 64, 64)),
    (("conv", ((384, 3, 3, 2, "valid"),)), ("conv", ((64, 1, 1), (96, 3, 3), (96, 3, 3, 2, "valid"))), ("max",)),
    *(block_c(c) for c in (128, 160, 160, 192)),
    (("conv", ((192, 1, 1), (320, 3, 3, 2, "valid"))),
     ("conv", ((192, 1, 1), (192, 1, 7), (192, 7, 1), (192, 3, 3, 2, "valid"))), ("max",)),
    *(block_e(i) for i in range(2)),
)


def _channel_axis() -> int:
    return 1 if backend.image_data_format() == "channels_first" else 3


def conv2d_bn(x, filters, rows, cols, strides=1, padding="same"):
    """Conv2D (no bias) -> BatchNormalization (no scale) -> ReLU, auto-named."""
    x = layers.Conv2D(filters, (rows, cols), strides=(strides, strides), padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization(axis=_channel_axis(), scale=False)(x)
    return layers.Activation("relu")(x)


def conv_chain(x, convs):
    """``conv2d_bn`` for each convolution spec, in order."""
    for conv in convs:
        x = conv2d_bn(x, *conv)
    return x


def branch(x, spec):
    """One branch of an Inception block (see the spec kinds above)."""
    kind = spec[0]
    if kind == "conv":
        return conv_chain(x, spec[1])
    if kind == "avg":
        x = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
        return conv2d_bn(x, spec[1], 1, 1)
    if kind == "max":
        return layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    _, convs, filters, name = spec
    x = conv_chain(x, convs)
    parts = [conv2d_bn(x, filters, 1, 3), conv2d_bn(x, filters, 3, 1)]
    return layers.concatenate(parts, axis=_channel_axis(), name=name)


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="inception_v3"):
    """Inception V3: 94 convolutions, 23,851,784 parameters with the top."""
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded; "
                         f"Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights="imagenet"` with `include_top=True`, `classes` should be 1000. '
                         f"Received classes={classes}")
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=299, min_size=75,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    x = img_input
    for step in STEM:
        x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x) if step == "max" else conv2d_bn(x, *step)
    for n, branches in enumerate(BLOCKS):
        outputs = [branch(x, spec) for spec in branches]
        x = layers.concatenate(outputs, axis=_channel_axis(), name=f"mixed{n}")
    if include_top:
        x = imagenet_utils.classifier(x, classes, classifier_activation, weights)
    else:
        x = imagenet_utils.global_pooling(x, pooling)
    return Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)


def preprocess_input(x, data_format=None):
    """'tf' mode: pixels scaled to [-1, 1] (``x / 127.5 - 1``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
