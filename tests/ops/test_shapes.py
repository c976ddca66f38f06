"""Every supported ``keras.ops`` function: output shapes and dtypes equal real Keras' symbolic
result for generated inputs (broadcasting, ``None`` dims, Python scalars, mixed dtypes), and
what Keras rejects nncalc rejects too (with a one-line error)."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import KERAS_REJECTIONS, sweep

DIMS = st.sampled_from([None, 1, 2, 3, 4])
DTYPES = st.sampled_from(["float32", "float16", "int32", "int64", "bool", "int8", "uint8", "bfloat16"])
SETTINGS = settings(max_examples=sweep(25), deadline=None, suppress_health_check=list(HealthCheck))


def shapes(min_rank=1, max_rank=4):
    return st.lists(DIMS, min_size=min_rank, max_size=max_rank).map(tuple)


def outcome(module, build):
    """``("ok", [(shape, dtype), ...])`` or ``("error",)`` when the op is rejected."""
    import nncalc.keras as nk

    rejections = (ValueError, TypeError) if module is nk else KERAS_REJECTIONS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = build(module)
        except rejections:
            return ("error",)
    outs = out if isinstance(out, (list, tuple)) else [out]
    return ("ok", [(tuple(o.shape), str(o.dtype)) for o in outs])


def check(real_keras, build):
    import nncalc.keras as nk

    expected = outcome(real_keras, build)
    actual = outcome(nk, build)
    assert actual == expected
    return actual


def tensor(module, shape, dtype="float32"):
    return module.Input(batch_shape=shape, dtype=dtype)


OPERAND = st.one_of(
    st.tuples(shapes(0, 4), DTYPES),
    st.sampled_from([1, 2.5, True]),
)


def operand(module, spec):
    return tensor(module, *spec) if isinstance(spec, tuple) else spec


BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "mod", "power", "maximum",
          "minimum", "less", "less_equal", "greater", "greater_equal", "equal", "not_equal", "logical_and",
          "logical_or", "logical_xor"]
OPERATORS = ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
             "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__",
             "__lt__", "__le__", "__gt__", "__ge__", "__ne__", "__and__", "__or__", "__xor__"]


@pytest.mark.parametrize("name", BINARY)
@SETTINGS
@given(x1=OPERAND, x2=st.tuples(shapes(0, 4), DTYPES))
def test_binary(real_keras, name, x1, x2):
    check(real_keras, lambda m: getattr(m.ops, name)(operand(m, x1), operand(m, x2)))


@pytest.mark.parametrize("name", OPERATORS)
@SETTINGS
@given(x1=st.tuples(shapes(0, 4), DTYPES), x2=OPERAND)
def test_operators(real_keras, name, x1, x2):
    check(real_keras, lambda m: getattr(tensor(m, *x1), name)(operand(m, x2)))


UNARY = ["negative", "absolute", "abs", "sign", "floor", "ceil", "round", "sqrt", "log", "log1p", "sin", "cos",
         "tan", "tanh", "rsqrt", "reciprocal", "arctan", "sinh", "cosh", "exp", "expm1", "square", "logical_not",
         "relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "swish", "log_sigmoid", "hard_sigmoid",
         "hard_silu", "selu", "erf", "leaky_relu", "elu", "celu", "gelu", "zeros_like", "ones_like",
         "convert_to_tensor"]


@pytest.mark.parametrize("name", UNARY)
@SETTINGS
@given(x=st.tuples(shapes(0, 4), st.sampled_from(["float32", "float16", "int32", "int64", "bfloat16"])))
def test_unary(real_keras, name, x):
    check(real_keras, lambda m: getattr(m.ops, name)(tensor(m, *x)))


@SETTINGS
@given(x=st.tuples(shapes(1, 4), DTYPES), unary=st.sampled_from(["__neg__", "__abs__", "__invert__"]))
def test_unary_operators(real_keras, x, unary):
    check(real_keras, lambda m: getattr(tensor(m, *x), unary)())


REDUCTIONS = ["mean", "sum", "max", "min", "prod", "argmax", "argmin", "var", "std", "any", "all"]


@pytest.mark.parametrize("name", REDUCTIONS)
@SETTINGS
@given(x=st.tuples(shapes(1, 4), DTYPES), axis=st.one_of(st.none(), st.integers(-5, 4),
                                                        st.lists(st.integers(-4, 3), min_size=1, max_size=2, unique=True).map(tuple)),
       keepdims=st.booleans())
def test_reductions(real_keras, name, x, axis, keepdims):
    if name.startswith("arg") and not (axis is None or isinstance(axis, int)):
        axis = axis[0]
    check(real_keras, lambda m: getattr(m.ops, name)(tensor(m, *x), axis=axis, keepdims=keepdims))


@SETTINGS
@given(x=shapes(1, 4), y=shapes(1, 4), dtypes=st.tuples(DTYPES, DTYPES),
       name=st.sampled_from(["matmul", "dot", "__matmul__", "tensordot"]))
def test_products(real_keras, x, y, dtypes, name):
    def build(m):
        a, b = tensor(m, x, dtypes[0]), tensor(m, y, dtypes[1])
        return a @ b if name == "__matmul__" else getattr(m.ops, name)(a, b, **({"axes": 1} if name == "tensordot" else {}))

    check(real_keras, build)


@SETTINGS
@given(x=shapes(2, 3), y=shapes(2, 3),
       subscripts=st.sampled_from(["ij,jk->ik", "bij,bjk->bik", "ij,ij->i", "...j,kj->...k", "ij,kl", "ij,jk"]))
def test_einsum(real_keras, x, y, subscripts):
    check(real_keras, lambda m: m.ops.einsum(subscripts, tensor(m, x), tensor(m, y)))


@SETTINGS
@given(x=shapes(1, 4), newshape=st.lists(st.sampled_from([-1, 1, 2, 3, 4, 6, 8, 12, 24]), min_size=1, max_size=4))
def test_reshape(real_keras, x, newshape):
    check(real_keras, lambda m: m.ops.reshape(tensor(m, x), tuple(newshape)))


@SETTINGS
@given(x=shapes(1, 4), data=st.data())
def test_transpose_and_axes(real_keras, x, data):
    rank = len(x)
    axes = data.draw(st.one_of(st.none(), st.permutations(range(rank)).map(tuple),
                               st.lists(st.integers(-rank - 1, rank), min_size=rank, max_size=rank).map(tuple)))
    axis = data.draw(st.integers(-rank - 2, rank + 1))
    check(real_keras, lambda m: m.ops.transpose(tensor(m, x), axes))
    check(real_keras, lambda m: m.ops.expand_dims(tensor(m, x), axis))
    check(real_keras, lambda m: m.ops.squeeze(tensor(m, x), axis if -rank <= axis < rank else None))
    check(real_keras, lambda m: m.ops.stack([tensor(m, x), tensor(m, x, "int32")], axis=axis))
    check(real_keras, lambda m: m.ops.softmax(tensor(m, x), axis=axis))
    check(real_keras, lambda m: m.ops.one_hot(tensor(m, x, "int32"), 5, axis=axis))
    other = data.draw(shapes(rank, rank))
    check(real_keras, lambda m: m.ops.concatenate([tensor(m, x), tensor(m, other)], axis=axis))


@SETTINGS
@given(x=shapes(1, 4), data=st.data())
def test_indexing(real_keras, x, data):
    item = st.one_of(st.integers(-5, 4), st.none(), st.just(Ellipsis),
                     st.builds(slice, st.one_of(st.none(), st.integers(-4, 4)), st.one_of(st.none(), st.integers(-4, 4)),
                               st.one_of(st.none(), st.sampled_from([1, 2, -1]))))
    key = data.draw(st.one_of(st.integers(-4, 3), st.lists(item, min_size=1, max_size=4).map(tuple)))
    check(real_keras, lambda m: tensor(m, x)[key])


@SETTINGS
@given(x=shapes(1, 4), data=st.data())
def test_layout(real_keras, x, data):
    rank = len(x)
    axis = data.draw(st.integers(-rank, rank - 1))
    reps = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=5))
    sections = data.draw(st.one_of(st.integers(1, 4), st.lists(st.integers(0, 4), min_size=1, max_size=3)
                                   .map(sorted)))
    indices = data.draw(shapes(0, 3))
    repeat_axis = data.draw(st.sampled_from([None, axis]))
    along = data.draw(shapes(rank, rank))
    dtype = data.draw(DTYPES)
    condition = data.draw(shapes(0, 4))
    check(real_keras, lambda m: m.ops.tile(tensor(m, x), reps))
    check(real_keras, lambda m: m.ops.repeat(tensor(m, x), reps[0], axis=repeat_axis))
    check(real_keras, lambda m: m.ops.split(tensor(m, x), sections, axis=axis))
    check(real_keras, lambda m: m.ops.take(tensor(m, x), tensor(m, indices, "int32"), axis=axis))
    check(real_keras, lambda m: m.ops.take_along_axis(tensor(m, x), tensor(m, along, "int32"),
                                                      axis=axis))
    check(real_keras, lambda m: m.ops.top_k(tensor(m, x), 2))
    check(real_keras, lambda m: m.ops.cast(tensor(m, x), dtype))
    check(real_keras, lambda m: m.ops.where(tensor(m, x, "bool"), tensor(m, condition), 0))


@SETTINGS
@given(x=st.tuples(shapes(1, 4), DTYPES), data=st.data())
def test_scans_and_padding(real_keras, x, data):
    rank = len(x[0])
    axis = data.draw(st.one_of(st.none(), st.integers(-rank - 1, rank)))
    widths = data.draw(st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2)),
                                 st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=4)))
    check(real_keras, lambda m: m.ops.cumsum(tensor(m, *x), axis=axis))
    check(real_keras, lambda m: m.ops.cumprod(tensor(m, *x), axis=axis))
    check(real_keras, lambda m: m.ops.flip(tensor(m, *x), axis=axis))
    check(real_keras, lambda m: m.ops.roll(tensor(m, *x), 1, axis=axis))
    check(real_keras, lambda m: m.ops.pad(tensor(m, *x), widths))


@SETTINGS
@given(batch=DIMS, hw=st.tuples(DIMS, DIMS), channels=DIMS, size=st.integers(1, 4),
       strides=st.one_of(st.none(), st.integers(1, 3)), padding=st.sampled_from(["valid", "same"]),
       fmt=st.sampled_from(["channels_last", "channels_first"]), batched=st.booleans())
def test_image(real_keras, batch, hw, channels, size, strides, padding, fmt, batched):
    shape = (*hw, channels) if fmt == "channels_last" else (channels, *hw)
    shape = (batch, *shape) if batched else shape
    check(real_keras, lambda m: m.ops.image.extract_patches(tensor(m, shape), size, strides, padding=padding,
                                                            data_format=fmt))
    check(real_keras, lambda m: m.ops.image.resize(tensor(m, shape), (size, 5), data_format=fmt))


@SETTINGS
@given(batch=DIMS, hw=st.tuples(DIMS, DIMS), channels=st.sampled_from([None, 2, 3]), kernel=st.tuples(
    st.integers(1, 3), st.integers(1, 3), st.sampled_from([2, 3]), st.integers(1, 4)),
       strides=st.integers(1, 2), padding=st.sampled_from(["valid", "same"]),
       fmt=st.sampled_from(["channels_last", "channels_first"]), depthwise=st.booleans())
def test_conv(real_keras, batch, hw, channels, kernel, strides, padding, fmt, depthwise):
    shape = (batch, *hw, channels) if fmt == "channels_last" else (batch, channels, *hw)
    name = "depthwise_conv" if depthwise else "conv"
    check(real_keras, lambda m: getattr(m.ops.nn, name)(tensor(m, shape), tensor(m, kernel), strides, padding,
                                                        data_format=fmt))


def test_constants(real_keras):
    """Ops on concrete values: Keras computes them (no node, no name); nncalc knows their shape and dtype."""
    import nncalc.keras as nk

    for build in (lambda m: m.ops.arange(10), lambda m: m.ops.arange(2, 11, 3), lambda m: m.ops.arange(0.5, 3),
                  lambda m: m.ops.ones((2, 3)), lambda m: m.ops.zeros(4, dtype="int32"),
                  lambda m: m.ops.full((2,), 3), lambda m: m.ops.expand_dims(m.ops.arange(5), 0),
                  lambda m: m.ops.sqrt(m.ops.cast(8, "float32")), lambda m: m.ops.ones((2, 3)) * 2):
        expected = build(real_keras)
        actual = build(nk)
        assert (tuple(actual.shape), actual.const_dtype) == (tuple(expected.shape), str(expected.dtype.name))
    x = nk.ops.add(nk.Input((4,)), nk.ops.arange(4))
    assert x._keras_history.operation.name == "add"  # arange consumed no automatic name


def test_unknown_names_are_unsupported():
    import nncalc.keras as nk
    from nncalc.errors import Unsupported

    for namespace, name in ((nk.ops, "fancy_op"), (nk.ops.nn, "fancy_op"), (nk.ops.image, "map_coordinates"),
                            (nk.ops.linalg, "lstsq")):
        with pytest.raises(Unsupported, match=name):
            getattr(namespace, name)


def test_symbolic_misuse_is_rejected():
    import nncalc.keras as nk

    x = nk.Input((3,))
    for misuse in (bool, int, float, iter):
        with pytest.raises((TypeError, ValueError, NotImplementedError)):
            misuse(x)
    with pytest.raises(ValueError, match="get_item"):
        x[:, 5]
