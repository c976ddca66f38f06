"""FLOPs of the normalization layers, checked against formulas derived here from the ops
Keras' ``call()`` performs (TensorFlow backend), with E elements per sample:

* BatchNormalization (inference, moving statistics; tf.nn.batch_normalization):
  per channel rsqrt(var + ε) [· γ], mean · inv, β - it (or -it); per element x · inv + res.
* LayerNormalization / GroupNormalization: tf.nn.moments (mean: sum + divide; variance: mean
  of (x - mean)²), rsqrt(var + ε), [inv · γ], -mean · inv, [+ β], x · inv + res, each op
  counted on the shape it has (vectors M, the γ/β-broadcast shape P, elements E).
* RMSNormalization: square, mean, + ε, rsqrt, × rrms, × scale.
* UnitNormalization: square, sum, rsqrt, min with 1/ε, × inverse norm.
* SpectralNormalization: its wrapped layer (the power iteration runs only in training).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

import nncalc.keras as keras
from nncalc.core.explain import say

from ..helpers import sweep
from .costs import row_of, steps_text

SHAPES = [(6,), (3, 4), (2, 3, 4)]


@settings(max_examples=sweep(20), deadline=None)
@given(shape=st.sampled_from(SHAPES), center=st.booleans(), scale=st.booleans(), data=st.data())
def test_batch_normalization(shape, center, scale, data):
    axis = data.draw(st.sampled_from([-1] + list(range(1, len(shape) + 1))))
    row = row_of(keras.layers.BatchNormalization(axis=axis, center=center, scale=scale), shape)
    channels = shape[axis - 1] if axis > 0 else shape[-1]
    elements = math.prod(shape)
    # rsqrt(var + eps) (2), [inv * gamma], mean * inv, offset - it / -it (2)
    per_channel = 2 + scale + 2
    assert row.cost.macs == 0
    assert row.cost.flops == 2 * elements + per_channel * channels


def layer_norm_flops(elements, vectors, gamma, beta):
    moments = 4 * elements + 2 * vectors      # sum, (x - mean)², sum; two divides
    flops = moments + 2 * vectors             # + epsilon, rsqrt
    if gamma:
        flops += elements                      # inv * gamma (broadcast to every element)
    flops += vectors                           # -mean
    flops += elements if gamma else vectors    # -mean * inv
    if beta:
        flops += elements                      # + beta
    return flops + 2 * elements                # x * inv + res


@settings(max_examples=sweep(25), deadline=None)
@given(shape=st.sampled_from(SHAPES), center=st.booleans(), scale=st.booleans(), data=st.data())
def test_layer_normalization(shape, center, scale, data):
    axes = data.draw(st.lists(st.integers(1, len(shape)), min_size=1, unique=True))
    axis = axes[0] if len(axes) == 1 and data.draw(st.booleans()) else axes
    row = row_of(keras.layers.LayerNormalization(axis=axis, center=center, scale=scale), shape)
    elements = math.prod(shape)
    vectors = math.prod(d for i, d in enumerate(shape, start=1) if i not in axes)
    assert row.cost.macs == 0
    assert row.cost.flops == layer_norm_flops(elements, vectors, scale, center)


def test_layer_normalization_rms_scaling():
    with pytest.warns(UserWarning):
        layer = keras.layers.LayerNormalization(rms_scaling=True)
    row = row_of(layer, (3, 4))
    # reduce_variance (mean, subtract, square, mean), + eps, rsqrt, x * inv, * gamma
    assert row.cost.flops == (4 * 12 + 2 * 3) + 2 * 3 + 12 + 12


@settings(max_examples=sweep(25), deadline=None)
@given(shape=st.sampled_from([(8,), (3, 8), (2, 3, 8)]), groups=st.sampled_from([1, 2, 4, 8, -1]),
       center=st.booleans(), scale=st.booleans())
def test_group_normalization(shape, groups, center, scale):
    row = row_of(keras.layers.GroupNormalization(groups=groups, center=center, scale=scale), shape)
    elements, channels = math.prod(shape), shape[-1]
    g = channels if groups == -1 else groups
    flops = 4 * elements + 2 * g + 2 * g          # moments; + epsilon, rsqrt
    flops += channels if scale else 0              # inv * gamma: (groups, channels/groups)
    flops += g                                     # -mean
    flops += channels if scale else g              # -mean * inv
    flops += channels if center else 0             # + beta
    flops += 2 * elements                          # x * inv + res
    assert row.cost.flops == flops


@pytest.mark.parametrize("shape", SHAPES)
def test_rms_normalization(shape):
    row = row_of(keras.layers.RMSNormalization(), shape)
    elements, vectors = math.prod(shape), math.prod(shape[:-1])
    assert row.cost.flops == 4 * elements + 3 * vectors


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("last_two", [False, True])
def test_unit_normalization(shape, last_two):
    axis = [-2, -1] if last_two and len(shape) > 1 else -1
    row = row_of(keras.layers.UnitNormalization(axis=axis), shape)
    elements = math.prod(shape)
    vectors = math.prod(shape[:-2] if axis != -1 else shape[:-1])
    assert row.cost.flops == 3 * elements + 2 * vectors


@pytest.mark.parametrize("units,d,steps", [(4, 3, 1), (8, 5, 6)])
def test_spectral_normalization_is_its_layer(units, d, steps):
    inner_row = row_of(keras.layers.Dense(units), (steps, d))
    row = row_of(keras.layers.SpectralNormalization(keras.layers.Dense(units)), (steps, d))
    assert row.cost.macs == steps * d * units == inner_row.cost.macs
    assert row.cost.flops == 2 * steps * d * units + steps * units


def test_spectral_normalization_conv():
    row = row_of(keras.layers.SpectralNormalization(keras.layers.Conv2D(4, 3)), (6, 6, 2))
    assert row.cost.macs == 4 * 4 * 3 * 3 * 2 * 4


def test_unknown_and_explained():
    row = row_of(keras.layers.LayerNormalization(), (None, 8))
    assert row.cost.flops is None
    assert "None" in say(row.cost.why_unknown(), "en")
    row = row_of(keras.layers.BatchNormalization(), (3, 4))
    text = steps_text(row)
    assert "(3 × 4) elements × 2 per element = 24" in text
    assert "4 channels × 5 per channel = 20" in text
    assert "个通道" in steps_text(row, "zh")
    row = row_of(keras.layers.LayerNormalization(), (3, 4))
    assert "3 normalized vectors × 5 per vector = 15" in steps_text(row)
