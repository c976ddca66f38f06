# Subclassed models: built with build((None, 32)), called on arrays, never built.
import numpy as np
import keras
from keras import layers


class MLP(keras.Model):
    def __init__(self, hidden=64, classes=10, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(hidden, activation="relu")
        self.blocks = []
        for i in range(2):
            self.blocks.append(layers.Dense(hidden, name=f"block_{i}"))
        self.drop = layers.Dropout(0.2)
        self.head = layers.Dense(classes)

    def call(self, x, training=False):
        x = self.hidden(x)
        for block in self.blocks:
            x = block(x)
        return self.head(self.drop(x, training=training))

    def train_step(self, data):
        return super().train_step(data)


model = MLP()
model.summary()  # never built
model.build((None, 32))
model.summary()

eager = MLP(hidden=16, classes=3, name="eager_mlp")
out = eager(np.zeros((8, 20), dtype="float32"))
eager.summary()
eager.compile(optimizer="adam", loss="mse")
eager.summary()
