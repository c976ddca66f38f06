"""MobileNetV3 Small and Large (Howard et al., 2019): inverted residual blocks with squeeze-excite.

Widths are ``depth(d) = make_divisible(d * alpha)`` (a multiple of 8, never below 90% of the
value). Optional ``Rescaling(1/127.5, -1)``; stem ``conv`` (3x3, stride 2, 16 filters),
``conv_bn`` and the activation. Block ``i`` (prefix ``expanded_conv_{i}_``, block 0
``expanded_conv_`` without expansion): 1x1 ``expand`` to ``make_divisible(in * expansion)``,
BN, activation; for stride 2 a ``depthwise_pad`` (``correct_pad``); the ``depthwise``
convolution ('valid' if strided, else 'same'), BN, activation; optionally squeeze-excite
(global average pool, 1x1 convolution to ``make_divisible(channels * 0.25)``, ReLU, 1x1
convolution back, hard sigmoid ``ReLU6(x + 3) * (1/6)``, multiplied with the block); the 1x1
``project`` to ``depth(filters)``, BN; ``add`` with the input when stride 1 and widths agree.
Then ``conv_1`` (1x1, ``make_divisible(6 * channels)``), BN, activation; the top is a global
average pool (keepdims), ``conv_2`` (1x1 of 1024 / 1280 filters, ``make_divisible(n * alpha)``
when ``alpha > 1``), activation, Dropout, ``logits`` (1x1), Flatten and ``predictions``.
Activation: ``hard_swish`` (an Activation layer) and 5x5 kernels with squeeze-excite, or with
``minimalistic`` ReLU, 3x3 kernels and no squeeze-excite. BN: epsilon 1e-3, momentum 0.999.
"""

from __future__ import annotations

import warnings

from .. import backend, layers
from ...core.functional import Functional
from . import imagenet_utils
from .imagenet_utils import decode_predictions  # noqa: F401  (Keras exports it here)
from .mobilenet_v2 import make_divisible

__all__ = ["MobileNetV3Small", "MobileNetV3Large", "preprocess_input", "decode_predictions"]

# Blocks: (expansion, filters, kernel, stride, squeeze-excite, activation). Kernel None: the
# family's kernel (5, or 3 when minimalistic); activation "relu" or "act" (the family's).
SMALL = ((1, 16, 3, 2, True, "relu"), (72.0 / 16, 24, 3, 2, False, "relu"), (88.0 / 24, 24, 3, 1, False, "relu"),
         (4, 40, None, 2, True, "act"), (6, 40, None, 1, True, "act"), (6, 40, None, 1, True, "act"),
         (3, 48, None, 1, True, "act"), (3, 48, None, 1, True, "act"), (6, 96, None, 2, True, "act"),
         (6, 96, None, 1, True, "act"), (6, 96, None, 1, True, "act"))
LARGE = ((1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"), (3, 24, 3, 1, False, "relu"),
         (3, 40, None, 2, True, "relu"), (3, 40, None, 1, True, "relu"), (3, 40, None, 1, True, "relu"),
         (6, 80, 3, 2, False, "act"), (2.5, 80, 3, 1, False, "act"), (2.3, 80, 3, 1, False, "act"),
         (2.3, 80, 3, 1, False, "act"), (6, 112, 3, 1, True, "act"), (6, 112, 3, 1, True, "act"),
         (6, 160, None, 2, True, "act"), (6, 160, None, 1, True, "act"), (6, 160, None, 1, True, "act"))


def relu(x):
    """An unnamed ReLU layer."""
    return layers.ReLU()(x)


def hard_sigmoid(x):
    """``ReLU6(x + 3) * (1/6)``: an ``add`` row, a ReLU, a ``multiply`` row."""
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x):
    """An unnamed ``Activation('hard_swish')`` layer."""
    return layers.Activation("hard_swish")(x)


def _batch_norm(name):
    return layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name=name)


def se_block(inputs, filters, se_ratio, prefix):
    """Squeeze-excite: pool, 1x1 to ``make_divisible(filters * se_ratio)``, ReLU, 1x1 back, hard sigmoid, multiply."""
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(make_divisible(filters * se_ratio), kernel_size=1, padding="same",
                      name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    """Expand (1x1), depthwise, optional squeeze-excite, project (1x1); residual add when shapes allow."""
    shortcut = x
    prefix = "expanded_conv_"
    infilters = x.shape[-1]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(make_divisible(infilters * expansion), kernel_size=1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_bn")(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                               use_bias=False, name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = se_block(x, make_divisible(infilters * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_bn")(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _check_arguments(weights, include_top, classes, input_shape, input_tensor):
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded.  "
                         f"Received weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000.  '
                         f"Received classes={classes}")
    if input_tensor is not None and not backend.is_keras_tensor(input_tensor):
        if input_shape is not None:
            raise ValueError("input_tensor specified: ", input_tensor, "is not a keras tensor")
        raise ValueError(f"input_tensor {input_tensor!r} is not a Keras tensor and no input_shape was given")
    if input_shape is not None and input_tensor is not None and input_tensor.shape[2] != input_shape[1]:
        raise ValueError(f"input_shape[1] must equal input_tensor.shape[2].  Received input_shape={input_shape}, "
                         f"input_tensor.shape={input_tensor.shape}")


def MobileNetV3(blocks, last_point_ch, input_shape=None, alpha=1.0, model_type="large", minimalistic=False,
                include_top=True, weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                dropout_rate=0.2, classifier_activation="softmax", include_preprocessing=True, name=None):
    """The network of ``blocks`` (see SMALL, LARGE) with ``last_point_ch`` filters in ``conv_2``."""
    _check_arguments(weights, include_top, classes, input_shape, input_tensor)
    if input_shape is None:
        # Keras takes (cols, rows, 3) from a given tensor
        input_shape = ((input_tensor.shape[2], input_tensor.shape[1], 3) if input_tensor is not None
                       else (None, None, 3))
    if len(input_shape) < 2:  # Keras fails with an IndexError
        raise ValueError(f"MobileNetV3: `input_shape` must give rows and columns; Received `input_shape={input_shape}`")
    rows, cols = input_shape[0], input_shape[1]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; Received `input_shape={input_shape}`")
    if weights == "imagenet":
        if not minimalistic and alpha not in [0.75, 1.0] or minimalistic and alpha != 1.0:
            raise ValueError("If imagenet weights are being loaded, alpha can be one of `0.75`, `1.0` for non "
                             "minimalistic or `1.0` for minimalistic only.")
        if rows != cols or rows != 224:
            warnings.warn("`input_shape` is undefined or non-square, or `rows` is not 224. Weights for input shape "
                          "(224, 224) will be loaded as the default.", stacklevel=2)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    kernel, activation, se_ratio = (3, relu, None) if minimalistic else (5, hard_swish, 0.25)
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = _batch_norm("conv_bn")(x)
    x = activation(x)
    for block_id, (expansion, filters, block_kernel, stride, squeeze, act) in enumerate(blocks):
        x = inverted_res_block(x, expansion, make_divisible(filters * alpha), block_kernel or kernel, stride,
                               se_ratio if squeeze else None, relu if act == "relu" else activation, block_id)
    last_conv_ch = make_divisible(x.shape[-1] * 6)
    if alpha > 1.0:
        last_point_ch = make_divisible(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = _batch_norm("conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling, named=True)
    return Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Small"):
    """MobileNetV3Small: 11 blocks, ``conv_2`` of 1024 filters."""
    return MobileNetV3(SMALL, 1024, input_shape, alpha, "small", minimalistic, include_top, weights, input_tensor,
                       classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name=name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True, weights="imagenet",
                     input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Large"):
    """MobileNetV3Large: 15 blocks, ``conv_2`` of 1280 filters."""
    return MobileNetV3(LARGE, 1280, input_shape, alpha, "large", minimalistic, include_top, weights, input_tensor,
                       classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name=name)


def preprocess_input(x, data_format=None):
    """The identity: the models rescale their input themselves (``include_preprocessing``)."""
    return x
