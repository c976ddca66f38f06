"""Attention layers against real Keras: MultiHeadAttention, GroupQueryAttention, Attention, AdditiveAttention.

MultiHeadAttention and GroupQueryAttention take their tensors as separate arguments
(``mha(query, value, key)``), so they are described here with a call helper that
passes them positionally; Attention / AdditiveAttention take a list.
"""

import re

import pytest
from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_summary, record_coverage, sweep

# Keras raises these (numpy's IndexError for attention axes out of range, a zero
# division for head_dim=0); nncalc raises LayerError (a ValueError) inside a call.
REJECTIONS = (ValueError, TypeError, IndexError, ZeroDivisionError)


def describe_call(module, class_name, kwargs, shapes, call_kwargs=None, as_list=False):
    """``layer(*inputs, **call_kwargs)`` (or ``layer([inputs])``): outputs, weights, params; or ("error",)."""
    try:
        layer = getattr(module.layers, class_name)(**kwargs)
        inputs = [module.Input(shape=tuple(s)) for s in shapes]
        out = layer(inputs, **(call_kwargs or {})) if as_list else layer(*inputs, **(call_kwargs or {}))
    except REJECTIONS:
        return ("error",)
    outs = out if isinstance(out, (list, tuple)) else [out]
    weights = [(w.name, tuple(w.shape), bool(w.trainable)) for w in layer.weights]
    # Sublayer names without their counters (examples share one session; summaries check counters).
    sublayers = [re.sub(r"_\d+$", "", sub.name) for sub in getattr(layer, "_layers", [])]
    return ("ok", [tuple(o.shape) for o in outs], weights, layer.count_params(), sublayers)


def assert_same_call(real_keras, class_name, kwargs, shapes, call_kwargs=None, as_list=False):
    import nncalc.keras as nk

    expected = describe_call(real_keras, class_name, kwargs, shapes, call_kwargs, as_list)
    actual = describe_call(nk, class_name, kwargs, shapes, call_kwargs, as_list)
    if expected[0] == "error":
        assert actual[0] == "error", f"Keras rejects {class_name}({kwargs}) on {shapes}; nncalc gave {actual}"
    else:
        assert actual == expected, f"{class_name}({kwargs}) on {shapes} {call_kwargs}"
    record_coverage([getattr(nk.layers, class_name).__name__],
                    "rejected" if expected[0] == "error" else "passed")
    return actual


dim = st.integers(1, 9)
length = st.one_of(st.none(), st.integers(1, 9))


# ---------------------------------------------------------------------- MultiHeadAttention
@st.composite
def mha_cases(draw):
    rank = draw(st.integers(2, 5))  # query rank with the batch axis
    value_rank = draw(st.sampled_from([rank, rank, draw(st.integers(2, 5))]))
    query = tuple(draw(length) for _ in range(rank - 2)) + (draw(dim),)
    middle = tuple(draw(length) for _ in range(value_rank - 2))
    value = middle + (draw(dim),)
    shapes = [query, value]
    if draw(st.booleans()):
        key_middle = middle if draw(st.integers(0, 5)) else tuple(draw(length) for _ in range(value_rank - 2))
        shapes.append(key_middle + (draw(dim),))
    kwargs = {"num_heads": draw(st.integers(1, 4)), "key_dim": draw(st.integers(1, 6))}
    if draw(st.booleans()):
        kwargs["value_dim"] = draw(st.one_of(st.none(), st.integers(1, 6)))
    if draw(st.booleans()):
        kwargs["use_bias"] = draw(st.booleans())
    if draw(st.booleans()):
        kwargs["output_shape"] = draw(st.one_of(st.integers(1, 6), st.lists(st.integers(1, 4), max_size=2)))
    if draw(st.booleans()):
        kwargs["attention_axes"] = draw(st.one_of(st.integers(-value_rank - 1, value_rank),
                                                  st.lists(st.integers(-value_rank, value_rank - 1), max_size=2)))
    if draw(st.booleans()):
        kwargs["dropout"] = draw(st.sampled_from([0.0, 0.1, 0.5]))
    if draw(st.integers(0, 4)) == 0:
        kwargs["use_gate"] = True
    if draw(st.integers(0, 6)) == 0:
        kwargs["trainable"] = False
    call = {"return_attention_scores": True} if draw(st.booleans()) else {}
    return kwargs, shapes, call


@settings(max_examples=sweep(100), deadline=None)
@given(case=mha_cases())
def test_multi_head_attention_matches_keras(real_keras, case):
    kwargs, shapes, call = case
    assert_same_call(real_keras, "MultiHeadAttention", kwargs, shapes, call)


def test_multi_head_attention_known_cases(real_keras):
    """Self-attention on a sequence, a key of its own, 2-d attention axes, gating, no bias."""
    for kwargs, shapes, call in [
        ({"num_heads": 8, "key_dim": 64}, [(128, 512), (128, 512)], {}),
        ({"num_heads": 2, "key_dim": 3, "value_dim": 4}, [(5, 8), (7, 6), (7, 3)], {"return_attention_scores": True}),
        ({"num_heads": 2, "key_dim": 3, "attention_axes": (1, 2)}, [(4, 3, 8), (4, 3, 8)], {"return_attention_scores": True}),
        ({"num_heads": 2, "key_dim": 3, "output_shape": (4, 5)}, [(4, 3, 8), (2, 3, 8)], {}),
        ({"num_heads": 3, "key_dim": 2, "value_dim": 5, "use_gate": True, "use_bias": False}, [(6, 7), (6, 7)], {}),
        ({"num_heads": 2, "key_dim": 3}, [(8,), (6,)], {"return_attention_scores": True}),
    ]:
        assert assert_same_call(real_keras, "MultiHeadAttention", kwargs, shapes, call)[0] == "ok"


def test_multi_head_attention_rejects_what_keras_rejects(real_keras):
    for kwargs, shapes in [
        ({"num_heads": 0, "key_dim": 3}, [(4, 8), (5, 6)]),
        ({"num_heads": 2.0, "key_dim": 3}, [(4, 8), (5, 6)]),
        ({"num_heads": 2, "key_dim": 0}, [(4, 8), (5, 6)]),
        ({"num_heads": 2, "key_dim": 3, "value_dim": 0}, [(4, 8), (5, 6)]),
        ({"num_heads": 2, "key_dim": 3, "output_shape": 2.5}, [(4, 8), (5, 6)]),
        ({"num_heads": 2, "key_dim": 3, "output_shape": (None,)}, [(4, 8), (5, 6)]),
        ({"num_heads": 2, "key_dim": 3, "attention_axes": "1"}, [(4, 8), (5, 6)]),
        ({"num_heads": 2, "key_dim": 3, "attention_axes": 5}, [(4, 3, 8), (5, 3, 6)]),
        ({"num_heads": 2, "key_dim": 3, "sliding_window": 0}, [(4, 8), (5, 6)]),
        ({"num_heads": 2, "key_dim": 3, "dropout": 1.5}, [(4, 8), (5, 6)]),
        ({"num_heads": 2, "key_dim": 3, "dropout": 0.5, "flash_attention": True}, [(4, 8), (5, 6)]),
        ({"num_heads": 2, "key_dim": 3}, [(4, 8), (5, 6), (6, 6)]),  # key and value lengths differ
        ({"num_heads": 2, "key_dim": 3}, [(4, None), (5, 6)]),  # unknown feature size
        ({"num_heads": 2, "key_dim": 3}, [(), (6,)]),
    ]:
        assert assert_same_call(real_keras, "MultiHeadAttention", kwargs, shapes)[0] == "error"


# ---------------------------------------------------------------------- GroupQueryAttention
@st.composite
def gqa_cases(draw):
    kv_heads = draw(st.integers(1, 4))
    q_len, v_len = draw(length), draw(length)
    d = draw(dim)
    shapes = [(q_len, d), (v_len, d if draw(st.integers(0, 5)) else draw(dim))]
    if draw(st.booleans()):
        shapes.append((v_len if draw(st.integers(0, 5)) else draw(length), draw(dim)))
    if draw(st.integers(0, 5)) == 0:  # Keras accepts other ranks, with stretched weights
        shapes = [s[:1] + (draw(dim),) + s[1:] for s in shapes]
    kwargs = {
        "head_dim": draw(st.integers(1, 6)),
        "num_query_heads": kv_heads * draw(st.integers(1, 3)) + (1 if draw(st.integers(0, 6)) == 0 else 0),
        "num_key_value_heads": kv_heads,
    }
    if draw(st.booleans()):
        kwargs["use_bias"] = draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:
        kwargs["use_gate"] = True
    if draw(st.booleans()):
        kwargs["dropout"] = draw(st.sampled_from([0.0, 0.2]))
    call = {"return_attention_scores": True} if draw(st.booleans()) else {}
    return kwargs, shapes, call


@settings(max_examples=sweep(70), deadline=None)
@given(case=gqa_cases())
def test_group_query_attention_matches_keras(real_keras, case):
    kwargs, shapes, call = case
    assert_same_call(real_keras, "GroupQueryAttention", kwargs, shapes, call)


def test_group_query_attention_rejects_what_keras_rejects(real_keras):
    for kwargs, shapes in [
        ({"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 3}, [(5, 8), (7, 8)]),
        ({"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 0}, [(5, 8), (7, 8)]),
        ({"head_dim": 0, "num_query_heads": 4, "num_key_value_heads": 2}, [(5, 8), (7, 8)]),
        ({"head_dim": -1, "num_query_heads": 4, "num_key_value_heads": 2}, [(5, 8), (7, 8)]),
        ({"head_dim": 2.0, "num_query_heads": 4, "num_key_value_heads": 2}, [(5, 8), (7, 8)]),
        ({"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2, "dropout": 2.0}, [(5, 8), (7, 8)]),
        ({"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2, "sliding_window": -1}, [(5, 8), (7, 8)]),
        ({"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [(5, 8), (7, 6)]),
        ({"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [(5, 8), (7, 8), (6, 8)]),
        ({"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [(8,), (8,)]),
        ({"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}, [(5, None), (7, None)]),
    ]:
        assert assert_same_call(real_keras, "GroupQueryAttention", kwargs, shapes)[0] == "error"


def test_group_query_attention_is_the_keras_export(real_keras):
    import nncalc.keras as nk

    assert hasattr(real_keras.layers, "GroupQueryAttention") and hasattr(nk.layers, "GroupQueryAttention")
    assert nk.layers.GroupQueryAttention.__name__ == real_keras.layers.GroupQueryAttention.__name__
    from nncalc.layers import EXPORTS

    assert not hasattr(real_keras.layers, "GroupedQueryAttention") and "GroupedQueryAttention" not in EXPORTS


# ---------------------------------------------------------------------- Attention / AdditiveAttention
@st.composite
def luong_cases(draw):
    rank = draw(st.integers(2, 4))
    batch_axes = tuple(draw(length) for _ in range(rank - 3))
    count = draw(st.sampled_from([2, 2, 3]))
    d = draw(dim)
    shapes = [batch_axes + ((draw(length),) if rank > 2 else ()) + (d,) for _ in range(count)]
    kwargs = {}
    if draw(st.booleans()):
        kwargs["use_scale"] = draw(st.booleans())
    if draw(st.booleans()):
        kwargs["dropout"] = draw(st.sampled_from([0.0, 0.3]))
    call = {"return_attention_scores": True} if draw(st.booleans()) else {}
    if draw(st.booleans()):
        call["use_causal_mask"] = draw(st.booleans())
    return kwargs, shapes, call


@settings(max_examples=sweep(60), deadline=None)
@given(case=luong_cases(), concat=st.booleans())
def test_attention_matches_keras(real_keras, case, concat):
    kwargs, shapes, call = case
    if concat:
        kwargs["score_mode"] = "concat"
    assert_same_call(real_keras, "Attention", kwargs, shapes, call, as_list=True)


@settings(max_examples=sweep(50), deadline=None)
@given(case=luong_cases())
def test_additive_attention_matches_keras(real_keras, case):
    kwargs, shapes, call = case
    assert_same_call(real_keras, "AdditiveAttention", kwargs, shapes, call, as_list=True)


@pytest.mark.parametrize("class_name", ["Attention", "AdditiveAttention"])
def test_luong_attention_rejects_what_keras_rejects(real_keras, class_name):
    for kwargs, shapes in [
        ({"score_mode": "dotx"}, [(5, 8), (7, 8)]),
        ({}, [(5, 8)]),
        ({}, [(5, 8), (7, 8), (7, 8), (7, 8)]),
        ({"use_scale": True}, [(5, None), (7, 3)]) if class_name == "AdditiveAttention" else ({}, [(5, 8)] * 4),
    ]:
        assert assert_same_call(real_keras, class_name, kwargs, shapes, as_list=True)[0] == "error"
    # A single tensor, or a tuple, is not a list of inputs.
    from tests.helpers import describe_layer
    import nncalc.keras as nk

    assert describe_layer(nk, class_name, {}, (5, 8)) == describe_layer(real_keras, class_name, {}, (5, 8)) == ("error",)


# ---------------------------------------------------------------------- summaries
def test_self_attention_summary(real_keras):
    def build(keras):
        x = keras.Input((16, 32))
        y = keras.layers.MultiHeadAttention(num_heads=4, key_dim=8)(x, x)
        y = keras.layers.Dropout(0.1)(y)  # takes dropout_1: the attention's own Dropout took dropout
        y = keras.layers.Add()([x, y])
        return keras.Model(x, keras.layers.Dense(2)(y))

    text = assert_same_summary(real_keras, build)
    assert "dropout_1" in text
    assert_same_summary(real_keras, build, expand_nested=True)  # sublayers are not rows


def test_cross_attention_with_scores_summary(real_keras):
    def build(keras):
        q = keras.Input((5, 8), name="q")
        v = keras.Input((7, 6), name="v")
        k = keras.Input((7, 3), name="k")
        out, scores = keras.layers.MultiHeadAttention(2, 3, value_dim=4)(q, v, key=k, return_attention_scores=True)
        gqa = keras.layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
        out2 = gqa(out, out, return_attention_scores=True)
        return keras.Model([q, v, k], [out, scores] + list(out2))

    assert_same_summary(real_keras, build)


def test_luong_attention_summary(real_keras):
    def build(keras):
        q = keras.Input((5, 8))
        v = keras.Input((7, 8))
        a = keras.layers.Attention(use_scale=True, score_mode="concat")([q, v])
        b, scores = keras.layers.AdditiveAttention()([q, v, v], return_attention_scores=True)
        c = keras.layers.Attention()([q, v])
        return keras.Model([q, v], [a, b, scores, c])

    assert_same_summary(real_keras, build)


def test_frozen_attention_summary(real_keras):
    def build(keras):
        x = keras.Input((6, 10))
        mha = keras.layers.MultiHeadAttention(2, 5, use_bias=False, trainable=False)
        return keras.Model(x, mha(x, x, use_causal_mask=True))

    assert_same_summary(real_keras, build, show_trainable=True)


def _evaluate(formula: str) -> int:
    return eval(formula.replace(",", "").replace("×", "*"), {"__builtins__": {}})


@pytest.mark.parametrize("class_name,kwargs", [
    ("MultiHeadAttention", {"num_heads": 4, "key_dim": 8}),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "value_dim": 5, "use_gate": True, "output_shape": (2, 3)}),
    ("GroupQueryAttention", {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2, "use_bias": False}),
])
def test_projection_explanations(real_keras, class_name, kwargs):
    """One step per projection, its formula with the numbers put in, equal to Keras' sublayer counts."""
    import nncalc
    import nncalc.keras as nk

    def build(keras):
        x = keras.Input((16, 32))
        layer = getattr(keras.layers, class_name)(**kwargs)
        y, scores = layer(x, x, return_attention_scores=True)
        return keras.Model(x, [y, scores]), layer

    real_model, real_layer = build(real_keras)
    model, _ = build(nk)
    row = nncalc.summarize(model).models[0].rows[-1]
    params = row.explanation.params
    assert params[0].value == real_layer.count_params() == _evaluate(params[0].formula)
    projections = [sub for sub in real_layer._layers if sub.weights]
    assert [s.label.en.split(":")[0] for s in params[1:]] == [sub.name for sub in projections]
    for step, sub in zip(params[1:], projections):
        assert step.value == sub.count_params() == _evaluate(step.formula)
        assert step.rule.en and step.rule.zh and step.rule.en != step.rule.zh
    assert row.explanation.shape[0].value == [tuple(t.shape) for t in real_model.outputs]


def test_projection_rule_words():
    """The query projection's rule: d_model × heads × key_dim + heads × key_dim, in both languages."""
    import nncalc
    import nncalc.keras as nk

    x = nk.Input((16, 32))
    model = nk.Model(x, nk.layers.MultiHeadAttention(num_heads=4, key_dim=8)(x, x))
    query = nncalc.summarize(model).models[0].rows[-1].explanation.params[1]
    assert query.formula == "32 × 4 × 8 + 4 × 8"
    assert query.rule.en == "query features × num_heads × key_dim + num_heads × key_dim (bias)"
    assert query.rule.zh == "query 特征数 × 头数 num_heads × key_dim + 头数 num_heads × key_dim（偏置）"


def test_keyword_only_call_matches_keras(real_keras):
    """mha(key=k, query=q, value=v): Keras orders the node's inputs by keyword name."""

    def build(keras):
        q, v, k = keras.Input((5, 8)), keras.Input((7, 8)), keras.Input((7, 8))
        out = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)(key=k, query=q, value=v)
        return keras.Model([q, v, k], out)

    assert_same_summary(real_keras, build, line_length=150)
