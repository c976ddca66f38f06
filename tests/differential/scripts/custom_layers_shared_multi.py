# Custom layers: shared (called twice), several outputs, dict outputs, build-by-run
# with nested custom layers, list compute_output_shape, a subclassed model with its own
# build() nested in a Sequential, and summaries with expand_nested.
import keras
from keras import layers, ops


class Split(layers.Layer):
    def call(self, x):
        half = x.shape[-1] // 2
        return x[..., :half], x[..., half:]


class Heads(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.a = layers.Dense(3)
        self.b = layers.Dense(5, use_bias=False)

    def call(self, x):
        return {"a": self.a(x), "b": self.b(x)}


class Inner(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units)
        self.norm = layers.BatchNormalization()

    def call(self, x, training=None):
        return self.norm(self.dense(x), training=training)


class Outer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner = [Inner(8), Inner(8)]

    def call(self, x):
        for block in self.inner:
            x = x + block(x) if x.shape[-1] == 8 else block(x)
        return x


class Pad(layers.Layer):
    def call(self, x):
        return ops.pad(x, [[0, 0], [1, 1]])

    def compute_output_shape(self, input_shape):
        return [input_shape[0], input_shape[1] + 2]


inputs = keras.Input(shape=(12,))
shared = Outer()
left, right = Split()(inputs)
y1 = shared(layers.Dense(8)(left))
y2 = shared(layers.Dense(8)(right))
heads = Heads()(layers.Concatenate()([y1, y2]))
padded = Pad()(heads["b"])
model = keras.Model(inputs, [heads["a"], padded])
model.summary()
model.summary(expand_nested=True)


class Tower(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.d1 = layers.Dense(16)
        self.d2 = layers.Dense(4)

    def build(self, input_shape):
        self.d1.build(input_shape)
        self.d2.build((None, 16))
        super().build(input_shape)

    def call(self, x):
        return self.d2(self.d1(x))


tower = Tower()
tower.build((None, 6))
tower.summary()
seq = keras.Sequential([keras.Input(shape=(6,)), tower, layers.Dense(1)])
seq.summary()
seq.summary(expand_nested=True)
