"""MACs and FLOPs of the attention layers, checked against formulas derived here.

The formulas follow Keras' ``call()``: four einsum projections, QKᵀ, a 1/√key_dim scale
(on the scores in the fused ``dot_product_attention`` path, taken when there is no dropout,
no returned scores and a 3-d query; on the projected query otherwise), softmax (3 per score),
AV, the output projection. Each test computes them from the arguments and the shapes.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

import nncalc.keras as keras
from nncalc.analysis import AnalysisOptions
from nncalc.core.explain import say
from nncalc.summary import summarize_model

from ..helpers import sweep


def row_named(model, name):
    summary = summarize_model(model, analysis=AnalysisOptions(flops=True))
    return next(r for r in summary.rows if r.name == name)


def steps_text(row, lang="en"):
    return "\n".join(f"{say(s.label, lang)}: {say(s.formula, lang)} = {s.value}" for s in row.cost.steps())


def mha_expected(tq, tk, dq, dk, dv, heads, kd, vd, dout, use_bias, fused, gate=False):
    macs = tq * dq * heads * kd + tk * dk * heads * kd + tk * dv * heads * vd + tq * heads * vd * dout
    bias = tq * heads * kd + tk * heads * kd + tk * heads * vd + tq * dout
    if gate:
        macs += tq * dq * heads * vd
        bias += tq * heads * vd
    scores = tq * tk * heads
    macs += scores * kd + scores * vd
    other = (bias if use_bias else 0) + (scores if fused else tq * heads * kd) + 3 * scores
    if gate:
        other += tq * heads * vd
    return macs, 2 * macs + other


@settings(max_examples=sweep(30), deadline=None)
@given(tq=st.integers(1, 6), tk=st.integers(1, 6), dq=st.integers(1, 8), dv=st.integers(1, 8),
       dk=st.one_of(st.none(), st.integers(1, 8)), heads=st.integers(1, 4), kd=st.integers(1, 6),
       vd=st.one_of(st.none(), st.integers(1, 6)), out=st.one_of(st.none(), st.integers(1, 5)),
       use_bias=st.booleans(), dropout=st.sampled_from([0.0, 0.1]), scores=st.booleans(), gate=st.booleans())
def test_multi_head_attention(tq, tk, dq, dv, dk, heads, kd, vd, out, use_bias, dropout, scores, gate):
    q, v = keras.Input((tq, dq)), keras.Input((tk, dv))
    inputs = [q, v]
    kwargs = {}
    if dk is not None:
        k = keras.Input((tk, dk))
        inputs.append(k)
        kwargs["key"] = k
    layer = keras.layers.MultiHeadAttention(heads, kd, value_dim=vd, use_bias=use_bias, output_shape=out,
                                            dropout=dropout, use_gate=gate, name="mha")
    y = layer(q, v, return_attention_scores=scores, **kwargs)
    model = keras.Model(inputs, y[0] if scores else y)
    row = row_named(model, "mha")
    fused = dropout == 0.0 and not scores
    macs, flops = mha_expected(tq, tk, dq, dk or dv, dv, heads, kd, vd or kd, out or dq, use_bias, fused, gate)
    assert row.cost.macs == macs
    assert row.cost.flops == flops


@pytest.mark.parametrize("axes", [None, (1, 2), (2,), (-2,)])
def test_multi_head_attention_axes(axes):
    """A 4-d query (a, b, d) and value (a, c, e); projected rank 5: never the fused path."""
    a, b, c, d, e, heads, kd = 3, 4, 5, 6, 7, 2, 3
    q, v = keras.Input((a, b, d)), keras.Input((a, c, e))
    model = keras.Model([q, v], keras.layers.MultiHeadAttention(heads, kd, attention_axes=axes, name="mha")(q, v))
    row = row_named(model, "mha")
    proj = a * b * d * heads * kd + 2 * a * c * e * heads * kd + a * b * heads * kd * d
    bias = a * b * heads * kd + 2 * a * c * heads * kd + a * b * d
    # default: every axis but batch and features; -2 counts from the query's rank: axis 2
    if axes in (None, (1, 2)):
        scores = heads * (a * b) * (a * c)
    else:
        scores = heads * a * b * c  # axis 1 (a) is shared
    macs = proj + 2 * scores * kd
    assert row.cost.macs == macs
    assert row.cost.flops == 2 * macs + bias + a * b * heads * kd + 3 * scores


def test_multi_head_attention_explanation():
    q, v = keras.Input((10, 32)), keras.Input((12, 16))
    model = keras.Model([q, v], keras.layers.MultiHeadAttention(4, 8, name="mha")(q, v))
    row = row_named(model, "mha")
    text = steps_text(row)
    assert "QKᵀ scores: 10 query positions × 12 key positions × 4 heads × 8 key_dim = 3840" in text
    assert "query projection: 10 output positions × 32 inputs × (4 × 8) outputs = 10240" in text
    assert "scale the scores by 1/√key_dim: 10 × 12 × 4 scores = 480" in text
    assert "softmax (exp, sum, divide): 10 × 12 × 4 scores × 3 per score = 1440" in text
    assert "个头" in steps_text(row, "zh")


def test_multi_head_attention_unknown_length():
    q = keras.Input((None, 8))
    model = keras.Model(q, keras.layers.MultiHeadAttention(2, 4, name="mha")(q, q))
    row = row_named(model, "mha")
    assert row.cost.macs is None and row.cost.flops is None
    assert "None" in say(row.cost.why_unknown(), "en")


@settings(max_examples=sweep(25), deadline=None)
@given(tq=st.integers(1, 6), tk=st.integers(1, 6), d=st.integers(1, 8), hd=st.integers(1, 5),
       nkv=st.integers(1, 3), groups=st.integers(1, 3), use_bias=st.booleans(),
       dropout=st.sampled_from([0.0, 0.2]), gate=st.booleans())
def test_grouped_query_attention(tq, tk, d, hd, nkv, groups, use_bias, dropout, gate):
    nq = nkv * groups
    q, v = keras.Input((tq, d)), keras.Input((tk, d))
    layer = keras.layers.GroupQueryAttention(hd, nq, nkv, use_bias=use_bias, dropout=dropout, use_gate=gate,
                                             name="gqa")
    model = keras.Model([q, v], layer(q, v))
    row = row_named(model, "gqa")
    macs = tq * d * nq * hd + 2 * tk * d * nkv * hd + tq * nq * hd * d
    bias = tq * nq * hd + 2 * tk * nkv * hd + tq * d
    if gate:
        macs += tq * d * nq * hd
        bias += tq * nq * hd
    scores = tq * tk * nq
    macs += 2 * scores * hd
    other = (bias if use_bias else 0) + (scores if dropout == 0.0 else tq * nq * hd) + 3 * scores
    other += tq * nq * hd if gate else 0
    assert row.cost.macs == macs
    assert row.cost.flops == 2 * macs + other


@settings(max_examples=sweep(25), deadline=None)
@given(tq=st.integers(1, 6), tv=st.integers(1, 6), d=st.integers(1, 8), dv=st.integers(1, 8),
       use_scale=st.booleans(), mode=st.sampled_from(["dot", "concat"]), with_key=st.booleans())
def test_attention(tq, tv, d, dv, use_scale, mode, with_key):
    if not with_key:
        dv = d  # the value is the key: its features meet the query's
    q, v = keras.Input((tq, d)), keras.Input((tv, dv))
    inputs = [q, v] + ([keras.Input((tv, d))] if with_key else [])
    model = keras.Model(inputs, keras.layers.Attention(use_scale=use_scale, score_mode=mode, name="att")(inputs))
    row = row_named(model, "att")
    scores = tq * tv
    av = scores * dv
    if mode == "dot":
        macs = scores * d + av
        other = (scores if use_scale else 0) + 3 * scores
    else:
        macs = av
        other = scores * d * (3 + use_scale) + scores + 3 * scores
    assert row.cost.macs == macs
    assert row.cost.flops == 2 * macs + other


@settings(max_examples=sweep(15), deadline=None)
@given(tq=st.integers(1, 6), tv=st.integers(1, 6), d=st.integers(1, 8), use_scale=st.booleans())
def test_additive_attention(tq, tv, d, use_scale):
    q, v = keras.Input((tq, d)), keras.Input((tv, d))
    model = keras.Model([q, v], keras.layers.AdditiveAttention(use_scale=use_scale, name="add")([q, v]))
    row = row_named(model, "add")
    scores = tq * tv
    assert row.cost.macs == scores * d
    assert row.cost.flops == 2 * scores * d + 4 * scores * d + 3 * scores
    assert f"{tq} query positions × {tv} key positions" in steps_text(row)


def test_attention_unknown_length():
    q = keras.Input((None, 4))
    model = keras.Model(q, keras.layers.Attention(name="att")([q, q]))
    assert row_named(model, "att").cost.flops is None
