"""EfficientNetV2 B0-B3, S, M, L (Tan & Le, 2021): Fused-MBConv early stages, MBConv later ones.

Preprocessing (``include_preprocessing``, automatic names): for the B variants on 3
channels ``Rescaling(1/255)`` + ``Normalization`` (ImageNet mean and variance); otherwise
``Rescaling(1/128, offset=-1)``. Stem: a 3x3 stride-2 'same' ``stem_conv`` of
``round_filters(stage 1 input filters)``, ``stem_bn``, ``stem_activation`` (swish).

Stage ``i`` of ``DEFAULT_BLOCKS_ARGS[model name]`` repeats ``round_repeats(num_repeat)``
blocks ``block{i+1}{a,b,...}_`` (stride and width change only in the first):

* Fused-MBConv (``conv_type`` 1): a ``kernel_size`` ``expand_conv`` (with the stride) to
  ``input_filters * expand_ratio`` channels + bn + activation, then a 1x1
  ``project_conv`` + bn; with ``expand_ratio == 1`` only ``project_conv`` (kernel_size,
  stride) + bn + ``project_activation``.
* MBConv (``conv_type`` 0): 1x1 ``expand_conv`` + bn + activation (if ``expand_ratio != 1``),
  ``dwconv2`` (depthwise, 'same', the stride) + ``bn`` + ``activation``, squeeze-excitation
  to ``max(1, int(input_filters * se_ratio))`` channels, 1x1 ``project_conv`` + bn.

When the shape is kept: ``drop`` (Dropout ``0.2 * b / blocks``, left out when 0) and the
residual ``add``. Head: 1x1 ``top_conv`` of ``round_filters(1280)``, ``top_bn``,
``top_activation``; with the top ``avg_pool``, ``top_dropout`` (0.2), ``predictions``.

Scaling (width ``w``, depth ``d``, divisor 8, minimum 8)::

    round_filters(f) = max(8, int(f*w + 4) // 8 * 8)
    round_repeats(r) = ceil(d * r)

(w, d, default size): B0 (1.0, 1.0, 224), B1 (1.0, 1.1, 240), B2 (1.1, 1.2, 260),
B3 (1.2, 1.4, 300), S (1.0, 1.0, 384), M (1.0, 1.0, 480), L (1.0, 1.0, 480).
"""

from __future__ import annotations

import copy
import math

from .. import backend, initializers, layers
from ...core.functional import Functional
from . import imagenet_utils
from .efficientnet import CONV_KERNEL_INITIALIZER, DENSE_KERNEL_INITIALIZER, squeeze_excite

_STAGE_KEYS = ("kernel_size", "num_repeat", "input_filters", "output_filters", "expand_ratio", "se_ratio",
               "strides", "conv_type")
_FUSED, _MBCONV = 1, 0
# one row per stage: kernel, repeats, filters in, filters out, expansion, SE ratio, stride, block kind
_B_STAGES = (
    (3, 1, 32, 16, 1, 0, 1, _FUSED),
    (3, 2, 16, 32, 4, 0, 2, _FUSED),
    (3, 2, 32, 48, 4, 0, 2, _FUSED),
    (3, 3, 48, 96, 4, 0.25, 2, _MBCONV),
    (3, 5, 96, 112, 6, 0.25, 1, _MBCONV),
    (3, 8, 112, 192, 6, 0.25, 2, _MBCONV),
)
_STAGES = {
    "efficientnetv2-s": (
        (3, 2, 24, 24, 1, 0.0, 1, _FUSED),
        (3, 4, 24, 48, 4, 0.0, 2, _FUSED),
        (3, 4, 48, 64, 4, 0, 2, _FUSED),
        (3, 6, 64, 128, 4, 0.25, 2, _MBCONV),
        (3, 9, 128, 160, 6, 0.25, 1, _MBCONV),
        (3, 15, 160, 256, 6, 0.25, 2, _MBCONV),
    ),
    "efficientnetv2-m": (
        (3, 3, 24, 24, 1, 0, 1, _FUSED),
        (3, 5, 24, 48, 4, 0, 2, _FUSED),
        (3, 5, 48, 80, 4, 0, 2, _FUSED),
        (3, 7, 80, 160, 4, 0.25, 2, _MBCONV),
        (3, 14, 160, 176, 6, 0.25, 1, _MBCONV),
        (3, 18, 176, 304, 6, 0.25, 2, _MBCONV),
        (3, 5, 304, 512, 6, 0.25, 1, _MBCONV),
    ),
    "efficientnetv2-l": (
        (3, 4, 32, 32, 1, 0, 1, _FUSED),
        (3, 7, 32, 64, 4, 0, 2, _FUSED),
        (3, 7, 64, 96, 4, 0, 2, _FUSED),
        (3, 10, 96, 192, 4, 0.25, 2, _MBCONV),
        (3, 19, 192, 224, 6, 0.25, 1, _MBCONV),
        (3, 25, 224, 384, 6, 0.25, 2, _MBCONV),
        (3, 7, 384, 640, 6, 0.25, 1, _MBCONV),
    ),
    **{f"efficientnetv2-b{i}": _B_STAGES for i in range(4)},
}
# Keras picks the block arguments by the model's name.
DEFAULT_BLOCKS_ARGS = {name: [dict(zip(_STAGE_KEYS, row)) for row in rows] for name, rows in _STAGES.items()}

# constructor suffix -> (width, depth, default size, model name, weights name)
VARIANTS = {
    "B0": (1.0, 1.0, 224, "efficientnetv2-b0", "b0"),
    "B1": (1.0, 1.1, 240, "efficientnetv2-b1", "b1"),
    "B2": (1.1, 1.2, 260, "efficientnetv2-b2", "b2"),
    "B3": (1.2, 1.4, 300, "efficientnetv2-b3", "b3"),
    "S": (1.0, 1.0, 384, "efficientnetv2-s", "-s"),
    "M": (1.0, 1.0, 480, "efficientnetv2-m", "-m"),
    "L": (1.0, 1.0, 480, "efficientnetv2-l", "-l"),
}
IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_VARIANCE = [0.229**2, 0.224**2, 0.225**2]


def round_filters(filters, width_coefficient, min_depth, depth_divisor):
    """``max(min_depth or divisor, int(f*w + divisor/2) // divisor * divisor)``."""
    filters *= width_coefficient
    return int(max(min_depth or depth_divisor, int(filters + depth_divisor / 2) // depth_divisor * depth_divisor))


def round_repeats(repeats, depth_coefficient):
    """``ceil(depth_coefficient * repeats)`` blocks in a stage."""
    return int(math.ceil(depth_coefficient * repeats))


def _bn_axis():
    return 3 if backend.image_data_format() == "channels_last" else 1


def conv_bn(x, filters, kernel_size, strides, name, bn_name, bn_momentum, activation=None):
    """A bias-free 'same' convolution, its batch normalization, and optionally ``(activation, name)``."""
    x = layers.Conv2D(filters, kernel_size=kernel_size, strides=strides, kernel_initializer=CONV_KERNEL_INITIALIZER,
                      padding="same", use_bias=False, name=name)(x)
    x = layers.BatchNormalization(axis=_bn_axis(), momentum=bn_momentum, name=bn_name)(x)
    return x if activation is None else layers.Activation(activation[0], name=activation[1])(x)


def residual(x, inputs, strides, input_filters, output_filters, survival_probability, name):
    """``inputs + drop(x)`` when the block keeps the shape (stride 1, same width), else ``x``."""
    if strides == 1 and input_filters == output_filters:
        if survival_probability:
            x = layers.Dropout(survival_probability, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def MBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
                bn_momentum=0.9, activation="swish", survival_probability=0.8, name=None):
    """MBConv: 1x1 expansion, depthwise convolution, squeeze-excitation, 1x1 projection, residual."""
    if name is None:
        name = backend.get_uid("block0")

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = conv_bn(x, filters, 1, 1, f"{name}expand_conv", f"{name}expand_bn", bn_momentum,
                        (activation, f"{name}expand_activation"))
        x = layers.DepthwiseConv2D(kernel_size=kernel_size, strides=strides,
                                   depthwise_initializer=CONV_KERNEL_INITIALIZER, padding="same", use_bias=False,
                                   name=f"{name}dwconv2")(x)
        x = layers.BatchNormalization(axis=_bn_axis(), momentum=bn_momentum, name=f"{name}bn")(x)
        x = layers.Activation(activation, name=f"{name}activation")(x)
        if 0 < se_ratio <= 1:
            x = squeeze_excite(x, filters, max(1, int(input_filters * se_ratio)), activation, name, _bn_axis())
        x = conv_bn(x, output_filters, 1, 1, f"{name}project_conv", f"{name}project_bn", bn_momentum)
        return residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)

    return apply


def FusedMBConvBlock(input_filters, output_filters, expand_ratio=1, kernel_size=3, strides=1, se_ratio=0.0,
                     bn_momentum=0.9, activation="swish", survival_probability=0.8, name=None):
    """Fused-MBConv: one full ``kernel_size`` convolution replaces expansion + depthwise convolution."""
    if name is None:
        name = backend.get_uid("block0")

    def apply(inputs):
        filters = input_filters * expand_ratio
        x = inputs
        if expand_ratio != 1:
            x = conv_bn(x, filters, kernel_size, strides, f"{name}expand_conv", f"{name}expand_bn", bn_momentum,
                        (activation, f"{name}expand_activation"))
        if 0 < se_ratio <= 1:
            x = squeeze_excite(x, filters, max(1, int(input_filters * se_ratio)), activation, name, _bn_axis())
        fused = expand_ratio == 1  # the projection itself is the k x k strided convolution
        x = conv_bn(x, output_filters, kernel_size if fused else 1, strides if fused else 1,
                    f"{name}project_conv", f"{name}project_bn", bn_momentum,
                    (activation, f"{name}project_activation") if fused else None)
        return residual(x, inputs, strides, input_filters, output_filters, survival_probability, name)

    return apply


def preprocessing(x, name, num_channels, bn_axis):
    """B variants on 3 channels: ``Rescaling(1/255)`` + ImageNet ``Normalization``; else ``x/128 - 1``."""
    if name.split("-")[-1].startswith("b") and num_channels == 3:
        x = layers.Rescaling(scale=1.0 / 255)(x)
        return layers.Normalization(mean=IMAGENET_MEAN, variance=IMAGENET_VARIANCE, axis=bn_axis)(x)
    return layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)


def EfficientNetV2(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2, drop_connect_rate=0.2,
                   depth_divisor=8, min_depth=8, bn_momentum=0.9, activation="swish", blocks_args="default",
                   name="efficientnetv2", include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                   pooling=None, classes=1000, classifier_activation="softmax", include_preprocessing=True,
                   weights_name=None):
    """The EfficientNetV2 network scaled by ``width_coefficient`` and ``depth_coefficient``."""
    if blocks_args == "default":
        if name not in DEFAULT_BLOCKS_ARGS:  # Keras fails here with a bare KeyError
            raise ValueError(f"EfficientNetV2: with blocks_args='default' the model name selects the blocks and "
                             f"must be one of {sorted(DEFAULT_BLOCKS_ARGS)}; Received: name={name!r}")
        blocks_args = DEFAULT_BLOCKS_ARGS[name]
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded."
                         f"Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000')
    data_format = backend.image_data_format()
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=data_format, require_flatten=include_top,
                                                    weights=weights)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    bn_axis = 3 if data_format == "channels_last" else 1

    def filters_of(count):
        return round_filters(count, width_coefficient, min_depth, depth_divisor)

    x = img_input
    if include_preprocessing:
        x = preprocessing(x, name, input_shape[bn_axis - 1], bn_axis)
    x = conv_bn(x, filters_of(blocks_args[0]["input_filters"]), 3, 2, "stem_conv", "stem_bn", bn_momentum,
                (activation, "stem_activation"))
    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    blocks = float(sum(args["num_repeat"] for args in blocks_args))  # Keras counts unscaled repeats here
    for i, args in enumerate(blocks_args):
        if args["num_repeat"] <= 0:
            raise ValueError("The number of repeats in `EfficientNetV2` must be > 0. "
                             f"Received: num_repeat={args['num_repeat']}")
        args["input_filters"] = filters_of(args["input_filters"])
        args["output_filters"] = filters_of(args["output_filters"])
        block = {_MBCONV: MBConvBlock, _FUSED: FusedMBConvBlock}[args.pop("conv_type")]
        for j in range(round_repeats(args.pop("num_repeat"), depth_coefficient)):
            if j > 0:  # only a stage's first block changes stride and width
                args["strides"] = 1
                args["input_filters"] = args["output_filters"]
            x = block(activation=activation, bn_momentum=bn_momentum,
                      survival_probability=drop_connect_rate * b / blocks, name=f"block{i + 1}{chr(j + 97)}_", **args)(x)
            b += 1
    x = conv_bn(x, filters_of(1280), 1, 1, "top_conv", "top_bn", bn_momentum, (activation, "top_activation"))
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_KERNEL_INITIALIZER,
                         bias_initializer=initializers.Constant(0.0), name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling, named=True)
    return Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)


def _constructor(variant):
    width, depth, size, model_name, weights_name = VARIANTS[variant]

    def constructor(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", include_preprocessing=True, name=model_name):
        return EfficientNetV2(width_coefficient=width, depth_coefficient=depth, default_size=size, name=name,
                              include_top=include_top, weights=weights, input_tensor=input_tensor,
                              input_shape=input_shape, pooling=pooling, classes=classes,
                              classifier_activation=classifier_activation,
                              include_preprocessing=include_preprocessing, weights_name=weights_name)

    constructor.__name__ = constructor.__qualname__ = f"EfficientNetV2{variant}"
    constructor.__doc__ = (f"EfficientNetV2{variant}: width x{width}, depth x{depth}, {size}x{size} input, "
                           f"the blocks of {model_name!r}.")
    return constructor


EfficientNetV2B0 = _constructor("B0")
EfficientNetV2B1 = _constructor("B1")
EfficientNetV2B2 = _constructor("B2")
EfficientNetV2B3 = _constructor("B3")
EfficientNetV2S = _constructor("S")
EfficientNetV2M = _constructor("M")
EfficientNetV2L = _constructor("L")


decode_predictions = imagenet_utils.decode_predictions  # Keras exports it from this module too


def preprocess_input(x, data_format=None):
    """The identity: the model itself rescales its input (``include_preprocessing``), as in Keras."""
    return x
