# Frozen layers move their weights to "Non-trainable params"; after compile and
# fit tf.keras 2 still shows no optimizer line (Keras 3 adds "Optimizer params").
import numpy as np
from tensorflow import keras

base = keras.layers.Dense(64, activation="relu", name="frozen_base")
model = keras.Sequential([keras.Input(shape=(32,), name="x"), base,
                          keras.layers.Dense(10, name="trainable_head")], name="finetune")
base.trainable = False
model.summary()
model.compile(optimizer="adam", loss="mse")
model.fit(np.zeros((4, 32)), np.zeros((4, 10)), epochs=1, verbose=0)
model.summary()
