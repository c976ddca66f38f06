"""Activation and regularization layers against real Keras: shapes, PReLU's alpha, argument checks."""

import pytest
from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer, assert_same_summary, sweep

ACTIVATIONS = ["relu", "softmax", "sigmoid", "tanh", "gelu", "swish", "linear", None, "not_an_activation"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_matches_keras(real_keras, activation):
    assert_same_layer(real_keras, "Activation", {"activation": activation}, (5, 7))


@pytest.mark.parametrize("rate", [0.0, 0.25, 0.5, 1.0, -0.1, 1.5])
def test_dropout_matches_keras(real_keras, rate):
    assert_same_layer(real_keras, "Dropout", {"rate": rate}, (3, 4))


# ---------------------------------------------------------------------------------------------
# Every activation and regularization layer: arguments (valid or not) and input shapes.

size = st.one_of(st.none(), st.integers(1, 12))
shapes = st.lists(size, min_size=1, max_size=4).map(tuple)
slopes = st.one_of(st.floats(-1, 3, allow_nan=False), st.integers(-2, 5), st.none())


@st.composite
def elementwise_cases(draw):
    name = draw(st.sampled_from(["ELU", "LeakyReLU", "ReLU", "Softmax", "Activation"]))
    if name == "ELU":
        kwargs = {"alpha": draw(st.floats(-2, 2, allow_nan=False))}
    elif name == "LeakyReLU":
        kwargs = {"negative_slope": draw(slopes)}
        if draw(st.integers(0, 5)) == 0:
            kwargs = {"alpha": kwargs["negative_slope"]}  # the deprecated name
    elif name == "ReLU":
        kwargs = {"max_value": draw(slopes), "negative_slope": draw(slopes), "threshold": draw(slopes)}
        kwargs = {k: v for k, v in kwargs.items() if draw(st.booleans())}
    elif name == "Softmax":
        kwargs = {"axis": draw(st.one_of(st.integers(-4, 4), st.lists(st.integers(-3, 3), max_size=2)))}
    else:
        kwargs = {"activation": draw(st.sampled_from(["relu", "softmax", "elu", "nope", None]))}
    if draw(st.integers(0, 6)) == 0:
        kwargs["dtype"] = draw(st.sampled_from(["float16", "mixed_float16", "float64"]))
    return name, kwargs, draw(shapes)


@settings(max_examples=sweep(80), deadline=None)
@given(case=elementwise_cases())
def test_elementwise_activations_match_keras(real_keras, case):
    name, kwargs, shape = case
    assert_same_layer(real_keras, name, kwargs, shape)


@st.composite
def prelu_cases(draw):
    shape = draw(st.lists(st.one_of(st.integers(1, 9), st.integers(1, 9), st.none()), min_size=1, max_size=4).map(tuple))
    rank = len(shape)
    axis = st.integers(-rank + 1, rank)  # Keras indexes alpha's shape with axis - 1
    shared = draw(st.one_of(st.none(), axis, st.lists(axis, max_size=rank), st.lists(axis, max_size=rank).map(tuple)))
    return {"shared_axes": shared}, shape


@settings(max_examples=sweep(80), deadline=None)
@given(case=prelu_cases())
def test_prelu_matches_keras(real_keras, case):
    kwargs, shape = case
    assert_same_layer(real_keras, "PReLU", kwargs, shape)


rates = st.one_of(st.floats(0, 1, allow_nan=False), st.sampled_from([0, 1, 0.0, 1.0, -0.1, 1.5]))


@st.composite
def dropout_cases(draw):
    name = draw(st.sampled_from(["Dropout", "GaussianDropout", "GaussianNoise", "AlphaDropout",
                                 "ActivityRegularization"]))
    shape = draw(shapes)
    if name == "GaussianNoise":
        kwargs = {"stddev": draw(rates)}
    elif name == "ActivityRegularization":
        penalty = st.one_of(st.floats(-1, 2, allow_nan=False), st.none(), st.sampled_from([float("inf"), "x"]))
        kwargs = {k: draw(penalty) for k in ("l1", "l2") if draw(st.booleans())}
    else:
        kwargs = {"rate": draw(rates)}
    if name in ("Dropout", "AlphaDropout") and draw(st.booleans()):
        kwargs["noise_shape"] = draw(st.one_of(
            st.lists(st.one_of(st.none(), st.integers(-1, 4)), max_size=4),
            st.lists(st.one_of(st.none(), st.integers(1, 4)), max_size=4).map(tuple),
            st.sampled_from(["abc", 3, (1.5, 2)])))
    if name != "ActivityRegularization" and draw(st.booleans()):
        kwargs["seed"] = draw(st.integers(0, 100))
    if draw(st.integers(0, 8)) == 0:
        kwargs["trainable"] = False
    return name, kwargs, shape


@settings(max_examples=sweep(90), deadline=None)
@given(case=dropout_cases())
def test_dropout_family_matches_keras(real_keras, case):
    name, kwargs, shape = case
    assert_same_layer(real_keras, name, kwargs, shape)


@st.composite
def spatial_cases(draw):
    rank = draw(st.integers(1, 3))
    name = f"SpatialDropout{rank}D"
    kwargs = {"rate": draw(rates)}
    if rank > 1 and draw(st.booleans()):
        kwargs["data_format"] = draw(st.sampled_from(["channels_first", "channels_last", "CHANNELS_FIRST", None]))
    if draw(st.booleans()):
        kwargs["seed"] = draw(st.integers(0, 9))
    if draw(st.integers(0, 9)) == 0:
        kwargs["trainable"] = False  # Keras' spatial dropouts take no other keyword
    # Mostly the rank the layer needs (batch axis excluded: rank + 1), now and then another.
    ndim = rank + 1 if draw(st.integers(0, 4)) else draw(st.integers(1, 5))
    return name, kwargs, tuple(draw(size) for _ in range(ndim))


@settings(max_examples=sweep(60), deadline=None)
@given(case=spatial_cases())
def test_spatial_dropout_matches_keras(real_keras, case):
    name, kwargs, shape = case
    assert_same_layer(real_keras, name, kwargs, shape)


def test_spatial_dropout_rejects_what_keras_rejects(real_keras):
    for name, kwargs, shape in [
        ("SpatialDropout2D", {"rate": 0.1, "data_format": "channels_middle"}, (4, 4, 2)),
        ("SpatialDropout1D", {"rate": 0.1, "noise_shape": (1, 1, 2)}, (4, 2)),
        ("SpatialDropout3D", {"rate": 0.1}, (4, 4, 2)),
        ("SpatialDropout1D", {"rate": 2}, (4, 2)),
    ]:
        assert_same_layer(real_keras, name, kwargs, shape)


def test_prelu_channels_shared_over_space(real_keras):
    """The usual after-convolution PReLU: one slope per channel, shared over height and width."""
    result = assert_same_layer(real_keras, "PReLU", {"shared_axes": [1, 2]}, (32, 32, 16))
    assert result[2] == [("alpha", (1, 1, 16), True)]


def test_activation_regularization_summaries_match_keras(real_keras):
    def cnn(keras):
        return keras.Sequential([
            keras.Input((16, 16, 3)),
            keras.layers.Conv2D(8, 3),
            keras.layers.PReLU(shared_axes=[1, 2]),
            keras.layers.SpatialDropout2D(0.2),
            keras.layers.ReLU(max_value=6.0),
            keras.layers.Flatten(),
            keras.layers.Dense(32),
            keras.layers.LeakyReLU(negative_slope=0.1),
            keras.layers.GaussianNoise(0.1),
            keras.layers.Dropout(0.5),
            keras.layers.Dense(10),
            keras.layers.Softmax(),
        ])

    def functional(keras):
        inputs = keras.Input((None, 12))
        x = keras.layers.SpatialDropout1D(0.1)(inputs)
        x = keras.layers.PReLU()(keras.layers.Dense(6)(x))
        x = keras.layers.ELU(alpha=0.5)(x)
        x = keras.layers.AlphaDropout(0.1)(x)
        x = keras.layers.GaussianDropout(0.3)(x)
        x = keras.layers.ActivityRegularization(l1=0.01)(x)
        return keras.Model(inputs, keras.layers.Softmax(axis=1)(x))

    def volume(keras):
        return keras.Sequential([
            keras.Input((4, 6, 6, 2)),
            keras.layers.SpatialDropout3D(0.3, data_format="channels_first"),
            keras.layers.PReLU(shared_axes=(1,)),
        ])

    assert "PReLU" in assert_same_summary(real_keras, cnn)
    assert_same_summary(real_keras, functional)
    assert_same_summary(real_keras, volume)


def test_prelu_explains_its_alpha():
    import nncalc.keras as nk

    layer = nk.layers.PReLU(shared_axes=[1, 2])
    layer(nk.Input((8, 8, 5)))
    steps = layer.explain().params
    assert steps[0].value == 5 and steps[1].formula == "1 × 1 × 5"
    assert "共享" in steps[0].rule.zh
