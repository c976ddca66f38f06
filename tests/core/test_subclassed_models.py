"""Subclassed ``keras.Model``: built with ``build(shape)``, called on ``Input`` or on arrays,
functional subclasses, overridden training methods. Expected text comes from real Keras."""

from __future__ import annotations

import warnings

import pytest

from tests.core._scripts import assert_script_matches_keras
from tests.helpers import assert_same_summary


@pytest.mark.parametrize("name", [
    "subclassed_model_build", "subclassed_model_input", "subclassed_model_fit",
])
@pytest.mark.keras
def test_script_summary_matches_keras(name, tmp_path):
    assert_script_matches_keras(name, tmp_path)


def _mlp_class(k):
    class MLP(k.Model):
        def __init__(self, hidden=8, **kwargs):
            super().__init__(**kwargs)
            self.hidden = k.layers.Dense(hidden, activation="relu")
            self.norm = k.layers.BatchNormalization()
            self.drop = k.layers.Dropout(0.5)
            self.out = k.layers.Dense(3)

        def call(self, x, training=False):
            return self.out(self.drop(self.norm(self.hidden(x), training=training)))

        def train_step(self, data):
            return super().train_step(data)

    return MLP


@pytest.mark.parametrize("how", ["never", "build", "input", "array", "build_then_input"])
@pytest.mark.parametrize("width", [5, 32])
def test_subclassed_model_built_each_way(real_keras, how, width):
    import numpy as np

    def build(k):
        model = _mlp_class(k)()
        if how in ("build", "build_then_input"):
            model.build((None, width))
        if how in ("input", "build_then_input"):
            model(k.Input(shape=(width,)))
        if how == "array":
            model(np.ones((4, width), dtype="float64"))
        return model

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_summary(real_keras, build)


def test_subclassed_model_as_layer_of_functional_model(real_keras):
    def build(k):
        inputs = k.Input(shape=(7,))
        return k.Model(inputs, k.layers.Dense(1)(_mlp_class(k)(hidden=4)(inputs)))

    assert_same_summary(real_keras, build)
    assert_same_summary(real_keras, build, expand_nested=True)


def test_functional_subclass(real_keras):
    def build(k):
        class Sub(k.Model):
            def __init__(self, units, **kwargs):
                inputs = k.Input(shape=(3,))
                super().__init__(inputs=inputs, outputs=k.layers.Dense(units)(inputs), **kwargs)

            def compile(self, *args, **kwargs):
                super().compile(*args, **kwargs)

        model = Sub(6)
        model.compile(optimizer="adam", loss="mse")
        return model

    assert_same_summary(real_keras, build)
    import nncalc.keras as nk
    from nncalc.core.functional import Functional

    assert isinstance(build(nk), Functional)


def test_fit_on_arrays_then_summary_with_optimizer(real_keras):
    import numpy as np

    def build(k):
        model = _mlp_class(k)()
        model.compile(optimizer="sgd", loss="mse")
        model(np.zeros((2, 4), dtype="float32"))
        model.fit(np.zeros((6, 4), dtype="float32"), np.zeros((6, 3), dtype="float32"),
                  epochs=1, verbose=0)
        return model

    assert_same_summary(real_keras, build)


def test_build_without_build_method_warns_like_keras(real_keras):
    import nncalc.keras as nk

    with pytest.warns(UserWarning, match="does not have a `build\\(\\)` method implemented"):
        _mlp_class(nk)().build((None, 4))



def test_functional_model_called_on_arrays(real_keras):
    import numpy as np

    def build(k):
        inputs = k.Input(shape=(4,))
        model = k.Model(inputs, k.layers.Dense(2)(inputs))
        out = model(np.zeros((3, 4), dtype="float32"))
        assert tuple(out.shape) == (3, 2)
        return model

    assert_same_summary(real_keras, build)
