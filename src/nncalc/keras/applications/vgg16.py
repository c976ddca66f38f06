"""VGG16 (Simonyan & Zisserman, 2015): five blocks of 3x3 'same' convolutions, each ended by a 2x2 max pool.

Block ``b`` has ``convs[b]`` convolutions of ``(64, 128, 256, 512, 512)[b]`` filters named
``block{b+1}_conv{i}`` and a pool ``block{b+1}_pool``; the top is Flatten, two Dense(4096)
(``fc1``, ``fc2``) and ``predictions``. VGG16 has (2, 2, 3, 3, 3) convolutions per block.
"""

from __future__ import annotations

from .. import layers
from ...core.functional import Functional
from . import imagenet_utils
from .imagenet_utils import decode_predictions

__all__ = ["VGG16", "decode_predictions", "preprocess_input"]  # what keras.applications.vgg16 exports

FILTERS = (64, 128, 256, 512, 512)


def build_vgg(convs_per_block, include_top, weights, input_tensor, input_shape, pooling, classes,
              classifier_activation, name):
    """The VGG network with ``convs_per_block[b]`` convolutions in block ``b``."""
    if not imagenet_utils.weights_are_valid(weights):
        raise ValueError(f"{imagenet_utils.WEIGHTS_MESSAGE}  Received: weights={weights}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  "
                         f"Received classes={classes}")
    input_shape = imagenet_utils.obtain_input_shape(input_shape, default_size=224, min_size=32,
                                                    data_format="channels_last", require_flatten=include_top,
                                                    weights=weights)
    img_input = imagenet_utils.image_input(input_tensor, input_shape)
    x = img_input
    for block, (convs, filters) in enumerate(zip(convs_per_block, FILTERS), start=1):
        for i in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{i}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pooling(x, pooling)
    return Functional(imagenet_utils.model_inputs(input_tensor, img_input), x, name=name)


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
          classes=1000, classifier_activation="softmax", name="vgg16"):
    """VGG16: 13 convolutions and 3 dense layers, 138,357,544 parameters with the top."""
    return build_vgg((2, 2, 3, 3, 3), include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name)


def preprocess_input(x, data_format=None):
    """'caffe' mode: RGB to BGR, then minus the ImageNet channel means."""
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")
