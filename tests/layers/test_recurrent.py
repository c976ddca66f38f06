"""Recurrent layers against real Keras: SimpleRNN / LSTM / GRU, their cells, RNN, StackedRNNCells,
Bidirectional and TimeDistributed (shapes, weights, parameters, names, summaries, rejections)."""

import warnings

from hypothesis import given, settings, strategies as st

from tests.helpers import assert_same_layer, assert_same_summary, class_names, record_coverage, sweep

RECURRENT = ["SimpleRNN", "LSTM", "GRU"]
CELLS = {"SimpleRNN": "SimpleRNNCell", "LSTM": "LSTMCell", "GRU": "GRUCell"}


# ---------------------------------------------------------------------------- helpers
def describe_built(module, make, input_shape, batch_size=None, states=None):
    """``make(module)`` called on ``Input(input_shape, batch_size)`` (and ``initial_state``
    inputs of the given shapes): output shapes, weights, params, or ``("error",)``.

    Like ``tests.helpers.describe_layer``, for layers whose arguments are layers (wrappers,
    ``RNN(cell)``) or calls that need a fixed batch size or initial states.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            layer = make(module)
            inputs = module.Input(shape=tuple(input_shape), batch_size=batch_size)
            if states is None:
                out = layer(inputs)
            else:
                initial = [module.Input(shape=tuple(s), batch_size=batch_size) for s in states]
                out = layer(inputs, initial_state=initial)
        except (ValueError, TypeError):
            return ("error",)
    outs = []

    def collect(x):
        if isinstance(x, (list, tuple)):
            for item in x:
                collect(item)
        else:
            outs.append(tuple(x.shape))

    collect(out)
    weights = [(w.name, tuple(w.shape), bool(w.trainable)) for w in layer.weights]
    return ("ok", outs, weights, layer.count_params(), len(layer.trainable_weights))


def assert_same_built(real_keras, make, input_shape, batch_size=None, states=None):
    import nncalc.keras as nk

    expected = describe_built(real_keras, make, input_shape, batch_size, states)
    actual = describe_built(nk, make, input_shape, batch_size, states)
    names = []
    try:
        names = class_names(make(nk))
    except Exception:
        pass
    if expected[0] == "error":
        assert actual[0] == "error", f"Keras rejects it; nncalc gave {actual}"
        record_coverage(names, "rejected")
    else:
        assert actual == expected
        record_coverage(names, "passed")
    return actual


# ---------------------------------------------------------------------------- strategies
@st.composite
def rnn_kwargs(draw, cls):
    kwargs = {
        "units": draw(st.one_of(st.integers(1, 24), st.sampled_from([0, -2]))),
        "use_bias": draw(st.booleans()),
        "return_sequences": draw(st.booleans()),
        "return_state": draw(st.booleans()),
        "go_backwards": draw(st.booleans()),
        "unroll": draw(st.booleans()),
        "dropout": draw(st.sampled_from([0.0, 0.3, 1.5])),
        "recurrent_dropout": draw(st.sampled_from([0.0, 0.2])),
        "activation": draw(st.sampled_from(["tanh", "relu", None])),
    }
    if cls == "GRU":
        kwargs["reset_after"] = draw(st.booleans())
    if cls == "LSTM":
        kwargs["unit_forget_bias"] = draw(st.booleans())
    if cls != "SimpleRNN" and draw(st.booleans()):
        kwargs["use_cudnn"] = draw(st.sampled_from([True, False, "auto"]))
    if draw(st.integers(0, 9)) == 0:
        kwargs["trainable"] = False
    return kwargs


valid_sequence = st.tuples(st.one_of(st.none(), st.integers(1, 12)), st.integers(1, 16))  # (time, features)
sequence_shape = st.one_of(
    valid_sequence, valid_sequence, valid_sequence, valid_sequence, valid_sequence, valid_sequence,
    st.tuples(st.integers(1, 5), st.none()),  # unknown feature size: rejected
    st.tuples(st.integers(1, 5)),  # rank 2: rejected
    st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 4)),  # rank 4: rejected
)


# ---------------------------------------------------------------------------- SimpleRNN / LSTM / GRU
@settings(max_examples=sweep(60), deadline=None)
@given(cls=st.sampled_from(RECURRENT), data=st.data(), shape=sequence_shape)
def test_recurrent_layers_match_keras(real_keras, cls, data, shape):
    kwargs = data.draw(rnn_kwargs(cls))
    assert_same_layer(real_keras, cls, kwargs, shape)


@settings(max_examples=sweep(30), deadline=None)
@given(cls=st.sampled_from(RECURRENT), units=st.integers(1, 8), t=st.integers(1, 6), f=st.integers(1, 6),
       batch=st.one_of(st.none(), st.integers(1, 4)), return_state=st.booleans(),
       return_sequences=st.booleans())
def test_stateful_needs_a_batch_size(real_keras, cls, units, t, f, batch, return_state, return_sequences):
    def make(k):
        return getattr(k.layers, cls)(units, stateful=True, return_state=return_state,
                                      return_sequences=return_sequences)

    assert_same_built(real_keras, make, (t, f), batch_size=batch)


@settings(max_examples=sweep(30), deadline=None)
@given(cls=st.sampled_from(RECURRENT), units=st.integers(1, 8), t=st.one_of(st.none(), st.integers(1, 6)),
       f=st.integers(1, 6), return_state=st.booleans())
def test_initial_state_argument(real_keras, cls, units, t, f, return_state):
    states = [(units,), (units,)] if cls == "LSTM" else [(units,)]

    def make(k):
        return getattr(k.layers, cls)(units, return_state=return_state)

    assert_same_built(real_keras, make, (t, f), states=states)


def test_seed_sizes(real_keras):
    """LSTM params = 4 × ((input_dim + units) × units + units): 4 × ((8 + 16) × 16 + 16) = 1,600."""
    lstm = assert_same_layer(real_keras, "LSTM", {"units": 16}, (10, 8))
    assert lstm[3] == 1600
    gru = assert_same_layer(real_keras, "GRU", {"units": 16}, (10, 8))
    assert gru[2][2] == ("bias", (2, 48), True)
    assert_same_layer(real_keras, "GRU", {"units": 16, "reset_after": False}, (10, 8))
    assert_same_layer(real_keras, "SimpleRNN", {"units": 16}, (None, 8))


# ---------------------------------------------------------------------------- RNN(cell), stacked cells
def make_cell(k, cls, units, use_bias, extra):
    return getattr(k.layers, CELLS[cls])(units, use_bias=use_bias, **extra)


@st.composite
def cell_specs(draw):
    cls = draw(st.sampled_from(RECURRENT))
    extra = {"reset_after": draw(st.booleans())} if cls == "GRU" else {}
    return cls, draw(st.integers(1, 10)), draw(st.booleans()), extra


@settings(max_examples=sweep(40), deadline=None)
@given(specs=st.lists(cell_specs(), min_size=1, max_size=3), as_list=st.booleans(),
       return_sequences=st.booleans(), return_state=st.booleans(), go_backwards=st.booleans(),
       shape=st.one_of(st.tuples(st.one_of(st.none(), st.integers(1, 9)), st.integers(1, 9)),
                       st.tuples(st.integers(1, 5), st.integers(1, 4), st.integers(1, 4))))
def test_rnn_with_cells_matches_keras(real_keras, specs, as_list, return_sequences, return_state,
                                      go_backwards, shape):
    def make(k):
        cells = [make_cell(k, *spec) for spec in specs]
        cell = cells if as_list or len(cells) > 1 else cells[0]
        return k.layers.RNN(cell, return_sequences=return_sequences, return_state=return_state,
                            go_backwards=go_backwards)

    assert_same_built(real_keras, make, shape)


@settings(max_examples=sweep(20), deadline=None)
@given(specs=st.lists(cell_specs(), min_size=1, max_size=3), shape=st.tuples(st.integers(1, 9), st.integers(1, 9)))
def test_stacked_rnn_cells_matches_keras(real_keras, specs, shape):
    def make(k):
        return k.layers.RNN(k.layers.StackedRNNCells([make_cell(k, *spec) for spec in specs]),
                            return_state=True)

    assert_same_built(real_keras, make, shape)


# ---------------------------------------------------------------------------- Bidirectional
@settings(max_examples=sweep(40), deadline=None)
@given(cls=st.sampled_from(RECURRENT + ["RNN"]), units=st.integers(1, 12),
       merge_mode=st.sampled_from(["concat", "sum", "mul", "ave", None]),
       return_sequences=st.booleans(), return_state=st.booleans(), use_bias=st.booleans(),
       backward=st.sampled_from([None, "same", "other"]),
       shape=st.tuples(st.one_of(st.none(), st.integers(1, 9)), st.integers(1, 9)))
def test_bidirectional_matches_keras(real_keras, cls, units, merge_mode, return_sequences, return_state,
                                     use_bias, backward, shape):
    common = {"return_sequences": return_sequences, "return_state": return_state}

    def make(k):
        if cls == "RNN":
            layer = k.layers.RNN([k.layers.LSTMCell(units), k.layers.SimpleRNNCell(3)], **common)
        else:
            layer = getattr(k.layers, cls)(units, use_bias=use_bias, **common)
        kwargs = {"merge_mode": merge_mode}
        if backward == "same":
            kwargs["backward_layer"] = k.layers.GRU(units + 1, go_backwards=True, **common)
        elif backward == "other":  # differs in return_sequences: rejected
            kwargs["backward_layer"] = k.layers.LSTM(units, go_backwards=True, return_state=return_state,
                                                     return_sequences=not return_sequences)
        return k.layers.Bidirectional(layer, **kwargs)

    assert_same_built(real_keras, make, shape)


def test_bidirectional_of_a_built_layer_keeps_its_weights(real_keras):
    """Keras rebuilds the copies from the layer's build config, so they keep its input size."""
    def make(k):
        lstm = k.layers.LSTM(3)
        lstm(k.Input((5, 7)))
        return k.layers.Bidirectional(lstm)

    result = assert_same_built(real_keras, make, (5, 3))
    assert result[2][0] == ("kernel", (7, 12), True)


def test_bidirectional_rejects_what_keras_rejects(real_keras):
    for make in [
        lambda k: k.layers.Bidirectional(k.layers.Dense(3)),
        lambda k: k.layers.Bidirectional(k.layers.TimeDistributed(k.layers.Dense(3))),
        lambda k: k.layers.Bidirectional(k.layers.LSTM(3, go_backwards=True)),
        lambda k: k.layers.Bidirectional(k.layers.LSTM(3), merge_mode="max"),
        lambda k: k.layers.Bidirectional(3),
        lambda k: k.layers.Bidirectional(k.layers.LSTM(3), backward_layer=4),
        lambda k: k.layers.Bidirectional(k.layers.LSTM(3), backward_layer=k.layers.LSTM(3)),
        lambda k: k.layers.Bidirectional(k.layers.LSTM(3, stateful=True)),  # no batch size
    ]:
        assert assert_same_built(real_keras, make, (5, 3)) == ("error",)


# ---------------------------------------------------------------------------- TimeDistributed
INNER = [
    (lambda k, n: k.layers.Dense(n), lambda d: (d.draw(st.integers(1, 9)),)),
    (lambda k, n: k.layers.Dense(n, use_bias=False), lambda d: (d.draw(st.integers(1, 5)), d.draw(st.integers(1, 5)))),
    (lambda k, n: k.layers.Conv2D(n, 3), lambda d: (d.draw(st.integers(1, 9)), d.draw(st.integers(1, 9)), 2)),
    (lambda k, n: k.layers.Conv2D(n, 2, padding="same", strides=2),
     lambda d: (d.draw(st.one_of(st.none(), st.integers(1, 9))), d.draw(st.integers(1, 9)), 3)),
    (lambda k, n: k.layers.MaxPooling2D(2), lambda d: (d.draw(st.integers(1, 9)), d.draw(st.integers(1, 9)), 2)),
    (lambda k, n: k.layers.Flatten(), lambda d: (d.draw(st.integers(1, 5)), d.draw(st.integers(1, 5)))),
    (lambda k, n: k.layers.LSTM(n), lambda d: (d.draw(st.integers(1, 5)), d.draw(st.integers(1, 5)))),
]


@settings(max_examples=sweep(50), deadline=None)
@given(index=st.integers(0, len(INNER) - 1), n=st.integers(1, 8),
       t=st.one_of(st.none(), st.integers(1, 10)), data=st.data(), rank2=st.integers(0, 12))
def test_time_distributed_matches_keras(real_keras, index, n, t, data, rank2):
    make_inner, inner_shape = INNER[index]
    shape = (t,) + inner_shape(data)
    if rank2 == 0:
        shape = (t,)  # rank 2: rejected

    assert_same_built(real_keras, lambda k: k.layers.TimeDistributed(make_inner(k, n)), shape)


def test_time_distributed_rejects_a_non_layer(real_keras):
    assert assert_same_built(real_keras, lambda k: k.layers.TimeDistributed(3), (4, 3)) == ("error",)


# ---------------------------------------------------------------------------- rejections
def test_recurrent_layers_reject_what_keras_rejects(real_keras):
    for cls, kwargs, shape in [
        ("LSTM", {"units": 0}, (5, 3)),
        ("GRU", {"units": -1}, (5, 3)),
        ("SimpleRNN", {"units": None}, (5, 3)),
        ("LSTM", {"units": 2.5}, (5, 3)),
        ("GRU", {"units": 3, "use_cudnn": "yes"}, (5, 3)),
        ("LSTM", {"units": 3, "activation": "nope"}, (5, 3)),
        ("LSTM", {"units": 3, "recurrent_activation": "nope"}, (5, 3)),
        ("LSTM", {"units": 3, "foo": 1}, (5, 3)),
        ("LSTM", {"units": 3}, (5, 3, 2)),
        ("SimpleRNN", {"units": 3}, (5,)),
        ("GRU", {"units": 3}, (5, None)),
        ("LSTM", {"units": 3, "stateful": True}, (5, 3)),
        ("LSTMCell", {"units": 0}, (5,)),
        ("GRUCell", {"units": -3}, (5,)),
        ("SimpleRNNCell", {"units": 0}, (5,)),
    ]:
        assert assert_same_layer(real_keras, cls, kwargs, shape) == ("error",), (cls, kwargs)
    for make in [
        lambda k: k.layers.RNN(k.layers.Dense(3)),
        lambda k: k.layers.RNN(3),
        lambda k: k.layers.RNN([k.layers.LSTMCell(3), k.layers.Dense(3)]),
        lambda k: k.layers.StackedRNNCells([k.layers.LSTMCell(3), 4]),
    ]:
        assert assert_same_built(real_keras, make, (5, 3)) == ("error",)


# ---------------------------------------------------------------------------- summaries
def test_sequential_text_model_summary(real_keras):
    def build(keras):
        return keras.Sequential([
            keras.Input((20, 8)),
            keras.layers.Bidirectional(keras.layers.LSTM(32, return_sequences=True)),
            keras.layers.TimeDistributed(keras.layers.Dense(16, activation="relu")),
            keras.layers.GRU(16, return_sequences=True, reset_after=False),
            keras.layers.SimpleRNN(8),
            keras.layers.Dense(2),
        ])

    assert_same_summary(real_keras, build)
    assert_same_summary(real_keras, build, expand_nested=True, show_trainable=True)


def test_functional_states_and_names_summary(real_keras):
    """initial_state tensors are inputs of the node ("Connected to"); automatic names follow
    Keras' counters: the cells' names are fixed, a user's cells and StackedRNNCells count."""

    def build(keras):
        L = keras.layers
        x = keras.Input((10, 8))
        h, c = keras.Input((4,)), keras.Input((4,))
        o, s1, s2 = L.LSTM(4, return_state=True)(x, initial_state=[h, c])
        y = L.RNN([L.LSTMCell(4), L.GRUCell(3)], return_state=True)(x)
        cell_rnn = L.RNN(L.LSTMCell(5), return_sequences=True, go_backwards=True)(x)
        f, b, fs, bs = L.Bidirectional(L.GRU(4, return_state=True, return_sequences=True), merge_mode=None)(x)
        t = L.TimeDistributed(L.Dense(5))(f)
        s = L.Bidirectional(L.SimpleRNN(3), merge_mode="sum")(cell_rnn)
        frozen = L.LSTM(2, trainable=False)(b)
        again = L.LSTM(4, name="again")(x, initial_state=[s1, s2])
        return keras.Model([x, h, c], [o, s1, s2, y[0], *y[1], y[2], t, fs, bs, s, frozen, again])

    text = assert_same_summary(real_keras, build)
    assert "lstm_cell" not in text
    assert_same_summary(real_keras, build, show_trainable=True)


def test_reused_recurrent_layer_summary(real_keras):
    """A layer called twice (shared): one row, its last call's shape, weights counted once."""

    def build(keras):
        a, b = keras.Input((6, 4)), keras.Input((9, 4))
        shared = keras.layers.GRU(5, return_sequences=True)
        dense = keras.layers.TimeDistributed(keras.layers.Dense(1))
        return keras.Model([a, b], [dense(shared(a)), dense(shared(b))])

    assert_same_summary(real_keras, build)


def test_explanations_show_gate_formulas():
    import nncalc
    import nncalc.keras as nk

    model = nk.Sequential([nk.Input((10, 8)), nk.layers.LSTM(16), nk.layers.Dense(1)])
    text = nncalc.summarize(model).explain()
    assert "4 × ((8 + 16) × 16 + 16) = 1,600" in text
    zh = nncalc.summarize(model).explain(lang="zh")
    assert "遗忘门" in zh
    gru = nk.Sequential([nk.Input((10, 8)), nk.layers.GRU(16)])
    assert "3 × ((8 + 16) × 16 + 2 × 16) = 1,248" in nncalc.summarize(gru).explain()


# ---------------------------------------------------------------------------- ConvLSTM1D/2D/3D
@st.composite
def conv_lstm_cases(draw):
    rank = draw(st.integers(1, 3))
    ints = st.integers(1, 4)
    dilation = draw(st.sampled_from([1, 1, 2]))
    kwargs = {
        "filters": draw(st.integers(1, 6)),
        "kernel_size": draw(st.one_of(st.integers(1, 3), st.tuples(*[st.integers(1, 3)] * rank))),
        "strides": draw(st.one_of(st.integers(1, 3), st.tuples(*[st.integers(1, 3)] * rank))),
        "dilation_rate": dilation,
        "padding": draw(st.sampled_from(["valid", "same", "SAME"])),
        "data_format": draw(st.sampled_from(["channels_last", "channels_first", None])),
        "use_bias": draw(st.booleans()),
        "return_sequences": draw(st.booleans()),
        "return_state": draw(st.booleans()),
    }
    size = st.integers(1, 9)
    spatial = tuple(draw(st.one_of(size, size, size, size, size, size, st.none())) for _ in range(rank))
    channels = draw(ints)
    if kwargs["data_format"] == "channels_first":
        shape = (draw(st.one_of(st.none(), ints)), channels) + spatial
    else:
        shape = (draw(st.one_of(st.none(), ints)),) + spatial + (channels,)
    return f"ConvLSTM{rank}D", kwargs, shape


@settings(max_examples=sweep(60), deadline=None)
@given(case=conv_lstm_cases())
def test_conv_lstm_matches_keras(real_keras, case):
    cls, kwargs, shape = case
    assert_same_layer(real_keras, cls, kwargs, shape)


def test_conv_lstm_rejects_what_keras_rejects(real_keras):
    for cls, kwargs, shape in [
        ("ConvLSTM2D", {"filters": 2, "kernel_size": 5}, (3, 4, 4, 1)),  # kernel larger than input
        ("ConvLSTM2D", {"filters": 2, "kernel_size": 3}, (3, 8, 8)),  # rank too low
        ("ConvLSTM1D", {"filters": 2, "kernel_size": 3}, (3, 8, None)),  # channels unknown
        ("ConvLSTM2D", {"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, (3, 8, 8, 1)),
        ("ConvLSTM2D", {"filters": 2, "kernel_size": 3, "padding": "causal"}, (3, 8, 8, 1)),
        ("ConvLSTM3D", {"filters": 2, "kernel_size": (3, 3)}, (3, 8, 8, 8, 1)),
        ("ConvLSTM2D", {"filters": 2, "kernel_size": 0}, (3, 8, 8, 1)),
        ("ConvLSTM2D", {"filters": 2, "kernel_size": 3, "stateful": True}, (3, 8, 8, 1)),
    ]:
        assert assert_same_layer(real_keras, cls, kwargs, shape) == ("error",), (cls, kwargs)


def test_conv_lstm_summary(real_keras):
    def build(keras):
        return keras.Sequential([
            keras.Input((5, 16, 16, 1)),
            keras.layers.ConvLSTM2D(8, 3, padding="same", return_sequences=True),
            keras.layers.Bidirectional(keras.layers.ConvLSTM2D(4, 3, strides=2, return_sequences=True)),
            keras.layers.TimeDistributed(keras.layers.Flatten()),
            keras.layers.LSTM(6),
        ])

    assert_same_summary(real_keras, build)


def test_cells_called_on_their_own_summary(real_keras):
    """``cell(x_t, states)`` is one time step: the output, then the new states."""

    def build(keras):
        L = keras.layers
        x, h, c = keras.Input((3,)), keras.Input((4,)), keras.Input((4,))
        out, (h1, c1) = L.LSTMCell(4)(x, [h, c])
        g, g_state = L.GRUCell(4, reset_after=False)(x, h)
        s, s_states = L.SimpleRNNCell(4)(x, [h])
        return keras.Model([x, h, c], [out, h1, c1, g, g_state, s, *s_states])

    assert_same_summary(real_keras, build)


def test_saved_config_round_trip(real_keras):
    """A Keras model's JSON (nested cell / layer / backward_layer configs) loads with the same summary."""
    import nncalc.keras as nk

    L = real_keras.layers
    x, h, c = real_keras.Input((10, 8)), real_keras.Input((4,)), real_keras.Input((4,))
    o = L.LSTM(4, return_sequences=True)(x, initial_state=[h, c])
    b = L.Bidirectional(L.GRU(3, return_sequences=True),
                        backward_layer=L.GRU(3, go_backwards=True, return_sequences=True))(o)
    t = L.TimeDistributed(L.Dense(2))(b)
    r = L.RNN([L.LSTMCell(3), L.SimpleRNNCell(2)])(t)
    model = real_keras.Model([x, h, c], r)
    expected, actual = [], []
    model.summary(print_fn=expected.append)
    nk.models.model_from_json(model.to_json()).summary(print_fn=actual.append)
    assert "".join(actual) == "".join(expected)


@settings(max_examples=sweep(20), deadline=None)
@given(filters=st.integers(1, 5), kernel=st.integers(1, 3), t=st.integers(1, 4),
       spatial=st.tuples(st.integers(3, 6), st.integers(3, 6), st.integers(3, 6)), channels=st.integers(1, 3),
       padding=st.sampled_from(["valid", "same"]), strides=st.sampled_from([1, 2]),
       return_sequences=st.booleans(), return_state=st.booleans())
def test_conv_lstm3d_channels_last_matches_keras(real_keras, filters, kernel, t, spatial, channels, padding, strides,
                                                 return_sequences, return_state):
    """ConvLSTM3D where Keras' CPU kernels run it (channels_last), which the general sweep reaches rarely."""
    kwargs = {"filters": filters, "kernel_size": kernel, "padding": padding, "strides": strides,
              "return_sequences": return_sequences, "return_state": return_state}
    assert_same_layer(real_keras, "ConvLSTM3D", kwargs, (t,) + spatial + (channels,))
