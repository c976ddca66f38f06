"""Functional models built with ``keras.ops`` and tensor operators: the same summary text as
real Keras (rows ``add (Add)``, ``get_item (GetItem)``..., names, shapes, order), byte for byte."""

from __future__ import annotations

import pytest

from tests.helpers import assert_same_summary


def operators(keras):
    x = keras.Input((5, 8))
    i = keras.Input((3,), dtype="int32")
    y = -abs((x + 1) * x)
    outs = [y[:, 0], y[..., None, 2:], x - 2.5, 2 - x, x / 4, 1 / x, x ** 2, 2 ** x, x // 2, x % 3,
            x > 0, x <= 1.0, x != 0, (x > 0) & (x < 1), (x > 0) | (x < 1), ~(x > 0), (x > 0) ^ (x < 1),
            i + 1.5, i / 2, i * 2, i // 2, x @ keras.ops.ones((8, 3)), keras.ops.ones((2, 5)) @ x,
            round(x), x.reshape((-1, 40)), x[:, :1].squeeze(1)]
    return keras.Model([x, i], outs)


def numpy_ops(keras):
    ops = keras.ops
    x = keras.Input((6, 4))
    outs = [ops.matmul(x, ops.transpose(x, (0, 2, 1))), ops.einsum("bij,bkj->bik", x, x),
            ops.dot(x, ops.ones((4, 2))), ops.tensordot(x, ops.ones((4, 3)), axes=1),
            ops.reshape(x, (-1, 2, 12)), ops.expand_dims(x, 1), ops.squeeze(ops.expand_dims(x, -1), -1),
            ops.concatenate([x, x * 2], axis=-1), ops.stack([x, x], axis=1), *ops.split(x, 2, axis=1),
            ops.tile(x, (1, 2, 1)), ops.repeat(x, 3, axis=2), ops.take(x, [0, 2], axis=1),
            ops.take_along_axis(x, ops.cast(ops.argmax(x, axis=1, keepdims=True), "int32"), axis=1),
            ops.where(x > 0, x, 0.0), ops.mean(x, axis=1), ops.sum(x, axis=(1, 2), keepdims=True),
            ops.max(x, axis=-1), ops.min(x), ops.prod(x, axis=1), ops.sqrt(x), ops.exp(x), ops.log(x),
            ops.square(x), ops.absolute(x), ops.maximum(x, 0.0), ops.clip(x, 0.0, 1.0),
            ops.zeros_like(x), ops.ones_like(x), ops.add(x, ops.arange(4)), ops.multiply(x, ops.full((4,), 2.0))]
    return keras.Model(x, outs)


def nn_ops(keras):
    ops = keras.ops
    x = keras.Input((10, 16))
    t = keras.Input((10,), dtype="int32")
    outs = [ops.softmax(x, axis=-1), ops.log_softmax(x), ops.relu(x), ops.relu6(x), ops.sigmoid(x), ops.gelu(x),
            ops.gelu(x, approximate=False), ops.silu(x), ops.swish(x), ops.leaky_relu(x, 0.1), ops.elu(x),
            ops.selu(x), ops.softplus(x), ops.softsign(x), ops.hard_sigmoid(x), ops.tanh(x),
            ops.one_hot(t, 7), *ops.top_k(x, 3), ops.cast(t, "float32"), ops.convert_to_tensor(x),
            ops.nn.relu(x), ops.numpy.add(x, 1)]
    return keras.Model([x, t], outs)


def with_layers(keras):
    ops, layers = keras.ops, keras.layers
    images = keras.Input((32, 32, 3))
    patches = ops.image.extract_patches(images, 8)
    tokens = layers.Dense(24)(ops.reshape(patches, (-1, 16, 8 * 8 * 3)))
    cls = ops.mean(tokens, axis=1, keepdims=True)
    seq = ops.concatenate([cls, tokens], axis=1)
    q, k, v = layers.Dense(24)(seq), layers.Dense(24)(seq), layers.Dense(24)(seq)
    scores = ops.matmul(q, ops.transpose(k, (0, 2, 1))) / ops.sqrt(24.0)
    att = ops.matmul(ops.softmax(scores, axis=-1), v)
    out = layers.LayerNormalization()(seq + att)
    small = ops.image.resize(images, (16, 16))
    return keras.Model(images, [layers.Dense(10)(out[:, 0]), small])


BUILDS = [operators, numpy_ops, nn_ops, with_layers]


@pytest.mark.parametrize("build", BUILDS, ids=[b.__name__ for b in BUILDS])
def test_same_summary_as_keras(real_keras, build):
    assert_same_summary(real_keras, build, line_length=150)


def rejected_broadcast(keras):
    x = keras.Input((5, 8))
    return keras.Model(x, x + keras.Input((5, 7)))


def rejected_reshape(keras):
    x = keras.Input((5, 8))
    return keras.Model(x, keras.ops.reshape(x[0], (7, 3)))  # 40 elements cannot become 21


def rejected_index(keras):
    x = keras.Input((5, 8))
    return keras.Model(x, x[:, 5])


@pytest.mark.parametrize("build", [rejected_broadcast, rejected_reshape, rejected_index])
def test_rejected_like_keras(real_keras, build):
    assert assert_same_summary(real_keras, build) is None  # both reject


def layers_on_constants(keras):
    """Layers called on concrete values: at top level Keras runs them eagerly (no row, their
    weights not the model's); inside a traced ``call()`` they build and count towards the owner,
    also on a numpy array."""
    import numpy as np

    ops, layers = keras.ops, keras.layers

    class Positions(layers.Layer):
        def __init__(self, length, dim, **kwargs):
            super().__init__(**kwargs)
            self.table = layers.Embedding(length, dim)
            self.scale = layers.Dense(dim)

        def call(self, x):
            positions = self.table(ops.arange(0, ops.shape(x)[1]))
            return x + self.scale(np.ones((1, x.shape[-1]), dtype="float32")) + positions

    tokens = keras.Input((12,), dtype="int32")
    x = layers.Embedding(100, 8)(tokens)
    x = Positions(12, 8)(x)
    eager = layers.Dense(8)(ops.ones((12, 4)))  # no row, not counted
    y = layers.Dense(3)(x - eager)
    return keras.Model(tokens, y)


def test_layers_on_constants(real_keras):
    assert assert_same_summary(real_keras, layers_on_constants, line_length=150) is not None


def test_layer_on_constant_gives_constant():
    import nncalc.keras as nk
    from nncalc.ops.base import Constant

    layer = nk.layers.Embedding(100, 32)
    out = layer(nk.ops.arange(0, 50))
    assert isinstance(out, Constant) and out.shape == (50, 32) and layer.built and layer.count_params() == 3200
    assert not layer._inbound_nodes  # no node: it is no row of any model
