"""NASNet-A (Zoph et al., 2018): a stem, two stem reduction cells, then three stacks of
``num_blocks`` normal cells separated by reduction cells.

``filters = penultimate_filters // 24`` (which must divide by ``24 * m**2``, ``m`` the filter
multiplier). Stem: ``stem_conv1`` (3x3, stride 2, 'valid'), ``stem_bn1``; reduction cells
``stem_1`` (``filters // m**2``) and ``stem_2`` (``filters // m``); normal cells ``0 ..
n-1`` (``filters``); reduction ``reduce_{n}`` (``filters * m``); normal ``n+1 .. 2n``;
reduction ``reduce_{2n}`` (``filters * m**2``); normal ``2n+1 .. 3n``; ReLU. Each cell takes
the current ``x`` and the previous cell's input ``p`` (after a reduction with
``skip_reduction`` the ``p`` before it is kept), first adjusted to ``x``'s size and width
(:func:`adjust_block`). A separable block is ReLU, SeparableConv2D, BN, ReLU,
SeparableConv2D, BN (the first strided and 'valid' after a ``correct_pad`` padding). A
normal cell concatenates ``p`` and five branch sums (6 x filters channels); a reduction cell
four (4 x filters, half the size). BN: momentum 0.9997, epsilon 1e-3.
NASNetMobile: 1056 penultimate filters, 4 blocks, stem 32, no skip reduction, 224x224.
NASNetLarge: 4032, 6 blocks, stem 96, skip reduction, 331x331.
"""

from __future__ import annotations

from .. import layers
from ...core.functional import Functional
from . import imagenet_utils
from .imagenet_utils import decode_predictions  # noqa: F401  (Keras exports it here)

__all__ = ["NASNetMobile", "NASNetLarge", "preprocess_input", "decode_predictions"]

# Normal cell branches, in Keras' order: (left, right) added as ``normal_add_{i}``. An
# operand is ("sep", source, kernel) a separable block, ("avg", source) a 3x3 average pool
# or ("id", source); sources: "h" (the cell's projected input) or "p" (the adjusted previous).
NORMAL_BRANCHES = (
    (("sep", "h", 5), ("sep", "p", 3)),
    (("sep", "p", 5), ("sep", "p", 3)),
    (("avg", "h"), ("id", "p")),
    (("avg", "p"), ("avg", "p")),
    (("sep", "h", 3), ("id", "h")),
)


def _batch_norm(name):
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)


def _conv1x1(x, filters, name, strides=(1, 1)):
    return layers.Conv2D(filters, (1, 1), strides=strides, padding="same", use_bias=False, name=name,
                         kernel_initializer="he_normal")(x)


def separable_conv_block(x, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """ReLU, separable conv (strided: padded, 'valid'), BN, ReLU, separable conv, BN."""
    x = layers.Activation("relu")(x)
    if strides == (2, 2):
        x = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(x, kernel_size),
                                 name=f"separable_conv_1_pad_{block_id}")(x)
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides, name=f"separable_conv_1_{block_id}",
                               padding="valid" if strides == (2, 2) else "same", use_bias=False)(x)
    x = _batch_norm(f"separable_conv_1_bn_{block_id}")(x)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, name=f"separable_conv_2_{block_id}", padding="same",
                               use_bias=False)(x)
    return _batch_norm(f"separable_conv_2_bn_{block_id}")(x)


def adjust_block(p, ip, filters, block_id=None):
    """``p`` made to match ``ip``: halved by two offset 1x1 strided paths when larger, else projected to ``filters``."""
    if p is None:
        return ip
    if p.shape[-2] != ip.shape[-2]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_1_{block_id}")(p)
        p1 = _conv1x1(p1, filters // 2, f"adjust_conv_1_{block_id}")
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_2_{block_id}")(p2)
        p2 = _conv1x1(p2, filters // 2, f"adjust_conv_2_{block_id}")
        p = layers.concatenate([p1, p2], axis=-1)
        return _batch_norm(f"adjust_bn_{block_id}")(p)
    if p.shape[-1] != filters:
        p = layers.Activation("relu")(p)
        p = _conv1x1(p, filters, f"adjust_conv_projection_{block_id}")
        return _batch_norm(f"adjust_bn_{block_id}")(p)
    return p


def _cell_input(ip, p, filters, kind, block_id):
    """The adjusted ``p`` and ``h``: ReLU, 1x1 convolution, BN of the cell's input."""
    p = adjust_block(p, ip, filters, block_id)
    h = layers.Activation("relu")(ip)
    h = _conv1x1(h, filters, f"{kind}_conv_1_{block_id}")
    return p, _batch_norm(f"{kind}_bn_1_{block_id}")(h)


def normal_a_cell(ip, p, filters, block_id=None):
    """The normal cell: ``concat(p, 5 branch sums)`` of ``6 * filters`` channels; returns ``(x, ip)``."""
    p, h = _cell_input(ip, p, filters, "normal", block_id)
    sources = {"h": h, "p": p}
    outputs = [p]
    for i, branch in enumerate(NORMAL_BRANCHES, start=1):
        terms = []
        for side, (op, source, *kernel) in zip(("left", "right"), branch):
            x = sources[source]
            if op == "sep":
                x = separable_conv_block(x, filters, (kernel[0], kernel[0]), block_id=f"normal_{side}{i}_{block_id}")
            elif op == "avg":
                x = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same",
                                            name=f"normal_{side}{i}_{block_id}")(x)
            terms.append(x)
        outputs.append(layers.add(terms, name=f"normal_add_{i}_{block_id}"))
    return layers.concatenate(outputs, axis=-1, name=f"normal_concat_{block_id}"), ip


def _pool(x, kind, strides, name):
    pool = layers.MaxPooling2D if kind == "max" else layers.AveragePooling2D
    return pool((3, 3), strides=strides, padding="valid" if strides == (2, 2) else "same", name=name)(x)


def reduction_a_cell(ip, p, filters, block_id=None):
    """The reduction cell (stride 2): ``concat`` of four branch sums, ``4 * filters`` channels; returns ``(x, ip)``."""
    p, h = _cell_input(ip, p, filters, "reduction", block_id)
    h3 = layers.ZeroPadding2D(padding=imagenet_utils.correct_pad(h, 3), name=f"reduction_pad_1_{block_id}")(h)
    s2 = (2, 2)

    def sep(x, kernel, branch):
        return separable_conv_block(x, filters, (kernel, kernel), strides=s2, block_id=f"reduction_{branch}_{block_id}")

    x1 = layers.add([sep(h, 5, "left1"), sep(p, 7, "right1")], name=f"reduction_add_1_{block_id}")
    x2 = layers.add([_pool(h3, "max", s2, f"reduction_left2_{block_id}"), sep(p, 7, "right2")],
                    name=f"reduction_add_2_{block_id}")
    x3 = layers.add([_pool(h3, "avg", s2, f"reduction_left3_{block_id}"), sep(p, 5, "right3")],
                    name=f"reduction_add3_{block_id}")
    x4 = layers.add([x2, _pool(x1, "avg", (1, 1), f"reduction_left4_{block_id}")])
    x5_1 = separable_conv_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}")
    x5 = layers.add([x5_1, _pool(h3, "max", s2, f"reduction_right5_{block_id}")], name=f"reduction_add4_{block_id}")
    return layers.concatenate([x2, x3, x4, x5], axis=-1, name=f"reduction_concat_{block_id}"), ip


def NASNet(input_shape=None, penultimate_filters=4032, num_blocks=6, stem_block_filters=96, skip_reduction=True,
           filter_multiplier=2, include_top=True, weights="imagenet", input_tensor=None, pooling=None, classes=1000,
           default_size=None, classifier_activation="softmax", name="NASNet"):
    """The NASNet-A network of the given sizes."""
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError("The `weights` argument should be either `None` (random initialization), `imagenet` "
                         "(pre-training on ImageNet), or the path to the weights file to be loaded.")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top` as true, `classes` should be 1000')
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError("When specifying the input shape of a NASNet and loading `ImageNet` weights, the "
                         f"input_shape argument must be static (no None entries). Got: `input_shape={input_shape}`.")
    if default_size is None:
        default_size = 331
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                                    data_format="channels_last", require_flatten=include_top,
                                                    weights=weights)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    m = filter_multiplier
    if penultimate_filters % (24 * (m**2)) != 0:
        raise ValueError("For NASNet-A models, the `penultimate_filters` must be a multiple of 24 * "
                         f"(`filter_multiplier` ** 2). Current value: {penultimate_filters}")
    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding="valid", use_bias=False, name="stem_conv1",
                      kernel_initializer="he_normal")(img_input)
    x = _batch_norm("stem_bn1")(x)
    x, p = reduction_a_cell(x, None, filters // (m**2), block_id="stem_1")
    x, p = reduction_a_cell(x, p, filters // m, block_id="stem_2")
    for stack in range(3):
        if stack:
            x, p0 = reduction_a_cell(x, p, filters * m**stack, block_id=f"reduce_{stack * num_blocks}")
            p = p if skip_reduction else p0
        for i in range(num_blocks):
            x, p = normal_a_cell(x, p, filters * m**stack, block_id=f"{stack * num_blocks + i + (1 if stack else 0)}")
    x = layers.Activation("relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling)
    model = Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)
    if weights == "imagenet" and default_size not in (224, 331):
        raise ValueError("ImageNet weights can only be loaded with NASNetLarge or NASNetMobile")
    return model


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                 classes=1000, classifier_activation="softmax", name="nasnet_mobile"):
    """NASNetMobile: 4 normal cells per stack, 1056 penultimate filters, 224x224 (also without the top)."""
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)
    return NASNet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32, skip_reduction=False,
                  filter_multiplier=2, include_top=include_top, weights=weights, input_tensor=input_tensor,
                  pooling=pooling, classes=classes, default_size=224, classifier_activation=classifier_activation,
                  name=name)


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                classes=1000, classifier_activation="softmax", name="nasnet_large"):
    """NASNetLarge: 6 normal cells per stack, 4032 penultimate filters, 331x331."""
    return NASNet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96, skip_reduction=True,
                  filter_multiplier=2, include_top=include_top, weights=weights, input_tensor=input_tensor,
                  pooling=pooling, classes=classes, default_size=331, classifier_activation=classifier_activation,
                  name=name)


def preprocess_input(x, data_format=None):
    """'tf' mode: ``x / 127.5 - 1``."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")
