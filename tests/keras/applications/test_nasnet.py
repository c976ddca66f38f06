"""``keras.applications.NASNetMobile/Large`` with arguments the recorded cases do not cover, against real Keras."""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.test_imagenet_utils import _error

REJECTED = [
    ("NASNetMobile", {"weights": "no/such/file.h5"}),
    ("NASNetLarge", {"weights": "imagenet", "classes": 10}),
    ("NASNetMobile", {"weights": "imagenet", "include_top": False, "input_shape": (None, None, 3)}),
    ("NASNetLarge", {"weights": "imagenet", "input_shape": (224, 224, 3)}),
    ("NASNetLarge", {"weights": None, "include_top": False, "input_shape": (64, 31, 3)}),
    ("NASNetMobile", {"weights": None, "input_shape": (None, None, 3)}),
]


def test_unknown_sizes(real_keras):
    """With unknown sizes every ``adjust_block`` sees equal (None) sizes and projects instead of halving."""

    def build(keras):
        return keras.applications.NASNetMobile(weights=None, include_top=False, input_shape=(None, None, 3),
                                               pooling="max")

    assert_same_summary(real_keras, build)


def test_odd_input_tensor_and_preprocess_input(real_keras):
    def build(keras):
        inputs = keras.Input((33, 47, 3))
        x = keras.applications.nasnet.preprocess_input(inputs)
        return keras.applications.NASNetMobile(weights=None, include_top=False, input_tensor=x, pooling="avg")

    assert_same_summary(real_keras, build)


def test_small_top(real_keras):
    def build(keras):
        return keras.applications.NASNetMobile(weights=None, input_shape=(40, 40, 1), classes=3,
                                               classifier_activation=None, name="n")

    assert_same_summary(real_keras, build)


@pytest.mark.parametrize("constructor,kwargs", REJECTED, ids=range(len(REJECTED)))
def test_rejected_arguments_get_keras_message(real_keras, constructor, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: getattr(real_keras.applications, constructor)(**kwargs))
    assert expected is not None, "Keras accepts these arguments"
    assert _error(lambda: getattr(nk.applications, constructor)(**kwargs)) == expected
