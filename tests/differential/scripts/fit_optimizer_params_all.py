# Every optimizer's state variables ("Optimizer params" after fit) on weights of rank 1 to 4.
import numpy as np
import keras
from keras import layers

x, y = np.zeros((2, 6, 6, 2), "float32"), np.zeros((2, 3), "float32")
for optimizer in ["adafactor", "adamw", "adamax", "adadelta", "ftrl", "rmsprop",
                  keras.optimizers.RMSprop(momentum=0.5), keras.optimizers.Adafactor()]:
    model = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(4, 3), layers.BatchNormalization(),
                              layers.Flatten(), layers.Dense(3)])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    model.summary()
