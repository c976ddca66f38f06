"""``keras.applications.MobileNetV3Small/Large`` with arguments the recorded cases do not cover, against real Keras."""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.test_imagenet_utils import _error

# (constructor, arguments); weights=None: nothing is downloaded.
ACCEPTED = [
    ("MobileNetV3Small", {"input_shape": (33, 47, 3), "alpha": 0.75, "dropout_rate": 0, "classes": 3}),
    ("MobileNetV3Small", {"input_shape": (48, 48, 1), "alpha": 1.5, "classifier_activation": None, "name": "s"}),
    ("MobileNetV3Large", {"include_top": False, "minimalistic": True, "pooling": "max",
                          "include_preprocessing": False}),
    ("MobileNetV3Large", {"input_shape": (None, None, 3), "minimalistic": True, "alpha": 1.25, "classes": 5}),
]

REJECTED = [
    ("MobileNetV3Small", {"weights": "no/such/file.h5"}),
    ("MobileNetV3Large", {"weights": "imagenet", "classes": 10}),
    ("MobileNetV3Large", {"weights": "imagenet", "alpha": 0.5}),
    ("MobileNetV3Small", {"weights": "imagenet", "minimalistic": True, "alpha": 0.75}),
    ("MobileNetV3Small", {"weights": None, "input_shape": (31, 64, 3)}),
    ("MobileNetV3Small", {"weights": "imagenet", "input_shape": (224, 224, 3), "classifier_activation": "relu"}),
]


@pytest.mark.parametrize("constructor,kwargs", ACCEPTED, ids=range(len(ACCEPTED)))
def test_arguments(real_keras, constructor, kwargs):
    def build(keras):
        return getattr(keras.applications, constructor)(weights=None, **kwargs)

    assert_same_summary(real_keras, build)


def test_two_dimensional_input_shape_is_rejected(real_keras):
    """Keras does not check the rank: its stem convolution rejects the input (nncalc names the layer)."""

    def build(keras):
        return keras.applications.MobileNetV3Small(weights=None, input_shape=(64, 64))

    assert assert_same_summary(real_keras, build) is None


def test_non_square_input_tensor_and_preprocess_input(real_keras):
    """``preprocess_input`` is the identity; a tensor's sizes become input_shape ``(cols, rows, 3)``."""

    def build(keras):
        inputs = keras.Input((40, 56, 3))
        x = keras.applications.mobilenet_v3.preprocess_input(inputs)
        return keras.applications.MobileNetV3Small(weights=None, include_top=False, input_tensor=x, pooling="avg")

    assert_same_summary(real_keras, build)


@pytest.mark.parametrize("constructor,kwargs", REJECTED, ids=range(len(REJECTED)))
def test_rejected_arguments_get_keras_message(real_keras, constructor, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: getattr(real_keras.applications, constructor)(**kwargs))
    assert expected is not None, "Keras accepts these arguments"
    assert _error(lambda: getattr(nk.applications, constructor)(**kwargs)) == expected


def test_input_tensor_must_match_input_shape(real_keras):
    import nncalc.keras as nk

    def build(keras):
        return keras.applications.MobileNetV3Large(weights=None, input_shape=(64, 64, 3),
                                                   input_tensor=keras.Input((64, 48, 3)))

    expected = _error(lambda: build(real_keras))
    assert expected is not None
    assert _error(lambda: build(nk)) == expected
