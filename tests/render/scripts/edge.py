# Keras 3 only: an unbuilt model, a nested model with two outputs, and names
# with characters Markdown and HTML treat specially.
import keras

lazy = keras.Sequential([keras.layers.Dense(4, name="d1"), keras.layers.Dense(2, name="d2")], name="lazy")
lazy.summary()

inp = keras.Input(shape=(4,), name="two_in")
two = keras.Model(inp, [keras.layers.Dense(3, name="head_a")(inp),
                        keras.layers.Dense(5, name="head_b")(inp)], name="two_heads")
x = keras.Input(shape=(4,), name="x")
a, b = two(x)
odd = keras.layers.Dense(1, name="pipe|and<tag>&amp;*_x_*")
model = keras.Model(x, [odd(a), b], name="odd <names> | & co")
model.summary()
model.summary(expand_nested=True)
