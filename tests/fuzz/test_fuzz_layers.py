"""Fuzz layer arguments and input shapes through the Keras-compatible API.

Two properties:

* through the command (a generated script ``layer = keras.layers.X(**kwargs)``,
  ``layer(keras.Input(shape))``), with odd arguments (0, -1, 2**63, wrong types, wrong
  tuple lengths) and dims up to 2**63: a summary or one clean error line, never a crash;
* against real Keras (small arguments and dims, so that Keras can allocate the weights):
  Keras accepts => nncalc gives the same output shape, weights and params; Keras rejects
  => nncalc rejects (``assert_same_layer`` of tests/helpers.py).
"""

from __future__ import annotations

import textwrap

from hypothesis import assume, given, strategies as st

from ..helpers import assert_same_layer
from .harness import check_cli, fuzz_settings

ODD_INTS = [-1, 0, 1, 2, 3, 5, 2**31, 2**63]
SMALL_INTS = [-1, 0, 1, 2, 3, 4]


def int_like(pool):
    return st.one_of(st.sampled_from(pool), st.sampled_from([None, 1.5, "3", True]))


def sizes(pool, max_len=3):
    """A size argument: an int, or a tuple (sometimes of the wrong length)."""
    return st.one_of(st.sampled_from(pool), st.lists(st.sampled_from(pool), min_size=1, max_size=max_len).map(tuple))


PADDINGS = st.sampled_from(["valid", "same", "causal", "full", "VALID", "bogus", 3])


def arguments(pool):
    """(class name, kwargs strategy, input rank range, number of inputs) for each fuzzed layer."""
    n, s = int_like(pool), sizes(pool)
    conv = {"filters": n, "kernel_size": s, "strides": s, "padding": PADDINGS, "dilation_rate": s,
            "groups": st.sampled_from([1, 1, 2, 3])}
    pool_args = {"pool_size": s, "strides": st.one_of(st.none(), s), "padding": PADDINGS}
    return [
        ("Dense", {"units": n, "use_bias": st.booleans()}, (1, 4), 1),
        ("Conv1D", conv, (2, 3), 1),
        ("Conv2D", conv, (3, 4), 1),
        ("Conv3D", conv, (4, 5), 1),
        ("Conv2DTranspose", {"filters": n, "kernel_size": s, "strides": s, "padding": PADDINGS,
                             "output_padding": st.one_of(st.none(), s)}, (3, 4), 1),
        ("DepthwiseConv2D", {"kernel_size": s, "depth_multiplier": n, "strides": s, "padding": PADDINGS}, (3, 4), 1),
        ("SeparableConv1D", {"filters": n, "kernel_size": s, "depth_multiplier": n, "padding": PADDINGS}, (2, 3), 1),
        ("MaxPooling1D", pool_args, (2, 3), 1),
        ("MaxPooling2D", pool_args, (3, 4), 1),
        ("AveragePooling2D", pool_args, (3, 4), 1),
        ("GlobalAveragePooling2D", {"keepdims": st.booleans()}, (3, 4), 1),
        ("Flatten", {}, (1, 5), 1),
        ("Reshape", {"target_shape": st.lists(st.sampled_from(pool + [-1]), min_size=0, max_size=3).map(tuple)}, (1, 4), 1),
        ("Permute", {"dims": st.lists(st.sampled_from([0, 1, 2, 3, 4]), min_size=1, max_size=3).map(tuple)}, (1, 4), 1),
        ("RepeatVector", {"n": n}, (1, 2), 1),
        ("Cropping2D", {"cropping": sizes(pool, 2)}, (3, 4), 1),
        ("ZeroPadding2D", {"padding": sizes(pool, 2)}, (3, 4), 1),
        ("UpSampling2D", {"size": sizes(pool, 2)}, (3, 4), 1),
        ("Embedding", {"input_dim": n, "output_dim": n}, (1, 3), 1),
        ("LSTM", {"units": n, "return_sequences": st.booleans()}, (2, 3), 1),
        ("GRU", {"units": n, "return_state": st.booleans()}, (2, 3), 1),
        ("SimpleRNN", {"units": n}, (2, 3), 1),
        ("BatchNormalization", {"axis": st.sampled_from([-1, 0, 1, 2, 5, -4])}, (1, 4), 1),
        ("LayerNormalization", {"axis": st.sampled_from([-1, 0, 1, 2, 5, -4])}, (1, 4), 1),
        ("Dropout", {"rate": st.sampled_from([0.0, 0.5, 1.0, -0.1, 2])}, (1, 3), 1),
        ("Activation", {"activation": st.sampled_from(["relu", "softmax", "nope", None])}, (1, 3), 1),
        ("Concatenate", {"axis": st.sampled_from([-1, 0, 1, 2, 3, -5])}, (1, 4), 2),
        ("Add", {}, (1, 4), 2),
        ("Dot", {"axes": st.one_of(st.sampled_from([-1, 0, 1, 2, 3]),
                                   st.lists(st.sampled_from([-1, 1, 2, 4]), min_size=1, max_size=3).map(tuple))},
         (1, 3), 2),
        ("MultiHeadAttention", {"num_heads": n, "key_dim": n}, (2, 3), 2),
    ]


@st.composite
def layer_cases(draw, pool, dims, max_dims_product=None):
    cls, spec, (low, high), n_inputs = draw(st.sampled_from(arguments(pool)))
    kwargs = {k: draw(v) for k, v in spec.items() if draw(st.integers(0, 4)) > 0}
    rank = draw(st.integers(low, high))
    shapes = [tuple(draw(st.lists(dims, min_size=rank, max_size=rank))) for _ in range(n_inputs)]
    if n_inputs == 2 and draw(st.booleans()):
        shapes[1] = shapes[0]  # a merge of equal shapes: the accepted case is worth reaching
    return cls, kwargs, shapes


SCRIPT = """\
import keras
layer = keras.layers.{cls}(**{kwargs!r})
inputs = [keras.Input(shape=s) for s in {shapes!r}]
outputs = layer(inputs if {merge!r} else inputs[0]) if {cls!r} != "MultiHeadAttention" else layer(*inputs)
model = keras.Model(inputs, outputs)
"""


@fuzz_settings(ci_default=150)
@given(case=layer_cases(ODD_INTS, st.sampled_from([None, 1, 2, 3, 5, 8, 2**31, 2**63])),
       options=st.sampled_from([[], ["--flops", "--memory"], ["--explain"], ["--format", "json"],
                                ["--lang", "zh", "--explain"], ["--receptive-field"]]))
def test_layer_arguments_through_a_script(tmp_path_factory, case, options):
    cls, kwargs, shapes = case
    path = tmp_path_factory.mktemp("layer") / "model.py"
    merge = cls in ("Concatenate", "Add", "Dot")
    path.write_text(textwrap.dedent(SCRIPT.format(cls=cls, kwargs=kwargs, shapes=shapes, merge=merge)))
    check_cli(["summary", path, *options, "--timeout", "20"], "layer")


@fuzz_settings(ci_default=120)
@given(case=layer_cases(SMALL_INTS, st.sampled_from([None, 1, 2, 3, 4, 6])))
def test_layer_arguments_agree_with_real_keras(real_keras, case):
    cls, kwargs, shapes = case
    assume(cls != "MultiHeadAttention")  # called with (query, value), not describe_layer's one call
    shape = shapes if cls in ("Concatenate", "Add", "Dot") else shapes[0]
    assert_same_layer(real_keras, cls, kwargs, shape)
