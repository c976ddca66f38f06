# A user's wrapper: keras.layers.Wrapper subclassed with a call() (and arithmetic on its weights).
import keras
from keras import layers


class Doubled(layers.Wrapper):
    def call(self, inputs):
        return self.layer(inputs) * 2.0


class ResidualWrapper(layers.Wrapper):
    def __init__(self, layer, scale=0.5, **kwargs):
        super().__init__(layer, **kwargs)
        self.scale = scale

    def build(self, input_shape):
        super().build(input_shape)
        self.gate = self.add_weight(shape=(input_shape[-1],), initializer="zeros", name="gate")

    def call(self, inputs):
        return inputs + self.scale * self.gate * self.layer(inputs)


inputs = keras.Input((10, 16))
x = Doubled(layers.Dense(16))(inputs)
x = ResidualWrapper(layers.Dense(16, use_bias=False), name="res")(x)
frozen = layers.Dense(16)
frozen.trainable = False
x = ResidualWrapper(frozen)(x)
model = keras.Model(inputs, x)
model.summary()
model.summary(show_trainable=True)
print(len(model.weights), model.count_params())
w = layers.Wrapper(layers.Dense(3))
w.build((None, 5))
print(w.count_params(), [tuple(v.shape) for v in w.weights])
