"""ResNet50/101/152 (``keras.applications.resnet`` and ``resnet50``) against real Keras, live.

The recorded cases (test_constructors.py) cover the defaults and ``include_top=False``;
these cover other sizes (odd, unknown), pooling, ``input_tensor``, a smaller top, and the
arguments Keras rejects.
"""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.layer_attributes import assert_same_layer_attributes
from tests.keras.applications.test_imagenet_utils import _error


@pytest.mark.parametrize("kwargs", [
    {"include_top": False, "input_shape": (33, 47, 3), "pooling": "max"},
    {"include_top": False, "input_shape": (None, None, 3), "pooling": "avg"},
    {"include_top": False, "input_shape": (None, 64, 1)},
    {"input_shape": (64, 64, 3), "classes": 10, "classifier_activation": None, "name": "small"},
], ids=["odd-max", "none-avg", "one-channel", "top-64-classes10"])
def test_resnet50_arguments(real_keras, kwargs):
    assert_same_summary(real_keras, lambda keras: keras.applications.ResNet50(weights=None, **kwargs))


@pytest.mark.parametrize("constructor", ["ResNet101"])
def test_deeper_resnets_without_top(real_keras, constructor):
    assert_same_summary(real_keras, lambda keras: getattr(keras.applications, constructor)(
        weights=None, include_top=False, input_shape=(32, 40, 3), pooling="avg"))


def test_input_tensor_and_module_preprocess_input(real_keras):
    """``resnet50.preprocess_input`` ('caffe' rows) before a ResNet50 built on that tensor."""

    def build(keras):
        inputs = keras.Input((48, 48, 3))
        x = keras.applications.resnet50.preprocess_input(inputs)
        return keras.applications.resnet.ResNet50(weights=None, include_top=False, input_tensor=x)

    assert_same_summary(real_keras, build)


def test_backbone_nested_in_a_model(real_keras):
    def build(keras):
        base = keras.applications.ResNet50(weights=None, include_top=False, input_shape=(64, 64, 3))
        base.trainable = False
        inputs = keras.Input((64, 64, 3))
        x = keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
        return keras.Model(inputs, keras.layers.Dense(3)(x))

    assert_same_summary(real_keras, build, expand_nested=True, show_trainable=True)


REJECTED = [
    ("ResNet50", {"weights": "no/such/file.h5"}),
    ("ResNet101", {"weights": "imagenet", "classes": 10}),
    ("ResNet152", {"weights": "imagenet", "input_shape": (200, 200, 3)}),
    ("ResNet50", {"weights": None, "input_shape": (31, 64, 3), "include_top": False}),
    ("ResNet50", {"weights": None, "input_shape": (64, 64)}),
    ("ResNet50", {"weights": None, "input_shape": (None, None, 3)}),
    ("ResNet50", {"weights": "imagenet", "include_top": False, "input_shape": (64, 64, 1)}),
    ("ResNet50", {"weights": "imagenet", "classifier_activation": "relu"}),
]


@pytest.mark.parametrize("constructor,kwargs", REJECTED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(REJECTED)])
def test_rejected_arguments_get_keras_message(real_keras, constructor, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: getattr(real_keras.applications, constructor)(**kwargs))
    assert expected is not None, "Keras accepts these arguments (each case must fail before any download)"
    assert _error(lambda: getattr(nk.applications, constructor)(**kwargs)) == expected


def test_modules_export_what_keras_exports(real_keras):
    import nncalc.keras as nk

    for module in ("resnet", "resnet50"):
        exported = {name for name in dir(getattr(real_keras.applications, module)) if not name.startswith("_")}
        ours = getattr(nk.applications, module)
        assert all(callable(getattr(ours, name)) for name in exported), module


def test_layer_settings_match(real_keras):
    """Epsilon 1.001e-5, 'same' 3x3 convolutions, strides: what the summary does not show."""
    assert_same_layer_attributes(real_keras, lambda keras: keras.applications.ResNet50(
        weights=None, input_shape=(32, 32, 3), classes=3))
