"""Write the fuzzer's seed model configs with REAL Keras (run once; the JSON files are kept).

    python tests/fuzz/make_seeds.py

Each seed is ``model.to_json()`` (what a ``.keras`` archive holds as ``config.json``) of a small model covering a family of layers; the config
fuzzer mutates these. Regenerate after a Keras upgrade.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

OUT = Path(__file__).resolve().parent / "seeds"


def models(keras):
    L = keras.layers
    yield "cnn", keras.Sequential([
        keras.Input((28, 28, 1)), L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(16, 3, padding="same", strides=2), L.BatchNormalization(), L.Flatten(),
        L.Dropout(0.5), L.Dense(10, activation="softmax")], name="cnn")
    a, b = keras.Input((16,), name="a"), keras.Input((16,), name="b")
    x = L.Add()([L.Dense(8)(a), L.Dense(8)(b)])
    y = L.Concatenate()([x, L.Dense(4)(b)])
    yield "merge", keras.Model([a, b], [L.Dense(1)(y), L.Multiply()([x, x])], name="merge")
    s = keras.Input((12, 5))
    h = L.LSTM(6, return_sequences=True)(s)
    h = L.Bidirectional(L.GRU(4))(h)
    yield "rnn", keras.Model(s, L.RepeatVector(3)(h), name="rnn")
    t = keras.Input((10, 8))
    att = L.MultiHeadAttention(2, 4)(t, t)
    z = L.LayerNormalization()(L.Add()([t, att]))
    z = L.Reshape((5, 16))(z)
    z = L.Permute((2, 1))(z)
    yield "attention", keras.Model(t, L.GlobalAveragePooling1D()(z), name="attention")
    inner = keras.Sequential([keras.Input((6,)), L.Dense(3), L.ReLU()], name="inner")
    o = keras.Input((6,))
    yield "nested", keras.Model(o, L.Dense(2)(inner(o)), name="nested")
    e = keras.Input((20,), dtype="int32")
    emb = L.Embedding(100, 8)(e)
    c = L.Conv1D(4, 3, padding="causal")(emb)
    c = L.ZeroPadding1D(2)(c)
    c = L.Cropping1D(1)(c)
    c = L.UpSampling1D(2)(c)
    yield "seq1d", keras.Model(e, L.GlobalMaxPooling1D()(c), name="seq1d")
    v = keras.Input((8, 8, 8, 2))
    w = L.Conv3D(4, 2)(v)
    w = L.DepthwiseConv2D(3)(L.Reshape((7, 7, 28))(w))
    w = L.SeparableConv2D(4, 2)(w)
    w = L.Conv2DTranspose(3, 3, strides=2)(w)
    yield "conv_mix", keras.Model(v, L.AveragePooling2D(2)(w), name="conv_mix")


def main() -> None:
    import keras

    OUT.mkdir(exist_ok=True)
    for name, model in models(keras):
        (OUT / f"{name}.json").write_text(model.to_json(), encoding="utf-8")
        keras.backend.clear_session()


if __name__ == "__main__":
    main()
