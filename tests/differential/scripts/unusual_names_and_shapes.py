# Chinese (double-width) and markup-like names, unknown image sizes, a fixed batch size.
import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(None, None, 3)),
        layers.Conv2D(16, 3, padding="same", name="卷积层_1"),
        layers.MaxPooling2D(name="池化层_1"),
        layers.Dense(2, name="out[main]"),
    ],
    name="模型 [bold]demo",
)
model.summary()
model.summary(show_trainable=True, line_length=60)

fixed = keras.Sequential([layers.Dense(3), layers.Dense(1, name="输出")])
fixed.build((8, 16))
fixed.summary()
