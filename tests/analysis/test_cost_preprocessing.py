"""MACs and FLOPs of the preprocessing layers (inference), checked against formulas derived here.

Random augmentations return the images unchanged in inference (0); Rescaling and Normalization
cost 2 per element; Resizing costs what TF's resize kernel computes per output value; lookups,
hashing and encodings do no floating-point arithmetic.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

import nncalc.keras as keras
from nncalc.core.explain import say

from ..helpers import sweep
from .costs import row_of


def steps_text(row, lang="en"):
    return "\n".join(f"{say(s.label, lang)}: {say(s.formula, lang)} = {s.value}" for s in row.cost.steps())


@settings(max_examples=sweep(15), deadline=None)
@given(shape=st.lists(st.integers(1, 6), min_size=1, max_size=3), scale=st.floats(0.1, 2), offset=st.floats(-1, 1))
def test_rescaling(shape, scale, offset):
    row = row_of(keras.layers.Rescaling(scale, offset), tuple(shape))
    assert row.cost.macs == 0
    assert row.cost.flops == 2 * math.prod(shape)


@pytest.mark.requires("numpy")  # nncalc keeps the given mean and variance as arrays
@pytest.mark.parametrize("axis", [-1, None, (1, 2), 1])
@pytest.mark.parametrize("invert", [False, True])
def test_normalization(axis, invert):
    shape = (3, 4, 5)
    row = row_of(keras.layers.Normalization(axis=axis, mean=0.0, variance=1.0, invert=invert), shape)
    full = (None,) + shape
    kept = () if axis is None else tuple(axis) if isinstance(axis, tuple) else (axis,)
    stats = math.prod(full[a] for a in kept)
    assert row.cost.flops == 2 * math.prod(shape) + 2 * stats


@settings(max_examples=sweep(20), deadline=None)
@given(h=st.integers(1, 9), w=st.integers(1, 9), c=st.integers(1, 4), oh=st.integers(1, 9), ow=st.integers(1, 9),
       interpolation=st.sampled_from(["bilinear", "nearest", "bicubic"]))
def test_resizing(h, w, c, oh, ow, interpolation):
    row = row_of(keras.layers.Resizing(oh, ow, interpolation=interpolation), (h, w, c))
    out = oh * ow * c
    if interpolation == "nearest":
        assert (row.cost.macs, row.cost.flops) == (0, 0)
    elif interpolation == "bilinear":  # 3 lerps of 3 ops: a + (b - a) * t
        assert (row.cost.macs, row.cost.flops) == (0, 9 * out)
    else:  # 4 row interpolations and 1 column interpolation of 4 taps
        assert (row.cost.macs, row.cost.flops) == (20 * out, 40 * out)


@pytest.mark.parametrize("kwargs", [{"interpolation": "area"}, {"interpolation": "lanczos3"},
                                    {"antialias": True}])
def test_resizing_not_counted(kwargs):
    row = row_of(keras.layers.Resizing(4, 4, **kwargs), (8, 8, 3))
    assert row.cost.flops is None
    assert "does not count" in say(row.cost.why_unknown(), "en")


@pytest.mark.parametrize("size,out,resized", [((10, 10), (4, 6), False), ((4, 10), (6, 6), True),
                                               ((None, None), (3, 3), False)])
def test_center_crop(size, out, resized):
    row = row_of(keras.layers.CenterCrop(*out), size + (3,))
    assert row.cost.flops == (9 * out[0] * out[1] * 3 if resized else 0)


AUGMENTATIONS = [
    ("RandomFlip", {}), ("RandomRotation", {"factor": 0.2}), ("RandomZoom", {"height_factor": 0.2}),
    ("RandomTranslation", {"height_factor": 0.1, "width_factor": 0.1}), ("RandomShear", {"x_factor": 0.2}),
    ("RandomPerspective", {}), ("RandomElasticTransform", {}), ("RandomContrast", {"factor": 0.2}),
    ("RandomBrightness", {"factor": 0.2}), ("RandomColorDegeneration", {"factor": 0.2}),
    ("RandomSaturation", {"factor": 0.2}), ("RandomSharpness", {"factor": 0.2}),
    ("RandomPosterization", {"factor": 4}), ("RandomHue", {"factor": 0.2}), ("RandomInvert", {}),
    ("RandomGrayscale", {}), ("RandomErasing", {}), ("RandomGaussianBlur", {}), ("Solarization", {}),
    ("Equalization", {}), ("MixUp", {}), ("CutMix", {}), ("AugMix", {}), ("RandAugment", {}),
    ("RandomColorJitter", {"brightness_factor": 0.2}), ("RandomCrop", {"height": 4, "width": 4}),
    ("MaxNumBoundingBoxes", {"max_number": 3}),
]


@pytest.mark.parametrize("name,kwargs", AUGMENTATIONS)
def test_inference_noops(name, kwargs):
    row = row_of(getattr(keras.layers, name)(**kwargs), (8, 8, 3))
    assert (row.cost.macs, row.cost.flops) == (0, 0)
    assert row.cost.steps()[0].value == 0


@pytest.mark.parametrize("value_range", [(0, 255), (0, 1)])
def test_auto_contrast(value_range):
    row = row_of(keras.layers.AutoContrast(value_range=value_range), (5, 6, 3))
    per = 7 + (0 if value_range == (0, 255) else 8)  # min, max, ×, +, clip (2), isnan; 2 range conversions of 4
    assert row.cost.flops == 5 * 6 * 3 * per + 3 * 4


def test_clahe_is_unknown():
    row = row_of(keras.layers.ContrastLimitedAdaptiveHistogramEqualization(), (16, 16, 3))
    assert row.cost.flops is None and "CLAHE" in say(row.cost.why_unknown(), "en")


@pytest.mark.parametrize("boundaries", [[0.0], [0.0, 1.0], [0.0, 1.0, 2.0], list(range(9))])
def test_discretization(boundaries):
    row = row_of(keras.layers.Discretization(bin_boundaries=boundaries), (4, 5))
    assert row.cost.flops == 20 * math.ceil(math.log2(len(boundaries) + 1))


@pytest.mark.requires("numpy")
def test_lookups_and_hashing_are_free():
    cases = [(keras.layers.StringLookup(vocabulary=["a", "b"]), (4,), "string"),
             (keras.layers.IntegerLookup(vocabulary=[1, 2], output_mode="one_hot"), (1,), "int64"),
             (keras.layers.Hashing(8), (4,), "string"),
             (keras.layers.CategoryEncoding(5, output_mode="count"), (4,), "int32"),
             (keras.layers.TextVectorization(output_sequence_length=6, vocabulary=["a"]), (1,), "string")]
    for layer, shape, dtype in cases:
        row = row_of(layer, shape, dtype)
        assert (row.cost.macs, row.cost.flops) == (0, 0), type(layer).__name__


@pytest.mark.requires("numpy")
def test_tf_idf_adds_idf_weights():
    row = row_of(keras.layers.StringLookup(vocabulary=["a", "b"], output_mode="tf_idf", idf_weights=[1.0, 2.0]),
                 (7,), "string")
    assert row.cost.flops == 7
    # after a split the number of tokens is unknown
    row = row_of(keras.layers.TextVectorization(output_mode="tf_idf", vocabulary=["a"], idf_weights=[1.0]),
                 (1,), "string")
    assert row.cost.flops is None


@settings(max_examples=sweep(10), deadline=None)
@given(samples=st.integers(100, 3000), log2n=st.integers(6, 10), stride=st.sampled_from([64, 128, 256]),
       mels=st.integers(8, 64), db=st.booleans())
def test_mel_spectrogram(samples, log2n, stride, mels, db):
    n = 2 ** log2n
    row = row_of(keras.layers.MelSpectrogram(fft_length=n, sequence_stride=stride, num_mel_bins=mels,
                                             power_to_db=db), (samples,))
    frames = 1 + samples // stride
    bins = n // 2 + 1
    macs = frames * bins * mels
    assert row.cost.macs == macs
    other = frames * (n + 5 * n * log2n // 2 + 5 * bins + (6 * mels if db else 0))
    assert row.cost.flops == 2 * macs + other


def test_mel_spectrogram_fft_length_not_a_power_of_two():
    row = row_of(keras.layers.MelSpectrogram(fft_length=1000, sequence_stride=100), (4000,))
    assert row.cost.flops is None


def test_pipeline():
    layer = keras.layers.Pipeline([keras.layers.Rescaling(0.5), keras.layers.RandomFlip(),
                                   keras.layers.Resizing(4, 4)])
    row = row_of(layer, (8, 8, 3))
    assert row.cost.flops == 2 * 8 * 8 * 3 + 9 * 4 * 4 * 3
    assert "rescaling" in steps_text(row)


def test_none_dimension_is_unknown():
    row = row_of(keras.layers.Rescaling(2.0), (None, 3))
    assert row.cost.flops is None and "None" in say(row.cost.why_unknown(), "en")
    row = row_of(keras.layers.Resizing(4, 4), (8, 8, None))
    assert row.cost.flops is None


def test_explanation():
    row = row_of(keras.layers.Resizing(16, 16), (32, 32, 3))
    assert "bilinear interpolation (3 lerps a + (b − a)·t): (16 × 16 × 3) elements × 9 per element = 6912" \
        in steps_text(row)
    assert "双线性插值" in steps_text(row, "zh")
