# Models used as layers, two levels deep; summaries with and without expand_nested.
import keras
from keras import layers

encoder = keras.Sequential(
    [keras.Input(shape=(16,)), layers.Dense(32, activation="relu"), layers.Dense(8)],
    name="encoder",
)
head_in = keras.Input(shape=(8,))
head_out = layers.Dense(3, activation="softmax")(layers.Dropout(0.1)(head_in))
head = keras.Model(head_in, head_out)  # automatic name: functional_*

inner = keras.Sequential([encoder, layers.Activation("tanh")])  # nested twice
inputs = keras.Input(shape=(16,))
outputs = head(inner(inputs))
model = keras.Model(inputs, outputs)

model.summary()
model.summary(expand_nested=True)
model.summary(expand_nested=True, show_trainable=True)

outer = keras.Sequential([keras.Input(shape=(16,)), encoder, layers.Dense(2)])
outer.summary(expand_nested=True)
encoder.summary()
