"""ResNetV2 (He et al., 2016): ResNet (:mod:`.resnet`) with pre-activation bottleneck blocks.

The stem has no BN/ReLU (``conv1_conv`` keeps its bias) and the stacks end in ``post_bn`` +
``post_relu``. A block ``{stack}_block{i}`` starts with ``_preact_bn`` + ``_preact_relu``
and adds the shortcut to: 1x1 conv (``f``, no bias) + BN + ReLU, ``_2_pad`` (1) and 3x3
conv (``f``, stride ``s``, no bias) + BN + ReLU, 1x1 conv (``4 f``, with bias), in
``{name}_out``. The first block's shortcut is a 1x1 conv (``4 f``) of the pre-activation,
the others the identity, or a 1x1 max pool of stride ``s`` (auto-named) where ``s > 1``.
Here the stride ``s = 2`` is in the *last* block of stacks conv2..conv4 (conv5 keeps its
size). ResNet50V2/101V2/152V2 have (3, 4, 6, 3), (3, 4, 23, 3) and (3, 8, 36, 3) blocks.
"""

from __future__ import annotations

from .. import layers
from . import imagenet_utils
from .imagenet_utils import decode_predictions
from .resnet import WIDTHS, batch_norm, build_resnet

__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "decode_predictions", "preprocess_input"]


def residual_block_v2(x, filters, stride=1, conv_shortcut=False, name=None):
    """Pre-activation bottleneck: ``shortcut + conv1x1(4f)(relu(BN(conv3x3(f)(relu(BN(conv1x1(f)(p)))))))``,
    ``p = relu(BN(x))``."""
    preact = batch_norm(x, f"{name}_preact_bn")
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = batch_norm(x, f"{name}_1_bn")
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = batch_norm(x, f"{name}_2_bn")
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_v2(x, filters, blocks, stride1=2, name=None):
    """``blocks`` v2 blocks: the first with the conv shortcut, the last with stride ``stride1``."""
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{i}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def stacks_v2(depths):
    """The stack function of a ResNetV2 with ``depths[j]`` blocks in stack ``conv{j+2}``."""
    def stack_fn(x):
        for j, (filters, blocks) in enumerate(zip(WIDTHS, depths)):
            x = stack_v2(x, filters, blocks, stride1=1 if j == len(depths) - 1 else 2, name=f"conv{j + 2}")
        return x
    return stack_fn


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
               classes=1000, classifier_activation="softmax", name="resnet50v2"):
    """ResNet50V2: (3, 4, 6, 3) pre-activation blocks."""
    return build_resnet(stacks_v2((3, 4, 6, 3)), True, True, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name)


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet101v2"):
    """ResNet101V2: (3, 4, 23, 3) pre-activation blocks."""
    return build_resnet(stacks_v2((3, 4, 23, 3)), True, True, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name)


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="resnet152v2"):
    """ResNet152V2: (3, 8, 36, 3) pre-activation blocks."""
    return build_resnet(stacks_v2((3, 8, 36, 3)), True, True, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """'tf' mode: pixels scaled to [-1, 1] (``x / 127.5 - 1``)."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
