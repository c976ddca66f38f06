# trainable=False three ways, shown with show_trainable (Y / N / -).
import keras
from keras import layers

base = keras.Sequential(
    [keras.Input(shape=(20,)), layers.Dense(32), layers.Dense(16, trainable=False)],
    name="base",
)
base.layers[0].trainable = False

inputs = keras.Input(shape=(20,))
x = base(inputs)
x = layers.Dropout(0.5)(x)
head = layers.Dense(4)
outputs = head(x)
model = keras.Model(inputs, outputs)
model.summary(show_trainable=True)
model.summary(show_trainable=True, expand_nested=True)

base.trainable = False
model.summary(show_trainable=True, expand_nested=True)

model.trainable = False
head.trainable = True  # the layer says Y, yet the model counts nothing trainable
model.summary(show_trainable=True)
