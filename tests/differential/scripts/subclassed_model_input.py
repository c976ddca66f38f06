# A subclassed model with a custom layer inside, called on keras.Input, then used
# inside a functional model; and a functional subclass.
import keras
from keras import layers, ops


class Gate(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], input_shape[-1]), name="w")

    def call(self, x):
        return x * ops.sigmoid(ops.matmul(x, self.w))


class Classifier(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embed = layers.Dense(24)
        self.gate = Gate()
        self.out = layers.Dense(3, activation="softmax")

    def call(self, inputs):
        return self.out(self.gate(self.embed(inputs)))


clf = Classifier()
inputs = keras.Input(shape=(12,))
outputs = clf(inputs)
clf.summary()
wrapper = keras.Model(inputs, outputs)
wrapper.summary()


class FunctionalSub(keras.Model):
    def __init__(self, units=8, **kwargs):
        inputs = keras.Input(shape=(4,))
        outputs = layers.Dense(units)(inputs)
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)

    def compile(self, *args, **kwargs):
        super().compile(*args, **kwargs)


fs = FunctionalSub()
fs.compile(optimizer="sgd", loss="mse")
fs.summary()
