# A custom layer with add_weight scale/bias (one frozen), used in a functional model.
import keras
from keras import layers, ops


class ScaleBias(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")
        self.bias = self.add_weight(shape=(input_shape[-1],), initializer="zeros",
                                    trainable=False, name="bias")

    def call(self, inputs):
        return inputs * self.scale + self.bias

    def get_config(self):
        return super().get_config()


class PairwiseSum(layers.Layer):
    """No build: weightless, output from call()."""

    def call(self, inputs, training=None, mask=None):
        a, b = inputs
        return ops.concatenate([a + b, a - b], axis=-1)


inputs = keras.Input(shape=(10, 16))
x = ScaleBias()(inputs)
y = ScaleBias(name="second_scale")(x)
z = PairwiseSum()([x, y])
z = layers.Dense(4)(z)
s = inputs[:, 0] + 1.0  # an op on a functional tensor, after ops used inside layers
model = keras.Model(inputs, [z, s])
model.summary()
model.summary(show_trainable=True)
