# `from tensorflow.keras import layers`; two inputs, three outputs (list).
from tensorflow import keras
from tensorflow.keras import layers

image = keras.Input(shape=(32, 32, 3), name="image")
meta = keras.Input(shape=(12,), name="meta")

x = layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(image)
x = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(32, (3, 3), dilation_rate=2)(x)
x = layers.Flatten()(x)
class_out = layers.Dense(5, activation="softmax", name="class")(x)
box_out = layers.Dense(4, name="box")(x)

y = layers.Dense(32, activation="relu")(meta)
y = layers.Dropout(0.3)(y)
score_out = layers.Dense(1, activation="sigmoid")(y)

model = keras.Model(inputs=[image, meta], outputs=[class_out, box_out, score_out])
model.summary()
model.summary(show_trainable=True)
