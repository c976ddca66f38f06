"""MobileNet (Howard et al., 2017): a stem convolution and 13 depthwise-separable blocks.

Stem: ``conv1`` (3x3, stride 2, ``int(32 * alpha)`` filters, no bias), ``conv1_bn``,
``conv1_relu`` (ReLU capped at 6). Block ``i`` (1..13): for stride 2 a ``conv_pad_i``
ZeroPadding2D ``((0, 1), (0, 1))`` and a 'valid' 3x3 depthwise convolution, else a 'same'
one (``conv_dw_i``, ``depth_multiplier`` channels per input channel), BN and ReLU6, then the
pointwise 1x1 convolution ``conv_pw_i`` of ``int(filters * alpha)`` filters, BN and ReLU6.
Block filters: 64, 128 (s2), 128, 256 (s2), 256, 512 (s2), 512 x5, 1024 (s2), 1024.
The top: GlobalAveragePooling2D (keepdims), Dropout, the 1x1 convolution ``conv_preds``,
``reshape_2`` to ``(classes,)`` and the ``predictions`` activation. Default name
``mobilenet_{alpha:.2f}_{rows}``.
"""

from __future__ import annotations

import warnings

from .. import layers
from ...core.functional import Functional
from . import imagenet_utils
from .imagenet_utils import decode_predictions  # noqa: F401  (Keras exports it here)

__all__ = ["MobileNet", "preprocess_input", "decode_predictions"]

# (pointwise filters, stride) of blocks 1..13
BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1),
          (512, 1), (1024, 2), (1024, 1))
IMAGENET_SIZES = (128, 160, 192, 224)


def conv_block(x, filters, alpha, strides):
    """The stem: 3x3 convolution of ``int(filters * alpha)`` filters, BN, ReLU6."""
    x = layers.Conv2D(int(filters * alpha), (3, 3), padding="same", use_bias=False, strides=strides,
                      name="conv1")(x)
    x = layers.BatchNormalization(axis=-1, name="conv1_bn")(x)
    return layers.ReLU(6.0, name="conv1_relu")(x)


def depthwise_conv_block(x, filters, alpha, depth_multiplier, stride, block_id):
    """Depthwise 3x3 (padded first when strided), BN, ReLU6, pointwise 1x1, BN, ReLU6."""
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid", depth_multiplier=depth_multiplier,
                               strides=(stride, stride), use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=-1, name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1),
                      name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=-1, name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def _check_arguments(weights, include_top, classes):
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError(f"{imagenet_utils.WEIGHTS_MESSAGE} Received weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  "
                         f"Received classes={classes}")


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True, weights="imagenet",
              input_tensor=None, pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """MobileNet of width ``alpha`` and depth multiplier ``depth_multiplier``."""
    _check_arguments(weights, include_top, classes)
    default_size = 224
    if input_shape is not None and len(input_shape) >= 2 and input_shape[0] == input_shape[1]:
        default_size = input_shape[0] if input_shape[0] in IMAGENET_SIZES else 224
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format="channels_last", require_flatten=include_top,
                                                    weights=weights)
    rows, cols = input_shape[0], input_shape[1]
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError("If imagenet weights are being loaded, depth multiplier must be 1.  "
                             f"Received depth_multiplier={depth_multiplier}")
        if alpha not in [0.25, 0.50, 0.75, 1.0]:
            raise ValueError("If imagenet weights are being loaded, alpha can be one of`0.25`, `0.50`, `0.75` or "
                             f"`1.0` only.  Received alpha={alpha}")
        if rows != cols or rows not in IMAGENET_SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in [128, 160, 192, 224]. "
                          "Weights for input shape (224, 224) will be loaded as the default.", stacklevel=2)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    x = conv_block(img_input, 32, alpha, strides=(2, 2))
    for block_id, (filters, stride) in enumerate(BLOCKS, start=1):
        x = depthwise_conv_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling)
    if name is None:
        name = f"mobilenet_{alpha:0.2f}_{rows}"
    return Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)


def preprocess_input(x, data_format=None):
    """'tf' mode: ``x / 127.5 - 1``."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
