"""Automatic names: nncalc consumes Keras' counters exactly as Keras does."""

from __future__ import annotations

import pytest

from nncalc.core.naming import auto_name, reset_uids, to_snake_case

CLASS_NAMES = ["Dense", "Conv2D", "MaxPooling2D", "InputLayer", "Functional", "Sequential",
               "GlobalAveragePooling1D", "LSTM", "MultiHeadAttention", "ReLU", "PReLU", "HTTPLayer2D",
               "Conv2DTranspose", "UpSampling2D", "My_Layer", "layer3D"]


@pytest.mark.parametrize("name", CLASS_NAMES)
def test_snake_case_matches_keras(real_keras, name):
    from keras.src.utils.naming import to_snake_case as keras_snake_case

    assert to_snake_case(name) == keras_snake_case(name)


def test_counters_count_per_prefix():
    reset_uids()
    assert [auto_name("Dense") for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    assert auto_name("Conv2D") == "conv2d"


def _names_after_building(keras):
    """Names of objects created after a Sequential that rebuilds itself on every add()."""
    model = keras.Sequential()
    model.add(keras.layers.Flatten(input_shape=(28, 28)))
    model.add(keras.layers.Dense(4))
    model.add(keras.layers.Dense(2))
    inputs = keras.Input((3,))
    functional = keras.Model(inputs, keras.layers.Dense(1)(inputs))
    other = keras.Sequential([keras.layers.Dense(1)])
    other.build((None, 5))
    return [model.name, functional.name, inputs._keras_history[0].name, other.name,
            other._layers[0].name] + [layer.name for layer in model.layers]


def test_hidden_objects_consume_names_like_keras(real_keras):
    import warnings

    import nncalc.keras as nk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = _names_after_building(real_keras)
        actual = _names_after_building(nk)
    assert actual == expected
