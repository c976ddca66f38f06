# Two inputs through one shared Dense layer, so tf.keras adds "Connected to".
# Inputs and models are named: tf.keras 2 and Keras 3 pick different automatic names.
from tensorflow import keras

left = keras.Input(shape=(16,), name="left")
right = keras.Input(shape=(16,), name="right")
shared = keras.layers.Dense(8, activation="relu", name="shared_dense")
left_out = keras.layers.Dropout(0.5, name="left_dropout")(shared(left))
right_out = shared(right)
score = keras.layers.Dense(1, activation="sigmoid", name="score")
model = keras.Model([left, right], [score(left_out), score(right_out)], name="siamese")
model.summary()
