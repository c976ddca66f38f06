"""FLOPs of the activation and regularization layers, checked against formulas derived here.

Activations count the elementwise ops Keras' ``call()`` performs (TensorFlow backend):
``elu`` (+ a compare and a multiply when alpha != 1), ``leaky_relu``, Keras' general ``relu``
(relu / threshold compare, clip, negative part), softmax (exp, sum, divide), PReLU
(``relu(x) - alpha · relu(-x)``). Regularization layers do nothing in inference.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

import nncalc.keras as keras
from nncalc.core.explain import say

from ..helpers import sweep
from .costs import row_of, steps_text

SHAPES = [(5,), (3, 4), (2, 3, 4)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name,per", [("relu", 1), ("gelu", 1), ("sigmoid", 1), ("softmax", 3),
                                      ("log_softmax", 3), ("linear", 0)])
def test_activation(shape, name, per):
    row = row_of(keras.layers.Activation(name), shape)
    assert row.cost.macs == 0
    assert row.cost.flops == per * math.prod(shape)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("alpha,per", [(1.0, 1), (0.5, 3)])
def test_elu(shape, alpha, per):
    assert row_of(keras.layers.ELU(alpha=alpha), shape).cost.flops == per * math.prod(shape)


@pytest.mark.parametrize("shape", SHAPES)
def test_leaky_relu(shape):
    assert row_of(keras.layers.LeakyReLU(0.2), shape).cost.flops == math.prod(shape)


def relu_ops(max_value, slope, threshold):
    """Keras' activations.relu: the elementwise ops for these arguments."""
    if slope != 0 and max_value is None and threshold == 0:
        return 1  # leaky_relu
    ops = 1  # relu, relu6 or the x > threshold compare (the select is no arithmetic)
    if max_value is not None and not (max_value == 6 and threshold == 0):
        ops += 2  # clip: max with 0, min with max_value
    if slope != 0:
        ops += 2 + (threshold != 0)  # -x (+ threshold), relu
        ops += 2  # x -= slope * negative_part
    return ops


@settings(max_examples=sweep(30), deadline=None)
@given(max_value=st.sampled_from([None, 6.0, 1.5]), slope=st.sampled_from([0.0, 0.1]),
       threshold=st.sampled_from([0.0, 0.5]), shape=st.sampled_from(SHAPES))
def test_relu(max_value, slope, threshold, shape):
    row = row_of(keras.layers.ReLU(max_value=max_value, negative_slope=slope, threshold=threshold), shape)
    assert row.cost.flops == relu_ops(max_value, slope, threshold) * math.prod(shape)


@pytest.mark.parametrize("shape", SHAPES)
def test_softmax(shape):
    row = row_of(keras.layers.Softmax(), shape)
    assert row.cost.flops == 3 * math.prod(shape)
    assert f"× 3 per element = {3 * math.prod(shape):,}" in steps_text(row)


def test_softmax_several_axes():
    # exp(x - logsumexp(x)) over axes 1 and 2 of (batch, 3, 4, 5): 5 vectors of 12 values
    row = row_of(keras.layers.Softmax(axis=[1, 2]), (3, 4, 5))
    assert row.cost.flops == 6 * 60 + 3 * 5


@settings(max_examples=sweep(20), deadline=None)
@given(shape=st.sampled_from(SHAPES), data=st.data())
def test_prelu(shape, data):
    shared = data.draw(st.lists(st.integers(1, len(shape)), unique=True, max_size=len(shape)))
    layer = keras.layers.PReLU(shared_axes=shared or None)
    row = row_of(layer, shape)
    alpha = math.prod(1 if i + 1 in shared else d for i, d in enumerate(shape))
    assert row.cost.flops == 5 * math.prod(shape) + alpha


def test_unknown_dimension():
    row = row_of(keras.layers.ReLU(), (None, 4))
    assert row.cost.flops is None
    assert "None" in say(row.cost.why_unknown(), "en")


def test_explanations():
    row = row_of(keras.layers.ReLU(max_value=2.0), (3, 4))
    text = steps_text(row)
    assert "(3 × 4) elements × 3 per element = 36" in text
    assert "clip" in text
    assert "个元素" in steps_text(row, "zh")


# ---------------------------------------------------------------------- regularization
@pytest.mark.parametrize("make,shape", [
    (lambda: keras.layers.Dropout(0.5), (4, 5)),
    (lambda: keras.layers.SpatialDropout1D(0.5), (4, 5)),
    (lambda: keras.layers.SpatialDropout2D(0.5), (4, 5, 3)),
    (lambda: keras.layers.SpatialDropout3D(0.5), (2, 4, 5, 3)),
    (lambda: keras.layers.GaussianDropout(0.5), (None, 5)),
    (lambda: keras.layers.GaussianNoise(0.5), (4, 5)),
    (lambda: keras.layers.AlphaDropout(0.5), (4, 5)),
    (lambda: keras.layers.ActivityRegularization(l1=0.1), (4, 5)),
])
def test_regularization_is_free_in_inference(make, shape):
    row = row_of(make(), shape)
    assert (row.cost.macs, row.cost.flops) == (0, 0)
    text = steps_text(row)
    assert "inference" in text or "training loss" in text
