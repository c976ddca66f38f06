"""ConvNeXt with arguments the recorded cases do not cover, against real Keras."""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.test_imagenet_utils import _error

# (constructor, arguments): each builds a small model (weights=None).
BUILDS = [
    ("ConvNeXtTiny", {"include_top": False, "input_shape": (33, 47, 3)}),  # odd sizes: 'valid' 4x4/4 then 2x2/2
    ("ConvNeXtTiny", {"include_top": False, "input_shape": (None, None, 3), "pooling": "max"}),
    # one channel: no prestem normalization
    ("ConvNeXtTiny", {"input_shape": (64, 64, 1), "classes": 5, "classifier_activation": None, "name": "mine"}),
    ("ConvNeXtTiny", {"include_top": False, "input_shape": (32, 32, 3), "pooling": "avg",
                      "include_preprocessing": False}),
]


@pytest.mark.parametrize("constructor,kwargs", BUILDS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(BUILDS)])
def test_builds_what_keras_builds(real_keras, constructor, kwargs):
    assert_same_summary(real_keras,
                        lambda keras: getattr(keras.applications, constructor)(weights=None, **kwargs))


def test_input_tensor_after_other_layers(real_keras):
    def build(keras):
        inputs = keras.Input((35, 35, 3))
        x = keras.layers.Normalization(mean=0.0, variance=1.0)(inputs)  # an automatic name before the model's
        x = keras.applications.convnext.preprocess_input(x)
        return keras.applications.ConvNeXtTiny(weights=None, include_top=False, input_tensor=x)

    assert_same_summary(real_keras, build)


def _generic(keras, real_keras, **kwargs):
    """``ConvNeXt(...)`` of Keras' module (not exported) or of nncalc's."""
    if keras is real_keras:
        from keras.src.applications import convnext
    else:
        from nncalc.keras.applications import convnext
    return convnext.ConvNeXt(**kwargs)


@pytest.mark.parametrize("layer_scale", [None, 0.5])
def test_drop_path_and_layer_scale(real_keras, layer_scale):
    """A drop-path schedule (StochasticDepth rows after the first block) and no LayerScale, nested rows shown."""
    kwargs = {"depths": [2, 1, 2, 1], "projection_dims": [8, 16, 24, 32], "drop_path_rate": 0.3,
              "layer_scale_init_value": layer_scale, "weights": None, "include_top": True, "classes": 4,
              "input_shape": (64, 64, 3), "name": "mini"}

    def build(keras):
        return _generic(keras, real_keras, **kwargs)

    assert_same_summary(real_keras, build, expand_nested=True, show_trainable=True)
    import nncalc.keras as nk

    def rates(keras):
        return [layer.drop_path_rate for layer in build(keras).layers if type(layer).__name__ == "StochasticDepth"]

    assert rates(nk) == rates(real_keras) != []


REJECTED = [
    ("ConvNeXtTiny", {"weights": "no/such/file.h5"}),
    ("ConvNeXtBase", {"weights": "imagenet", "classes": 10}),
    ("ConvNeXtTiny", {"weights": "imagenet", "input_shape": (200, 200, 3)}),
    ("ConvNeXtXLarge", {"weights": None, "include_top": False, "input_shape": (31, 64, 3)}),
    ("ConvNeXtSmall", {"weights": None, "input_shape": (None, None, 3)}),
    ("ConvNeXtTiny", {"weights": "imagenet", "classifier_activation": "relu", "input_shape": (224, 224, 3)}),
    # built, then refused before the download: the name must contain the weights variant
    ("ConvNeXtTiny", {"weights": "imagenet", "include_top": False, "input_shape": (32, 32, 3), "name": "mine"}),
]


@pytest.mark.parametrize("constructor,kwargs", REJECTED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(REJECTED)])
def test_rejected_arguments_get_keras_message(real_keras, constructor, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: getattr(real_keras.applications, constructor)(**kwargs))
    assert expected is not None, "Keras accepts these arguments (each case must fail before any download)"
    assert _error(lambda: getattr(nk.applications, constructor)(**kwargs)) == expected


def test_imagenet_weights_need_the_variant_architecture(real_keras):
    import nncalc.keras as nk

    kwargs = {"depths": [1, 1, 1, 1], "projection_dims": [8, 16, 24, 32], "weights": "imagenet",
              "include_top": False, "input_shape": (32, 32, 3), "name": "convnext_tiny",
              "weights_name": "convnext_tiny"}
    expected = _error(lambda: _generic(real_keras, real_keras, **kwargs))
    assert expected is not None
    assert _error(lambda: _generic(nk, real_keras, **kwargs)) == expected


def test_preprocess_input_is_the_identity():
    import nncalc.keras as nk

    x = nk.Input((8, 8, 3))
    assert nk.applications.convnext.preprocess_input(x) is x
