"""MACs and FLOPs of the recurrent layers, checked against formulas derived here.

Per time step the cells of Keras' ``call()`` (implementation 2) compute ``x · kernel`` and
``h · recurrent_kernel`` (MACs = (d + u) × gates × u), add the two products and the bias,
apply the gate activations and update the states; the layer repeats this T times.
"""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

import nncalc.keras as keras
from nncalc.analysis import AnalysisOptions
from nncalc.core.explain import say
from nncalc.summary import summarize_model

from ..helpers import sweep
from .costs import row_of

ACT = {None: 0, "tanh": 1, "relu": 1, "softmax": 3}
REC = {None: 0, "sigmoid": 1, "hard_sigmoid": 1}


def steps_text(row, lang="en"):
    return "\n".join(f"{say(s.label, lang)}: {say(s.formula, lang)} = {s.value}" for s in row.cost.steps())


def simple_step(d, u, use_bias, act):
    macs = (d + u) * u
    return macs, u * (1 + use_bias + ACT[act])


def lstm_step(d, u, use_bias, act, rec):
    macs = (d + u) * 4 * u
    return macs, 4 * u * use_bias + 4 * u + 3 * u * REC[rec] + 2 * u * ACT[act] + 4 * u


def gru_step(d, u, use_bias, act, rec, reset_after):
    macs = (d + u) * 3 * u
    bias = (6 if reset_after else 3) * u * use_bias
    return macs, bias + 3 * u + 2 * u * REC[rec] + u * ACT[act] + 5 * u


def check(row, t, step):
    macs, other = step
    assert row.cost.macs == t * macs
    assert row.cost.flops == t * (2 * macs + other)


@settings(max_examples=sweep(25), deadline=None)
@given(t=st.integers(1, 7), d=st.integers(1, 6), u=st.integers(1, 6), use_bias=st.booleans(),
       act=st.sampled_from(list(ACT)), rec=st.sampled_from(list(REC)), reset_after=st.booleans(),
       seq=st.booleans(), kind=st.sampled_from(["SimpleRNN", "LSTM", "GRU"]))
def test_rnn_layers(t, d, u, use_bias, act, rec, reset_after, seq, kind):
    kwargs = dict(use_bias=use_bias, activation=act, return_sequences=seq)
    if kind == "SimpleRNN":
        step = simple_step(d, u, use_bias, act)
    elif kind == "LSTM":
        kwargs["recurrent_activation"] = rec
        step = lstm_step(d, u, use_bias, act, rec)
    else:
        kwargs.update(recurrent_activation=rec, reset_after=reset_after)
        step = gru_step(d, u, use_bias, act, rec, reset_after)
    check(row_of(getattr(keras.layers, kind)(u, **kwargs), (t, d)), t, step)


@settings(max_examples=sweep(15), deadline=None)
@given(t=st.integers(1, 6), d=st.integers(1, 5), u1=st.integers(1, 5), u2=st.integers(1, 5),
       reset_after=st.booleans())
def test_rnn_with_stacked_cells(t, d, u1, u2, reset_after):
    layer = keras.layers.RNN([keras.layers.LSTMCell(u1), keras.layers.GRUCell(u2, reset_after=reset_after),
                              keras.layers.SimpleRNNCell(u1)])
    a, b, c = lstm_step(d, u1, 1, "tanh", "sigmoid"), gru_step(u1, u2, 1, "tanh", "sigmoid", reset_after), \
        simple_step(u2, u1, 1, "tanh")
    check(row_of(layer, (t, d)), t, (a[0] + b[0] + c[0], a[1] + b[1] + c[1]))


@settings(max_examples=sweep(20), deadline=None)
@given(t=st.integers(1, 6), d=st.integers(1, 5), u=st.integers(1, 5),
       mode=st.sampled_from(["concat", "sum", "mul", "ave", None]), seq=st.booleans(),
       kind=st.sampled_from(["LSTM", "GRU", "SimpleRNN"]))
def test_bidirectional(t, d, u, mode, seq, kind):
    layer = keras.layers.Bidirectional(getattr(keras.layers, kind)(u, return_sequences=seq), merge_mode=mode)
    inputs = keras.Input((t, d))
    out = layer(inputs)
    model = keras.Model(inputs, out[0] if mode is None else out)
    row = summarize_model(model, analysis=AnalysisOptions(flops=True)).rows[-1]
    macs, other = {"LSTM": lstm_step(d, u, 1, "tanh", "sigmoid"), "GRU": gru_step(d, u, 1, "tanh", "sigmoid", True),
                   "SimpleRNN": simple_step(d, u, 1, "tanh")}[kind]
    merged = (t * u if seq else u) * {"concat": 0, "sum": 1, "mul": 1, "ave": 2, None: 0}[mode]
    assert row.cost.macs == 2 * t * macs
    assert row.cost.flops == 2 * t * (2 * macs + other) + merged
    if mode is not None:
        assert "2 directions" in steps_text(row)


def test_bidirectional_with_a_different_backward_layer():
    layer = keras.layers.Bidirectional(keras.layers.LSTM(3), backward_layer=keras.layers.GRU(3, go_backwards=True))
    row = row_of(layer, (5, 2))
    a, b = lstm_step(2, 3, 1, "tanh", "sigmoid"), gru_step(2, 3, 1, "tanh", "sigmoid", True)
    assert row.cost.macs == 5 * (a[0] + b[0])
    assert row.cost.flops == 5 * (2 * a[0] + a[1] + 2 * b[0] + b[1])
    text = steps_text(row)
    assert "forward_lstm: input kernel products: 5 time steps × 2 inputs × (4 × 3) gate units = 120" in text


@settings(max_examples=sweep(15), deadline=None)
@given(t=st.integers(1, 6), d=st.integers(1, 6), units=st.integers(1, 6), use_bias=st.booleans())
def test_time_distributed_dense(t, d, units, use_bias):
    row = row_of(keras.layers.TimeDistributed(keras.layers.Dense(units, use_bias=use_bias, activation="relu")),
                 (t, d))
    assert row.cost.macs == t * d * units
    assert row.cost.flops == t * (2 * d * units + units * (use_bias + 1))


def test_time_distributed_conv():
    row = row_of(keras.layers.TimeDistributed(keras.layers.Conv2D(4, 3)), (5, 8, 8, 2))
    macs = 5 * 6 * 6 * 3 * 3 * 2 * 4
    assert row.cost.macs == macs
    assert row.cost.flops == 2 * macs + 5 * 6 * 6 * 4
    assert "5 time steps × (6 × 6) output positions" in steps_text(row)


def out_size(size, k, s, padding):
    return (size - k) // s + 1 if padding == "valid" else -(-size // s)


@settings(max_examples=sweep(15), deadline=None)
@given(rank=st.integers(1, 3), t=st.integers(1, 4), size=st.integers(4, 7), c=st.integers(1, 3),
       f=st.integers(1, 3), k=st.integers(1, 3), s=st.integers(1, 2), padding=st.sampled_from(["valid", "same"]),
       use_bias=st.booleans())
def test_conv_lstm(rank, t, size, c, f, k, s, padding, use_bias):
    layer = getattr(keras.layers, f"ConvLSTM{rank}D")(f, k, strides=s, padding=padding, use_bias=use_bias)
    row = row_of(layer, (t,) + (size,) * rank + (c,))
    p = out_size(size, k, s, padding) ** rank
    macs = p * k ** rank * (c + f) * 4 * f
    other = p * f * (4 * use_bias + 4 + 3 + 2 + 4)
    assert row.cost.macs == t * macs
    assert row.cost.flops == t * (2 * macs + other)


def test_unknown_sequence_length():
    for layer in (keras.layers.LSTM(3), keras.layers.Bidirectional(keras.layers.GRU(2)),
                  keras.layers.TimeDistributed(keras.layers.Dense(2))):
        row = row_of(layer, (None, 4))
        assert row.cost.macs is None and row.cost.flops is None
        assert "None" in say(row.cost.why_unknown(), "en")


def test_explanation_steps():
    row = row_of(keras.layers.LSTM(16), (20, 8))
    text = steps_text(row)
    assert "input kernel products: 20 time steps × 8 inputs × (4 × 16) gate units = 10240" in text
    assert "recurrent kernel products: 20 time steps × 16 state values × (4 × 16) gate units = 20480" in text
    assert f"= {2 * 30720 + 20 * 16 * (4 + 4 + 3 + 2 + 4)}" in text
    assert "个时间步" in steps_text(row, "zh")
    assert "input, forget, output gates (sigmoid): 20 time steps × (3 × 16) gate units = 960" in text


def test_cell_called_directly_is_one_step():
    x, h, c = keras.Input((5,)), keras.Input((3,)), keras.Input((3,))
    out, _ = keras.layers.LSTMCell(3, name="cell")(x, [h, c])
    model = keras.Model([x, h, c], out)
    row = next(r for r in summarize_model(model, analysis=AnalysisOptions(flops=True)).rows if r.name == "cell")
    macs, other = lstm_step(5, 3, 1, "tanh", "sigmoid")
    assert (row.cost.macs, row.cost.flops) == (macs, 2 * macs + other)
