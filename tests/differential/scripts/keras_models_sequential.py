# `from keras.models import Sequential`; a CNN built with .add() and input_shape.
from keras.models import Sequential
from keras.layers import Conv2D, MaxPooling2D, Flatten, Dense, Dropout, Activation

model = Sequential()
model.add(Conv2D(32, (3, 3), padding="same", input_shape=(32, 32, 3)))
model.add(Activation("relu"))
model.add(Conv2D(32, (3, 3)))
model.add(Activation("relu"))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Conv2D(64, (3, 3), padding="same", use_bias=False))
model.add(MaxPooling2D(pool_size=(2, 2), strides=1, padding="same"))
model.add(Flatten())
model.add(Dense(512))
model.add(Dense(10, activation="softmax"))
model.summary(show_trainable=True)
