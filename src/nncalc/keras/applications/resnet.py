"""ResNet (He et al., 2015) and the frame ResNetV2 shares: a 7x7 stem, four stacks of bottleneck blocks.

Stem: ``conv1_pad`` (3 each side), ``conv1_conv`` (64 filters, 7x7, stride 2), in v1
``conv1_bn`` + ``conv1_relu``, then ``pool1_pad`` (1) and ``pool1_pool`` (3x3 max, stride 2).

Stacks ``conv2`` .. ``conv5`` have bottleneck widths ``f = 64, 128, 256, 512`` and output
``4 f`` channels; ResNet50/101/152 have (3, 4, 6, 3), (3, 4, 23, 3) and (3, 8, 36, 3)
blocks. A v1 block ``{stack}_block{i}``: 1x1 conv (``f``, stride ``s``) - 3x3 'same' conv
(``f``) - 1x1 conv (``4 f``), each followed by BatchNormalization (epsilon 1.001e-5) and
ReLU except the last, then ``Add`` with the shortcut and ReLU (``_out``). The shortcut of
the first block of a stack is a 1x1 conv (``4 f``, stride ``s``) + BN (``_0_``), the others
are the identity; ``s = 2`` in the first block of each stack but ``conv2``.

Top: ``avg_pool`` (global average) and ``predictions`` (Dense ``classes``); without the
top, ``pooling`` adds ``avg_pool`` or ``max_pool``. ResNetV2 (:mod:`.resnet_v2`) puts
``post_bn`` + ``post_relu`` before it.
"""

from __future__ import annotations

from .. import backend, layers
from ...core.functional import Functional
from . import imagenet_utils
from .imagenet_utils import decode_predictions

__all__ = ["ResNet50", "ResNet101", "ResNet152", "decode_predictions", "preprocess_input"]

EPSILON = 1.001e-5
WIDTHS = (64, 128, 256, 512)  # bottleneck filters of stacks conv2..conv5


def _bn_axis() -> int:
    return 3 if backend.image_data_format() == "channels_last" else 1


def batch_norm(x, name):
    """BatchNormalization over the channel axis, epsilon 1.001e-5 (all ResNets)."""
    return layers.BatchNormalization(axis=_bn_axis(), epsilon=EPSILON, name=name)(x)


def residual_block_v1(x, filters, stride=1, conv_shortcut=True, name=None):
    """Post-activation bottleneck: ``relu(shortcut + BN(conv1x1(4f)(relu(BN(conv3x3(f)(...))))))``."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = batch_norm(shortcut, f"{name}_0_bn")
    else:
        shortcut = x
    for i, (width, kernel, strides) in enumerate(((filters, 1, stride), (filters, 3, 1), (4 * filters, 1, 1)),
                                                 start=1):
        padding = "SAME" if kernel == 3 else "valid"
        x = layers.Conv2D(width, kernel, strides=strides, padding=padding, name=f"{name}_{i}_conv")(x)
        x = batch_norm(x, f"{name}_{i}_bn")
        if i < 3:
            x = layers.Activation("relu", name=f"{name}_{i}_relu")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_v1(x, filters, blocks, stride1=2, name=None):
    """``blocks`` v1 blocks; the first has the conv shortcut and stride ``stride1``."""
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def stacks_v1(depths):
    """The stack function of a v1 ResNet with ``depths[j]`` blocks in stack ``conv{j+2}``."""
    def stack_fn(x):
        for j, (filters, blocks) in enumerate(zip(WIDTHS, depths)):
            x = stack_v1(x, filters, blocks, stride1=1 if j == 0 else 2, name=f"conv{j + 2}")
        return x
    return stack_fn


def check_arguments(weights, include_top, classes):
    """Keras' checks of ``weights`` and ``classes``, done before anything is built."""
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError(f"{imagenet_utils.WEIGHTS_MESSAGE}  Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  "
                         f"Received classes={classes}")


def classifier_top(x, include_top, pooling, classes, classifier_activation, weights):
    """``avg_pool`` + ``predictions`` with the top; else the optional ``avg_pool`` / ``max_pool``."""
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    if pooling == "avg":
        return layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def build_resnet(stack_fn, preact, use_bias, include_top, weights, input_tensor, input_shape, pooling,
                 classes, classifier_activation, name):
    """Stem, ``stack_fn``, (v2: ``post_bn``/``post_relu``), top. ``preact`` is True for ResNetV2."""
    check_arguments(weights, include_top, classes)
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                                    data_format=backend.image_data_format(),
                                                    require_flatten=include_top, weights=weights)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
    if not preact:
        x = batch_norm(x, "conv1_bn")
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack_fn(x)
    if preact:
        x = batch_norm(x, "post_bn")
        x = layers.Activation("relu", name="post_relu")(x)
    x = classifier_top(x, include_top, pooling, classes, classifier_activation, weights)
    return Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
             classes=1000, classifier_activation="softmax", name="resnet50"):
    """ResNet50: (3, 4, 6, 3) bottleneck blocks, 25,636,712 parameters with the top."""
    return build_resnet(stacks_v1((3, 4, 6, 3)), False, True, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name)


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet101"):
    """ResNet101: (3, 4, 23, 3) bottleneck blocks."""
    return build_resnet(stacks_v1((3, 4, 23, 3)), False, True, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name)


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
              classes=1000, classifier_activation="softmax", name="resnet152"):
    """ResNet152: (3, 8, 36, 3) bottleneck blocks."""
    return build_resnet(stacks_v1((3, 8, 36, 3)), False, True, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name)


def preprocess_input(x, data_format=None):
    """'caffe' mode: RGB to BGR, then minus the ImageNet channel means."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")
