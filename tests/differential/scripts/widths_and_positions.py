# line_length and positions, including tables wider than a piped console (80).
import keras
from keras import layers

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(8, 3, activation="relu", name="a_rather_long_convolution_layer_name")(inputs)
x = layers.Flatten()(x)
outputs = layers.Dense(10)(x)
long_name = "a_model_with_a_name_long_enough_to_matter_when_the_console_is_narrow"
model = keras.Model(inputs, outputs, name=long_name)
model.summary(line_length=40)
model.summary(line_length=120)
model.summary(positions=[0.2, 0.5, 1.0])
model.summary(positions=[0.4, 0.6, 0.9], show_trainable=True)

a = keras.Input((4,))
b = keras.Input((4,))
two = keras.Model([a, b], [layers.Dense(1)(a), layers.Dense(1)(b)])
two.summary(line_length=90, positions=[0.25, 0.5, 0.65, 1.0])
two.summary(line_length=200)
