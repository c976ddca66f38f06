# The tutorial's convolutional network, written exactly as the tutorial writes it.
from tensorflow import keras

model = keras.Sequential()
model.add(
    keras.layers.Conv2D(
        filters=512,
        kernel_size=(5, 5),
        strides=(1, 1),
        padding='same',
        activation='relu',
        input_shape=(128, 128, 3),
        name="Conv_1"))
model.add(keras.layers.MaxPool2D(pool_size=(3, 3), strides=(2, 2), name="Pool_1"))
model.add(
    keras.layers.Conv2D(
        filters=256,
        kernel_size=(3, 3),
        strides=(2, 2),
        padding='valid',
        activation='relu',
        name="Conv_2"))
model.add(keras.layers.MaxPool2D(pool_size=(3, 3), strides=(2, 2), name="Pool_2"))
model.add(keras.layers.Flatten())
model.add(keras.layers.Dense(units=128, activation="relu", name="Dense_1"))
model.add(keras.layers.Dense(units=10, activation="softmax", name="Dense_2"))
model.summary()
