"""Reshaping layers (Flatten, Reshape, Permute, RepeatVector, Cropping, ZeroPadding,
UpSampling) against real Keras."""

import pytest
from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer, assert_same_summary, sweep

SIZE = st.one_of(st.none(), st.integers(1, 12))
DATA_FORMATS = [None, "channels_last", "channels_first", "CHANNELS_FIRST"]


@settings(max_examples=sweep(50), deadline=None)
@given(shape=st.lists(st.one_of(st.none(), st.integers(1, 300)), min_size=0, max_size=4))
def test_flatten_matches_keras(real_keras, shape):
    assert_same_layer(real_keras, "Flatten", {}, tuple(shape))


# ------------------------------------------------------------------ Reshape
@st.composite
def reshape_cases(draw):
    shape = draw(st.lists(st.integers(1, 8), min_size=0, max_size=3))
    if shape and draw(st.integers(0, 4)) == 0:  # an unknown size: -1 stays unknown
        shape[draw(st.integers(0, len(shape) - 1))] = None
    total = 1
    for d in shape:
        total *= d or 1
    # a target that fits (factors of the total), with or without one -1, or one that does not
    factors, rest = [], total
    for _ in range(draw(st.integers(0, 3))):
        f = draw(st.sampled_from([d for d in range(1, rest + 1) if rest % d == 0]))
        factors.append(f)
        rest //= f
    kind = draw(st.integers(0, 9))
    if kind < 4:
        target = factors + [-1]
    elif kind < 7:
        target = factors + ([rest] if rest > 1 or not factors else [])
    elif kind < 8:
        target = factors + [rest + draw(st.integers(1, 3))]  # total does not match
    else:
        target = factors + [-1, draw(st.sampled_from([-1, -2, 0, 5, 7, None]))]
    target = draw(st.permutations(target))  # a list, as Keras also accepts
    return {"target_shape": tuple(target) if draw(st.booleans()) else target}, tuple(shape)


@settings(max_examples=sweep(100), deadline=None)
@given(case=reshape_cases())
def test_reshape_matches_keras(real_keras, case):
    kwargs, shape = case
    assert_same_layer(real_keras, "Reshape", kwargs, shape)


def test_reshape_edges_match_keras(real_keras):
    for kwargs, shape in [
        ({"target_shape": (-1, 3)}, (4, 4, 1)),  # 16 is not a multiple of 3
        ({"target_shape": (-1, 0)}, (4, 4, 1)),
        ({"target_shape": (5, 3)}, (4, 4, 1)),
        ({"target_shape": (-1, -1)}, (4,)),
        ({"target_shape": (-2, 2)}, (4,)),
        ({"target_shape": (None, 4)}, (4, 4, 1)),
        ({"target_shape": (2.0, 2)}, (4,)),
        ({"target_shape": (-1, 3)}, (None, 4, 1)),
        ({"target_shape": ()}, ()),
        ({"target_shape": (-1,)}, ()),
        ({"target_shape": (0, -1)}, (0, 3)),
        ({"target_shape": 4}, (4,)),
        ({"target_shape": (7, -1, 4)}, (28, 28)),
    ]:
        assert_same_layer(real_keras, "Reshape", kwargs, shape)


# ------------------------------------------------------------------ Permute, RepeatVector
@settings(max_examples=sweep(60), deadline=None)
@given(shape=st.lists(SIZE, min_size=1, max_size=4), data=st.data())
def test_permute_matches_keras(real_keras, shape, data):
    dims = data.draw(st.permutations(list(range(1, len(shape) + 1))))
    if data.draw(st.integers(0, 8)) == 7:  # not a permutation of 1..n, or the wrong rank
        dims = data.draw(st.sampled_from([dims + [len(dims) + 1], [0] + dims[1:], dims[:-1] + [dims[0]]]))
    assert_same_layer(real_keras, "Permute", {"dims": tuple(dims)}, tuple(shape))


@settings(max_examples=sweep(50), deadline=None)
@given(n=st.one_of(st.integers(1, 9), st.integers(1, 9), st.sampled_from([0, -1, 2.0, True, "3"])),
       shape=st.one_of(st.tuples(SIZE), st.tuples(SIZE), st.tuples(SIZE), st.lists(SIZE, max_size=3)))
def test_repeat_vector_matches_keras(real_keras, n, shape):
    assert_same_layer(real_keras, "RepeatVector", {"n": n}, tuple(shape))


# ------------------------------------------------------------------ Cropping / ZeroPadding / UpSampling
def input_shape(draw, rank, data_format, wrong_rank):
    spatial = [draw(SIZE) for _ in range(rank)]
    if wrong_rank:
        spatial = spatial + [2] if draw(st.booleans()) else spatial[:-1]
    channels = draw(st.one_of(st.integers(1, 4), st.none()))
    if data_format is not None and data_format.lower() == "channels_first":
        return tuple([channels] + spatial)
    return tuple(spatial + [channels])


def pairs_argument(draw, rank, low, high):
    """The int / tuple-of-ints / tuple-of-pairs forms Keras takes (2-D and 3-D layers)."""
    value = st.integers(low, high)
    entry = st.one_of(value, st.tuples(value, value), st.lists(value, min_size=2, max_size=2))
    return draw(st.one_of(value, st.tuples(*[value] * rank), st.tuples(*[entry] * rank)))


@st.composite
def spatial_cases(draw, family, rank):
    data_format = draw(st.sampled_from(DATA_FORMATS)) if (family != "Cropping" and family != "UpSampling"
                                                         or rank > 1) else None
    kwargs = {} if data_format is None and draw(st.booleans()) else {"data_format": data_format}
    odd = draw(st.integers(0, 12)) == 7
    if family == "Cropping":
        if rank == 1:
            kwargs.pop("data_format", None)
            kwargs["cropping"] = draw(st.one_of(st.integers(0, 5), st.tuples(st.integers(0, 5), st.integers(0, 5))))
        else:
            kwargs["cropping"] = pairs_argument(draw, rank, 0, 4)
        if odd:
            kwargs["cropping"] = draw(st.sampled_from([-1, (1,) * (rank + 1), (-1, 1), ((1, 2, 3),) * rank, "ab"]))
    elif family == "ZeroPadding":
        if rank == 1:
            kwargs["padding"] = draw(st.one_of(st.integers(0, 5), st.tuples(st.integers(0, 5), st.integers(0, 5))))
        else:
            kwargs["padding"] = pairs_argument(draw, rank, 0, 4)
        if odd:  # a negative int is accepted by the 2-D/3-D layers while the result is not negative
            kwargs["padding"] = draw(st.sampled_from([-1, -3, (1,) * (rank + 1), (-1, 1), ((1, 2, 3),) * rank]))
    else:
        if rank == 1:
            kwargs.pop("data_format", None)
            kwargs["size"] = draw(st.integers(1, 4))
            if odd:
                kwargs["size"] = draw(st.sampled_from([0, -2, 2.0, (2,), True]))
        else:
            kwargs["size"] = draw(st.one_of(st.integers(1, 4), st.tuples(*[st.integers(1, 4)] * rank)))
            if odd:
                kwargs["size"] = draw(st.sampled_from([0, (2,) * (rank + 1), (0,) * rank]))
        if rank == 2 and draw(st.booleans()):
            kwargs["interpolation"] = draw(st.sampled_from(["nearest", "bilinear", "BICUBIC", "lanczos5"]))
    if draw(st.integers(0, 4)) == 3:  # the layer's default argument
        kwargs.pop({"Cropping": "cropping", "ZeroPadding": "padding", "UpSampling": "size"}[family])
    shape = input_shape(draw, rank, kwargs.get("data_format"), draw(st.integers(0, 12)) == 7)
    return f"{family}{rank}D", kwargs, shape


@pytest.mark.parametrize("family", ["Cropping", "ZeroPadding", "UpSampling"])
@pytest.mark.parametrize("rank", [1, 2, 3])
@settings(max_examples=sweep(50), deadline=None)
@given(data=st.data())
def test_spatial_reshaping_matches_keras(real_keras, family, rank, data):
    class_name, kwargs, shape = data.draw(spatial_cases(family, rank))
    assert_same_layer(real_keras, class_name, kwargs, shape)


def test_reshaping_rejects_what_keras_rejects(real_keras):
    for class_name, kwargs, shape in [
        ("Cropping1D", {"cropping": (3, 3)}, (6, 1)),
        ("Cropping1D", {"cropping": -1}, (6, 1)),
        ("Cropping1D", {"data_format": "channels_first"}, (6, 1)),
        ("Cropping2D", {"cropping": ((1, 2), 3)}, (3, 8, 1)),
        ("Cropping2D", {"cropping": (1, 2, 3)}, (8, 8, 1)),
        ("Cropping2D", {"cropping": 1.5}, (8, 8, 1)),
        ("Cropping3D", {"cropping": ((1, 1), (1, 1))}, (8, 8, 8, 1)),
        ("Cropping3D", {"cropping": 4}, (8, 8, 8, 1)),
        ("ZeroPadding1D", {"padding": -2}, (4, 1)),
        ("ZeroPadding2D", {"padding": -3}, (4, 4, 1)),
        ("ZeroPadding2D", {"padding": (1, -1)}, (4, 4, 1)),
        ("ZeroPadding3D", {"padding": 1.0}, (4, 4, 4, 1)),
        ("ZeroPadding3D", {"padding": (1, 1)}, (4, 4, 4, 1)),
        ("UpSampling1D", {"size": 2.0}, (4, 1)),
        ("UpSampling2D", {"size": 0}, (4, 4, 1)),
        ("UpSampling2D", {"data_format": "nchw"}, (4, 4, 1)),
        ("UpSampling3D", {"size": (2, 2)}, (4, 4, 4, 1)),
        ("Permute", {"dims": (2, 2)}, (4, 3)),
        ("Permute", {"dims": (2, 1)}, (4, 3, 2)),
        ("RepeatVector", {"n": 0}, (4,)),
        ("RepeatVector", {"n": 3}, (4, 2)),
    ]:
        assert_same_layer(real_keras, class_name, kwargs, shape)


def test_reshaping_accepts_what_keras_accepts(real_keras):
    for class_name, kwargs, shape in [
        ("ZeroPadding2D", {"padding": -1}, (4, 4, 1)),  # a negative int padding crops
        ("ZeroPadding2D", {"padding": -2}, (4, None, 1)),
        ("ZeroPadding3D", {"padding": ((0, 1), 2, [3, 0])}, (4, 4, 4, 1)),
        ("Cropping2D", {"cropping": True}, (4, 4, 1)),
        ("UpSampling2D", {"interpolation": "not-a-method"}, (4, 4, 1)),
        ("Cropping3D", {}, (3, None, 3, 1)),
    ]:
        assert_same_layer(real_keras, class_name, kwargs, shape)


def test_reshaping_built_at_init_like_keras(real_keras):
    import nncalc.keras as nk

    for class_name, args in [("Reshape", ((2, 2),)), ("Permute", ((1,),)), ("RepeatVector", (2,)),
                             ("Flatten", ()), ("Cropping2D", ()), ("ZeroPadding1D", ()),
                             ("UpSampling3D", ())]:
        assert getattr(nk.layers, class_name)(*args).built == getattr(real_keras.layers, class_name)(*args).built


def test_reshaping_positional_order(real_keras):
    import nncalc.keras as nk

    for class_name, args, shape in [
        ("Cropping2D", (((1, 0), (2, 3)), "channels_first"), (3, 9, 9)),
        ("ZeroPadding3D", ((1, 2, 3), "channels_first"), (2, 4, 4, 4)),
        ("UpSampling2D", ((2, 3), "channels_first", "bilinear"), (2, 4, 5)),
        ("UpSampling3D", ((1, 2, 3), "channels_first"), (2, 4, 4, 4)),
    ]:
        results = []
        for module in (real_keras, nk):
            layer = getattr(module.layers, class_name)(*args)
            results.append(tuple(layer(module.Input(shape)).shape))
        assert results[0] == results[1]


def test_reshaping_output_dtypes_like_keras(real_keras):
    """Flatten, Reshape and Permute keep an int input's dtype; the others give their compute dtype."""
    import nncalc.keras as nk

    for class_name, args, shape in [("Flatten", (), (4, 3)), ("Reshape", ((12,),), (4, 3)),
                                    ("Permute", ((2, 1),), (4, 3)), ("Cropping1D", (), (4, 3)),
                                    ("UpSampling1D", (), (4, 3)), ("RepeatVector", (2,), (4,)),
                                    ("ZeroPadding2D", (), (4, 3, 2))]:
        dtypes = [getattr(m.layers, class_name)(*args)(m.Input(shape, dtype="int32")).dtype
                  for m in (real_keras, nk)]
        assert str(dtypes[0]) == str(dtypes[1]), class_name


def explained(real_keras, class_name, args, shape):
    """nncalc's explanation steps as (formula, value), and real Keras' output shape for the values."""
    import nncalc.keras as nk

    layer = getattr(nk.layers, class_name)(*args)
    layer(nk.Input(shape))
    expected = tuple(getattr(real_keras.layers, class_name)(*args)(real_keras.Input(shape)).shape)
    steps = [(s.formula, s.value) for s in layer.explain().shape]
    assert steps[0][1] == expected
    return steps, expected


def test_reshaping_explanations(real_keras):
    """The per-axis formulas (text is nncalc's own; every value is Keras' output size)."""
    steps, out = explained(real_keras, "Cropping2D", (((2, 2), (1, 3)),), (28, 28, 1))
    assert steps[1:3] == [("28 - 2 - 2", out[1]), ("28 - 1 - 3", out[2])]
    steps, out = explained(real_keras, "UpSampling2D", (2,), (14, 14, 8))
    assert steps[1:3] == [("14 × 2", out[1]), ("14 × 2", out[2])]
    steps, out = explained(real_keras, "ZeroPadding1D", ((1, 2),), (10, 3))
    assert steps[1] == ("10 + 1 + 2", out[1])
    steps, out = explained(real_keras, "Reshape", ((7, -1, 4),), (28, 28))
    assert steps[1][0] == "28 × 28" and steps[2] == ("784 / (7 × 4)", out[2])
    steps, out = explained(real_keras, "Permute", ((2, 1),), (5, 3))
    assert steps[1:] == [("3", out[1]), ("5", out[2])]


def test_reshaping_family_summaries(real_keras):
    def image_model(keras):
        L = keras.layers
        inputs = keras.Input((28, 28, 1))
        x = L.ZeroPadding2D(((1, 2), (3, 4)))(inputs)
        x = L.Cropping2D((2, 1))(x)
        x = L.UpSampling2D((2, 3), interpolation="bilinear")(x)
        x = L.Reshape((-1, 6))(x)
        x = L.Permute((2, 1))(x)
        x = L.Flatten()(x)
        x = L.RepeatVector(3)(x)
        return keras.Model(inputs, x)

    def sequence_model(keras):
        L = keras.layers
        return keras.Sequential([
            keras.Input((None, 6)),
            L.ZeroPadding1D(2),
            L.Cropping1D((1, 0)),
            L.UpSampling1D(3),
            L.Reshape((-1, 2, 3)),
        ])

    def volume_model(keras):
        L = keras.layers
        return keras.Sequential([
            keras.Input((2, 6, 6, 6)),
            L.ZeroPadding3D(1, data_format="channels_first"),
            L.Cropping3D(((1, 0), 2, (0, 3)), data_format="channels_first"),
            L.UpSampling3D((1, 2, 1), data_format="channels_first"),
            L.Reshape((2, 7, -1), name="flat_volume"),
        ])

    def unbuilt_model(keras):  # no Input: layers Keras builds at init show 0, the others "0 (unbuilt)"
        L = keras.layers
        return keras.Sequential([L.Reshape((4, 2)), L.Cropping1D(1), L.MaxPooling1D(), L.AdaptiveMaxPooling1D(2),
                                 L.GlobalAvgPool1D(), L.RepeatVector(2), L.Permute((2, 1)), L.UpSampling1D(),
                                 L.Flatten(), L.ZeroPadding1D()])

    for build in (image_model, sequence_model, volume_model, unbuilt_model):
        assert_same_summary(real_keras, build)
