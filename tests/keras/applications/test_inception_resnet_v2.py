"""InceptionResNetV2 (``keras.applications.inception_resnet_v2``) against real Keras, live.

The recorded cases cover the defaults and ``include_top=False`` with max pooling; these
cover the smallest and odd sizes, unknown sizes (the residual 1x1 convs project back to
the input's channels, ``CustomScaleLayer`` rows are auto-named), a small top,
``input_tensor`` with the module's 'tf' preprocessing, and the arguments Keras rejects
(this family's own message texts).
"""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.layer_attributes import assert_same_layer_attributes
from tests.keras.applications.test_imagenet_utils import _error


@pytest.mark.parametrize("kwargs", [
    {"include_top": False, "input_shape": (None, None, 3), "pooling": "avg"},
    {"input_shape": (83, 97, 3), "classes": 6, "classifier_activation": "sigmoid", "name": "irv2"},
], ids=["none-avg", "top-odd-classes6"])
def test_inception_resnet_v2_arguments(real_keras, kwargs):
    assert_same_summary(real_keras, lambda keras: keras.applications.InceptionResNetV2(weights=None, **kwargs))


def test_input_tensor_and_module_preprocess_input(real_keras):
    def build(keras):
        inputs = keras.Input((76, 76, 3))
        x = keras.applications.inception_resnet_v2.preprocess_input(inputs)
        return keras.applications.inception_resnet_v2.InceptionResNetV2(weights=None, include_top=False,
                                                                         pooling="max", input_tensor=x)

    assert_same_summary(real_keras, build)


REJECTED = [
    {"weights": "no/such/file.h5"},
    {"weights": "imagenet", "classes": 10},
    {"weights": "imagenet", "input_shape": (224, 224, 3)},
    {"weights": None, "input_shape": (100, 74, 3), "include_top": False},
    {"weights": None, "input_shape": (None, 100, 3)},
    {"weights": "imagenet", "include_top": False, "input_shape": (100, 100, 4)},
]


@pytest.mark.parametrize("kwargs", REJECTED, ids=[str(i) for i in range(len(REJECTED))])
def test_rejected_arguments_get_keras_message(real_keras, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: real_keras.applications.InceptionResNetV2(**kwargs))
    assert expected is not None, "Keras accepts these arguments (each case must fail before any download)"
    assert _error(lambda: nk.applications.InceptionResNetV2(**kwargs)) == expected


def test_module_exports_what_keras_exports(real_keras):
    import nncalc.keras as nk

    exported = {name for name in dir(real_keras.applications.inception_resnet_v2) if not name.startswith("_")}
    assert all(callable(getattr(nk.applications.inception_resnet_v2, name)) for name in exported)


def test_layer_settings_match(real_keras):
    """At the smallest size (75x75): each CustomScaleLayer's scale (0.17, 0.1, 0.2, 1.0), BN without scale,
    paddings and strides: what the summary does not show."""
    assert_same_layer_attributes(real_keras, lambda keras: keras.applications.InceptionResNetV2(
        weights=None, input_shape=(75, 75, 3), classes=3))
