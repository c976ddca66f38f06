# A subclassed model trained with fit() on arrays (nothing is trained by nncalc) and
# overriding compile/train_step; then summarized; plus a nested subclassed model.
import numpy as np
import keras
from keras import layers


class Encoder(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv = layers.Conv1D(8, 3, activation="relu")
        self.pool = layers.GlobalMaxPooling1D()

    def call(self, x):
        return self.pool(self.conv(x))


class Net(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.encoder = Encoder()
        self.head = layers.Dense(2)

    def compile(self, **kwargs):
        super().compile(**kwargs)

    def train_step(self, data):
        return super().train_step(data)

    def call(self, x, training=False):
        return self.head(self.encoder(x))


net = Net()
net.compile(optimizer="adam", loss="mse")
x = np.zeros((10, 20, 4), dtype="float32")
y = np.zeros((10, 2), dtype="float32")
out = net(x[:3])
net.summary()
net.summary(expand_nested=True)
net.fit(x, y, epochs=1, verbose=0)
net.summary()
