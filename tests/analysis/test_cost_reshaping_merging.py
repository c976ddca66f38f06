"""FLOPs of the reshaping and merging layers, checked against formulas derived here.

Reshaping layers only move values (0), except UpSampling2D's bilinear interpolation
(TensorFlow's ResizeBilinear: 3 lerps of 3 ops per output element). Element-wise merges of
n inputs cost one op per element of each pairwise result (n - 1 per output element without
broadcasting; Average divides once more), Concatenate 0, Dot the MACs of its batched product.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

import nncalc.keras as keras
from nncalc.analysis import AnalysisOptions
from nncalc.core.explain import say
from nncalc.summary import summarize_model

from ..helpers import sweep
from .costs import steps_text


def summarize(inputs, outputs):
    return summarize_model(keras.Model(inputs, outputs), analysis=AnalysisOptions(flops=True))


def row_of(layer, input_shape):
    inputs = keras.Input(input_shape)
    return summarize(inputs, layer(inputs)).rows[-1]


def merge_row(layer, shapes):
    inputs = [keras.Input(s) for s in shapes]
    return summarize(inputs, layer(inputs)).rows[-1]


# ---------------------------------------------------------------------- reshaping
@pytest.mark.parametrize("make,shape", [
    (lambda: keras.layers.Flatten(), (3, 4)),
    (lambda: keras.layers.Reshape((12,)), (3, 4)),
    (lambda: keras.layers.Permute((2, 1)), (3, 4)),
    (lambda: keras.layers.RepeatVector(3), (4,)),
    (lambda: keras.layers.Cropping1D(1), (5, 2)),
    (lambda: keras.layers.Cropping2D(1), (5, 5, 2)),
    (lambda: keras.layers.Cropping3D(1), (5, 5, 5, 2)),
    (lambda: keras.layers.ZeroPadding1D(1), (5, 2)),
    (lambda: keras.layers.ZeroPadding2D(1), (None, 5, 2)),
    (lambda: keras.layers.ZeroPadding3D(1), (5, 5, 5, 2)),
    (lambda: keras.layers.UpSampling1D(2), (5, 2)),
    (lambda: keras.layers.UpSampling2D(2), (None, 5, 2)),
    (lambda: keras.layers.UpSampling3D(2), (2, 3, 4, 2)),
])
def test_reshaping_is_free(make, shape):
    row = row_of(make(), shape)
    assert (row.cost.macs, row.cost.flops) == (0, 0)
    assert "no arithmetic" in steps_text(row)


@settings(max_examples=sweep(15), deadline=None)
@given(h=st.integers(1, 6), w=st.integers(1, 6), c=st.integers(1, 4), fh=st.integers(1, 3), fw=st.integers(1, 3),
       channels_first=st.booleans())
def test_upsampling_bilinear(h, w, c, fh, fw, channels_first):
    data_format = "channels_first" if channels_first else "channels_last"
    shape = (c, h, w) if channels_first else (h, w, c)
    row = row_of(keras.layers.UpSampling2D((fh, fw), data_format=data_format, interpolation="bilinear"), shape)
    assert row.cost.macs == 0
    assert row.cost.flops == 9 * (h * fh) * (w * fw) * c


def test_upsampling_other_interpolations_are_unknown():
    row = row_of(keras.layers.UpSampling2D(2, interpolation="bicubic"), (4, 4, 1))
    assert row.cost.flops is None
    assert "bicubic" in say(row.cost.why_unknown(), "en")
    row = row_of(keras.layers.UpSampling2D(2, interpolation="bilinear"), (None, 4, 1))
    assert row.cost.flops is None


# ---------------------------------------------------------------------- element-wise merges
def broadcast(a, b):
    """Non-batch shapes aligned on the right, size 1 taking the other size."""
    a, b = (a, b) if len(a) >= len(b) else (b, a)
    head = a[: len(a) - len(b)]
    return head + tuple(x if y == 1 else y for x, y in zip(a[len(a) - len(b):], b))


@settings(max_examples=sweep(30), deadline=None)
@given(cls=st.sampled_from(["Add", "Multiply", "Maximum", "Minimum", "Average"]), n=st.integers(2, 4),
       shape=st.sampled_from([(4,), (2, 3), (2, 3, 4)]), data=st.data())
def test_elementwise_merge(cls, n, shape, data):
    shapes = [tuple(data.draw(st.sampled_from([d, 1])) for d in shape) for _ in range(n)]
    row = merge_row(getattr(keras.layers, cls)(), shapes)
    merged, ops = shapes[0], 0
    for s in shapes[1:]:
        merged = broadcast(merged, s)
        ops += math.prod(merged)
    if cls == "Average":
        ops += math.prod(merged)  # divide by n
    assert row.cost.macs == 0
    assert row.cost.flops == ops


@pytest.mark.parametrize("n", [2, 3, 5])
def test_add_same_shapes(n):
    row = merge_row(keras.layers.Add(), [(3, 4)] * n)
    assert row.cost.flops == (n - 1) * 12
    if n > 2:
        assert f"(3 × 4) elements × {n - 1} ops per element (n - 1) = {(n - 1) * 12}" in steps_text(row)


def test_subtract_and_average_explained():
    assert merge_row(keras.layers.Subtract(), [(3, 4), (3, 4)]).cost.flops == 12
    row = merge_row(keras.layers.Average(), [(3, 4), (3, 4)])
    assert row.cost.flops == 24
    assert "divide by 2" in steps_text(row)
    assert "除以 2" in steps_text(row, "zh")


def test_merge_with_unknown_dimension():
    row = merge_row(keras.layers.Add(), [(None, 4), (None, 4)])
    assert row.cost.flops is None
    assert "None" in say(row.cost.why_unknown(), "en")


def test_concatenate_is_free():
    row = merge_row(keras.layers.Concatenate(), [(3, 4), (3, 5), (3, 1)])
    assert (row.cost.macs, row.cost.flops) == (0, 0)


# ---------------------------------------------------------------------- Dot
@settings(max_examples=sweep(30), deadline=None)
@given(shape1=st.lists(st.integers(1, 4), min_size=1, max_size=3), shape2=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       normalize=st.booleans(), data=st.data())
def test_dot(shape1, shape2, normalize, data):
    a1 = data.draw(st.integers(1, len(shape1)))
    a2 = data.draw(st.integers(1, len(shape2)))
    d = data.draw(st.integers(1, 5))
    shape1[a1 - 1] = d
    shape2[a2 - 1] = d
    negative = data.draw(st.booleans())
    axes = (a1 - len(shape1) - 1, a2 - len(shape2) - 1) if negative else (a1, a2)
    row = merge_row(keras.layers.Dot(axes=axes, normalize=normalize), [tuple(shape1), tuple(shape2)])
    rest1 = math.prod(shape1) // d
    rest2 = math.prod(shape2) // d
    macs = rest1 * rest2 * d
    norm = 0
    if normalize:  # per input: square, sum, multiply per element; rsqrt, min per vector
        norm = 3 * math.prod(shape1) + 2 * rest1 + 3 * math.prod(shape2) + 2 * rest2
    assert row.cost.macs == macs
    assert row.cost.flops == 2 * macs + norm


def test_dot_explained_and_unknown():
    row = merge_row(keras.layers.Dot(axes=(2, 2)), [(5, 8), (7, 8)])
    assert "5 positions of input 1 × 7 positions of input 2 × 8 summed = 280" in steps_text(row)
    row = merge_row(keras.layers.Dot(axes=(2, 2)), [(None, 8), (7, 8)])
    assert row.cost.macs is None
