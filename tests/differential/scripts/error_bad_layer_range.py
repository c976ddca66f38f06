# Keras raises: the first summary prints, the second names no layer of the model.
import keras

model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2, name="out")])
model.summary()
model.summary(layer_range=["no_such_layer", "out"])
print("not reached")
