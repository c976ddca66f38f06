# show_trainable adds an 11-wide "Trainable" column (Y/N).
from tensorflow import keras

base = keras.layers.Dense(64, activation="relu", name="frozen_base")
model = keras.Sequential([keras.Input(shape=(32,), name="x"), base,
                          keras.layers.Dense(10, name="trainable_head")], name="finetune")
base.trainable = False
model.summary(show_trainable=True)

a = keras.Input(shape=(8,), name="a")
b = keras.Input(shape=(8,), name="b")
shared = keras.layers.Dense(4, name="shared", trainable=False)
pair = keras.Model([a, b], [shared(a), keras.layers.Dropout(0.2, name="drop")(shared(b))], name="pair")
pair.summary(show_trainable=True)
