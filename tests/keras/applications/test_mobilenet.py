"""``keras.applications.MobileNet`` with arguments the recorded cases do not cover, against real Keras."""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.test_imagenet_utils import _error

# Each builds a small model (weights=None: nothing is downloaded).
ACCEPTED = [
    {"include_top": False, "input_shape": (33, 47, 3)},
    {"include_top": False, "input_shape": (None, None, 3), "pooling": "max"},
    {"include_top": False, "input_shape": (64, 64, 1), "alpha": 0.25, "depth_multiplier": 2, "pooling": "avg"},
    {"input_shape": (128, 128, 3), "alpha": 0.75, "classes": 5, "classifier_activation": None, "dropout": 0.5},
    {"input_shape": (40, 40, 3), "alpha": 1.3, "classes": 3, "name": "tiny"},
]

REJECTED = [
    {"weights": "no/such/file.h5"},
    {"weights": "imagenet", "classes": 10},
    {"weights": "imagenet", "depth_multiplier": 2},
    {"weights": "imagenet", "alpha": 0.3},
    {"weights": "imagenet", "input_shape": (160, 160, 3), "alpha": 0.5, "classifier_activation": "relu"},
    {"weights": None, "input_shape": (31, 64, 3), "include_top": False},
    {"weights": None, "input_shape": (None, None, 3)},
    {"weights": "imagenet", "include_top": True, "input_shape": (128, 96, 3)},
]


@pytest.mark.parametrize("kwargs", ACCEPTED, ids=range(len(ACCEPTED)))
def test_arguments(real_keras, kwargs):
    def build(keras):
        return keras.applications.MobileNet(weights=None, **kwargs)

    assert_same_summary(real_keras, build)


def test_input_tensor_and_preprocess_input(real_keras):
    def build(keras):
        inputs = keras.Input((36, 36, 3))
        x = keras.applications.mobilenet.preprocess_input(inputs)
        return keras.applications.MobileNet(weights=None, include_top=False, input_tensor=x, pooling="avg")

    assert_same_summary(real_keras, build)


@pytest.mark.parametrize("kwargs", REJECTED, ids=range(len(REJECTED)))
def test_rejected_arguments_get_keras_message(real_keras, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: real_keras.applications.MobileNet(**kwargs))
    assert expected is not None, "Keras accepts these arguments"
    assert _error(lambda: nk.applications.MobileNet(**kwargs)) == expected
