"""Activation and Dropout against real Keras: no weights, same shape, same argument checks."""

import pytest

from tests.helpers import assert_same_layer

ACTIVATIONS = ["relu", "softmax", "sigmoid", "tanh", "gelu", "swish", "linear", None, "not_an_activation"]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_matches_keras(real_keras, activation):
    assert_same_layer(real_keras, "Activation", {"activation": activation}, (5, 7))


@pytest.mark.parametrize("rate", [0.0, 0.25, 0.5, 1.0, -0.1, 1.5])
def test_dropout_matches_keras(real_keras, rate):
    assert_same_layer(real_keras, "Dropout", {"rate": rate}, (3, 4))
