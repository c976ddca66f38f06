"""ResNet50V2/101V2/152V2 (``keras.applications.resnet_v2``) against real Keras, live.

The recorded cases cover the defaults and ``ResNet50V2(include_top=False, 160x160)``; these
cover odd sizes (the auto-named 1x1 max-pool shortcuts), unknown sizes, pooling,
``input_tensor`` with the module's 'tf' preprocessing, and the arguments Keras rejects.
"""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.layer_attributes import assert_same_layer_attributes
from tests.keras.applications.test_imagenet_utils import _error


@pytest.mark.parametrize("kwargs", [
    {"include_top": False, "input_shape": (35, 51, 3), "pooling": "max"},
    {"include_top": False, "input_shape": (None, None, 3), "pooling": "avg"},
    {"input_shape": (32, 32, 3), "classes": 5, "classifier_activation": "sigmoid", "name": "tiny_v2"},
], ids=["odd-max", "none-avg", "top-32-classes5"])
def test_resnet50v2_arguments(real_keras, kwargs):
    assert_same_summary(real_keras, lambda keras: keras.applications.ResNet50V2(weights=None, **kwargs))


@pytest.mark.parametrize("constructor", ["ResNet101V2"])
def test_deeper_resnets_without_top(real_keras, constructor):
    assert_same_summary(real_keras, lambda keras: getattr(keras.applications, constructor)(
        weights=None, include_top=False, input_shape=(40, 32, 3)))


def test_input_tensor_and_module_preprocess_input(real_keras):
    def build(keras):
        inputs = keras.Input((64, 64, 3))
        x = keras.applications.resnet_v2.preprocess_input(inputs)
        return keras.applications.resnet_v2.ResNet50V2(weights=None, include_top=False, pooling="avg",
                                                       input_tensor=x)

    assert_same_summary(real_keras, build)


REJECTED = [
    ("ResNet50V2", {"weights": "no/such/file.h5"}),
    ("ResNet101V2", {"weights": "imagenet", "classes": 10}),
    ("ResNet152V2", {"weights": "imagenet", "input_shape": (200, 200, 3)}),
    ("ResNet50V2", {"weights": None, "input_shape": (64, 20, 3), "include_top": False}),
    ("ResNet50V2", {"weights": None, "input_shape": (None, 64, 3)}),
    ("ResNet50V2", {"weights": "imagenet", "classifier_activation": "tanh"}),
]


@pytest.mark.parametrize("constructor,kwargs", REJECTED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(REJECTED)])
def test_rejected_arguments_get_keras_message(real_keras, constructor, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: getattr(real_keras.applications, constructor)(**kwargs))
    assert expected is not None, "Keras accepts these arguments (each case must fail before any download)"
    assert _error(lambda: getattr(nk.applications, constructor)(**kwargs)) == expected


def test_module_exports_what_keras_exports(real_keras):
    import nncalc.keras as nk

    exported = {name for name in dir(real_keras.applications.resnet_v2) if not name.startswith("_")}
    assert all(callable(getattr(nk.applications.resnet_v2, name)) for name in exported)


def test_layer_settings_match(real_keras):
    """Epsilon, biases (none before BN), the 1x1 max-pool shortcuts' strides: what the summary does not show."""
    assert_same_layer_attributes(real_keras, lambda keras: keras.applications.ResNet50V2(
        weights=None, input_shape=(32, 32, 3), classes=3))
