"""MACs and FLOPs of convolution and pooling layers, checked against formulas derived here.

Each case builds one layer through ``nncalc.keras`` in a small functional model and
compares the row's figures with the arithmetic Keras' ``call()`` performs, computed in
the test from the layer's arguments and the shapes (independently of nncalc's code).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

import nncalc.keras as keras
from nncalc.core.explain import say

from ..helpers import sweep
from .costs import row_of

ACTIVATIONS = [None, "relu", "softmax"]
ACT_FLOPS = {None: 0, "relu": 1, "softmax": 3}


def out_size(size, k, s, padding, d=1):
    if size is None:
        return None
    if padding == "valid":
        return (size - d * (k - 1) - 1) // s + 1
    return -(-size // s)


def tr_size(size, k, s, padding):
    return size * s if padding == "same" else (size - 1) * s + max(k, s)


def steps_text(row):
    return "\n".join(f"{say(s.formula, 'en')} = {s.value}" for s in row.cost.steps())


# ---------------------------------------------------------------------- convolutions
@settings(max_examples=sweep(25), deadline=None)
@given(rank=st.integers(1, 3), c_in=st.sampled_from([1, 2, 4, 6]), groups=st.sampled_from([1, 2]),
       filters=st.sampled_from([2, 4, 6]), k=st.integers(1, 4), s=st.integers(1, 3),
       padding=st.sampled_from(["valid", "same"]), use_bias=st.booleans(),
       activation=st.sampled_from(ACTIVATIONS), size=st.integers(5, 9))
def test_conv(rank, c_in, groups, filters, k, s, padding, use_bias, activation, size):
    if c_in % groups:
        c_in *= groups
    layer = getattr(keras.layers, f"Conv{rank}D")(filters, k, strides=s, padding=padding, groups=groups,
                                                   use_bias=use_bias, activation=activation)
    row = row_of(layer, (size,) * rank + (c_in,))
    out = out_size(size, k, s, padding) ** rank
    macs = out * k ** rank * (c_in // groups) * filters
    assert row.cost.macs == macs
    assert row.cost.flops == 2 * macs + out * filters * (int(use_bias) + ACT_FLOPS[activation])


@settings(max_examples=sweep(25), deadline=None)
@given(rank=st.integers(1, 3), c_in=st.integers(1, 5), filters=st.integers(1, 5), k=st.integers(1, 4),
       s=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]), use_bias=st.booleans(),
       activation=st.sampled_from(ACTIVATIONS), size=st.integers(2, 6))
def test_conv_transpose(rank, c_in, filters, k, s, padding, use_bias, activation, size):
    layer = getattr(keras.layers, f"Conv{rank}DTranspose")(filters, k, strides=s, padding=padding,
                                                            use_bias=use_bias, activation=activation)
    row = row_of(layer, (size,) * rank + (c_in,))
    # every input position is multiplied by the whole kernel (k^rank taps, c_in → filters)
    macs = size ** rank * k ** rank * c_in * filters
    out = tr_size(size, k, s, padding) ** rank * filters
    assert row.cost.macs == macs
    assert row.cost.flops == 2 * macs + out * (int(use_bias) + ACT_FLOPS[activation])


@settings(max_examples=sweep(25), deadline=None)
@given(rank=st.integers(1, 2), c_in=st.integers(1, 5), m=st.integers(1, 3), k=st.integers(1, 4),
       s=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]), use_bias=st.booleans(),
       activation=st.sampled_from(ACTIVATIONS), size=st.integers(5, 9),
       channels_first=st.booleans())
def test_depthwise(rank, c_in, m, k, s, padding, use_bias, activation, size, channels_first):
    fmt = "channels_first" if channels_first else "channels_last"
    layer = getattr(keras.layers, f"DepthwiseConv{rank}D")(k, strides=s, padding=padding, depth_multiplier=m,
                                                            use_bias=use_bias, activation=activation,
                                                            data_format=fmt)
    shape = (c_in,) + (size,) * rank if channels_first else (size,) * rank + (c_in,)
    row = row_of(layer, shape)
    out = out_size(size, k, s, padding) ** rank
    macs = out * k ** rank * c_in * m
    assert row.cost.macs == macs
    assert row.cost.flops == 2 * macs + out * c_in * m * (int(use_bias) + ACT_FLOPS[activation])


@settings(max_examples=sweep(25), deadline=None)
@given(rank=st.integers(1, 2), c_in=st.integers(1, 5), m=st.integers(1, 3), filters=st.integers(1, 6),
       k=st.integers(1, 4), s=st.integers(1, 3), d=st.integers(1, 2), padding=st.sampled_from(["valid", "same"]),
       use_bias=st.booleans(), activation=st.sampled_from(ACTIVATIONS), size=st.integers(7, 10))
def test_separable(rank, c_in, m, filters, k, s, d, padding, use_bias, activation, size):
    if d > 1:
        s = 1
    layer = getattr(keras.layers, f"SeparableConv{rank}D")(filters, k, strides=s, padding=padding,
                                                            dilation_rate=d, depth_multiplier=m,
                                                            use_bias=use_bias, activation=activation)
    row = row_of(layer, (size,) * rank + (c_in,))
    out = out_size(size, k, s, padding, d) ** rank
    depthwise = out * k ** rank * c_in * m
    pointwise = out * c_in * m * filters
    assert row.cost.macs == depthwise + pointwise
    assert row.cost.flops == 2 * (depthwise + pointwise) + out * filters * (int(use_bias) + ACT_FLOPS[activation])


def test_conv_explanations_show_the_numbers():
    row = row_of(keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same"), (5, 7, 4))
    text = steps_text(row)
    assert "(5 × 7) input positions × (3 × 3 × 4) per filter × 8 filters" in text
    assert f"{5 * 7 * 9 * 4 * 8}" in text.replace(",", "")
    row = row_of(keras.layers.SeparableConv2D(6, 3, depth_multiplier=2), (8, 8, 3))
    text = steps_text(row)
    assert "(6 × 6) output positions × (3 × 3) per channel × (3 × 2) depthwise channels" in text
    assert "(6 × 6) output positions × (3 × 2) per filter × 6 filters" in text
    row = row_of(keras.layers.DepthwiseConv1D(3, depth_multiplier=2), (10, 4))
    assert "8 output positions × 3 per output channel × (4 × 2) output channels" in steps_text(row)


@pytest.mark.parametrize("layer", [
    lambda: keras.layers.Conv2D(4, 3), lambda: keras.layers.Conv2DTranspose(4, 3),
    lambda: keras.layers.DepthwiseConv2D(3), lambda: keras.layers.SeparableConv2D(4, 3),
    lambda: keras.layers.Conv1D(4, 3, padding="causal"), lambda: keras.layers.SeparableConv1D(4, 3)])
def test_conv_unknown_size(layer):
    layer = layer()
    shape = (None, 3) if layer.rank == 1 else (None, 8, 3)
    row = row_of(layer, shape)
    assert row.cost.macs is None and row.cost.flops is None
    assert "None" in row.cost.why_unknown().en


# ---------------------------------------------------------------------- pooling
@settings(max_examples=sweep(30), deadline=None)
@given(rank=st.integers(1, 3), mode=st.sampled_from(["Max", "Average"]), k=st.integers(1, 4),
       s=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]), c=st.integers(1, 4),
       size=st.integers(4, 9))
def test_pooling(rank, mode, k, s, padding, c, size):
    layer = getattr(keras.layers, f"{mode}Pooling{rank}D")(k, strides=s, padding=padding)
    row = row_of(layer, (size,) * rank + (c,))
    outputs = out_size(size, k, s, padding) ** rank * c
    # convention: K = k^rank per output element (also for 'same' border windows); average: + 1 divide
    assert row.cost.macs == 0
    assert row.cost.flops == outputs * k ** rank + (outputs if mode == "Average" else 0)


@pytest.mark.parametrize("rank", [1, 2, 3])
@pytest.mark.parametrize("mode", ["Max", "Average"])
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("channels_first", [False, True])
def test_global_pooling(rank, mode, keepdims, channels_first):
    sizes = (5, 4, 3)[:rank]
    c = 7
    fmt = "channels_first" if channels_first else "channels_last"
    layer = getattr(keras.layers, f"Global{mode}Pooling{rank}D")(keepdims=keepdims, data_format=fmt)
    row = row_of(layer, (c,) + sizes if channels_first else sizes + (c,))
    n = math.prod(sizes)
    assert row.cost.flops == c * n + (c if mode == "Average" else 0)
    assert f"{c} channels × " in steps_text(row)


def keras_windows(size, out):
    """Keras' adaptive windows (backend/numpy/nn.py): [floor(i·I/O), ceil((i+1)·I/O))."""
    return [math.ceil((i + 1) * size / out) - math.floor(i * size / out) for i in range(out)]


@settings(max_examples=sweep(30), deadline=None)
@given(rank=st.integers(1, 3), mode=st.sampled_from(["Max", "Average"]),
       sizes=st.lists(st.integers(1, 13), min_size=3, max_size=3),
       outs=st.lists(st.integers(1, 6), min_size=3, max_size=3), c=st.integers(1, 4))
def test_adaptive_pooling(rank, mode, sizes, outs, c):
    sizes, outs = tuple(sizes[:rank]), tuple(outs[:rank])
    layer = getattr(keras.layers, f"Adaptive{mode}Pooling{rank}D")(outs)
    row = row_of(layer, sizes + (c,))
    # each output element reduces its own window: the product of its per-axis window sizes
    total = c * math.prod(sum(keras_windows(i, o)) for i, o in zip(sizes, outs))
    assert row.cost.flops == total + (c * math.prod(outs) if mode == "Average" else 0)


def test_adaptive_windows_explained():
    row = row_of(keras.layers.AdaptiveMaxPooling1D(3), (5, 2))
    # windows [0, 2), [1, 4), [3, 5): sizes 2, 3, 2
    assert row.cost.flops == 2 * (2 + 3 + 2)
    assert "2 channels × (2 × 2 + 1 × 3) window values along length" in steps_text(row)


def test_pooling_explanation_and_unknown():
    row = row_of(keras.layers.AveragePooling2D(3, strides=2), (9, 9, 2))
    text = steps_text(row)
    assert "(4 × 4 × 2) elements × (3 × 3) per window = 288" in text
    assert "(4 × 4 × 2) elements = 32" in text
    for layer in (keras.layers.MaxPooling1D(2), keras.layers.GlobalAveragePooling1D(),
                  keras.layers.AdaptiveAveragePooling1D(2)):
        row = row_of(layer, (None, 3))
        assert row.cost.flops is None
        assert "None" in row.cost.why_unknown().en
