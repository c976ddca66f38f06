"""MaxPooling2D (and its alias MaxPool2D) against real Keras."""

from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer


@settings(max_examples=120, deadline=None)
@given(
    h=st.one_of(st.none(), st.integers(1, 40)), w=st.integers(1, 40), c=st.integers(1, 6),
    pool=st.one_of(st.integers(1, 5), st.tuples(st.integers(1, 5), st.integers(1, 5))),
    strides=st.one_of(st.none(), st.integers(1, 4)),
    padding=st.sampled_from(["valid", "same"]),
    alias=st.sampled_from(["MaxPooling2D", "MaxPool2D"]),
)
def test_max_pooling_matches_keras(real_keras, h, w, c, pool, strides, padding, alias):
    assert_same_layer(real_keras, alias, {"pool_size": pool, "strides": strides, "padding": padding}, (h, w, c))


def test_max_pooling_seed_layers(real_keras):
    """Pool_1 of the tutorial: floor((128 - 3) / 2) + 1 = 63, as Keras computes it."""
    result = assert_same_layer(real_keras, "MaxPool2D", {"pool_size": (3, 3), "strides": (2, 2)}, (128, 128, 512))
    assert result[1] == [(None, 63, 63, 512)]


def test_max_pooling_rejects_what_keras_rejects(real_keras):
    for kwargs, shape in [
        ({"pool_size": 5}, (3, 3, 1)),
        ({"pool_size": 0}, (8, 8, 1)),
        ({"pool_size": 2, "padding": "VALID"}, (8, 8, 1)),
        ({"pool_size": 2}, (8, 8)),
        ({"pool_size": 2}, (8, 8, 8, 1)),
    ]:
        assert_same_layer(real_keras, "MaxPooling2D", kwargs, shape)
