"""Normalization layers against real Keras: weights (names, shapes, trainable), shapes, errors."""

import warnings

from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer, assert_same_summary, record_coverage, sweep

DIM = st.one_of(st.none(), st.integers(1, 6))


@st.composite
def input_and_axis(draw, allow_list=False, min_rank=1):
    """An input shape (batch excluded) and an axis within the full rank (batch included).

    Out-of-range axes make Keras fail with an IndexError (not a ValueError), so they are
    left to the dedicated tests below.
    """
    shape = tuple(draw(st.lists(DIM, min_size=min_rank, max_size=4)))
    rank = len(shape) + 1
    axis = st.integers(-rank, rank - 1)
    if allow_list and draw(st.booleans()):
        return shape, draw(st.lists(axis, min_size=1, max_size=3))
    return shape, draw(axis)


@settings(max_examples=sweep(80), deadline=None)
@given(case=input_and_axis(), center=st.booleans(), scale=st.booleans(), renorm=st.booleans(),
       synchronized=st.booleans(), float_axis=st.booleans())
def test_batch_normalization_matches_keras(real_keras, case, center, scale, renorm, synchronized, float_axis):
    shape, axis = case
    kwargs = {"axis": float(axis) if float_axis else axis, "center": center, "scale": scale,
              "renorm": renorm, "synchronized": synchronized}
    assert_same_layer(real_keras, "BatchNormalization", kwargs, shape)


@settings(max_examples=sweep(80), deadline=None)
@given(case=input_and_axis(allow_list=True), center=st.booleans(), scale=st.booleans(),
       rms=st.sampled_from([None, False, True]))
def test_layer_normalization_matches_keras(real_keras, case, center, scale, rms):
    shape, axis = case
    kwargs = {"axis": axis, "center": center, "scale": scale}
    if rms is not None:
        kwargs["rms_scaling"] = rms
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_layer(real_keras, "LayerNormalization", kwargs, shape)


@settings(max_examples=sweep(80), deadline=None)
@given(case=input_and_axis(), channels=st.integers(1, 12), groups=st.sampled_from([-1, 1, 2, 3, 4, 5, 8, 16]),
       center=st.booleans(), scale=st.booleans())
def test_group_normalization_matches_keras(real_keras, case, channels, groups, center, scale):
    shape, axis = case
    shape = shape[:-1] + (channels,) if shape else (channels,)
    assert_same_layer(real_keras, "GroupNormalization",
                      {"groups": groups, "axis": axis, "center": center, "scale": scale}, shape)


@settings(max_examples=sweep(60), deadline=None)
@given(case=input_and_axis(allow_list=True), epsilon=st.sampled_from([1e-6, 1e-3]))
def test_rms_normalization_matches_keras(real_keras, case, epsilon):
    shape, axis = case
    assert_same_layer(real_keras, "RMSNormalization", {"axis": axis, "epsilon": epsilon}, shape)


@settings(max_examples=sweep(50), deadline=None)
@given(shape=st.lists(DIM, min_size=1, max_size=4).map(tuple),
       axis=st.one_of(st.integers(-6, 5), st.lists(st.integers(-6, 5), min_size=1, max_size=3)))
def test_unit_normalization_matches_keras(real_keras, shape, axis):
    # Unlike the others, an out-of-range axis is a ValueError here: it is compared too.
    assert_same_layer(real_keras, "UnitNormalization", {"axis": axis}, shape)


def test_unit_normalization_is_built_at_init(real_keras):
    import nncalc.keras as nk

    assert nk.layers.UnitNormalization().built == real_keras.layers.UnitNormalization().built


# ---------------------------------------------------------------------- SpectralNormalization
def describe_spectral(module, inner, inner_kwargs, sn_kwargs, input_shape):
    """Like ``describe_layer`` for ``SpectralNormalization(inner(**inner_kwargs))`` (weight paths too)."""
    try:
        layer = module.layers.SpectralNormalization(getattr(module.layers, inner)(**inner_kwargs), **sn_kwargs)
        out = layer(module.Input(shape=input_shape))
    except (ValueError, TypeError):
        return ("error",)
    weights = [(w.path, tuple(w.shape), bool(w.trainable)) for w in layer.weights]
    return ("ok", tuple(out.shape), weights, layer.count_params(),
            len(layer.trainable_weights), len(layer.non_trainable_weights))


@st.composite
def spectral_cases(draw):
    kind = draw(st.sampled_from(["Dense", "Conv1D", "Conv2D", "Embedding", "ReLU"]))
    sn = {"power_iterations": draw(st.sampled_from([1, 1, 2, 5, 0]))}
    if kind == "Dense":
        shape = tuple(draw(st.lists(DIM, min_size=0, max_size=2))) + (draw(st.integers(1, 6)),)
        return kind, {"units": draw(st.integers(1, 6)), "use_bias": draw(st.booleans())}, sn, shape
    if kind in ("Conv1D", "Conv2D"):
        rank = 1 if kind == "Conv1D" else 2
        shape = tuple(draw(st.one_of(st.none(), st.integers(3, 8))) for _ in range(rank)) + (draw(st.integers(1, 4)),)
        return kind, {"filters": draw(st.integers(1, 4)), "kernel_size": draw(st.integers(1, 3)),
                      "use_bias": draw(st.booleans())}, sn, shape
    if kind == "Embedding":
        return kind, {"input_dim": draw(st.integers(2, 20)), "output_dim": draw(st.integers(1, 6))}, sn, \
            (draw(DIM),)
    return kind, {}, sn, (draw(st.integers(1, 4)),)


@settings(max_examples=sweep(60), deadline=None)
@given(case=spectral_cases())
def test_spectral_normalization_matches_keras(real_keras, case):
    import nncalc.keras as nk

    inner, inner_kwargs, sn_kwargs, shape = case
    expected = describe_spectral(real_keras, inner, inner_kwargs, sn_kwargs, shape)
    actual = describe_spectral(nk, inner, inner_kwargs, sn_kwargs, shape)
    assert actual == expected, case
    record_coverage(["SpectralNormalization"], "passed" if expected[0] == "ok" else "rejected")


def test_spectral_normalization_of_a_built_layer(real_keras):
    """A layer built before wrapping keeps its own weight paths."""
    import nncalc.keras as nk

    def describe(module):
        dense = module.layers.Dense(3)
        dense.build((None, 5))
        layer = module.layers.SpectralNormalization(dense)
        layer(module.Input((5,)))
        return [(w.path, tuple(w.shape), w.trainable) for w in layer.weights]

    assert describe(nk) == describe(real_keras)


def test_spectral_normalization_rejects_a_non_layer(real_keras):
    import nncalc.keras as nk

    for module in (real_keras, nk):
        try:
            module.layers.SpectralNormalization(3)
        except ValueError:
            continue
        raise AssertionError(f"{module.__name__} accepted a non-layer")


# ---------------------------------------------------------------------- invalid arguments
def test_normalization_rejects_what_keras_rejects(real_keras):
    for class_name, kwargs, shape in [
        ("BatchNormalization", {"axis": [1, 2]}, (3, 4)),
        ("BatchNormalization", {"axis": 1}, (None, 4)),
        ("BatchNormalization", {"renorm": True, "renorm_clipping": {"x": 1}}, (3, 4)),
        ("BatchNormalization", {"renorm": True, "renorm_clipping": {"rmax": 1, "rmin": 2}}, (3, 4)),
        ("BatchNormalization", {"renorm": True, "renorm_clipping": {"dmax": -1}}, (3, 4)),
        ("BatchNormalization", {"momentum": "fast"}, (3, 4)),
        ("LayerNormalization", {"axis": "1"}, (3, 4)),
        ("LayerNormalization", {"axis": [1, 2]}, (None, 4)),
        ("LayerNormalization", {"axis": 0}, (3, 4)),
        ("GroupNormalization", {"groups": 0}, (3, 4)),
        ("GroupNormalization", {"groups": -2}, (3, 4)),
        ("GroupNormalization", {"groups": 2.0}, (3, 4)),
        ("GroupNormalization", {"groups": 3}, (3, 4)),
        ("GroupNormalization", {"groups": 8}, (3, 4)),
        ("GroupNormalization", {"groups": 1, "axis": 1}, (None, 4)),
        ("GroupNormalization", {"groups": 1, "axis": [1]}, (3, 4)),
        ("RMSNormalization", {"axis": 1}, (None, 4)),
        ("UnitNormalization", {"axis": "a"}, (3, 4)),
        ("UnitNormalization", {"axis": 3}, (3, 4)),
        ("BatchNormalization", {"unknown": 1}, (3, 4)),
    ]:
        assert_same_layer(real_keras, class_name, kwargs, shape)


def test_out_of_range_axis_is_an_error():
    """Keras fails with an IndexError; nncalc reports it as the layer's error."""
    import pytest

    import nncalc.keras as nk

    for class_name in ("BatchNormalization", "LayerNormalization", "GroupNormalization", "RMSNormalization"):
        kwargs = {"axis": 5} if class_name != "GroupNormalization" else {"axis": 5, "groups": 1}
        with pytest.raises(ValueError):
            getattr(nk.layers, class_name)(**kwargs)(nk.Input((3, 4)))


def test_frozen_batch_normalization_matches_keras(real_keras):
    import nncalc.keras as nk

    def describe(module):
        layer = module.layers.BatchNormalization(trainable=False)
        layer(module.Input((5,)))
        return [(w.name, tuple(w.shape), w.trainable) for w in layer.weights], \
            len(layer.trainable_weights), len(layer.non_trainable_weights)

    assert describe(nk) == describe(real_keras)


# ---------------------------------------------------------------------- summaries
def test_normalization_sequential_summary(real_keras):
    def build(keras):
        L = keras.layers
        return keras.Sequential([
            keras.Input((16, 16, 3)),
            L.Conv2D(8, 3, padding="same"),
            L.BatchNormalization(),
            L.GroupNormalization(groups=4),
            L.LayerNormalization(axis=[1, 2, 3]),
            L.RMSNormalization(),
            L.UnitNormalization(axis=[1, 2]),
            L.Flatten(),
            L.SpectralNormalization(L.Dense(10)),
            L.BatchNormalization(center=False, renorm=True),
        ])

    text = assert_same_summary(real_keras, build)
    assert "batch_normalization" in text and "spectral_normalization" in text


def test_normalization_functional_summary(real_keras):
    def build(keras):
        L = keras.layers
        x = keras.Input((12,))
        h = L.Dense(8)(x)
        a = L.BatchNormalization(name="bn_a")(h)
        b = L.LayerNormalization(scale=False)(h)
        frozen = L.BatchNormalization(trainable=False)
        c = frozen(a)
        out = L.SpectralNormalization(L.Dense(4, use_bias=False), power_iterations=3)(c)
        return keras.Model(x, [out, b])

    assert assert_same_summary(real_keras, build) is not None
    assert assert_same_summary(real_keras, build, expand_nested=True, show_trainable=True) is not None


def test_spectral_normalization_embedding_summary(real_keras):
    def build(keras):
        L = keras.layers
        return keras.Sequential([keras.Input((7,)), L.SpectralNormalization(L.Embedding(50, 6)),
                                 L.GroupNormalization(groups=-1, axis=-1)])

    assert assert_same_summary(real_keras, build) is not None
