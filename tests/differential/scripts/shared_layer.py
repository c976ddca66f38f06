# One Dense called on several inputs: the "Connected to" column and node indices.
import keras
from keras import layers

left = keras.Input(shape=(10,), name="left")
right = keras.Input(shape=(10,), name="right")
third = keras.Input(shape=(10,))
shared = layers.Dense(16, activation="relu")
a = shared(left)
b = shared(right)
c = shared(third)
out_a = layers.Dense(1, name="out_a")(a)
out_b = layers.Dense(1, name="out_b")(b)
out_c = layers.Dense(2)(c)

model = keras.Model(inputs=[left, right, third], outputs=[out_a, out_b, out_c])
model.summary()
model.summary(line_length=150, expand_nested=True)

# A shared Conv2D applied to two images, plus a second head on one branch.
img1 = keras.Input((12, 12, 1))
img2 = keras.Input((12, 12, 1))
conv = layers.Conv2D(4, 3)
f1 = layers.Flatten()(conv(img1))
f2 = layers.Flatten()(conv(img2))
two = keras.Model([img1, img2], [layers.Dense(1)(f1), layers.Dense(1)(f2), layers.Dense(3)(f2)])
two.summary(show_trainable=True)
