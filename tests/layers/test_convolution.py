"""Every convolution (Conv1D/2D/3D, transposed, depthwise, separable, aliases) against real Keras."""

from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer, sweep


@st.composite
def conv_cases(draw):
    size = st.one_of(st.none(), st.integers(1, 40))
    channels = draw(st.integers(1, 8))
    groups = draw(st.sampled_from([g for g in (1, 2, 4) if channels % g == 0]))
    filters = groups * draw(st.integers(1, 6))
    dilation = draw(st.integers(1, 3))
    strides = 1 if dilation > 1 else draw(st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    kwargs = {
        "filters": filters,
        "kernel_size": draw(st.one_of(st.integers(1, 7), st.tuples(st.integers(1, 7), st.integers(1, 7)))),
        "strides": strides,
        "padding": draw(st.sampled_from(["valid", "same", "SAME"])),
        "dilation_rate": dilation,
        "groups": groups,
        "use_bias": draw(st.booleans()),
    }
    return kwargs, (draw(size), draw(size), channels)


@settings(max_examples=sweep(150), deadline=None)
@given(case=conv_cases())
def test_conv2d_matches_keras(real_keras, case):
    kwargs, shape = case
    assert_same_layer(real_keras, "Conv2D", kwargs, shape)


def test_conv2d_seed_layers(real_keras):
    """The tutorial's Conv_1 and Conv_2: 5²·3·512 + 512 and 3²·512·256 + 256, as Keras counts."""
    first = assert_same_layer(real_keras, "Conv2D",
                              {"filters": 512, "kernel_size": (5, 5), "padding": "same"}, (128, 128, 3))
    assert first[1] == [(None, 128, 128, 512)]
    second = assert_same_layer(real_keras, "Conv2D",
                               {"filters": 256, "kernel_size": 3, "strides": 2}, (63, 63, 512))
    assert second[1] == [(None, 31, 31, 256)]


def test_conv2d_rejects_what_keras_rejects(real_keras):
    for kwargs, shape in [
        ({"filters": 4, "kernel_size": 5}, (3, 3, 1)),  # kernel larger than input
        ({"filters": 0, "kernel_size": 3}, (8, 8, 1)),
        ({"filters": 4, "kernel_size": 0}, (8, 8, 1)),
        ({"filters": 4, "kernel_size": 3, "padding": "full"}, (8, 8, 1)),
        ({"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, (8, 8, 1)),
        ({"filters": 6, "kernel_size": 3, "groups": 4}, (8, 8, 4)),
        ({"filters": 4, "kernel_size": 3, "groups": 3}, (8, 8, 4)),
        ({"filters": 4, "kernel_size": 3}, (8, 1)),  # rank too low
        ({"filters": 4, "kernel_size": (3, 3, 3)}, (8, 8, 1)),
    ]:
        assert_same_layer(real_keras, "Conv2D", kwargs, shape)


@settings(max_examples=sweep(40), deadline=None)
@given(h=st.integers(1, 30), w=st.integers(1, 30), c=st.integers(1, 5), f=st.integers(1, 5),
       k=st.integers(1, 5), s=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]))
def test_conv2d_channels_first_matches_keras(real_keras, h, w, c, f, k, s, padding):
    import nncalc.keras as nk

    from tests.helpers import describe_layer

    kwargs = {"filters": f, "kernel_size": k, "strides": s, "padding": padding, "data_format": "channels_first"}
    # Keras' CPU convolution cannot run channels_first, but shapes and weights are symbolic.
    assert describe_layer(nk, "Conv2D", kwargs, (c, h, w)) == describe_layer(real_keras, "Conv2D", kwargs, (c, h, w))


# ---------------------------------------------------------------------------------------------
# Every kind and rank: Conv1D/3D, transposed, depthwise, separable, aliases, channels_first.

SIZE_LIMIT = {1: 30, 2: 20, 3: 9}
CONV = {1: ["Conv1D", "Convolution1D"], 2: ["Conv2D", "Convolution2D"], 3: ["Conv3D", "Convolution3D"]}
TRANSPOSE = {1: ["Conv1DTranspose", "Convolution1DTranspose"],
             2: ["Conv2DTranspose", "Convolution2DTranspose"],
             3: ["Conv3DTranspose", "Convolution3DTranspose"]}
DEPTHWISE = {1: ["DepthwiseConv1D"], 2: ["DepthwiseConv2D"]}
SEPARABLE = {1: ["SeparableConv1D", "SeparableConvolution1D"], 2: ["SeparableConv2D", "SeparableConvolution2D"]}


def per_axis(draw, rank, values):
    """An int or a tuple of ``rank`` ints, as Keras accepts both."""
    return draw(st.one_of(values, st.tuples(*[values] * rank)))


def draw_input(draw, rank, channels, data_format, extra_rank=False):
    """Input shape without the batch axis, channels placed by ``data_format``."""
    spatial = [draw(st.one_of(st.none(), st.integers(1, SIZE_LIMIT[rank]))) for _ in range(rank)]
    if extra_rank:  # one axis too many or too few: Keras rejects it
        spatial = spatial + [2] if draw(st.booleans()) else spatial[:-1]
    if data_format == "channels_first":
        return tuple([channels] + spatial)
    return tuple(spatial + [channels])


def draw_window(draw, rank, paddings, max_kernel=5):
    """kernel_size, strides, dilation_rate and padding (strides > 1 with dilation > 1 sometimes)."""
    dilation = per_axis(draw, rank, st.sampled_from([1, 1, 1, 2, 3]))
    strided = max(dilation if isinstance(dilation, tuple) else (dilation,)) == 1 or draw(st.integers(0, 9)) == 0
    return {
        "kernel_size": per_axis(draw, rank, st.integers(1, max_kernel)),
        "strides": per_axis(draw, rank, st.integers(1, 3)) if strided else 1,
        "dilation_rate": dilation,
        "padding": draw(st.sampled_from(paddings)),
    }


@st.composite
def conv_nd_cases(draw, rank):
    channels = draw(st.integers(1, 6))
    groups = draw(st.sampled_from([g for g in (1, 2, 3) if channels % g == 0]))
    if draw(st.integers(0, 15)) == 0:  # now and then groups that do not divide the channels
        groups = draw(st.integers(1, 4))
    data_format = draw(st.sampled_from([None, "channels_last", "channels_first"]))
    kwargs = draw_window(draw, rank, ["valid", "same", "SAME"] + (["causal"] if rank == 1 else []))
    kwargs.update(filters=groups * draw(st.integers(1, 4)), groups=groups, use_bias=draw(st.booleans()),
                  data_format=data_format)
    if draw(st.integers(0, 5)) == 0:
        kwargs["lora_rank"] = draw(st.integers(1, 3))
    extra = draw(st.integers(0, 12)) == 0
    return draw(st.sampled_from(CONV[rank])), kwargs, draw_input(draw, rank, channels, data_format, extra)


@st.composite
def transpose_cases(draw, rank):
    channels = draw(st.integers(1, 6))
    data_format = draw(st.sampled_from([None, "channels_last", "channels_first"]))
    kwargs = draw_window(draw, rank, ["valid", "same", "Same"])
    strides = kwargs["strides"]
    if draw(st.booleans()):  # output_padding below the strides (now and then not: Keras rejects)
        s = strides if isinstance(strides, tuple) else (strides,) * rank
        kwargs["output_padding"] = (
            tuple(draw(st.integers(0, max(0, x - 1))) for x in s) if draw(st.integers(0, 9))
            else draw(st.integers(0, 3)))
    kwargs.update(filters=draw(st.integers(1, 5)), use_bias=draw(st.booleans()), data_format=data_format)
    # Keras fails with an IndexError (not a ValueError) on a transposed conv of the wrong rank,
    # so only the right rank is compared here.
    return draw(st.sampled_from(TRANSPOSE[rank])), kwargs, draw_input(draw, rank, channels, data_format)


@st.composite
def depthwise_cases(draw, rank, separable):
    channels = draw(st.integers(1, 6))
    data_format = draw(st.sampled_from([None, "channels_last", "channels_first"]))
    kwargs = draw_window(draw, rank, ["valid", "same", "VALID"] + (["causal"] if draw(st.integers(0, 15)) == 0 else []))
    kwargs.update(depth_multiplier=draw(st.integers(1, 4)), use_bias=draw(st.booleans()), data_format=data_format)
    if separable:
        kwargs["filters"] = draw(st.integers(1, 6))
    extra = draw(st.integers(0, 12)) == 0
    names = SEPARABLE if separable else DEPTHWISE
    return draw(st.sampled_from(names[rank])), kwargs, draw_input(draw, rank, channels, data_format, extra)


def check(real_keras, case):
    class_name, kwargs, shape = case
    assert_same_layer(real_keras, class_name, kwargs, shape)


@settings(max_examples=sweep(80), deadline=None)
@given(case=conv_nd_cases(1))
def test_conv1d_matches_keras(real_keras, case):
    check(real_keras, case)


@settings(max_examples=sweep(40), deadline=None)
@given(case=conv_nd_cases(2))
def test_conv2d_all_arguments_match_keras(real_keras, case):
    check(real_keras, case)


@settings(max_examples=sweep(60), deadline=None)
@given(case=conv_nd_cases(3))
def test_conv3d_matches_keras(real_keras, case):
    check(real_keras, case)


@settings(max_examples=sweep(60), deadline=None)
@given(case=transpose_cases(1))
def test_conv1d_transpose_matches_keras(real_keras, case):
    check(real_keras, case)


@settings(max_examples=sweep(80), deadline=None)
@given(case=transpose_cases(2))
def test_conv2d_transpose_matches_keras(real_keras, case):
    check(real_keras, case)


@settings(max_examples=sweep(60), deadline=None)
@given(case=transpose_cases(3))
def test_conv3d_transpose_matches_keras(real_keras, case):
    check(real_keras, case)


@settings(max_examples=sweep(60), deadline=None)
@given(case=depthwise_cases(1, separable=False))
def test_depthwise_conv1d_matches_keras(real_keras, case):
    check(real_keras, case)


@settings(max_examples=sweep(60), deadline=None)
@given(case=depthwise_cases(2, separable=False))
def test_depthwise_conv2d_matches_keras(real_keras, case):
    check(real_keras, case)


@settings(max_examples=sweep(60), deadline=None)
@given(case=depthwise_cases(1, separable=True))
def test_separable_conv1d_matches_keras(real_keras, case):
    check(real_keras, case)


@settings(max_examples=sweep(60), deadline=None)
@given(case=depthwise_cases(2, separable=True))
def test_separable_conv2d_matches_keras(real_keras, case):
    check(real_keras, case)


def test_every_convolution_name_keras_exports_is_exported(real_keras):
    import nncalc.keras as nk

    names = {n for n in dir(real_keras.layers) if ("Conv" in n or "Convolution" in n) and "LSTM" not in n}
    for name in names:
        assert getattr(nk.layers, name).__name__ == getattr(real_keras.layers, name).__name__, name


def test_conv3d_transpose_positional_order(real_keras):
    """Conv3DTranspose takes data_format before output_padding, unlike the 1D/2D ones."""
    import nncalc.keras as nk

    for class_name, args, shape in [
        ("Conv3DTranspose", (2, 3, 2, "same", "channels_last", 1), (4, 4, 4, 3)),
        ("Conv2DTranspose", (2, 3, 2, "same", 1, "channels_last"), (4, 4, 3)),
        ("DepthwiseConv2D", (3, 1, "valid", 3), (6, 6, 2)),
        ("SeparableConv2D", (4, 3, 1, "valid", None, 1, 2), (6, 6, 2)),
    ]:
        expected = describe_positional(real_keras, class_name, args, shape)
        assert describe_positional(nk, class_name, args, shape) == expected, class_name


def describe_positional(module, class_name, args, shape):
    layer = getattr(module.layers, class_name)(*args)
    out = layer(module.Input(shape))
    return tuple(out.shape), [(w.name, tuple(w.shape)) for w in layer.weights]


def test_convolutions_reject_what_keras_rejects(real_keras):
    for class_name, kwargs, shape in [
        ("Conv2D", {"filters": 4, "kernel_size": 3, "padding": "causal"}, (8, 8, 1)),
        ("Conv1D", {"filters": 4, "kernel_size": 3, "padding": [1, 1]}, (8, 1)),
        ("Conv1D", {"filters": 4, "kernel_size": 3}, (8, None)),
        ("Conv1D", {"filters": 4, "kernel_size": 9}, (8, 1)),
        ("Conv1D", {"filters": 4, "kernel_size": 3, "lora_rank": 2, "kernel_constraint": "non_neg"}, (8, 1)),
        ("Conv1D", {"filters": 4, "kernel_size": 3, "lora_rank": -1}, (8, 1)),
        ("Conv3D", {"filters": 4, "kernel_size": (3, 3)}, (8, 8, 8, 1)),
        ("Conv3D", {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, (8, 8, 8, 1)),
        ("Conv1DTranspose", {"filters": 4, "kernel_size": 3, "padding": "causal"}, (8, 1)),
        ("Conv2DTranspose", {"filters": 4, "kernel_size": 3, "output_padding": 1}, (8, 8, 1)),
        ("Conv2DTranspose", {"filters": 4, "kernel_size": 3, "strides": 2, "output_padding": 2}, (8, 8, 1)),
        ("Conv2DTranspose", {"filters": 4, "kernel_size": 3, "output_padding": -1}, (8, 8, 1)),
        ("Conv2DTranspose", {"filters": 4, "kernel_size": 3, "groups": 2}, (8, 8, 2)),
        ("Conv2DTranspose", {"filters": 0, "kernel_size": 3}, (8, 8, 2)),
        ("Conv2DTranspose", {"filters": 4, "kernel_size": 3}, (8, 8, None)),
        ("Conv3DTranspose", {"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, (8, 8, 8, 1)),
        ("Conv3DTranspose", {"filters": 4, "kernel_size": 3}, (8, 8, 1)),
        ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 0}, (8, 8, 1)),
        ("DepthwiseConv2D", {"kernel_size": 3}, (8, 8, None)),
        ("DepthwiseConv2D", {"kernel_size": 9}, (8, 8, 1)),
        ("DepthwiseConv1D", {"kernel_size": 3, "padding": "causal"}, (8, 1)),
        ("DepthwiseConv1D", {"kernel_size": 3, "filters": 2}, (8, 1)),
        ("SeparableConv2D", {"filters": 0, "kernel_size": 3}, (8, 8, 1)),
        ("SeparableConv2D", {"filters": 2, "kernel_size": 3, "depth_multiplier": -1}, (8, 8, 1)),
        ("SeparableConv2D", {"filters": 2, "kernel_size": 3}, (8, 8, None)),
        ("SeparableConv1D", {"filters": 2, "kernel_size": 3}, (8, 8, 1)),
        ("SeparableConv1D", {"filters": 2, "kernel_size": 3, "lora_rank": 2}, (8, 1)),
    ]:
        assert_same_layer(real_keras, class_name, kwargs, shape)


def test_lora_freezes_the_kernel_like_keras(real_keras):
    result = assert_same_layer(real_keras, "Conv2D", {"filters": 8, "kernel_size": 3, "lora_rank": 2}, (16, 16, 3))
    assert [w[0] for w in result[2]] == ["kernel", "bias", "lora_kernel_a", "lora_kernel_b"]
    assert result[2][0][2] is False
    assert_same_layer(real_keras, "Conv1D", {"filters": 4, "kernel_size": 3, "lora_rank": 2, "trainable": False}, (8, 2))


def test_convolution_family_summaries(real_keras):
    from tests.helpers import assert_same_summary

    def image_model(keras):
        L = keras.layers
        inputs = keras.Input((32, 32, 3))
        x = L.Conv2D(16, 3, padding="same", lora_rank=4)(inputs)
        x = L.DepthwiseConv2D(3, depth_multiplier=2, strides=2)(x)
        x = L.SeparableConv2D(24, 3, depth_multiplier=2, padding="same")(x)
        x = L.Conv2DTranspose(8, 3, strides=2, output_padding=1)(x)
        x = L.Convolution2DTranspose(4, 4, strides=2, padding="same")(x)
        x = L.Conv2DTranspose(4, 3, dilation_rate=2, padding="same", output_padding=0)(x)
        return keras.Model(inputs, x)

    def sequence_model(keras):
        L = keras.layers
        return keras.Sequential([
            keras.Input((None, 6)),
            L.Conv1D(8, 3, padding="causal", dilation_rate=2),
            L.DepthwiseConv1D(3, depth_multiplier=3, padding="same"),
            L.SeparableConvolution1D(5, 2, strides=2),
            L.Conv1DTranspose(4, 3, strides=3, output_padding=2),
            L.Convolution1D(3, 1, use_bias=False),
        ])

    def volume_model(keras):
        L = keras.layers
        return keras.Sequential([
            keras.Input((8, 8, 8, 2)),
            L.Conv3D(4, 3, groups=2, name="c3"),
            L.Convolution3DTranspose(3, (2, 3, 1), strides=(2, 1, 1), data_format="channels_last"),
            L.Conv3D(2, 1, strides=2, padding="same", trainable=False),
        ])

    def channels_first_model(keras):
        L = keras.layers
        cf = {"data_format": "channels_first"}
        inputs = keras.Input((3, None, 12))
        x = L.Conv2D(6, 3, groups=3, **cf)(inputs)
        x = L.DepthwiseConv2D((2, 3), depth_multiplier=2, padding="same", **cf)(x)
        x = L.SeparableConv2D(4, 3, strides=(1, 2), **cf)(x)
        x = L.Conv2DTranspose(2, (3, 2), strides=(3, 2), padding="same", output_padding=(1, 0), **cf)(x)
        return keras.Model(inputs, x)

    for build in (image_model, sequence_model, volume_model, channels_first_model):
        assert_same_summary(real_keras, build)
