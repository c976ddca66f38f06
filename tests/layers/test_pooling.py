"""Pooling layers (window, global, adaptive; every alias) against real Keras."""

import pytest
from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer, assert_same_summary, sweep


@settings(max_examples=sweep(120), deadline=None)
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


# ---------------------------------------------------------------------------------------------
# Every rank and mode, channels_first, aliases.

WINDOW = {
    1: ["MaxPooling1D", "MaxPool1D", "AveragePooling1D", "AvgPool1D"],
    2: ["MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D"],
    3: ["MaxPooling3D", "MaxPool3D", "AveragePooling3D", "AvgPool3D"],
}
GLOBAL = {
    1: ["GlobalMaxPooling1D", "GlobalMaxPool1D", "GlobalAveragePooling1D", "GlobalAvgPool1D"],
    2: ["GlobalMaxPooling2D", "GlobalMaxPool2D", "GlobalAveragePooling2D", "GlobalAvgPool2D"],
    3: ["GlobalMaxPooling3D", "GlobalMaxPool3D", "GlobalAveragePooling3D", "GlobalAvgPool3D"],
}
ADAPTIVE = {
    1: ["AdaptiveMaxPooling1D", "AdaptiveAveragePooling1D"],
    2: ["AdaptiveMaxPooling2D", "AdaptiveAveragePooling2D"],
    3: ["AdaptiveMaxPooling3D", "AdaptiveAveragePooling3D"],
}
SIZE_LIMIT = {1: 40, 2: 20, 3: 9}
DATA_FORMATS = [None, "channels_last", "channels_first", "Channels_Last"]


def per_axis(draw, rank, values):
    """An int or a tuple of ``rank`` ints, as Keras accepts both."""
    return draw(st.one_of(values, st.tuples(*[values] * rank)))


def draw_input(draw, rank, data_format, wrong_rank=False):
    """Input shape without the batch axis: None sizes, channels placed by ``data_format``."""
    spatial = [draw(st.one_of(st.none(), st.integers(1, SIZE_LIMIT[rank]))) for _ in range(rank)]
    if wrong_rank:
        spatial = spatial + [3] if draw(st.booleans()) else spatial[:-1]
    channels = draw(st.one_of(st.integers(1, 6), st.none()))
    if data_format is not None and data_format.lower() == "channels_first":
        return tuple([channels] + spatial)
    return tuple(spatial + [channels])


@st.composite
def window_cases(draw, rank):
    data_format = draw(st.sampled_from(DATA_FORMATS))
    class_name = draw(st.sampled_from(WINDOW[rank]))
    kwargs = {"pool_size": per_axis(draw, rank, st.integers(1, 5)),
              "strides": draw(st.one_of(st.none(), st.integers(1, 3), st.tuples(*[st.integers(1, 3)] * rank))),
              "padding": draw(st.sampled_from(["valid", "same", "valid", "same", "Same"])),
              "data_format": data_format}
    if class_name.startswith("Max") and draw(st.booleans()):
        del kwargs["pool_size"]  # MaxPooling has a default pool size, AveragePooling does not
    return class_name, kwargs, draw_input(draw, rank, data_format, draw(st.integers(0, 15)) == 7)


@st.composite
def global_cases(draw, rank):
    data_format = draw(st.sampled_from(DATA_FORMATS))
    kwargs = {"data_format": data_format, "keepdims": draw(st.sampled_from([False, True, 0, 1]))}
    return draw(st.sampled_from(GLOBAL[rank])), kwargs, draw_input(draw, rank, data_format,
                                                                  draw(st.integers(0, 10)) == 7)


@st.composite
def adaptive_cases(draw, rank):
    data_format = draw(st.sampled_from([None, "channels_last", "channels_first"]))
    size = draw(st.one_of(st.integers(0, 12), st.tuples(*[st.integers(0, 12)] * rank),
                          st.lists(st.integers(1, 12), min_size=rank, max_size=rank)))
    if draw(st.integers(0, 15)) == 7:  # wrong length, a float, a negative size: Keras rejects them
        size = draw(st.sampled_from([(2,) * (rank + 1), 2.5, -1, (3, -2, 1)[:rank], [], "2"]))
    kwargs = {"output_size": size, "data_format": data_format}
    # Keras gives adaptive pooling no input spec: another rank is accepted too
    return draw(st.sampled_from(ADAPTIVE[rank])), kwargs, draw_input(draw, rank, data_format,
                                                                    draw(st.integers(0, 10)) == 7)


def check(real_keras, case):
    class_name, kwargs, shape = case
    assert_same_layer(real_keras, class_name, kwargs, shape)


@settings(max_examples=sweep(80), deadline=None)
@given(case=window_cases(1))
def test_window_pooling_1d_matches_keras(real_keras, case):
    check(real_keras, case)


@settings(max_examples=sweep(60), deadline=None)
@given(case=window_cases(2))
def test_window_pooling_2d_matches_keras(real_keras, case):
    check(real_keras, case)


@settings(max_examples=sweep(80), deadline=None)
@given(case=window_cases(3))
def test_window_pooling_3d_matches_keras(real_keras, case):
    check(real_keras, case)


@pytest.mark.parametrize("rank", [1, 2, 3])
@settings(max_examples=sweep(60), deadline=None)
@given(data=st.data())
def test_global_pooling_matches_keras(real_keras, rank, data):
    check(real_keras, data.draw(global_cases(rank)))


@pytest.mark.parametrize("rank", [1, 2, 3])
@settings(max_examples=sweep(60), deadline=None)
@given(data=st.data())
def test_adaptive_pooling_matches_keras(real_keras, rank, data):
    check(real_keras, data.draw(adaptive_cases(rank)))


def test_every_pooling_name_keras_exports_is_exported(real_keras):
    import nncalc.keras as nk

    names = {n for n in dir(real_keras.layers) if "Pool" in n}
    assert len(names) == 30
    for name in names:
        assert getattr(nk.layers, name).__name__ == getattr(real_keras.layers, name).__name__, name


def test_pooling_rejects_what_keras_rejects(real_keras):
    for class_name, kwargs, shape in [
        ("AveragePooling1D", {}, (8, 1)),  # no default pool_size
        ("AveragePooling2D", {}, (8, 8, 1)),
        ("AvgPool3D", {}, (8, 8, 8, 1)),
        ("MaxPooling1D", {"pool_size": (2, 2)}, (8, 1)),
        ("MaxPooling1D", {"pool_size": 9}, (8, 1)),
        ("MaxPooling3D", {"pool_size": 2, "strides": -1}, (8, 8, 8, 1)),
        ("MaxPooling3D", {"pool_size": 3, "padding": "causal"}, (8, 8, 8, 1)),
        ("AveragePooling3D", {"pool_size": (2, 9, 2)}, (8, 8, 8, 1)),
        ("AveragePooling2D", {"pool_size": 2, "data_format": "channels_middle"}, (8, 8, 1)),
        ("MaxPooling1D", {"pool_size": 2}, (8, 8, 1)),
        ("GlobalMaxPooling1D", {"data_format": "NHWC"}, (8, 1)),
        ("GlobalAveragePooling2D", {}, (8, 1)),
        ("GlobalAveragePooling3D", {}, (8, 8, 1)),
        ("AdaptiveMaxPooling1D", {"output_size": (2, 2)}, (8, 1)),
        ("AdaptiveMaxPooling2D", {"output_size": (2, 2, 2)}, (8, 8, 1)),
        ("AdaptiveAveragePooling3D", {"output_size": 2.0}, (8, 8, 8, 1)),
        ("AdaptiveAveragePooling2D", {"output_size": 2, "data_format": "CHANNELS_LAST"}, (8, 8, 1)),
        ("AdaptiveMaxPooling2D", {"output_size": (2, -1)}, (8, 8, 1)),
    ]:
        assert_same_layer(real_keras, class_name, kwargs, shape)


def test_pooling_accepts_what_keras_accepts(real_keras):
    for class_name, kwargs, shape in [
        ("MaxPooling2D", {"pool_size": 2, "padding": "same"}, (0, 3, 1)),  # an empty axis stays empty
        ("AveragePooling1D", {"pool_size": 3, "strides": 1, "padding": "same"}, (None, 4)),
        ("AdaptiveMaxPooling1D", {"output_size": True}, (8, 3)),
        ("AdaptiveMaxPooling2D", {"output_size": 0}, (8, 8, 3)),
        ("AdaptiveAveragePooling2D", {"output_size": [4, 5]}, (8, 8, 8, 3)),
        ("GlobalMaxPooling3D", {"keepdims": "yes"}, (4, 4, 4, 3)),
    ]:
        assert_same_layer(real_keras, class_name, kwargs, shape)


def test_pooling_positional_order(real_keras):
    import nncalc.keras as nk

    for class_name, args, shape in [
        ("MaxPooling3D", ((2, 1, 2), (1, 1, 2), "same", "channels_first"), (3, 5, 5, 5)),
        ("AveragePooling1D", (3, 2, "valid"), (9, 2)),
        ("GlobalAveragePooling2D", ("channels_first", True), (3, 5, 5)),
        ("AdaptiveAveragePooling3D", ((1, 2, 3), "channels_first"), (3, 5, 5, 5)),
    ]:
        expected = describe_positional(real_keras, class_name, args, shape)
        assert describe_positional(nk, class_name, args, shape) == expected


def describe_positional(module, class_name, args, shape):
    layer = getattr(module.layers, class_name)(*args)
    out = layer(module.Input(shape))
    return tuple(out.shape), layer.built


def test_pooling_built_at_init_like_keras(real_keras):
    import nncalc.keras as nk

    for class_name, args in [("MaxPooling1D", ()), ("AvgPool2D", (2,)), ("GlobalMaxPooling3D", ()),
                             ("AdaptiveMaxPooling2D", (3,))]:
        assert getattr(nk.layers, class_name)(*args).built == getattr(real_keras.layers, class_name)(*args).built


def explained(real_keras, class_name, args, shape):
    """nncalc's explanation steps, and real Keras' output shape for the values."""
    import nncalc.keras as nk

    layer = getattr(nk.layers, class_name)(*args)
    layer(nk.Input(shape))
    expected = tuple(getattr(real_keras.layers, class_name)(*args)(real_keras.Input(shape)).shape)
    steps = layer.explain().shape
    assert steps[0].value == expected
    return steps, expected


def test_pooling_explanations(real_keras):
    """The per-axis formulas (text is nncalc's own; every value is Keras' output size)."""
    steps, out = explained(real_keras, "AveragePooling1D", (3, 2), (15, 4))
    assert (steps[1].formula, steps[1].value) == ("floor((15 - 3) / 2) + 1", out[1])
    steps, out = explained(real_keras, "MaxPooling2D", (3, 2, "same"), (15, 8, 4))
    assert [(s.formula, s.value) for s in steps[1:3]] == [("ceil(15 / 2)", out[1]), ("ceil(8 / 2)", out[2])]
    steps, out = explained(real_keras, "GlobalAveragePooling2D", (None, True), (7, 7, 512))
    assert "7 × 7" in steps[0].rule.en and "7 × 7" in steps[0].rule.zh
    steps, out = explained(real_keras, "AdaptiveMaxPooling2D", ((4, 5),), (64, 30, 3))
    assert [(s.formula, s.value) for s in steps[1:3]] == [("64 → output_size 4", out[1]),
                                                          ("30 → output_size 5", out[2])]


def test_pooling_family_summaries(real_keras):
    def image_model(keras):
        L = keras.layers
        inputs = keras.Input((32, 32, 3))
        x = L.MaxPooling2D()(inputs)
        x = L.AveragePooling2D(3, strides=1, padding="same")(x)
        x = L.AvgPool2D((2, 3))(x)
        a = L.GlobalMaxPool2D()(x)
        b = L.GlobalAveragePooling2D(keepdims=True)(x)
        c = L.AdaptiveAveragePooling2D(4)(x)
        return keras.Model(inputs, [a, b, c])

    def sequence_model(keras):
        L = keras.layers
        return keras.Sequential([
            keras.Input((None, 6)),
            L.MaxPool1D(),
            L.AveragePooling1D(2, padding="same"),
            L.AdaptiveMaxPooling1D(5),
            L.GlobalAvgPool1D(),
        ])

    def volume_model(keras):
        L = keras.layers
        return keras.Sequential([
            keras.Input((2, 16, 16, 16)),
            L.MaxPooling3D(data_format="channels_first"),
            L.AvgPool3D(2, strides=(1, 2, 1), data_format="channels_first", name="avg"),
            L.AdaptiveMaxPooling3D((2, 3, 1), data_format="channels_first"),
            L.GlobalMaxPooling3D(data_format="channels_first", keepdims=True),
        ])

    for build in (image_model, sequence_model, volume_model):
        assert_same_summary(real_keras, build)
