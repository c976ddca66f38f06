"""EfficientNetV2 with arguments the recorded cases do not cover, against real Keras."""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.test_imagenet_utils import _error

# (constructor, arguments): each builds a small model (weights=None).
BUILDS = [
    ("EfficientNetV2B0", {"include_top": False, "input_shape": (33, 47, 3)}),  # odd sizes, 'same' strides
    ("EfficientNetV2B1", {"include_top": False, "input_shape": (None, None, 3), "pooling": "max"}),
    # one channel: the B variants fall back to Rescaling(1/128, offset=-1)
    ("EfficientNetV2B0", {"input_shape": (40, 36, 1), "classes": 5, "classifier_activation": None}),
    ("EfficientNetV2B0", {"include_top": False, "input_shape": (32, 32, 3), "pooling": "avg",
                          "include_preprocessing": False}),
]


@pytest.mark.parametrize("constructor,kwargs", BUILDS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(BUILDS)])
def test_builds_what_keras_builds(real_keras, constructor, kwargs):
    assert_same_summary(real_keras,
                        lambda keras: getattr(keras.applications, constructor)(weights=None, **kwargs))


def test_input_tensor_after_other_layers(real_keras):
    def build(keras):
        inputs = keras.Input((35, 35, 3))
        x = keras.layers.Rescaling(2.0)(inputs)  # the stem's Rescaling then gets the next automatic name
        x = keras.applications.efficientnet_v2.preprocess_input(x)
        return keras.applications.EfficientNetV2B0(weights=None, include_top=False, input_tensor=x)

    assert_same_summary(real_keras, build)


REJECTED = [
    ("EfficientNetV2B0", {"weights": "no/such/file.h5"}),
    ("EfficientNetV2S", {"weights": "imagenet", "classes": 10}),
    ("EfficientNetV2B0", {"weights": "imagenet", "input_shape": (200, 200, 3)}),
    ("EfficientNetV2L", {"weights": None, "include_top": False, "input_shape": (31, 64, 3)}),
    ("EfficientNetV2B3", {"weights": None, "input_shape": (None, None, 3)}),
    ("EfficientNetV2M", {"weights": "imagenet", "include_top": False, "input_shape": (64, 64, 4)}),
]


@pytest.mark.parametrize("constructor,kwargs", REJECTED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(REJECTED)])
def test_rejected_arguments_get_keras_message(real_keras, constructor, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: getattr(real_keras.applications, constructor)(**kwargs))
    assert expected is not None, "Keras accepts these arguments (each case must fail before any download)"
    assert _error(lambda: getattr(nk.applications, constructor)(**kwargs)) == expected


def test_a_custom_name_is_refused_clearly(real_keras):
    """Keras looks the blocks up by the model's name and fails with a KeyError; nncalc says why."""
    import nncalc.keras as nk

    with pytest.raises(KeyError):
        real_keras.applications.EfficientNetV2B0(weights=None, name="mine")
    with pytest.raises(ValueError, match="name='mine'"):
        nk.applications.EfficientNetV2B0(weights=None, name="mine")


def test_repeats_must_be_positive(real_keras):
    from keras.src.applications import efficientnet_v2 as keras_v2

    from nncalc.keras.applications import efficientnet_v2

    def blocks(module):
        args = [dict(spec) for spec in module.DEFAULT_BLOCKS_ARGS["efficientnetv2-b0"]]
        args[1]["num_repeat"] = 0
        return args

    expected = _error(lambda: keras_v2.EfficientNetV2(1.0, 1.0, 64, blocks_args=blocks(keras_v2), weights=None,
                                                      include_top=False))
    assert expected is not None
    assert _error(lambda: efficientnet_v2.EfficientNetV2(1.0, 1.0, 64, blocks_args=blocks(efficientnet_v2),
                                                         weights=None, include_top=False)) == expected


def test_default_blocks_match_keras(real_keras):
    from keras.src.applications import efficientnet_v2 as keras_v2

    from nncalc.keras.applications import efficientnet_v2

    assert efficientnet_v2.DEFAULT_BLOCKS_ARGS == keras_v2.DEFAULT_BLOCKS_ARGS


def test_preprocess_input_is_the_identity():
    import nncalc.keras as nk

    x = nk.Input((8, 8, 3))
    assert nk.applications.efficientnet_v2.preprocess_input(x) is x
