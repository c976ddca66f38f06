"""MobileNetV2 (Sandler et al., 2018): a stem convolution, 17 inverted residual blocks, a 1x1 head.

Widths scale with ``alpha`` and are rounded by :func:`make_divisible` (to a multiple of 8,
never below 90% of the value): stem ``Conv1`` of ``make_divisible(32 * alpha)`` filters
(3x3, stride 2), ``bn_Conv1``, ``Conv1_relu``. Block ``i`` (prefix ``block_{i}_``; block 0 is
``expanded_conv_`` and has no expansion): 1x1 ``expand`` convolution to ``expansion * in``
channels, BN, ReLU6; for stride 2 a ``pad`` of :func:`imagenet_utils.correct_pad`; the 3x3
``depthwise`` convolution ('valid' if strided, else 'same'), BN, ReLU6; the 1x1 linear
``project`` to ``make_divisible(int(filters * alpha))`` channels, BN; an ``add`` with the
block's input when the stride is 1 and the width is unchanged. Stages (filters, repeats,
first stride, expansion): (16, 1, 1, 1), (24, 2, 2, 6), (32, 3, 2, 6), (64, 4, 2, 6),
(96, 3, 1, 6), (160, 3, 2, 6), (320, 1, 1, 6). Head: ``Conv_1`` 1x1 of 1280 filters
(``make_divisible(1280 * alpha)`` when ``alpha > 1``), ``Conv_1_bn``, ``out_relu``; top
GlobalAveragePooling2D and Dense ``predictions``. BN: epsilon 1e-3, momentum 0.999. Default
name ``mobilenetv2_{alpha:.2f}_{rows}``.
"""

from __future__ import annotations

import warnings

from .. import backend, layers
from ...core.functional import Functional
from . import imagenet_utils
from .imagenet_utils import decode_predictions  # noqa: F401  (Keras exports it here)

__all__ = ["MobileNetV2", "preprocess_input", "decode_predictions"]

# (filters, repeats, stride of the first block, expansion)
STAGES = ((16, 1, 1, 1), (24, 2, 2, 6), (32, 3, 2, 6), (64, 4, 2, 6), (96, 3, 1, 6), (160, 3, 2, 6), (320, 1, 1, 6))
IMAGENET_SIZES = (96, 128, 160, 192, 224)


def make_divisible(v, divisor=8, min_value=None):
    """``max(min_value, int(v + divisor / 2) // divisor * divisor)``, plus ``divisor`` if that is below ``0.9 v``."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _batch_norm(name):
    return layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name=name)


def inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """Expand (1x1), depthwise 3x3, project (1x1, linear); residual add when shapes allow."""
    in_channels = inputs.shape[-1]
    pointwise_filters = make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False, activation=None,
                          name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None,
                      name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_BN")(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def _default_size(input_shape, input_tensor):
    """The input size ImageNet weights exist for (square, one of IMAGENET_SIZES) or 224."""
    if input_shape is None and input_tensor is not None and backend.is_keras_tensor(input_tensor):
        rows, cols = input_tensor.shape[1], input_tensor.shape[2]
    elif input_shape is not None and len(input_shape) >= 2:
        rows, cols = input_shape[0], input_shape[1]
    else:
        return 224
    return rows if rows == cols and rows in IMAGENET_SIZES else 224


def _check_arguments(weights, include_top, classes, input_shape, input_tensor):
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded.  "
                         f"Received `weights={weights}`")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000. '
                         f"Received `classes={classes}`")
    if input_shape is not None and input_tensor is not None:
        if not backend.is_keras_tensor(input_tensor):
            raise ValueError(f"input_tensor is not a Keras tensor; Received `input_tensor={input_tensor}`")
        if input_tensor.shape[2] != input_shape[1]:
            raise ValueError("input_tensor.shape[2] must equal input_shape[1]; Received "
                             f"`input_tensor.shape={input_tensor.shape}`, `input_shape={input_shape}`")


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name=None):
    """MobileNetV2 of width ``alpha``."""
    _check_arguments(weights, include_top, classes, input_shape, input_tensor)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=_default_size(input_shape, input_tensor),
                                                    min_size=32, data_format="channels_last",
                                                    require_flatten=include_top, weights=weights)
    rows, cols = input_shape[0], input_shape[1]
    if weights == "imagenet":
        if alpha not in [0.35, 0.50, 0.75, 1.0, 1.3, 1.4]:
            raise ValueError("If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, "
                             f"`1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`")
        if rows != cols or rows not in IMAGENET_SIZES:
            rows = 224
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in [96, 128, 160, 192, 224]. "
                          "Weights for input shape (224, 224) will be loaded as the default.", stacklevel=2)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    x = layers.Conv2D(make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv1")(img_input)
    x = _batch_norm("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    block_id = 0
    for filters, repeats, first_stride, expansion in STAGES:
        for i in range(repeats):
            x = inverted_res_block(x, expansion=expansion, stride=first_stride if i == 0 else 1, alpha=alpha,
                                   filters=filters, block_id=block_id)
            block_id += 1
    last_block_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling)
    if name is None:
        name = f"mobilenetv2_{alpha:0.2f}_{rows}"
    return Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)


def preprocess_input(x, data_format=None):
    """'tf' mode: ``x / 127.5 - 1``."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
