"""``keras.applications.MobileNetV2`` with arguments the recorded cases do not cover, against real Keras."""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.test_imagenet_utils import _error

# Each builds a small model (weights=None: nothing is downloaded).
ACCEPTED = [
    {"include_top": False, "input_shape": (33, 47, 3)},
    {"include_top": False, "input_shape": (None, None, 3), "pooling": "max", "alpha": 0.35},
    {"include_top": False, "input_shape": (96, 96, 1), "alpha": 1.4, "pooling": "avg"},
    {"input_shape": (35, 35, 3), "alpha": 0.75, "classes": 5, "classifier_activation": None, "name": "tiny"},
]

REJECTED = [
    {"weights": "no/such/file.h5"},
    {"weights": "imagenet", "classes": 10},
    {"weights": "imagenet", "alpha": 0.3},
    {"weights": "imagenet", "input_shape": (128, 128, 3), "alpha": 0.5, "classifier_activation": "relu"},
    {"weights": "imagenet", "input_shape": (128, 96, 3)},
    {"weights": None, "input_shape": (31, 64, 3), "include_top": False},
    {"weights": None, "input_shape": (None, None, 3)},
]


@pytest.mark.parametrize("kwargs", ACCEPTED, ids=range(len(ACCEPTED)))
def test_arguments(real_keras, kwargs):
    def build(keras):
        return keras.applications.MobileNetV2(weights=None, **kwargs)

    assert_same_summary(real_keras, build)


@pytest.mark.parametrize("size,include_top", [(36, False), (96, True)])
def test_input_tensor_and_preprocess_input(real_keras, size, include_top):
    """The default size (and so the name) comes from a square ``input_tensor`` of an ImageNet size."""

    def build(keras):
        inputs = keras.Input((size, size, 3))
        x = keras.applications.mobilenet_v2.preprocess_input(inputs)
        return keras.applications.MobileNetV2(weights=None, include_top=include_top, input_tensor=x, classes=4)

    assert_same_summary(real_keras, build)


@pytest.mark.parametrize("kwargs", REJECTED, ids=range(len(REJECTED)))
def test_rejected_arguments_get_keras_message(real_keras, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: real_keras.applications.MobileNetV2(**kwargs))
    assert expected is not None, "Keras accepts these arguments"
    assert _error(lambda: nk.applications.MobileNetV2(**kwargs)) == expected


def test_input_tensor_must_match_input_shape(real_keras):
    """With both, the tensor's width must equal ``input_shape[1]``."""
    import nncalc.keras as nk

    def build(keras):
        return keras.applications.MobileNetV2(weights=None, include_top=False, input_shape=(64, 64, 3),
                                              input_tensor=keras.Input((64, 48, 3)))

    expected = _error(lambda: build(real_keras))
    assert expected is not None
    assert _error(lambda: build(nk)) == expected
