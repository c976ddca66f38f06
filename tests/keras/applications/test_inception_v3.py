"""InceptionV3 (``keras.applications.inception_v3``) against real Keras, live.

The recorded cases cover the defaults and ``include_top=False`` at 160x160 with average
pooling; these cover the smallest and odd sizes (auto-named rows: conv2d_N,
batch_normalization_N, activation_N, concatenate_N), unknown sizes, max pooling,
``input_tensor`` with the module's 'tf' preprocessing, and the arguments Keras rejects
(InceptionV3's own message texts).
"""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.layer_attributes import assert_same_layer_attributes
from tests.keras.applications.test_imagenet_utils import _error


@pytest.mark.parametrize("kwargs", [
    {"include_top": False, "input_shape": (75, 75, 3)},
    {"include_top": False, "input_shape": (77, 91, 3), "pooling": "max"},
    {"include_top": False, "input_shape": (None, None, 3), "pooling": "avg"},
    {"input_shape": (96, 96, 3), "classes": 4, "classifier_activation": None, "name": "small_inception"},
], ids=["min-size", "odd-max", "none-avg", "top-96-classes4"])
def test_inception_v3_arguments(real_keras, kwargs):
    assert_same_summary(real_keras, lambda keras: keras.applications.InceptionV3(weights=None, **kwargs))


def test_input_tensor_and_module_preprocess_input(real_keras):
    def build(keras):
        inputs = keras.Input((80, 80, 3))
        x = keras.applications.inception_v3.preprocess_input(inputs)
        return keras.applications.inception_v3.InceptionV3(weights=None, include_top=False, input_tensor=x)

    assert_same_summary(real_keras, build)


REJECTED = [
    {"weights": "no/such/file.h5"},
    {"weights": "imagenet", "classes": 10},
    {"weights": "imagenet", "input_shape": (224, 224, 3)},
    {"weights": None, "input_shape": (74, 100, 3), "include_top": False},
    {"weights": None, "input_shape": (100, 100)},
    {"weights": None, "input_shape": (None, None, 3)},
    {"weights": "imagenet", "classifier_activation": "relu"},
]


@pytest.mark.parametrize("kwargs", REJECTED, ids=[str(i) for i in range(len(REJECTED))])
def test_rejected_arguments_get_keras_message(real_keras, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: real_keras.applications.InceptionV3(**kwargs))
    assert expected is not None, "Keras accepts these arguments (each case must fail before any download)"
    assert _error(lambda: nk.applications.InceptionV3(**kwargs)) == expected


def test_module_exports_what_keras_exports(real_keras):
    import nncalc.keras as nk

    exported = {name for name in dir(real_keras.applications.inception_v3) if not name.startswith("_")}
    assert all(callable(getattr(nk.applications.inception_v3, name)) for name in exported)


def test_layer_settings_match(real_keras):
    """BN without scale, paddings, strides of the auto-named layers: what the summary does not show."""
    assert_same_layer_attributes(real_keras, lambda keras: keras.applications.InceptionV3(
        weights=None, input_shape=(75, 75, 3), classes=3))
