"""MACs and FLOPs of the core layers (Embedding, ReversibleEmbedding, EinsumDense, Identity,
Masking, Lambda, InputLayer), checked against formulas derived here from Keras' ``call()``.

* Embedding: ``ops.take`` (a gather, no arithmetic); ``mask_zero`` adds ``index != 0``; LoRA
  forms ``table + (alpha / r) · A · B`` at every call.
* ReversibleEmbedding(reverse=True): ``x @ embeddingsᵀ`` (or ``reverse_embeddings``), then
  optionally ``tanh(logits / cap) · cap``.
* EinsumDense: ``einsum(equation, x, kernel)`` (one multiply-add per combination of the
  distinct axes), ``+ bias``, activation.
* Masking: ``any(x != mask_value, axis=-1)`` then a select.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings, strategies as st

import nncalc.keras as keras
from nncalc.analysis import AnalysisOptions
from nncalc.core.explain import say
from nncalc.summary import summarize_model

from ..helpers import sweep
from .costs import steps_text

ACT = {None: 0, "relu": 1, "softmax": 3, "linear": 0}


def summarize(model):
    return summarize_model(model, analysis=AnalysisOptions(flops=True))


def row_of(layer, input_shape, dtype=None, **call_kwargs):
    inputs = keras.Input(input_shape, dtype=dtype)
    model = keras.Model(inputs, layer(inputs, **call_kwargs))
    return summarize(model).rows[-1]


# ---------------------------------------------------------------------- Embedding
@settings(max_examples=sweep(20), deadline=None)
@given(vocab=st.integers(2, 50), dim=st.integers(1, 16), length=st.integers(1, 9), mask_zero=st.booleans(),
       lora=st.sampled_from([None, 1, 3]))
def test_embedding(vocab, dim, length, mask_zero, lora):
    row = row_of(keras.layers.Embedding(vocab, dim, mask_zero=mask_zero, lora_rank=lora), (length,), "int32")
    macs = vocab * lora * dim if lora else 0
    flops = 2 * macs + length * mask_zero + (2 * vocab * dim if lora else 0)
    assert row.cost.macs == macs
    assert row.cost.flops == flops


def test_embedding_lookup_is_free_even_with_unknown_length():
    row = row_of(keras.layers.Embedding(1000, 64), (None,), "int32")
    assert (row.cost.macs, row.cost.flops) == (0, 0)
    assert "lookup" in steps_text(row)


def test_embedding_mask_with_unknown_length_is_unknown():
    row = row_of(keras.layers.Embedding(1000, 64, mask_zero=True), (None,), "int32")
    assert row.cost.flops is None
    assert "None" in say(row.cost.why_unknown(), "en")


@settings(max_examples=sweep(20), deadline=None)
@given(vocab=st.integers(2, 40), dim=st.integers(1, 12), length=st.integers(1, 6), tie=st.booleans(),
       cap=st.sampled_from([None, 30.0]))
def test_reversible_embedding_reverse(vocab, dim, length, tie, cap):
    layer = keras.layers.ReversibleEmbedding(vocab, dim, tie_weights=tie, logit_soft_cap=cap)
    inputs = keras.Input((length,), dtype="int32")
    hidden = layer(inputs)
    model = keras.Model(inputs, layer(hidden, reverse=True))
    summary = summarize(model)
    # the layer's two calls are one row: the forward lookup costs 0, the reverse a matmul
    macs = length * dim * vocab
    total = summary.rows[-1].cost
    assert total.macs == macs
    assert total.flops == 2 * macs + (3 * length * vocab if cap else 0)


def test_reversible_embedding_reverse_explained():
    row = row_of(keras.layers.ReversibleEmbedding(100, 8), (5, 8), reverse=True)
    assert row.cost.macs == 5 * 8 * 100
    assert "5 output positions × 8 inputs × 100 logits = 4,000" in steps_text(row)


# ---------------------------------------------------------------------- EinsumDense
# (equation, input shape without batch, output_shape, bias_axes, distinct non-batch axis sizes)
EINSUM_CASES = [
    ("ab,bc->ac", (7,), (5,), "c", [7, 5]),
    ("abc,cd->abd", (3, 7), (3, 5), "d", [3, 7, 5]),
    ("abc,cde->abde", (4, 6), (4, 2, 3), "de", [4, 6, 2, 3]),
    ("abcd,cde->abe", (3, 2, 5), (3, 4), "e", [3, 2, 5, 4]),      # sums over c and d
    ("...b,bc->...c", (2, 3, 6), (4,), "c", [2, 3, 6, 4]),         # the ellipsis axes are kept
    ("ab...,bc->ac...", (6, 2, 3), (4, 2, 3), None, [6, 4, 2, 3]),
    ("abc,cd->abcd", (3, 5), (3, 5, 2), None, [3, 5, 2]),           # c kept and multiplied
]


@pytest.mark.parametrize("equation,shape,out,bias_axes,sizes", EINSUM_CASES)
@pytest.mark.parametrize("activation", [None, "relu", "softmax"])
def test_einsum_dense(equation, shape, out, bias_axes, sizes, activation):
    layer = keras.layers.EinsumDense(equation, output_shape=out, bias_axes=bias_axes, activation=activation)
    row = row_of(layer, shape)
    out_elements = math.prod(layer.compute_output_shape((None,) + shape)[1:])
    macs = math.prod(sizes)
    assert row.cost.macs == macs
    assert row.cost.flops == 2 * macs + out_elements * ((bias_axes is not None) + ACT[activation])


@pytest.mark.parametrize("rank", [1, 2, 4])
def test_einsum_dense_lora(rank):
    layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(4, 2, 3), bias_axes="de", lora_rank=rank)
    row = row_of(layer, (4, 6))
    kernel = 6 * 2 * 3
    macs = 4 * 6 * 2 * 3 + kernel * rank
    assert row.cost.macs == macs
    assert row.cost.flops == 2 * macs + 2 * kernel + 4 * 2 * 3


def test_einsum_dense_explained_and_unknown():
    layer = keras.layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de")
    row = row_of(layer, (None, 6))
    assert row.cost.macs is None and row.cost.flops is None
    assert "None" in say(row.cost.why_unknown(), "en")
    row = row_of(keras.layers.EinsumDense("abc,cde->abde", output_shape=(4, 2, 3)), (4, 6))
    text = steps_text(row)
    assert "4 kept positions × 6 inputs summed × (2 × 3) kernel outputs = 144" in text
    assert "个求和输入" in steps_text(row, "zh")


# ---------------------------------------------------------------------- the others
@pytest.mark.parametrize("shape", [(3,), (4, 5), (2, 3, 4)])
def test_masking(shape):
    row = row_of(keras.layers.Masking(mask_value=0.0), shape)
    assert row.cost.macs == 0
    assert row.cost.flops == 2 * math.prod(shape)
    assert f"× 2 per element = {2 * math.prod(shape):,}" in steps_text(row)


def test_masking_unknown_length():
    assert row_of(keras.layers.Masking(), (None, 4)).cost.flops is None


def test_identity_and_input_are_free():
    inputs = keras.Input((3, 4))
    model = keras.Model(inputs, keras.layers.Identity()(inputs))
    rows = summarize(model).rows
    assert [(r.cost.macs, r.cost.flops) for r in rows] == [(0, 0), (0, 0)]


def test_lambda_is_unknown_with_a_reason():
    row = row_of(keras.layers.Lambda(lambda x: x * 2, output_shape=(4,)), (4,))
    assert row.cost.macs is None and row.cost.flops is None
    assert "arbitrary" in say(row.cost.why_unknown(), "en")
    assert "任意" in say(row.cost.why_unknown(), "zh")
