# `import keras`; a Sequential list with an Input, Dropout and Activation.
import keras

model = keras.Sequential(
    [
        keras.Input(shape=(784,)),
        keras.layers.Dense(256, activation="relu"),
        keras.layers.Dropout(0.2),
        keras.layers.Dense(64),
        keras.layers.Activation("relu"),
        keras.layers.Dense(10, activation="softmax"),
    ],
    name="mlp",
)
model.summary()
print(model.count_params())
