"""EfficientNet B0-B7 (Tan & Le, 2019): a stem, seven stages of MBConv blocks, a 1x1 head.

Stem: ``Rescaling(1/255)``, ``Normalization`` (automatic names; with ImageNet weights a
third ``Rescaling(1/sqrt(std))``), ``stem_conv_pad`` + a 3x3 stride-2 ``stem_conv``
(``round_filters(32)``), ``stem_bn``, ``stem_activation`` (swish).

Stage ``i`` (``DEFAULT_BLOCKS_ARGS[i]``) repeats ``round_repeats(repeats)`` MBConv blocks
``block{i+1}{a,b,c...}_``: an optional 1x1 expansion to ``filters_in * expand_ratio``
channels (``expand_conv/_bn/_activation``, skipped when ``expand_ratio == 1``), a
depthwise ``kernel_size`` convolution (stride 2 only in a stage's first block, after
``dwconv_pad``), squeeze-and-excitation (``se_squeeze`` GAP, ``se_reshape`` to 1x1,
``se_reduce`` to ``max(1, int(filters_in * se_ratio))`` channels, ``se_expand`` back,
``se_excite`` multiply), a 1x1 projection (``project_conv/_bn``), and, when the shape is
kept, ``drop`` (Dropout, ``drop_connect_rate * b / blocks`` for the ``b``-th block of
``blocks`` in all) plus the residual ``add``.

Scaling (width ``w``, depth ``d``, divisor 8)::

    round_filters(f) = max(8, int(f*w + 4) // 8 * 8), + 8 if that is below 0.9 * f*w
    round_repeats(r) = ceil(d * r)

Head: ``top_conv`` (1x1, ``round_filters(1280)``), ``top_bn``, ``top_activation``; with the
top ``avg_pool``, ``top_dropout`` and ``predictions``.

(w, d, default size, dropout): B0 (1.0, 1.0, 224, 0.2), B1 (1.0, 1.1, 240, 0.2),
B2 (1.1, 1.2, 260, 0.3), B3 (1.2, 1.4, 300, 0.3), B4 (1.4, 1.8, 380, 0.4),
B5 (1.6, 2.2, 456, 0.4), B6 (1.8, 2.6, 528, 0.5), B7 (2.0, 3.1, 600, 0.5).
"""

from __future__ import annotations

import copy
import math

from .. import backend, layers
from ...core.functional import Functional
from . import imagenet_utils

_STAGE_KEYS = ("kernel_size", "repeats", "filters_in", "filters_out", "expand_ratio", "strides")
# one row per stage: kernel, repeats, filters in, filters out, expansion, stride
_STAGES = (
    (3, 1, 32, 16, 1, 1),
    (3, 2, 16, 24, 6, 2),
    (5, 2, 24, 40, 6, 2),
    (3, 3, 40, 80, 6, 2),
    (5, 3, 80, 112, 6, 1),
    (5, 4, 112, 192, 6, 2),
    (3, 1, 192, 320, 6, 1),
)
DEFAULT_BLOCKS_ARGS = [{**dict(zip(_STAGE_KEYS, row)), "id_skip": True, "se_ratio": 0.25} for row in _STAGES]

CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"}}
IMAGENET_STDDEV_RGB = [0.229, 0.224, 0.225]

# constructor -> (width, depth, default size, dropout rate)
VARIANTS = {
    "B0": (1.0, 1.0, 224, 0.2), "B1": (1.0, 1.1, 240, 0.2), "B2": (1.1, 1.2, 260, 0.3),
    "B3": (1.2, 1.4, 300, 0.3), "B4": (1.4, 1.8, 380, 0.4), "B5": (1.6, 2.2, 456, 0.4),
    "B6": (1.8, 2.6, 528, 0.5), "B7": (2.0, 3.1, 600, 0.5),
}


def round_filters(filters, width_coefficient, divisor=8):
    """``max(divisor, int(f*w + divisor/2) // divisor * divisor)``, raised by ``divisor`` if below 90% of ``f*w``."""
    filters *= width_coefficient
    new_filters = max(divisor, int(filters + divisor / 2) // divisor * divisor)
    if new_filters < 0.9 * filters:
        new_filters += divisor
    return int(new_filters)


def round_repeats(repeats, depth_coefficient):
    """``ceil(depth_coefficient * repeats)`` blocks in a stage."""
    return int(math.ceil(depth_coefficient * repeats))


def stem(img_input, filters, activation, weights, bn_axis):
    """Rescaling, Normalization (and the ImageNet std rescaling), then the 3x3 stride-2 convolution."""
    x = layers.Rescaling(1.0 / 255.0)(img_input)
    x = layers.Normalization(axis=bn_axis)(x)
    if weights == "imagenet":
        x = layers.Rescaling([1.0 / math.sqrt(stddev) for stddev in IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(filters, 3, strides=2, padding="valid", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, name="stem_conv")(x)
    x = layers.BatchNormalization(axis=bn_axis, name="stem_bn")(x)
    return layers.Activation(activation, name="stem_activation")(x)


def conv_bn(x, filters, name, bn_name, activation=None, bn_axis=3):
    """A bias-free 1x1 'same' convolution and its batch normalization (and activation)."""
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
                      name=name)(x)
    x = layers.BatchNormalization(axis=bn_axis, name=bn_name)(x)
    return x if activation is None else layers.Activation(activation[0], name=activation[1])(x)


def squeeze_excite(x, filters, filters_se, activation, name, bn_axis):
    """``x * sigmoid(expand(act(reduce(GAP(x)))))``: ``filters -> filters_se -> filters`` 1x1 convolutions."""
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se = layers.Reshape((filters, 1, 1) if bn_axis == 1 else (1, 1, filters), name=f"{name}se_reshape")(se)
    se = layers.Conv2D(filters_se, 1, padding="same", activation=activation,
                       kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                       kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{name}se_expand")(se)
    return layers.multiply([x, se], name=f"{name}se_excite")


def block(inputs, activation="swish", drop_rate=0.0, name="", filters_in=32, filters_out=16, kernel_size=3,
          strides=1, expand_ratio=1, se_ratio=0.0, id_skip=True):
    """One MBConv block: expansion, depthwise convolution, squeeze-excitation, projection, residual."""
    bn_axis = 3 if backend.image_data_format() == "channels_last" else 1
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = conv_bn(x, filters, f"{name}expand_conv", f"{name}expand_bn",
                    (activation, f"{name}expand_activation"), bn_axis)
    if strides == 2:
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size), name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="valid" if strides == 2 else "same",
                               use_bias=False, depthwise_initializer=CONV_KERNEL_INITIALIZER,
                               name=f"{name}dwconv")(x)
    x = layers.BatchNormalization(axis=bn_axis, name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(filters_in * se_ratio)), activation, name, bn_axis)
    x = conv_bn(x, filters_out, f"{name}project_conv", f"{name}project_bn", bn_axis=bn_axis)
    if id_skip and strides == 1 and filters_in == filters_out:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
        x = layers.add([x, inputs], name=f"{name}add")
    return x


def EfficientNet(width_coefficient, depth_coefficient, default_size, dropout_rate=0.2, drop_connect_rate=0.2,
                 depth_divisor=8, activation="swish", blocks_args="default", name="efficientnet", include_top=True,
                 weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                 classifier_activation="softmax", weights_name=None):
    """The EfficientNet network scaled by ``width_coefficient`` and ``depth_coefficient``."""
    if blocks_args == "default":
        blocks_args = DEFAULT_BLOCKS_ARGS
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded.")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights="imagenet"` with `include_top` as true, `classes` should be 1000')
    data_format = backend.image_data_format()
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format=data_format, require_flatten=include_top,
                                                    weights=weights)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    bn_axis = 3 if data_format == "channels_last" else 1

    def filters_of(count):
        return round_filters(count, width_coefficient, depth_divisor)

    x = stem(img_input, filters_of(32), activation, weights, bn_axis)
    blocks_args = copy.deepcopy(blocks_args)
    b = 0
    blocks = float(sum(round_repeats(args["repeats"], depth_coefficient) for args in blocks_args))
    for i, args in enumerate(blocks_args):
        if args["repeats"] <= 0:
            raise ValueError("The number of repeats in `EfficientNet` must be > 0. "
                             f"Received: repeats={args['repeats']}")
        args["filters_in"] = filters_of(args["filters_in"])
        args["filters_out"] = filters_of(args["filters_out"])
        for j in range(round_repeats(args.pop("repeats"), depth_coefficient)):
            if j > 0:  # only a stage's first block changes stride and width
                args["strides"] = 1
                args["filters_in"] = args["filters_out"]
            x = block(x, activation, drop_connect_rate * b / blocks, name=f"block{i + 1}{chr(j + 97)}_", **args)
            b += 1
    x = conv_bn(x, filters_of(1280), "top_conv", "top_bn", (activation, "top_activation"), bn_axis)
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate, name="top_dropout")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, kernel_initializer=DENSE_KERNEL_INITIALIZER,
                         name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling, named=True)
    return Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)


def _constructor(variant):
    width, depth, size, dropout = VARIANTS[variant]

    def constructor(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
                    classes=1000, classifier_activation="softmax", name=f"efficientnet{variant.lower()}"):  # noqa: B008 (per variant)
        return EfficientNet(width, depth, size, dropout, name=name, include_top=include_top, weights=weights,
                            input_tensor=input_tensor, input_shape=input_shape, pooling=pooling, classes=classes,
                            classifier_activation=classifier_activation, weights_name=variant.lower())

    constructor.__name__ = constructor.__qualname__ = f"EfficientNet{variant}"
    constructor.__doc__ = (f"EfficientNet{variant}: width x{width}, depth x{depth}, {size}x{size} input, "
                           f"dropout {dropout} before the classifier.")
    return constructor


EfficientNetB0 = _constructor("B0")
EfficientNetB1 = _constructor("B1")
EfficientNetB2 = _constructor("B2")
EfficientNetB3 = _constructor("B3")
EfficientNetB4 = _constructor("B4")
EfficientNetB5 = _constructor("B5")
EfficientNetB6 = _constructor("B6")
EfficientNetB7 = _constructor("B7")


decode_predictions = imagenet_utils.decode_predictions  # Keras exports it from this module too


def preprocess_input(x, data_format=None):
    """The identity: the model itself rescales and normalizes its input (as in Keras)."""
    return x
