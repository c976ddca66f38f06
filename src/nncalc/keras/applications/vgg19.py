"""VGG19: VGG16 (:mod:`.vgg16`) with (2, 2, 4, 4, 4) convolutions per block."""

from __future__ import annotations

from .imagenet_utils import decode_predictions
from .vgg16 import build_vgg, preprocess_input

__all__ = ["VGG19", "decode_predictions", "preprocess_input"]  # what keras.applications.vgg19 exports


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None,
          classes=1000, classifier_activation="softmax", name="vgg19"):
    """VGG19: 16 convolutions and 3 dense layers, 143,667,240 parameters with the top."""
    return build_vgg((2, 2, 4, 4, 4), include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, name)
