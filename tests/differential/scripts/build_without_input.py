# A Sequential without an Input: unbuilt summary, then model.build((None, 16)).
import keras
from keras import layers

model = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(10)])
model.summary()
model.build((None, 16))
model.summary()
print(model.count_params())

added = keras.Sequential()
added.add(layers.Dense(8))
added.add(layers.Dense(4))
added.build((None, 3, 5))
added.summary(show_trainable=True)
