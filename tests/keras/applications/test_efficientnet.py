"""EfficientNet B0-B7 with arguments the recorded cases do not cover, against real Keras."""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.keras_imagenet import build_without_download
from tests.keras.applications.test_imagenet_utils import _error

# (constructor, arguments): each builds a small model (weights=None).
BUILDS = [
    ("EfficientNetB0", {"include_top": False, "input_shape": (33, 47, 3)}),  # odd sizes: asymmetric padding
    ("EfficientNetB1", {"include_top": False, "input_shape": (None, None, 3), "pooling": "max"}),
    ("EfficientNetB0", {"input_shape": (40, 36, 1), "classes": 5, "classifier_activation": None, "name": "tiny"}),
]


@pytest.mark.parametrize("constructor,kwargs", BUILDS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(BUILDS)])
def test_builds_what_keras_builds(real_keras, constructor, kwargs):
    assert_same_summary(real_keras,
                        lambda keras: getattr(keras.applications, constructor)(weights=None, **kwargs))


def test_input_tensor_after_other_layers(real_keras):
    def build(keras):
        inputs = keras.Input((35, 35, 3))
        x = keras.layers.Rescaling(2.0)(inputs)  # a second automatic Rescaling name before the stem's
        x = keras.applications.efficientnet.preprocess_input(x)
        return keras.applications.EfficientNetB0(weights=None, include_top=False, input_tensor=x)

    assert_same_summary(real_keras, build)


def test_as_a_backbone(real_keras):
    def build(keras):
        base = keras.applications.EfficientNetB0(weights=None, include_top=False, input_shape=(32, 32, 3))
        inputs = keras.Input((32, 32, 3))
        x = keras.layers.GlobalAveragePooling2D()(base(inputs))
        return keras.Model(inputs, keras.layers.Dense(2)(x))

    assert_same_summary(real_keras, build)


def test_imagenet_weights_add_the_std_rescaling(real_keras, monkeypatch):
    """With ``weights="imagenet"`` the stem has a third Rescaling (nothing is downloaded)."""
    import nncalc.keras as nk

    def build(keras):
        kwargs = {"include_top": False, "input_shape": (32, 32, 3)}
        if keras is real_keras:
            return build_without_download(monkeypatch, "efficientnet", "EfficientNetB0", **kwargs)
        return keras.applications.EfficientNetB0(weights="imagenet", **kwargs)

    text = assert_same_summary(real_keras, build)
    assert "rescaling_1" in text
    assert nk.applications.EfficientNetB0(weights="imagenet", include_top=False).count_params() > 0


REJECTED = [
    ("EfficientNetB0", {"weights": "no/such/file.h5"}),
    ("EfficientNetB4", {"weights": "imagenet", "classes": 10}),
    ("EfficientNetB0", {"weights": "imagenet", "input_shape": (200, 200, 3)}),
    ("EfficientNetB7", {"weights": None, "include_top": False, "input_shape": (31, 64, 3)}),
    ("EfficientNetB0", {"weights": None, "input_shape": (None, None, 3)}),
    ("EfficientNetB0", {"weights": None, "input_shape": (64, 64)}),
    ("EfficientNetB0", {"weights": "imagenet", "classifier_activation": "relu", "input_shape": (224, 224, 3)}),
]


@pytest.mark.parametrize("constructor,kwargs", REJECTED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(REJECTED)])
def test_rejected_arguments_get_keras_message(real_keras, constructor, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: getattr(real_keras.applications, constructor)(**kwargs))
    assert expected is not None, "Keras accepts these arguments (each case must fail before any download)"
    assert _error(lambda: getattr(nk.applications, constructor)(**kwargs)) == expected


def test_repeats_must_be_positive(real_keras):
    from keras.src.applications import efficientnet as keras_efficientnet

    from nncalc.keras.applications import efficientnet

    def blocks(module):
        args = [dict(spec) for spec in module.DEFAULT_BLOCKS_ARGS]
        args[2]["repeats"] = 0
        return args

    expected = _error(lambda: keras_efficientnet.EfficientNet(1.0, 1.0, 64, blocks_args=blocks(keras_efficientnet),
                                                              weights=None, include_top=False))
    assert expected is not None
    assert _error(lambda: efficientnet.EfficientNet(1.0, 1.0, 64, blocks_args=blocks(efficientnet),
                                                    weights=None, include_top=False)) == expected


def test_default_blocks_and_rounding_match_keras(real_keras):
    from keras.src.applications import efficientnet as keras_efficientnet

    from nncalc.keras.applications import efficientnet

    assert efficientnet.DEFAULT_BLOCKS_ARGS == keras_efficientnet.DEFAULT_BLOCKS_ARGS


def test_preprocess_input_is_the_identity(real_keras):
    import nncalc.keras as nk

    x = nk.Input((8, 8, 3))
    assert nk.applications.efficientnet.preprocess_input(x) is x
