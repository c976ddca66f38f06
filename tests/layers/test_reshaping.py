"""Flatten against real Keras."""

from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer


@settings(max_examples=50, deadline=None)
@given(shape=st.lists(st.one_of(st.none(), st.integers(1, 300)), min_size=0, max_size=4))
def test_flatten_matches_keras(real_keras, shape):
    assert_same_layer(real_keras, "Flatten", {}, tuple(shape))
