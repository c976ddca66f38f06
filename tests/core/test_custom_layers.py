"""Custom ``Layer`` subclasses: traced ``call()``, tracked sublayers, weights, errors.

Expected summaries come from real Keras at test time (same code, both libraries).
"""

from __future__ import annotations

import re

import pytest

from nncalc.errors import LayerError, NncalcError, Unsupported
from tests.core._scripts import assert_script_matches_keras
from tests.helpers import assert_same_summary


@pytest.mark.parametrize("name", [
    "custom_layer_scale_bias", "custom_attention_block", "custom_resnet_block",
    "custom_layers_shared_multi",
])
@pytest.mark.keras
def test_script_summary_matches_keras(name, tmp_path):
    assert_script_matches_keras(name, tmp_path)


def _scale_bias_model(k, units, frozen_bias):
    class ScaleBias(k.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")
            self.bias = self.add_weight(shape=(units,), initializer="zeros",
                                        trainable=not frozen_bias, name="bias")

        def call(self, inputs):
            return inputs * self.scale

    inputs = k.Input(shape=(3, units))
    return k.Model(inputs, k.layers.Dense(2)(ScaleBias()(inputs)))


@pytest.mark.parametrize("units", [1, 5, 17])
@pytest.mark.parametrize("frozen_bias", [False, True])
def test_add_weight_counts_and_trainable_flags(real_keras, units, frozen_bias):
    assert_same_summary(real_keras, lambda k: _scale_bias_model(k, units, frozen_bias),
                        show_trainable=True)


def _containers_model(k, depth):
    class Block(k.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.stack = []  # appended after assignment: still tracked
            for _ in range(depth):
                self.stack.append(k.layers.Dense(units))
            self.named = {"norm": k.layers.LayerNormalization()}
            self.pair = (k.layers.Dense(units), k.layers.Dropout(0.1))

        def call(self, x, training=None):
            for layer in self.stack:
                x = layer(x)
            x = self.pair[1](self.pair[0](x), training=training)
            return self.named["norm"](x)

    class Wrapper(k.layers.Layer):  # nested custom layers, no build: built by running call()
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Block(6)
            self.head = k.layers.Dense(2)

        def call(self, x):
            return self.head(self.inner(x) + x[..., :1])

    inputs = k.Input(shape=(4,))
    return k.Model(inputs, Wrapper()(inputs))


@pytest.mark.parametrize("depth", [0, 1, 3])
def test_sublayers_in_lists_dicts_tuples_and_nesting(real_keras, depth):
    assert_same_summary(real_keras, lambda k: _containers_model(k, depth))


def _compute_output_shape_model(k, as_list):
    class Pairs(k.layers.Layer):
        def call(self, x):
            return k.ops.reshape(x, (-1, x.shape[1] // 2, 2 * x.shape[2]))

        def compute_output_shape(self, input_shape):
            shape = [input_shape[0], input_shape[1] // 2, 2 * input_shape[2]]
            return shape if as_list else tuple(shape)

    model = k.Sequential([k.Input(shape=(8, 3)), Pairs(), k.layers.Flatten()])
    return model


@pytest.mark.parametrize("as_list", [False, True])
def test_compute_output_shape_in_sequential(real_keras, as_list):
    assert_same_summary(real_keras, lambda k: _compute_output_shape_model(k, as_list))


def test_no_nodes_inside_traced_call():
    """Layers and ops used inside call() are not rows of the outer model and use up no op names."""
    from nncalc import keras

    class Add2(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = keras.layers.Dense(4)

        def call(self, x):
            return self.dense(x) + x

    inputs = keras.Input(shape=(4,))
    layer = Add2()
    y = layer(inputs)
    assert layer.dense._inbound_nodes == [] and layer.dense.built
    assert len(layer._inbound_nodes) == 1 and y._keras_history.operation is layer
    z = inputs + y  # the first Add of the graph keeps Keras' first name
    assert z._keras_history.operation.name == "add"
    assert [w.path for w in layer.weights] == ["dense/kernel", "dense/bias"]


def _layer(call_source: str):
    from nncalc import keras
    from nncalc.keras import ops

    namespace = {"keras": keras, "ops": ops}
    exec(f"class Custom(keras.layers.Layer):\n    def call(self, x):\n{call_source}", namespace)
    return namespace["Custom"](), keras.Input(shape=(4,))


@pytest.mark.parametrize(("body", "kind", "words"), [
    ("        if ops.sum(x) > 0:\n            return x\n        return -x\n", Unsupported, "boolean"),
    ("        return x.numpy()\n", Unsupported, "numpy"),
    ("        return ops.reshape(x, (int(x.shape[0]), -1))\n", LayerError, "int()"),
    ("        return x * undefined_name\n", LayerError, "undefined_name"),
])
def test_errors_in_call_name_the_layer_and_line(body, kind, words):
    layer, inputs = _layer(body)
    with pytest.raises(kind) as info:
        layer(inputs)
    message = str(info.value)
    assert "layer 'custom' (Custom)" in message and words in message
    assert "in call(), line " in message and "\n" not in message


def test_error_in_nested_layer_names_the_inner_layer():
    from nncalc import keras

    class Inner(keras.layers.Layer):
        def call(self, x):
            return x if x else -x

    class Outer(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = Inner()

        def call(self, x):
            return self.inner(x)

    with pytest.raises(Unsupported, match=r"layer 'inner' \(Inner\).*return x if x else -x"):
        Outer()(keras.Input(shape=(2,)))


def test_error_in_build_names_the_line():
    from nncalc import keras

    class BadBuild(keras.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[5],), name="w")

        def call(self, x):
            return x

    with pytest.raises(LayerError, match=r"layer 'bad_build' \(BadBuild\).*in build\(\), line \d+"):
        BadBuild()(keras.Input(shape=(2,)))


def test_forgotten_super_init_is_one_line_error():
    from nncalc import keras

    class NoSuper(keras.layers.Layer):
        def __init__(self):
            self.units = 3

        def call(self, x):
            return x

    with pytest.raises(NncalcError, match=re.escape("forgot to call `super().__init__()`")):
        NoSuper()(keras.Input(shape=(2,)))


@pytest.mark.requires("numpy")
def test_builtin_layers_still_refuse_arrays():
    import numpy as np

    from nncalc import keras

    with pytest.raises(Unsupported, match="not on a symbolic tensor"):
        keras.layers.Dense(2)(np.zeros((2, 3)))


def _lazy_build_model(k, with_output_shape):
    class Lazy(k.layers.Layer):
        def build(self, input_shape):
            self.proj = k.layers.Dense(4)  # created, not built: call() builds it (if traced)
            super().build(input_shape)

        def call(self, x):
            return self.proj(x)

    if with_output_shape:  # no trace: the sublayer stays unbuilt, as in Keras
        Lazy.compute_output_shape = lambda self, s: s[:-1] + (4,)
    inputs = k.Input(shape=(3,))
    return k.Model(inputs, Lazy()(inputs))


@pytest.mark.parametrize("with_output_shape", [False, True])
def test_build_creating_unbuilt_sublayers(real_keras, with_output_shape):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # super().build() from a user build() does not warn
        assert_same_summary(real_keras, lambda k: _lazy_build_model(k, with_output_shape))


def _reused_model(k):
    class Twice(k.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = k.layers.Dense(5)

        def call(self, x):
            return k.ops.concatenate([self.dense(x), self.dense(x)], axis=-1)

    inner_in = k.Input(shape=(None, 3))
    inner = k.Model(inner_in, Twice()(inner_in), name="inner")
    outer_in = k.Input(shape=(7, 3))  # the inner graph re-run on new shapes
    return k.Model(outer_in, k.layers.Flatten()(inner(outer_in)))


def test_functional_model_with_custom_layer_called_on_new_shapes(real_keras):
    assert_same_summary(real_keras, _reused_model)
    assert_same_summary(real_keras, _reused_model, expand_nested=True)
