# A custom attention block with sublayers (attributes, a list and a dict), and a
# Transformer encoder layer subclass, nested, in a functional model.
import keras
from keras import layers, ops


class SelfAttention(layers.Layer):
    def __init__(self, dim, heads=4, **kwargs):
        super().__init__(**kwargs)
        self.dim, self.heads = dim, heads
        self.qkv = [layers.Dense(dim, name=None) for _ in range(3)]
        self.out = {"proj": layers.Dense(dim)}

    def call(self, x, mask=None):
        q, k, v = (d(x) for d in self.qkv)
        batch_dims = x.shape[1]
        head_dim = self.dim // self.heads
        q = ops.reshape(q, (-1, batch_dims, self.heads, head_dim))
        k = ops.reshape(k, (-1, batch_dims, self.heads, head_dim))
        v = ops.reshape(v, (-1, batch_dims, self.heads, head_dim))
        scores = ops.einsum("bqhd,bkhd->bhqk", q, k) / (head_dim ** 0.5)
        weights = ops.softmax(scores, axis=-1)
        out = ops.einsum("bhqk,bkhd->bqhd", weights, v)
        out = ops.reshape(out, (-1, batch_dims, self.dim))
        return self.out["proj"](out)


class TransformerEncoder(layers.Layer):
    def __init__(self, dim, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.att = SelfAttention(dim)
        self.mha = layers.MultiHeadAttention(num_heads=2, key_dim=dim // 2)
        self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="gelu"), layers.Dense(dim)])
        self.norm1 = layers.LayerNormalization(epsilon=1e-6)
        self.norm2 = layers.LayerNormalization(epsilon=1e-6)
        self.norm3 = layers.LayerNormalization(epsilon=1e-6)
        self.drop = layers.Dropout(rate)

    def call(self, inputs, training=None):
        x = self.norm1(inputs + self.att(inputs))
        x = self.norm2(x + self.mha(x, x, training=training))
        if x.shape[-1] is not None and x.shape[-1] % 2 == 0:  # control flow on static shapes
            x = self.drop(x, training=training)
        return self.norm3(x + self.ffn(x))

    def get_config(self):
        return {**super().get_config(), "dim": 32}


inputs = keras.Input(shape=(20, 32))
x = TransformerEncoder(32, 64)(inputs)
x = TransformerEncoder(32, 48, name="encoder_2")(x)
x = layers.GlobalAveragePooling1D()(x)
outputs = layers.Dense(5, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.summary()
model.summary(expand_nested=True)
