"""Xception (``keras.applications.xception``) against real Keras, live.

The recorded cases cover the defaults and ``classes=7`` with a linear top; these cover the
smallest and odd sizes, unknown sizes, pooling (auto-named global pools), ``input_tensor``
with the module's 'tf' preprocessing, and the arguments Keras rejects (Xception's
``weights`` message, unlike ResNet's, names no value).
"""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.layer_attributes import assert_same_layer_attributes
from tests.keras.applications.test_imagenet_utils import _error


@pytest.mark.parametrize("kwargs", [
    {"include_top": False, "input_shape": (71, 71, 3)},
    {"include_top": False, "input_shape": (75, 93, 3), "pooling": "max"},
    {"include_top": False, "input_shape": (None, None, 3), "pooling": "avg"},
    {"input_shape": (80, 80, 3), "classes": 3, "name": "small_xception"},
], ids=["min-size", "odd-max", "none-avg", "top-80-classes3"])
def test_xception_arguments(real_keras, kwargs):
    assert_same_summary(real_keras, lambda keras: keras.applications.Xception(weights=None, **kwargs))


def test_input_tensor_and_module_preprocess_input(real_keras):
    def build(keras):
        inputs = keras.Input((72, 72, 3))
        x = keras.applications.xception.preprocess_input(inputs)
        return keras.applications.xception.Xception(weights=None, include_top=False, input_tensor=x)

    assert_same_summary(real_keras, build)


REJECTED = [
    {"weights": "no/such/file.h5"},
    {"weights": "imagenet", "classes": 10},
    {"weights": "imagenet", "input_shape": (224, 224, 3)},
    {"weights": None, "input_shape": (70, 100, 3), "include_top": False},
    {"weights": None, "input_shape": (None, None, 3)},
    {"weights": "imagenet", "include_top": False, "input_shape": (100, 100, 1)},
    {"weights": "imagenet", "classifier_activation": "relu"},
]


@pytest.mark.parametrize("kwargs", REJECTED, ids=[str(i) for i in range(len(REJECTED))])
def test_rejected_arguments_get_keras_message(real_keras, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: real_keras.applications.Xception(**kwargs))
    assert expected is not None, "Keras accepts these arguments (each case must fail before any download)"
    assert _error(lambda: nk.applications.Xception(**kwargs)) == expected


def test_module_exports_what_keras_exports(real_keras):
    import nncalc.keras as nk

    exported = {name for name in dir(real_keras.applications.xception) if not name.startswith("_")}
    assert all(callable(getattr(nk.applications.xception, name)) for name in exported)


def test_layer_settings_match(real_keras):
    """BN epsilon, 'same' separable convolutions, pooling padding: what the summary does not show."""
    assert_same_layer_attributes(real_keras, lambda keras: keras.applications.Xception(
        weights=None, input_shape=(71, 71, 3), classes=3))
