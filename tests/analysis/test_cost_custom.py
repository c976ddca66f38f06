"""MACs and FLOPs of a custom layer's row: what the layers and operations its ``call()`` runs compute.

nncalc traces a user layer's ``call()`` (``nncalc.core.tracing.run_call``); each layer call and
``keras.ops`` operation made inside is kept with its shapes, and the row's cost is their sum,
per call (a layer called on two shapes costs two different amounts). Checked here against the
same computation written as a functional model; ``test_tf_convention.py`` checks the TF-profiler
convention of the ``composite_custom_*`` cases against TensorFlow's profiler itself.
"""

from __future__ import annotations

from nncalc.analysis import AnalysisOptions
from nncalc.summary import summarize_model

from .tf_profiler_cases import CASES, build


def costs(model):
    summary = summarize_model(model, analysis=AnalysisOptions(flops=True))
    return summary, summary.analysis.cost


def test_transformer_block_row_equals_the_same_graph_written_functionally():
    import nncalc.keras as keras
    from nncalc.keras import layers

    case = next(c for c in CASES if c["id"] == "composite_custom_transformer_block")
    custom = build(case, keras)
    a = keras.Input((10, 32))
    att = layers.MultiHeadAttention(num_heads=2, key_dim=32)(a, a)
    o1 = layers.LayerNormalization(epsilon=1e-6)(a + layers.Dropout(0.1)(att))
    f = layers.Dense(32)(layers.Dense(64, activation="relu")(o1))
    o2 = layers.LayerNormalization(epsilon=1e-6)(o1 + layers.Dropout(0.1)(f))
    functional = keras.Model(a, o2)
    summary, total = costs(custom)
    _, expected = costs(functional)
    assert total.known and (total.macs, total.flops) == (expected.macs, expected.flops)
    row = next(r for r in summary.rows if r.class_name == "TransformerBlock")
    assert (row.cost.macs, row.cost.flops) == (expected.macs, expected.flops)
    assert row.cost.macs > 0


def test_nested_custom_layers_count_once_and_weights_ops_count():
    """``Outer`` (a Dense after a custom ``Affine`` with ``add_weight``, ``ops.matmul``, a bias
    and ReLU, then an add) equals the same computation made of built-in layers."""
    import nncalc.keras as keras
    from nncalc.keras import layers

    case = next(c for c in CASES if c["id"] == "composite_custom_weights_ops_nested")
    _, total = costs(build(case, keras))
    y = keras.Input((6, 12))
    h = layers.Dense(8, activation="relu")(y)  # the same products, bias adds and ReLU
    _, expected = costs(keras.Model(y, layers.Dense(4)(h * 2.0) + keras.ops.add(y[..., :4], 1.0)))
    assert (total.macs, total.flops) == (expected.macs, expected.flops)
    assert total.macs == 6 * (12 * 8 + 8 * 4)


def test_a_custom_layer_called_on_two_shapes_costs_each_call():
    import nncalc.keras as keras
    from nncalc.keras import layers

    class Scaled(layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(4)

        def call(self, x):
            return self.dense(x) * 3.0

    shared = Scaled()
    a, b = keras.Input((5,)), keras.Input((7, 5))
    summary, total = costs(keras.Model([a, b], [shared(a), shared(b)]))
    row = next(r for r in summary.rows if r.class_name == "Scaled")
    # Dense: 2 × MACs + bias per output; then one multiply per output
    assert row.cost.macs == total.macs == 5 * 4 + 7 * 5 * 4
    assert row.cost.flops == (2 * 20 + 4 + 4) + (2 * 140 + 28 + 28)


def test_an_unknown_dimension_inside_call_says_which_part_and_why():
    import nncalc.keras as keras
    from nncalc.keras import layers

    class Scaled(layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(4, name="inner_dense")

        def call(self, x):
            return self.dense(x) * 3.0

    x = keras.Input((None, 5))
    summary, total = costs(keras.Model(x, Scaled()(x)))
    row = next(r for r in summary.rows if r.class_name == "Scaled")
    reason = row.cost.why_unknown()
    assert reason is not None and "inner_dense" in reason.en and "None" in reason.en
    assert reason.zh.startswith("未知")
    assert total.why_unknown() is not None


def subclassed_net():
    import nncalc.keras as keras
    from nncalc.keras import layers

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = layers.Dense(16, activation="relu")
            self.d2 = layers.Dense(3)

        def call(self, x):
            return self.d2(self.d1(x) + 1.0)

    return Net()


def test_a_subclassed_model_counts_what_its_call_ran_and_its_layers_say_why_not_per_row():
    import nncalc.keras as keras

    expected = 8 * 16 + 16 * 3
    net = subclassed_net()
    net(keras.Input((8,)))
    summary, total = costs(net)
    assert total.macs == expected and total.flops == 2 * expected + 16 + 16 + 16 + 3
    for row in summary.rows:  # the layers' calls ran inside net's call(): no calls of their own
        assert row.cost.why_unknown() is not None and "call()" in row.cost.why_unknown().en
    x = keras.Input((8,))
    outer_summary, outer_total = costs(keras.Model(x, subclassed_net()(x)))
    assert (outer_total.macs, outer_total.flops) == (total.macs, total.flops)


def test_a_subclassed_model_never_called_has_unknown_figures_not_zero():
    net = subclassed_net()
    net.build((None, 8))
    _, total = costs(net)
    assert total.macs is None and "never called" in total.why_unknown().en
