"""Dense and Input against real Keras: output shapes, weights and parameter counts."""

from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer

dims = st.integers(min_value=1, max_value=3000)
shapes = st.lists(st.one_of(st.none(), st.integers(1, 64)), min_size=0, max_size=2).flatmap(
    lambda prefix: dims.map(lambda last: tuple(prefix) + (last,))
)


@settings(max_examples=80, deadline=None)
@given(shape=shapes, units=st.integers(1, 700), use_bias=st.booleans())
def test_dense_matches_keras(real_keras, shape, units, use_bias):
    assert_same_layer(real_keras, "Dense", {"units": units, "use_bias": use_bias}, shape)


def test_dense_seed_parameter_count(real_keras):
    """The tutorial's first Dense: (784 + 1) × 512, the figure Keras reports."""
    result = assert_same_layer(real_keras, "Dense", {"units": 512}, (784,))
    assert result[3] == (784 + 1) * 512


def test_dense_rejects_what_keras_rejects(real_keras):
    for kwargs in ({"units": 0}, {"units": -3}, {"units": 2.5}, {"units": 4, "activation": "nope"},
                   {"units": 4, "bogus": 1}):
        assert_same_layer(real_keras, "Dense", kwargs, (8,))
    assert_same_layer(real_keras, "Dense", {"units": 4}, (None,))  # unknown last axis


def test_dense_on_huge_shapes_costs_nothing():
    """A 10**6 × 10**6 kernel is described, never allocated."""
    import nncalc.keras as keras

    layer = keras.layers.Dense(10**6)
    layer(keras.Input((10**6,)))
    assert layer.count_params() == 10**12 + 10**6


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.one_of(st.none(), st.integers(1, 50)), max_size=4),
       batch=st.one_of(st.none(), st.integers(1, 8)))
def test_input_shapes_match_keras(real_keras, shape, batch):
    import nncalc.keras as nk

    expected = real_keras.Input(shape=tuple(shape), batch_size=batch)
    actual = nk.Input(shape=tuple(shape), batch_size=batch)
    assert tuple(actual.shape) == tuple(expected.shape)
    assert actual.dtype == expected.dtype
