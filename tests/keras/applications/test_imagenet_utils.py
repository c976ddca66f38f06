"""The shared input rules of ``keras.applications`` and ``preprocess_input`` on symbolic tensors, against real Keras."""

from __future__ import annotations

import re

import pytest

from tests.helpers import assert_same_summary

# (constructor, arguments): Keras rejects each while building, before it would fetch any weights;
# nncalc must raise the same message.
REJECTED = [
    ("VGG16", {"weights": "no/such/file.h5"}),
    ("VGG16", {"weights": "imagenet", "classes": 10}),
    ("VGG16", {"weights": "imagenet", "input_shape": (200, 200, 3)}),
    ("VGG16", {"weights": None, "input_shape": (16, 16, 3)}),
    ("VGG19", {"weights": None, "include_top": False, "input_shape": (64, 31, 3)}),
    ("VGG16", {"weights": None, "input_shape": (64, 64)}),
    ("VGG16", {"weights": None, "include_top": True, "input_shape": (None, None, 3)}),
    ("VGG16", {"weights": "imagenet", "include_top": False, "input_shape": (64, 64, 1)}),
    ("VGG16", {"weights": "imagenet", "classifier_activation": "relu"}),
]


def _error(build):
    """The ValueError's message, object addresses (``at 0x7f...``) left out."""
    try:
        build()
    except ValueError as error:
        return re.sub(r" at 0x[0-9a-f]+", "", str(error))
    return None


@pytest.mark.parametrize("constructor,kwargs", REJECTED, ids=[f"{c}-{i}" for i, (c, _) in enumerate(REJECTED)])
def test_rejected_arguments_get_keras_message(real_keras, constructor, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: getattr(real_keras.applications, constructor)(**kwargs))
    assert expected is not None, "Keras accepts these arguments (each case must fail before any download)"
    actual = _error(lambda: getattr(nk.applications, constructor)(**kwargs))
    assert actual == expected


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("shape", [(32, 32, 3), (None, None, 3)])
def test_preprocess_input_on_a_symbolic_tensor(real_keras, mode, shape):
    """The operation rows ``preprocess_input`` adds to a functional model (stack, add, divide ...)."""

    def build(keras):
        from_keras = keras is real_keras
        utils = (real_keras.applications.imagenet_utils if from_keras
                 else keras.applications.imagenet_utils)
        inputs = keras.Input(shape)
        x = utils.preprocess_input(inputs, mode=mode)
        return keras.Model(inputs, keras.layers.Conv2D(4, 3)(x))

    assert_same_summary(real_keras, build)


def test_family_preprocess_input(real_keras):
    def build(keras):
        inputs = keras.Input((64, 64, 3))
        x = keras.applications.vgg16.preprocess_input(inputs)
        base = keras.applications.VGG16(weights=None, include_top=False, input_tensor=x)
        return keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(base.output))

    assert_same_summary(real_keras, build)


def test_input_tensor_after_other_layers(real_keras):
    """``input_tensor`` computed from an Input: the model starts at that Input (get_source_inputs)."""

    def build(keras):
        inputs = keras.Input((48, 48, 3))
        x = keras.layers.Rescaling(1 / 255)(inputs)
        return keras.applications.VGG19(weights=None, include_top=False, pooling="max", input_tensor=x)

    assert_same_summary(real_keras, build)


def test_decode_predictions_is_refused_clearly():
    import nncalc.keras as nk
    from nncalc.errors import Unsupported

    with pytest.raises(Unsupported, match="decode_predictions"):
        nk.applications.vgg16.decode_predictions([[0.1] * 1000])
