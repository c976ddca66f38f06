# `from keras import layers`; a single-path functional CNN (no "Connected to").
import keras
from keras import layers

inputs = keras.Input(shape=(28, 28, 1), name="image")
x = layers.Conv2D(32, kernel_size=(3, 3), activation="relu")(inputs)
x = layers.MaxPooling2D(pool_size=(2, 2))(x)
x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
x = layers.MaxPool2D()(x)
x = layers.Flatten()(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_convnet")
model.summary()
model.summary(line_length=100)
model.summary(line_length=60, positions=[0.5, 0.75, 1.0])
