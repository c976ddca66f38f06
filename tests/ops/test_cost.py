"""FLOPs and MACs of operations follow nncalc's convention (see ``nncalc.core.cost``):
products count multiply-accumulates, element-wise ops one FLOP per output element
(softmax three), reductions one per input element, layout ops nothing. The figures are
derived here from the shapes nncalc infers, never typed in."""

from __future__ import annotations

import math

import pytest

import nncalc.keras as nk
from nncalc.analysis import AnalysisOptions
from nncalc.summary import summarize_model


def row_costs(outputs, inputs):
    model = nk.Model(inputs, outputs)
    rows = summarize_model(model, analysis=AnalysisOptions(flops=True)).rows
    return {row.name: row.cost for row in rows}


def per_sample(shape) -> int:
    return math.prod(shape[1:])


@pytest.mark.parametrize("shapes", [((None, 6, 4), (None, 4, 5)), ((None, 3, 6, 4), (None, 1, 4, 2))])
def test_matmul_and_einsum_macs(shapes):
    a, b = nk.Input(batch_shape=shapes[0]), nk.Input(batch_shape=shapes[1])
    product = nk.ops.matmul(a, b)
    subscripts = "bij,bjk->bik" if len(shapes[0]) == 3 else "bhij,bhjk->bhik"
    contracted = nk.ops.einsum(subscripts, a, b)
    costs = row_costs([product, contracted], [a, b])
    k = shapes[0][-1]
    assert contracted.shape == product.shape
    assert costs["matmul"].macs == costs["einsum"].macs == per_sample(product.shape) * k
    assert costs["matmul"].flops == 2 * per_sample(product.shape) * k


def test_elementwise_reduction_and_layout():
    x = nk.Input((6, 4))
    outs = [x + 1, nk.ops.softmax(x), nk.ops.mean(x, axis=1), nk.ops.reshape(x, (-1, 24)), x[:, 0],
            nk.ops.transpose(x), nk.ops.einsum("...ij->...ji", x)]
    costs = row_costs(outs, x)
    assert costs["add"].flops == per_sample(x.shape)
    assert costs["softmax"].flops == 3 * per_sample(x.shape)
    assert costs["mean"].flops == per_sample(x.shape)  # one per input element
    for name in ("reshape", "get_item", "transpose"):
        assert costs[name].flops == 0 and costs[name].macs == 0
    assert costs["einsum"].flops is None and "einsum" in costs["einsum"].why_unknown().en  # said, not 0


def test_unknown_dimension_gives_unknown_cost():
    x = nk.Input((None, 4))
    costs = row_costs([nk.ops.matmul(x, nk.ops.ones((4, 3))), x * 2], x)
    assert costs["matmul"].flops is None and costs["multiply"].flops is None


def test_ops_in_a_traced_call_consume_no_names():
    """Inside a traced ``call()`` Keras runs ops on backend tensors: no Operation, no automatic name."""
    from nncalc.core import tracing

    x = nk.Input((4,))
    with tracing.tracing_call():
        nk.ops.add(x, 1)
        x * 2
    assert nk.ops.add(x, 1)._keras_history.operation.name == "add"
    assert (x * 2)._keras_history.operation.name == "multiply"


def test_pooling_conv_transpose_and_norm_costs():
    """Pooling: output elements × window (+ a divide when averaging); transposed and separable
    convolutions: MACs from the kernel shapes; norms: 2 per input element; decompositions and
    Fourier transforms: unknown, and said."""
    images = nk.Input((8, 8, 3))
    signal = nk.Input((6, 4))
    outs = [nk.ops.max_pool(images, 2), nk.ops.average_pool(images, (2, 2), 1, "same"),
            nk.ops.conv_transpose(images, nk.ops.ones((3, 3, 5, 3)), 2),
            nk.ops.separable_conv(images, nk.ops.ones((3, 3, 3, 2)), nk.ops.ones((1, 1, 6, 4))),
            nk.ops.norm(signal, axis=-1), nk.ops.norm(signal, ord="nuc", axis=(1, 2)),
            nk.ops.linalg.inv(nk.ops.reshape(signal[:, :4], (-1, 4, 4))), nk.ops.rfft(signal)[0]]
    costs = row_costs(outs, [images, signal])
    pooled, averaged, up, sep = outs[:4]
    assert costs["max_pool"].flops == per_sample(pooled.shape) * 4
    assert costs["average_pool"].flops == per_sample(averaged.shape) * 4 + per_sample(averaged.shape)
    assert costs["conv_transpose"].macs == per_sample(images.shape) * 3 * 3 * 5
    assert costs["separable_conv"].macs == math.prod(sep.shape[1:-1]) * (3 * 3 * 3 * 2 + 6 * 4)
    assert costs["norm"].flops == 2 * per_sample(signal.shape)
    for name in ("norm_1", "inv", "rfft"):
        assert costs[name].flops is None and costs[name].why_unknown() is not None



@pytest.mark.parametrize("implicit, explicit, shapes", [
    ("bij,bjk", "bij,bjk->ik", ((3, 5, 4), (3, 4, 6))),
    ("bji,bjk", "bji,bjk->ik", ((2, 4, 5), (2, 4, 6))),
    ("abc,cd", "abc,cd->abd", ((None, 5, 4), (4, 7))),
])
def test_einsum_implicit_output_counts_as_numpy_output(implicit, explicit, shapes):
    """Without '->' the output is numpy's (letters appearing once, sorted): the MACs of the written-out
    equation, = output elements per sample × the sizes of the letters summed over."""
    a = nk.Input(batch_shape=shapes[0])
    b = nk.Input(batch_shape=shapes[1]) if len(shapes[1]) == 3 else nk.ops.ones(shapes[1])
    inputs = [a, b] if len(shapes[1]) == 3 else [a]
    got, written = nk.ops.einsum(implicit, a, b), nk.ops.einsum(explicit, a, b)
    costs = row_costs([got, written], inputs)
    sizes = {}
    for letters, shape in zip(explicit.split("->")[0].split(","), shapes):
        sizes.update({c: d for c, d in zip(letters, shape) if d is not None})
    summed = set(explicit.split("->")[0].replace(",", "")) - set(explicit.split("->")[1])
    assert got.shape == written.shape
    assert costs["einsum"].macs == costs["einsum_1"].macs == per_sample(written.shape) * math.prod(
        sizes[c] for c in summed)
