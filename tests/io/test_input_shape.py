"""``--input-shape``: a saved model with free dims summarized as if built with concrete inputs.

The truth is real Keras building the same model with the concrete shape: its summary must
equal nncalc's summary of the free-dim model's config with ``input_shapes`` given.
"""

from __future__ import annotations

import json

import pytest

from nncalc.io.files import load_model


def _functional(keras, shape):
    inputs = keras.Input(shape)
    x = keras.layers.Conv2D(8, 3, strides=2)(inputs)
    y = keras.layers.MaxPooling2D(2)(x)
    z = keras.layers.Conv2D(8, 1)(y)
    out = keras.layers.Add()([y, z])
    return keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(out))


def _two_inputs(keras, a, b):
    x, y = keras.Input(a), keras.Input(b)
    h = keras.layers.Concatenate()([keras.layers.LSTM(4, return_sequences=True)(x), y])
    return keras.Model([x, y], keras.layers.Dense(3)(h))


def _sequential(keras, shape):
    return keras.Sequential([keras.Input(shape), keras.layers.Conv1D(4, 5), keras.layers.Dense(2)])


CASES = [
    (_functional, [(None, None, 3)], [(33, 47, 3)]),
    (_two_inputs, [(None, 5), (None, 2)], [(9, 5), (9, 2)]),
    (_sequential, [(None, 3)], [(20, 3)]),
]


def _summary(model) -> str:
    captured = []
    model.summary(print_fn=captured.append)
    return "".join(captured)


@pytest.mark.parametrize("build,free,concrete", CASES, ids=[c[0].__name__ for c in CASES])
def test_input_shape_equals_keras_built_with_it(real_keras, tmp_path, monkeypatch, build, free, concrete):
    monkeypatch.setenv("COLUMNS", "120")
    real_keras.backend.clear_session()
    path = tmp_path / "model.json"
    path.write_text(build(real_keras, *free).to_json(), encoding="utf-8")
    real_keras.backend.clear_session()
    expected = _summary(build(real_keras, *concrete))
    assert _summary(load_model(str(path), input_shapes=concrete)) == expected


def test_wrong_number_of_shapes_is_a_clear_error(real_keras, tmp_path):
    from nncalc.errors import ModelError

    path = tmp_path / "model.json"
    path.write_text(json.dumps(json.loads(_functional(real_keras, (None, None, 3)).to_json())), encoding="utf-8")
    with pytest.raises(ModelError, match="--input-shape was given 2 time"):
        load_model(str(path), input_shapes=[(8, 8, 3), (8, 8, 3)])
