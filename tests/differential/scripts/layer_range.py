# summary(layer_range=[start, end]) with names, regexes and a reversed range.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32,)),
    layers.Dense(64, name="hidden_1"),
    layers.Dense(64, name="hidden_2"),
    layers.Dropout(0.1),
    layers.Dense(32, name="hidden_3"),
    layers.Dense(1),
])
model.summary(layer_range=["hidden_2", "hidden_3"])
model.summary(layer_range=["hidden_.*", "dropout"])
model.summary(layer_range=["dense", "hidden_1"])

inputs = keras.Input(shape=(8,))
x = layers.Dense(4)(inputs)
outputs = layers.Dense(2)(x)
functional = keras.Model(inputs, outputs)
functional.summary(layer_range=["input_layer", "dense"], show_trainable=True)
