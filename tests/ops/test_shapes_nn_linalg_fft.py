"""The ops added for issue 4 (``nn`` pooling / transposed and separable convolutions,
``linalg.*``, the Fourier transforms, the extra activations): output shapes and dtypes equal
real Keras' symbolic result for generated inputs with ``None`` dims, and what Keras rejects
nncalc rejects (a ValueError/TypeError). Summaries of models using them are compared too."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import assert_same_summary, sweep
from tests.ops.test_shapes import check, tensor

DIMS = st.sampled_from([None, 1, 2, 3, 4, 5])
FLOATS = st.sampled_from(["float32", "float16", "int32", "bfloat16"])
SETTINGS = settings(max_examples=sweep(20), deadline=None, suppress_health_check=list(HealthCheck))


def shapes(min_rank, max_rank):
    return st.lists(DIMS, min_size=min_rank, max_size=max_rank).map(tuple)


@SETTINGS
@given(x=shapes(3, 5), pool=st.one_of(st.integers(1, 3), st.lists(st.integers(1, 3), min_size=1, max_size=3)),
       strides=st.one_of(st.none(), st.integers(1, 3), st.lists(st.integers(1, 3), min_size=1, max_size=3)),
       padding=st.sampled_from(["valid", "same", "VALID"]),
       fmt=st.sampled_from(["channels_last", "channels_first"]), dtype=FLOATS,
       name=st.sampled_from(["max_pool", "average_pool"]))
def test_pooling(real_keras, x, pool, strides, padding, fmt, dtype, name):
    check(real_keras, lambda m: getattr(m.ops.nn, name)(tensor(m, x, dtype), pool, strides, padding, fmt))


@SETTINGS
@given(batch=DIMS, spatial=st.lists(DIMS, min_size=1, max_size=3), channels=st.sampled_from([None, 2, 3]),
       kernel=st.lists(st.integers(1, 3), min_size=1, max_size=3), filters=st.integers(1, 4),
       kernel_in=st.sampled_from([2, 3]), strides=st.integers(1, 3), padding=st.sampled_from(["valid", "same"]),
       output_padding=st.one_of(st.none(), st.integers(0, 1)), dilation=st.integers(1, 2),
       fmt=st.sampled_from(["channels_last", "channels_first"]))
def test_conv_transpose(real_keras, batch, spatial, channels, kernel, filters, kernel_in, strides, padding,
                        output_padding, dilation, fmt):
    shape = (batch, *spatial, channels) if fmt == "channels_last" else (batch, channels, *spatial)
    kernel = tuple(kernel[:len(spatial)]) + (filters, kernel_in)
    check(real_keras, lambda m: m.ops.conv_transpose(tensor(m, shape), tensor(m, kernel), strides, padding,
                                                     output_padding, fmt, dilation))


@SETTINGS
@given(batch=DIMS, spatial=st.lists(DIMS, min_size=1, max_size=2), channels=st.sampled_from([None, 2, 3]),
       size=st.integers(1, 3), multiplier=st.integers(1, 2), kernel_in=st.sampled_from([2, 3]),
       filters=st.integers(1, 4), strides=st.integers(1, 2), padding=st.sampled_from(["valid", "same"]),
       fmt=st.sampled_from(["channels_last", "channels_first"]))
def test_separable_conv(real_keras, batch, spatial, channels, size, multiplier, kernel_in, filters, strides,
                        padding, fmt):
    shape = (batch, *spatial, channels) if fmt == "channels_last" else (batch, channels, *spatial)
    depthwise = (size,) * len(spatial) + (kernel_in, multiplier)
    pointwise = (1,) * len(spatial) + (kernel_in * multiplier, filters)
    check(real_keras, lambda m: m.ops.separable_conv(tensor(m, shape), tensor(m, depthwise), tensor(m, pointwise),
                                                     strides, padding, fmt))


@SETTINGS
@given(x=shapes(1, 4), dtype=st.sampled_from(["float32", "float16", "int32", "bool"]), data=st.data())
def test_norm(real_keras, x, dtype, data):
    rank = len(x)
    axis = data.draw(st.one_of(st.none(), st.integers(-rank, rank - 1),
                               st.lists(st.integers(-rank, rank - 1), min_size=2, max_size=2, unique=True).map(tuple)))
    ord = data.draw(st.sampled_from([None, 1, 2, -1, 3, "fro", "nuc", float("inf")]))
    keepdims = data.draw(st.booleans())
    check(real_keras, lambda m: m.ops.linalg.norm(tensor(m, x, dtype), ord=ord, axis=axis, keepdims=keepdims))
    check(real_keras, lambda m: m.ops.norm(tensor(m, x, dtype), axis=axis))


MATRIX = ["inv", "det", "cholesky", "eig", "eigh", "lu_factor", "qr", "svd"]


@pytest.mark.parametrize("name", MATRIX)
@SETTINGS
@given(x=shapes(1, 4), dtype=st.sampled_from(["float32", "float64"]), flag=st.booleans())
def test_matrix_ops(real_keras, name, x, dtype, flag):
    kwargs = {"qr": {"mode": "complete" if flag else "reduced"}, "svd": {"full_matrices": flag}}.get(name, {})
    check(real_keras, lambda m: getattr(m.ops.linalg, name)(tensor(m, x, dtype), **kwargs))
    if name == "svd":
        check(real_keras, lambda m: m.ops.svd(tensor(m, x, dtype), compute_uv=False))


@pytest.mark.parametrize("name", ["solve", "solve_triangular"])
@SETTINGS
@given(a=shapes(1, 3), b=shapes(0, 3))
def test_solve(real_keras, name, a, b):
    check(real_keras, lambda m: getattr(m.ops.linalg, name)(tensor(m, a), tensor(m, b)))


@pytest.mark.parametrize("name", ["fft", "fft2", "ifft2", "irfft"])
@SETTINGS
@given(real=shapes(0, 4), imag=shapes(0, 4), same=st.booleans(), dtype=FLOATS,
       fft_length=st.one_of(st.none(), st.integers(1, 8)))
def test_complex_transforms(real_keras, name, real, imag, same, dtype, fft_length):
    imag = real if same else imag
    kwargs = {"fft_length": fft_length} if name == "irfft" else {}
    check(real_keras, lambda m: getattr(m.ops, name)((tensor(m, real, dtype), tensor(m, imag, dtype)), **kwargs))


@SETTINGS
@given(x=shapes(1, 4), dtype=FLOATS, fft_length=st.one_of(st.none(), st.integers(1, 8)),
       frame=st.tuples(st.integers(1, 8), st.integers(1, 4), st.integers(2, 8)), center=st.booleans(),
       length=st.one_of(st.none(), st.integers(1, 20)))
def test_real_transforms(real_keras, x, dtype, fft_length, frame, center, length):
    sequence_length, stride, fft = frame
    sequence_length = min(sequence_length, fft)
    check(real_keras, lambda m: m.ops.rfft(tensor(m, x, dtype), fft_length))
    check(real_keras, lambda m: m.ops.stft(tensor(m, x, "float32"), sequence_length, stride, fft, center=center))
    check(real_keras, lambda m: m.ops.istft((tensor(m, x, "float32"), tensor(m, x, "float32")), sequence_length,
                                            stride, fft, length=length, center=center))


@SETTINGS
@given(x=shapes(1, 4), dtype=FLOATS, axis=st.integers(-4, 3),
       name=st.sampled_from(["soft_shrink", "hard_shrink", "squareplus", "sparse_plus", "sparse_sigmoid",
                             "tanh_shrink", "hard_tanh", "glu", "threshold"]))
def test_extra_activation_ops(real_keras, x, dtype, axis, name):
    if name == "glu":
        check(real_keras, lambda m: m.ops.glu(tensor(m, x, dtype), axis=axis))
    elif name == "threshold":
        check(real_keras, lambda m: m.ops.threshold(tensor(m, x, dtype), 0.5, 0.0))
    else:
        check(real_keras, lambda m: getattr(m.ops.nn, name)(tensor(m, x, dtype)))


def signal_model(keras):
    """A model using the new ops: pooling, transposed conv, norms, a spectrogram, a decomposition."""
    ops = keras.ops
    images = keras.Input((16, 16, 3))
    audio = keras.Input((256,))
    x = keras.layers.Conv2D(8, 3, padding="same")(images)
    pooled = ops.average_pool(ops.max_pool(x, 2), 2, 1, "same")
    up = ops.conv_transpose(pooled, ops.ones((3, 3, 4, 8)), 2, "same")
    sep = ops.separable_conv(x, ops.ones((3, 3, 8, 2)), ops.ones((1, 1, 16, 5)))
    unit = x / ops.norm(x, axis=-1, keepdims=True)
    real, imag = ops.stft(audio, 32, 16, 32)
    magnitude = ops.sqrt(real * real + imag * imag)
    back = ops.istft((real, imag), 32, 16, 32)
    spectrum = ops.rfft(audio)
    q, r = ops.linalg.qr(ops.reshape(x, (-1, 256, 8)))
    features = keras.layers.Dense(4)(ops.glu(keras.layers.Dense(8)(keras.layers.Flatten()(magnitude))))
    return keras.Model([images, audio], [up, sep, unit, features, back, spectrum[0], r,
                                         keras.activations.relu(x, max_value=6.0),
                                         keras.activations.hard_tanh(x)])


def test_signal_model_summary(real_keras):
    assert assert_same_summary(real_keras, signal_model, line_length=150) is not None  # built, not rejected


MARGIN = st.one_of(st.none(), st.integers(-1, 3))


@SETTINGS
@given(x=shapes(2, 5), channels=st.sampled_from([None, 1, 3, 4]), fmt=st.sampled_from(["channels_last", "channels_first"]),
       margins=st.tuples(MARGIN, MARGIN, MARGIN, MARGIN, st.one_of(st.none(), st.integers(-1, 9)),
                         st.one_of(st.none(), st.integers(-1, 9))),
       transform=shapes(0, 3), dtype=FLOATS)
def test_image_ops(real_keras, x, channels, fmt, margins, transform, dtype):
    shape = (*x[:-1], channels) if fmt == "channels_last" else (*x[:-3], channels, *x[-2:]) if len(x) >= 3 else x
    check(real_keras, lambda m: m.ops.image.rgb_to_grayscale(tensor(m, shape, dtype), data_format=fmt))
    check(real_keras, lambda m: m.ops.image.affine_transform(tensor(m, shape), tensor(m, transform), data_format=fmt))
    check(real_keras, lambda m: m.ops.image.pad_images(tensor(m, shape, dtype), *margins, data_format=fmt))
    check(real_keras, lambda m: m.ops.image.crop_images(tensor(m, shape, dtype), *margins, data_format=fmt))


def test_arange_bounds_like_keras(real_keras):
    """``arange(0, None)`` at top level is empty in Keras (stop defaults to start); inside a traced
    ``call()`` an unknown bound (``ops.shape(x)[1]`` of a ``None`` dim) gives an unknown length."""
    import nncalc.keras as nk
    from nncalc.core import tracing

    for build in (lambda m: m.ops.arange(0, None), lambda m: m.ops.arange(5), lambda m: m.ops.arange(start=2, stop=7)):
        assert tuple(build(nk).shape) == tuple(build(real_keras).shape)
    with tracing.tracing_call():
        assert tuple(nk.ops.arange(0, nk.ops.shape(nk.Input((None,)))[-1]).shape) == (None,)
