# After the first fit, Keras adds an "Optimizer params" line: 2 scalars + slots per trainable weight.
import numpy as np
import keras
from keras import layers

x, y = np.zeros((8, 6), "float32"), np.zeros((8, 1), "float32")
for optimizer in ["adam", keras.optimizers.SGD(momentum=0.9), "sgd", keras.optimizers.RMSprop(centered=True),
                  keras.optimizers.Nadam(), keras.optimizers.Adam(amsgrad=True), "adagrad", "lion"]:
    model = keras.Sequential([keras.Input((6,)), layers.Dense(5), layers.Dense(1, trainable=False)])
    model.compile(optimizer=optimizer, loss="mse")
    model.summary()
    model.fit(x, y, epochs=1, verbose=0)
    model.summary()
