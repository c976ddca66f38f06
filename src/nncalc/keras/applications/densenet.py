"""DenseNet (Huang et al., 2017): a stem, four dense blocks joined by three transition blocks.

Stem: ZeroPadding2D 3, ``conv1_conv`` (7x7, stride 2, 64 filters, no bias), ``conv1_bn``,
``conv1_relu``, ZeroPadding2D 1, ``pool1`` (3x3 max, stride 2). Dense block ``conv{s}``
(s = 2..5) repeats ``blocks[s - 2]`` conv blocks ``conv{s}_block{i}``: BN, ReLU, 1x1
convolution of ``4 * 32`` filters, BN, ReLU, 3x3 'same' convolution of 32 filters (the growth
rate), concatenated to the block's input, so each adds 32 channels. Transition ``pool{s}``
(s = 2..4): BN, ReLU, 1x1 convolution to ``int(channels * 0.5)``, 2x2 average pool. Then
``bn``, ``relu``; top ``avg_pool`` and Dense ``predictions``. BN epsilon 1.001e-5.
Blocks: DenseNet121 (6, 12, 24, 16), DenseNet169 (6, 12, 32, 32), DenseNet201 (6, 12, 48, 32).
"""

from __future__ import annotations

from .. import layers
from ...core.functional import Functional
from . import imagenet_utils
from .imagenet_utils import decode_predictions  # noqa: F401  (Keras exports it here)

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "preprocess_input", "decode_predictions"]

GROWTH_RATE = 32
REDUCTION = 0.5
EPSILON = 1.001e-5


def conv_block(x, growth_rate, name):
    """BN-ReLU-1x1 conv (``4 * growth_rate``), BN-ReLU-3x3 conv (``growth_rate``), concatenated to ``x``."""
    x1 = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_0_bn")(x)
    x1 = layers.Activation("relu", name=f"{name}_0_relu")(x1)
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(x1)
    x1 = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_1_bn")(x1)
    x1 = layers.Activation("relu", name=f"{name}_1_relu")(x1)
    x1 = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(x1)
    return layers.Concatenate(axis=3, name=f"{name}_concat")([x, x1])


def dense_block(x, blocks, name):
    """``blocks`` conv blocks ``{name}_block{i}``."""
    for i in range(1, blocks + 1):
        x = conv_block(x, GROWTH_RATE, name=f"{name}_block{i}")
    return x


def transition_block(x, reduction, name):
    """BN, ReLU, 1x1 convolution to ``int(channels * reduction)``, 2x2 average pool."""
    x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name=f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[3] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def DenseNet(blocks, include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="densenet"):
    """The DenseNet with ``blocks[k]`` conv blocks in dense block ``k``."""
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded.")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as true, `classes` should be 1000')
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                                    data_format="channels_last", require_flatten=include_top,
                                                    weights=weights)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, start=2):
        x = dense_block(x, count, name=f"conv{stage}")
        if stage < len(blocks) + 1:
            x = transition_block(x, REDUCTION, name=f"pool{stage}")
    x = layers.BatchNormalization(axis=3, epsilon=EPSILON, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling, named=True)
    return Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet121"):
    """DenseNet121: blocks (6, 12, 24, 16)."""
    return DenseNet([6, 12, 24, 16], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet169"):
    """DenseNet169: blocks (6, 12, 32, 32)."""
    return DenseNet([6, 12, 32, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="densenet201"):
    """DenseNet201: blocks (6, 12, 48, 32)."""
    return DenseNet([6, 12, 48, 32], include_top, weights, input_tensor, input_shape, pooling, classes,
                    classifier_activation, name=name)


def preprocess_input(x, data_format=None):
    """'torch' mode: ``(x / 255 - mean) / std`` with the ImageNet channel means and deviations."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="torch")
