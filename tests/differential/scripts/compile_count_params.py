# compile() before summary(); count_params() of a functional model.
from tensorflow import keras
from tensorflow.keras import layers

inputs = keras.Input(shape=(64,))
x = layers.Dense(64, activation="relu")(inputs)
x = layers.Dense(64, activation="relu", use_bias=False)(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs=inputs, outputs=outputs, name="mlp")
model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
model.summary()
print("params:", model.count_params())
