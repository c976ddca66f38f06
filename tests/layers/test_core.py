"""Dense and Input against real Keras: output shapes, weights and parameter counts."""

from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer, sweep

dims = st.integers(min_value=1, max_value=3000)
shapes = st.lists(st.one_of(st.none(), st.integers(1, 64)), min_size=0, max_size=2).flatmap(
    lambda prefix: dims.map(lambda last: tuple(prefix) + (last,))
)


@settings(max_examples=sweep(80), deadline=None)
@given(shape=shapes, units=st.integers(1, 700), use_bias=st.booleans())
def test_dense_matches_keras(real_keras, shape, units, use_bias):
    assert_same_layer(real_keras, "Dense", {"units": units, "use_bias": use_bias}, shape)


def test_dense_seed_parameter_count(real_keras):
    """The tutorial's first Dense: (784 + 1) × 512, the figure Keras reports."""
    result = assert_same_layer(real_keras, "Dense", {"units": 512}, (784,))
    assert result[3] == (784 + 1) * 512


def test_dense_rejects_what_keras_rejects(real_keras):
    for kwargs in ({"units": 0}, {"units": -3}, {"units": 2.5}, {"units": 4, "activation": "nope"},
                   {"units": 4, "bogus": 1}):
        assert_same_layer(real_keras, "Dense", kwargs, (8,))
    assert_same_layer(real_keras, "Dense", {"units": 4}, (None,))  # unknown last axis


def test_dense_on_huge_shapes_costs_nothing():
    """A 10**6 × 10**6 kernel is described, never allocated."""
    import nncalc.keras as keras

    layer = keras.layers.Dense(10**6)
    layer(keras.Input((10**6,)))
    assert layer.count_params() == 10**12 + 10**6


@settings(max_examples=sweep(30), deadline=None)
@given(shape=st.lists(st.one_of(st.none(), st.integers(1, 50)), max_size=4),
       batch=st.one_of(st.none(), st.integers(1, 8)))
def test_input_shapes_match_keras(real_keras, shape, batch):
    import nncalc.keras as nk

    expected = real_keras.Input(shape=tuple(shape), batch_size=batch)
    actual = nk.Input(shape=tuple(shape), batch_size=batch)
    assert tuple(actual.shape) == tuple(expected.shape)
    assert actual.dtype == expected.dtype


# ---------------------------------------------------------------------------------------------
# Identity, Masking, Embedding, ReversibleEmbedding, EinsumDense, Lambda.

import string  # noqa: E402
import warnings  # noqa: E402

import pytest  # noqa: E402
from hypothesis import assume, event  # noqa: E402

from tests.helpers import assert_same_summary, describe_layer, record_coverage  # noqa: E402

size = st.one_of(st.none(), st.integers(1, 12))
any_shape = st.lists(size, max_size=4).map(tuple)


@settings(max_examples=sweep(40), deadline=None)
@given(name=st.sampled_from(["Identity", "Masking"]), shape=any_shape,
       kwargs=st.sampled_from([{}, {"name": "keep"}, {"dtype": "float16"}, {"bogus": 1}, {"trainable": 3}]))
def test_identity_and_masking_match_keras(real_keras, name, shape, kwargs):
    if name == "Masking" and kwargs == {}:
        kwargs = {"mask_value": -1.0}
    assert_same_layer(real_keras, name, kwargs, shape)


def test_identity_passes_several_tensors(real_keras):
    assert_same_layer(real_keras, "Identity", {}, [(3,), (4, None)])


dims = st.one_of(st.integers(1, 5000), st.integers(1, 50), st.integers(1, 50), st.sampled_from([0, -2, 2.5, True, None]))


@st.composite
def embedding_cases(draw):
    kwargs = {"input_dim": draw(dims), "output_dim": draw(dims)}
    if draw(st.booleans()):
        kwargs["mask_zero"] = draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:
        kwargs["lora_rank"] = draw(st.integers(1, 8))
    if draw(st.integers(0, 8)) == 0:
        kwargs["input_length"] = draw(st.integers(1, 9))  # deprecated: ignored with a warning
    if draw(st.integers(0, 8)) == 0:
        kwargs["trainable"] = False
    if draw(st.integers(0, 8)) == 0:
        kwargs["dtype"] = draw(st.sampled_from(["float16", "mixed_bfloat16"]))
    return kwargs, draw(any_shape)


@settings(max_examples=sweep(80), deadline=None)
@given(case=embedding_cases())
def test_embedding_matches_keras(real_keras, case):
    kwargs, shape = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same_layer(real_keras, "Embedding", kwargs, shape)


@settings(max_examples=sweep(40), deadline=None)
@given(case=embedding_cases(), tie=st.booleans())
def test_reversible_embedding_matches_keras(real_keras, case, tie):
    kwargs, shape = case
    kwargs.pop("input_length", None)
    kwargs["tie_weights"] = tie
    assert_same_layer(real_keras, "ReversibleEmbedding", kwargs, shape)


def test_embedding_weights_argument(real_keras):
    import numpy as np

    for weights, lora in ((np.zeros((10, 4)), None), ([np.zeros((10, 4))], None), (np.zeros((4, 10)), None),
                          (np.zeros((10, 4)), 2)):
        kwargs = {"input_dim": 10, "output_dim": 4, "weights": weights, "lora_rank": lora}
        assert describe_layer(nk_module(), "Embedding", kwargs, (3,)) == describe_layer(
            real_keras, "Embedding", kwargs, (3,))
    assert nk_module().layers.Embedding(10, 4, weights=np.zeros((10, 4))).built


def nk_module():
    import nncalc.keras as nk

    return nk


@st.composite
def einsum_cases(draw):
    """Random equations in Keras' three forms, with output_shape and bias_axes that fit or not."""
    letters = list(string.ascii_lowercase[:9])
    n_in = draw(st.integers(1, 3))
    input_letters = letters[1:1 + n_in]
    fresh = letters[1 + n_in:]
    kernel_in = draw(st.lists(st.sampled_from(input_letters), unique=True, min_size=0, max_size=n_in))
    kernel_new = fresh[:draw(st.integers(0 if kernel_in else 1, 2))]
    kernel = draw(st.permutations(kernel_in + kernel_new))
    kept = [x for x in input_letters if x not in kernel_in or draw(st.integers(0, 3)) == 0]
    output = ["a"] + draw(st.permutations(kept + kernel_new))
    if draw(st.integers(0, 15)) == 0:
        output.append("z")  # a letter found nowhere: Keras rejects it
    form = draw(st.sampled_from(["plain", "left", "right"]))
    ins, outs = "a" + "".join(input_letters), "".join(output)
    if form == "left":
        ins, outs = ins[1:], outs[1:]
        equation = f"...{ins},{''.join(kernel)}->...{outs}"
    elif form == "right":
        equation = f"{ins}...,{''.join(kernel)}->{outs}..."
    else:
        equation = f"{ins},{''.join(kernel)}->{outs}"
    extra = draw(st.integers(0, 2)) if form != "plain" else draw(st.sampled_from([0, 0, 0, 1]))
    input_sizes = {x: draw(st.integers(1, 6)) for x in input_letters}
    shape = [input_sizes[x] for x in input_letters]
    if form == "left":
        shape = shape[1:] if len(shape) > 1 else shape  # "...bc": the ellipsis covers the batch too
        shape = [draw(st.integers(1, 6)) for _ in range(extra)] + [input_sizes[x] for x in input_letters]
    else:
        shape = shape + [draw(st.integers(1, 6)) for _ in range(extra)]
    if shape and draw(st.integers(0, 6)) == 0:
        shape[draw(st.integers(0, len(shape) - 1))] = None
    partial = []
    for x in output[1:]:
        if x in input_sizes:
            partial.append(draw(st.sampled_from([input_sizes[x], input_sizes[x], None, input_sizes[x] + 1])))
        else:
            partial.append(draw(st.integers(1, 7)))
    if form == "left" and extra:
        partial = partial  # Keras inserts the elided axes itself
    kwargs = {"equation": equation,
              "output_shape": partial[0] if len(partial) == 1 and draw(st.booleans()) else tuple(partial)}
    bias = draw(st.one_of(st.none(), st.lists(st.sampled_from(output[1:] * 3 + ["q"]), min_size=1, max_size=2, unique=True)))
    if bias is not None:
        kwargs["bias_axes"] = "".join(bias)
    if draw(st.integers(0, 5)) == 0:
        kwargs["lora_rank"] = draw(st.integers(1, 4))
    if draw(st.integers(0, 6)) == 0:
        kwargs["activation"] = draw(st.sampled_from(["relu", "gelu", "nope"]))
    return kwargs, tuple(shape)


def keras_verdict(real_keras, kwargs, shape):
    """Keras' answer; cases where Keras fails with an IndexError (not a rejection) are skipped."""
    try:
        return describe_layer(real_keras, "EinsumDense", kwargs, shape)
    except (IndexError, KeyError):
        event("keras crashed: skipped")
        assume(False)


@settings(max_examples=sweep(150), deadline=None)
@given(case=einsum_cases())
def test_einsum_dense_matches_keras(real_keras, case):
    kwargs, shape = case
    expected = keras_verdict(real_keras, kwargs, shape)
    actual = describe_layer(nk_module(), "EinsumDense", kwargs, shape)
    assert actual == expected, (kwargs, shape)
    event(f"keras {expected[0]}")
    record_coverage(["EinsumDense"], "passed" if expected[0] == "ok" else "rejected")


def test_einsum_dense_documented_examples(real_keras):
    """The examples of Keras' docstring: a Dense, a sequence projection, attention heads."""
    for kwargs, shape in [
        ({"equation": "ab,bc->ac", "output_shape": 64, "bias_axes": "c"}, (32,)),
        ({"equation": "abc,cd->abd", "output_shape": (None, 64), "bias_axes": "d"}, (32, 128)),
        ({"equation": "abc,cde->abde", "output_shape": (None, 8, 16), "bias_axes": "de"}, (10, 128)),
        ({"equation": "...b,bc->...c", "output_shape": 64, "bias_axes": "c"}, (32, 128)),
        ({"equation": "...ab,bc->...ac", "output_shape": (None, 64)}, (5, 32, 128)),
        ({"equation": "ab,bc->ac", "output_shape": 64, "bias_axes": ""}, (32,)),
        ({"equation": "ab->b", "output_shape": 4}, (32,)),
        ({"equation": "abc,cd->abd", "output_shape": (None, 64)}, (None, None)),
    ]:
        assert_same_layer(real_keras, "EinsumDense", kwargs, shape)


LAMBDA_SHAPES = [(5,), (None, 2), (), ((2,), (3,)), [(2,), (3,)], [5, 6], 5, "ab",
                 lambda s: (s[0], 7), lambda s: [s[0], 7], lambda s: [(s[0], 7), (s[0], 8)],
                 lambda s: 7, lambda s: s[:-1]]


def test_lambda_with_output_shape_matches_keras(real_keras):
    def identity(x):
        return x

    for output_shape in LAMBDA_SHAPES:
        for shape in [(3, 4), (None,), [(3,), (2, 2)]]:
            assert_same_layer(real_keras, "Lambda", {"function": identity, "output_shape": output_shape}, shape)


def test_lambda_rejects_what_keras_rejects(real_keras):
    assert_same_layer(real_keras, "Lambda", {"function": 5, "output_shape": (2,)}, (3,))
    assert_same_layer(real_keras, "Lambda", {"function": len, "output_shape": (2,), "bogus": 1}, (3,))


def test_lambda_without_output_shape_is_unsupported():
    """Keras runs the function to infer the shape; nncalc computes nothing, so it asks for it."""
    from nncalc.errors import Unsupported

    nk = nk_module()
    layer = nk.layers.Lambda(lambda x: x)
    with pytest.raises(Unsupported, match="output_shape"):
        layer(nk.Input((3,)))


def test_core_summaries_match_keras(real_keras):
    def text_model(keras):
        tokens = keras.Input((20,), dtype="int32")
        x = keras.layers.Embedding(1000, 16, mask_zero=True)(tokens)
        x = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8), bias_axes="de")(x)
        x = keras.layers.Lambda(lambda t: t, output_shape=lambda s: (s[0], s[1], 32))(x)
        x = keras.layers.Identity()(x)
        x = keras.layers.EinsumDense("...b,bc->...c", output_shape=10, lora_rank=2)(x)
        return keras.Model(tokens, x)

    def masked(keras):
        return keras.Sequential([
            keras.Input((7, 5)),
            keras.layers.Masking(mask_value=0.0),
            keras.layers.Lambda(lambda t: t, output_shape=(35,)),
            keras.layers.Dense(3),
        ])

    def tied(keras):
        tokens = keras.Input((12,), dtype="int32")
        embedding = keras.layers.ReversibleEmbedding(500, 32, tie_weights=False)
        hidden = keras.layers.Dense(32)(embedding(tokens))
        return keras.Model(tokens, embedding(hidden, reverse=True))

    def lora(keras):
        return keras.Sequential([keras.Input((6,)), keras.layers.Embedding(300, 24, lora_rank=4),
                                 keras.layers.Identity()])

    def legacy(keras):  # Keras 2 style: input_length is ignored, so the model stays unbuilt
        return keras.Sequential([keras.layers.Embedding(1000, 64, input_length=10), keras.layers.Dense(3)])

    def given_weights(keras):  # weights= builds the table at construction
        import numpy as np

        return keras.Sequential([keras.layers.Embedding(10, 4, weights=[np.zeros((10, 4))]),
                                 keras.layers.Lambda(lambda t: t, output_shape=(3,))])

    def built_later(keras):
        model = keras.Sequential([keras.layers.Embedding(1000, 64), keras.layers.Dense(3)])
        model.build((None, 7))
        return model

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for build in (legacy, given_weights, built_later):
            assert_same_summary(real_keras, build)
    assert "Embedding" in assert_same_summary(real_keras, text_model)
    assert_same_summary(real_keras, masked)
    assert_same_summary(real_keras, tied)
    assert_same_summary(real_keras, lora)


def test_embedding_and_einsum_explanations():
    nk = nk_module()
    embedding = nk.layers.Embedding(1000, 16)
    embedding(nk.Input((20,)))
    params = embedding.explain().params
    assert params[0].formula == "1,000 × 16" and params[0].value == 16_000
    einsum = nk.layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8), bias_axes="de")
    einsum(nk.Input((10, 16)))
    explanation = einsum.explain()
    assert explanation.params[0].formula == "16 × 4 × 8 + 4 × 8"
    assert explanation.shape[0].value == tuple(einsum.output.shape) == (None, None, 4, 8)  # Keras keeps None


@pytest.mark.parametrize("kwargs", [
    {"units": 6, "lora_rank": 2},
    {"units": 6, "lora_rank": 3, "use_bias": False},
    {"units": 6, "lora_rank": 2, "kernel_constraint": "non_neg"},
])
def test_dense_lora_matches_keras(real_keras, kwargs):
    """LoRA freezes the kernel and adds float32 lora_kernel_a/_b: Keras' weights and counts."""
    assert_same_layer(real_keras, "Dense", kwargs, (5, 10))
    if "kernel_constraint" not in kwargs:
        assert_same_summary(real_keras, lambda keras: keras.Sequential(
            [keras.Input((10,)), keras.layers.Dense(**kwargs)]), show_trainable=True)


# ---------------------------------------------------------------------------- Wrapper (subclassed)
WRAPPED = [
    lambda k, n: k.layers.Dense(n),
    lambda k, n: k.layers.Dense(n, use_bias=False, trainable=False),
    lambda k, n: k.layers.Conv1D(n, 2, padding="same"),
    lambda k, n: k.layers.BatchNormalization(),
    lambda k, n: k.layers.LayerNormalization(),
    lambda k, n: k.layers.EinsumDense("...b,bc->...c", output_shape=n),
]


@settings(max_examples=sweep(30), deadline=None)
@given(index=st.integers(0, len(WRAPPED) - 1), n=st.integers(1, 9),
       shape=st.lists(st.one_of(st.none(), st.integers(1, 6)), min_size=1, max_size=3).map(tuple),
       scale=st.sampled_from([None, 2.0]), last=st.integers(1, 7))
def test_wrapper_subclass_matches_keras(real_keras, index, n, shape, scale, last):
    """A user's ``keras.layers.Wrapper`` subclass: the wrapped layer is built by the wrapper and
    its weights (trainable or not) are the wrapper's; ``call`` traced with arithmetic on it."""
    shape = shape[:-1] + (last,)

    def build(k):
        class Scaled(k.layers.Wrapper):
            def call(self, inputs):
                y = self.layer(inputs)
                return y if scale is None else y * scale

        inputs = k.Input(shape)
        return k.Model(inputs, Scaled(WRAPPED[index](k, n))(inputs))

    text = assert_same_summary(real_keras, build, show_trainable=True)
    record_coverage(["Wrapper"], "passed" if text is not None else "rejected")


def test_einsum_dense_left_ellipsis_direct_and_traced(real_keras):
    """Keras' EinsumDense lists the axes of a left ``...`` in reverse order ((None, 3, 2, 5) for
    input (None, 2, 3, 4)) when called directly, but inside a traced ``call()`` the einsum
    itself runs and they keep their order: both rows must match Keras."""

    def build(k):
        class Inner(k.layers.Layer):
            def __init__(self):
                super().__init__()
                self.dense = k.layers.EinsumDense("...b,bc->...c", output_shape=5)

            def call(self, x):
                return self.dense(x)

        inputs = k.Input((2, 3, 4))
        direct = k.layers.EinsumDense("...b,bc->...c", output_shape=5)(inputs)
        return k.Model(inputs, [direct, Inner()(inputs)])

    text = assert_same_summary(real_keras, build)
    assert "(None, 3, 2, 5)" in text and "(None, 2, 3, 5)" in text


POSITIONAL_CASES = [
    ("LayerNormalization", {}, 2), ("Add", {}, 2), ("Concatenate", {}, 2), ("Dense", {"units": 3}, 2),
    ("Dense", {"units": 3}, 3), ("Dropout", {"rate": 0.5}, 2), ("Dropout", {"rate": 0.5}, 3),
    ("BatchNormalization", {}, 3), ("Flatten", {}, 2), ("Activation", {"activation": "relu"}, 2),
    ("Embedding", {"input_dim": 5, "output_dim": 2}, 2), ("Reshape", {"target_shape": (4,)}, 2),
]


@pytest.mark.parametrize("class_name,kwargs,count", POSITIONAL_CASES,
                         ids=[f"{c}-{n}" for c, _, n in POSITIONAL_CASES])
def test_positional_arguments_bind_to_kerass_call_signature(real_keras, class_name, kwargs, count):
    """``layer(x, y)``: Keras binds the call to the layer's ``call()`` (``LayerNormalization``: "too
    many positional arguments"; ``Dense``: y lands on ``training``, which Keras passes itself);
    nncalc accepts and refuses the same, with the same reason."""
    import nncalc.keras as nk

    def outcome(k):
        x = k.Input((4,))
        try:
            out = getattr(k.layers, class_name)(**kwargs)(*([x] * count))
        except (TypeError, ValueError) as error:
            return next((m for m in ("too many positional arguments", "multiple values for argument 'training'")
                         if m in str(error)), "other")
        return tuple(out.shape)

    assert outcome(nk) == outcome(real_keras)


def test_call_signatures_table_is_keras_own(real_keras):
    """``nncalc/layers/call_signatures.py`` is what ``tools/call_signatures.py`` reads from this Keras."""
    import importlib.util
    from pathlib import Path

    from nncalc.layers.call_signatures import POSITIONAL

    path = Path(__file__).resolve().parents[2] / "tools" / "call_signatures.py"
    spec = importlib.util.spec_from_file_location("call_signatures_tool", path)
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.positional_parameters() == POSITIONAL
