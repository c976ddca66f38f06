"""``build_config`` in a Keras 3 config: each layer is built from its recorded input shape before
the graph is replayed, as Keras' ``deserialize_keras_object`` does (``build_from_config``)."""

from __future__ import annotations

import json
import warnings

import pytest


def _config(real_keras):
    real_keras.backend.clear_session()
    inputs = real_keras.Input((5, 8))
    x = real_keras.layers.Dense(8, name="dense")(inputs)
    model = real_keras.Model(inputs, real_keras.layers.LSTM(4, name="lstm")(x))
    return json.loads(model.to_json())


def _keras_text(real_keras, config):
    real_keras.backend.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = real_keras.models.model_from_json(json.dumps(config))
    captured = []
    model.summary(print_fn=captured.append)
    return "".join(captured)


def _nncalc_text(tmp_path, config):
    import nncalc

    path = tmp_path / "model.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    return nncalc.summarize(path).to_text()


def test_recorded_shape_that_disagrees_with_the_call_is_refused_as_keras_does(real_keras, tmp_path):
    from nncalc.errors import NncalcError

    config = _config(real_keras)
    dense = next(layer for layer in config["config"]["layers"] if layer["class_name"] == "Dense")
    dense["build_config"]["input_shape"] = [None, 5, 9]  # weights for 9 inputs, called on 8
    with pytest.raises(ValueError) as keras_error:
        _keras_text(real_keras, config)
    with pytest.raises(NncalcError) as ours:
        _nncalc_text(tmp_path, config)
    assert "expected axis -1 of input shape to have value 9" in str(keras_error.value)
    assert "expected axis -1 of input shape to have value 9" in str(ours.value) and "'dense'" in str(ours.value)


def test_layer_built_from_its_record_accepts_an_unknown_dimension(real_keras, tmp_path, monkeypatch):
    """The input's last axis made unknown: Dense and LSTM were built from (None, 5, 8), so Keras
    calls them on (None, 5, None) and prints the summary; nncalc prints the same text."""
    monkeypatch.setenv("COLUMNS", "100")
    config = _config(real_keras)
    entry = config["config"]["layers"][0]
    entry["config"]["batch_shape"] = [None, 5, None]
    expected = _keras_text(real_keras, config)
    assert _nncalc_text(tmp_path, config) == expected


@pytest.mark.parametrize("index", [1, 2])
def test_a_build_shape_that_is_not_a_shape_is_left_to_the_call(real_keras, tmp_path, monkeypatch, index):
    """Keras hands ``[None, "five", 8]`` to ``build()``, which reads only the last dim: it loads."""
    monkeypatch.setenv("COLUMNS", "100")
    config = _config(real_keras)
    config["config"]["layers"][index]["build_config"]["input_shape"] = [None, "five", 8]
    assert _nncalc_text(tmp_path, config) == _keras_text(real_keras, config)
