"""Conv2D against real Keras over sizes, strides, padding, dilation, groups and bias."""

from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer


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


@settings(max_examples=150, deadline=None)
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


@settings(max_examples=40, deadline=None)
@given(h=st.integers(1, 30), w=st.integers(1, 30), c=st.integers(1, 5), f=st.integers(1, 5),
       k=st.integers(1, 5), s=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]))
def test_conv2d_channels_first_matches_keras(real_keras, h, w, c, f, k, s, padding):
    import nncalc.keras as nk

    from tests.helpers import describe_layer

    kwargs = {"filters": f, "kernel_size": k, "strides": s, "padding": padding, "data_format": "channels_first"}
    # Keras' CPU convolution cannot run channels_first, but shapes and weights are symbolic.
    assert describe_layer(nk, "Conv2D", kwargs, (c, h, w)) == describe_layer(real_keras, "Conv2D", kwargs, (c, h, w))
