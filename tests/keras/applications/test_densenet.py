"""``keras.applications.DenseNet*`` with arguments the recorded cases do not cover, against real Keras."""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary
from tests.keras.applications.test_imagenet_utils import _error

# (constructor, arguments); weights=None: nothing is downloaded.
ACCEPTED = [
    ("DenseNet121", {"include_top": False, "input_shape": (33, 47, 3)}),
    ("DenseNet121", {"include_top": False, "input_shape": (None, None, 1), "pooling": "max"}),
]

REJECTED = [
    ("DenseNet121", {"weights": "no/such/file.h5"}),
    ("DenseNet169", {"weights": "imagenet", "classes": 10}),
    ("DenseNet201", {"weights": "imagenet", "input_shape": (200, 200, 3)}),
    ("DenseNet121", {"weights": None, "input_shape": (31, 64, 3), "include_top": False}),
]


@pytest.mark.parametrize("constructor,kwargs", ACCEPTED, ids=range(len(ACCEPTED)))
def test_arguments(real_keras, constructor, kwargs):
    def build(keras):
        return getattr(keras.applications, constructor)(weights=None, **kwargs)

    assert_same_summary(real_keras, build)


def test_input_tensor_and_preprocess_input(real_keras):
    """With ``input_tensor`` the top sits on the tensor's size, not the default 224."""

    def build(keras):
        inputs = keras.Input((40, 40, 3))
        x = keras.applications.densenet.preprocess_input(inputs)
        return keras.applications.DenseNet169(weights=None, input_tensor=x, classes=3, classifier_activation=None,
                                              name="d")

    assert_same_summary(real_keras, build)


@pytest.mark.parametrize("constructor,kwargs", REJECTED, ids=range(len(REJECTED)))
def test_rejected_arguments_get_keras_message(real_keras, constructor, kwargs):
    import nncalc.keras as nk

    expected = _error(lambda: getattr(real_keras.applications, constructor)(**kwargs))
    assert expected is not None, "Keras accepts these arguments"
    assert _error(lambda: getattr(nk.applications, constructor)(**kwargs)) == expected
