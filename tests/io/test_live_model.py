"""``nncalc.summarize(model)`` for a live real Keras model: read through its config, and the
text nncalc renders equals ``model.summary()`` of the same object."""

from __future__ import annotations

import warnings

import pytest

WIDTHS = ("80", "200")


def _sequential(keras):
    return keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(),
        keras.layers.Flatten(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ], name="digits")


def _functional(keras):
    a = keras.Input((32,), name="a")
    b = keras.Input((16,), name="b")
    x = keras.layers.Dense(64, activation="relu")(a)
    y = keras.layers.Dense(64)(b)
    shared = keras.layers.Dense(8, name="shared")
    merged = keras.layers.concatenate([shared(x), shared(y)])
    # keras.ops operations are rows of their own: a number, a constant tensor, a unary op.
    scaled = keras.ops.relu(merged * 0.5 + 1.0) - keras.ops.ones((1, 16))
    out = keras.layers.BatchNormalization()(scaled)
    return keras.Model([a, b], [out, x], name="two_inputs")


def _nested(keras):
    inner = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4), keras.layers.ReLU()], name="inner")
    inner.layers[0].trainable = False
    inputs = keras.Input((8,))
    x = inner(inputs)
    x = keras.layers.Dense(3)(inner(inputs) + x)
    block = keras.Model(inputs, x, name="block")
    outer_in = keras.Input((8,))
    return keras.Model(outer_in, keras.layers.Dense(2)(block(outer_in)), name="outer")


def _unbuilt_sequential(keras):
    return keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(2)], name="unbuilt")


def _fitted(keras):
    import numpy as np

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(1)], name="fitted")
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((8, 4)), np.zeros((8, 1)), epochs=1, verbose=0)
    return model


def _compiled_not_fitted(keras):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)], name="compiled")
    model.compile(optimizer="sgd", loss="mse")
    return model


def _mobilenet(keras):
    return keras.applications.MobileNetV3Small(weights=None, input_shape=(96, 96, 3), include_top=False,
                                               pooling="avg")


BUILDERS = [_sequential, _functional, _nested, _unbuilt_sequential, _fitted, _compiled_not_fitted, _mobilenet]


@pytest.mark.parametrize("build", BUILDERS, ids=[b.__name__.strip("_") for b in BUILDERS])
@pytest.mark.parametrize("expand_nested", [False, True])
def test_live_keras_model_matches_keras(real_keras, build, expand_nested, monkeypatch):
    import nncalc

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = build(real_keras)
    summary = nncalc.summarize(model, expand_nested=expand_nested)
    for columns in WIDTHS:
        monkeypatch.setenv("COLUMNS", columns)
        captured = []
        model.summary(print_fn=captured.append, expand_nested=expand_nested)
        assert summary.to_text() == "".join(captured), f"COLUMNS={columns}"
    if model.built:
        row_params = summary.models[0].trainable_params + summary.models[0].non_trainable_params
        assert row_params == model.count_params()


def test_live_keras_model_is_detected_without_importing_keras():
    from nncalc.io.files import is_keras_model

    class Model:  # a look-alike outside keras
        pass

    assert not is_keras_model(Model())
    assert not is_keras_model("model.keras")
    assert not is_keras_model(object())


def test_subclassed_keras_model_is_refused_with_one_line(real_keras):
    import nncalc
    from nncalc.errors import NncalcError

    class Custom(real_keras.Model):
        def __init__(self, units):
            super().__init__()
            self.dense = real_keras.layers.Dense(units)

        def call(self, x):
            return self.dense(x)

    with pytest.raises(NncalcError) as error:
        nncalc.summarize(Custom(3))
    assert "\n" not in str(error.value)
