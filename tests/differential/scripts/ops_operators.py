# Tensor arithmetic on functional tensors: each operator is a keras.ops row
# (add, multiply, negative, get_item, greater, cast, where...), with broadcasting,
# Python scalars, numpy constants and integer inputs promoted as Keras does.
import numpy as np
import keras
import keras.ops as K
from keras.ops import nn as knn

tokens = keras.Input((12,), dtype="int32", name="tokens")
features = keras.Input((12, 6), name="features")

scaled = features * 0.5 + 1
gate = knn.sigmoid(keras.layers.Dense(6)(features))
mixed = gate * scaled + (1 - gate) * -features
mask = K.cast(tokens > 0, "float32")[..., None]
masked = K.where(mask > 0, mixed, 0.0)
summed = K.sum(masked * mask, axis=1) / K.maximum(K.sum(mask, axis=1), 1.0)
weights = features @ np.ones((6, 3), dtype="float32")
ids = K.one_hot(tokens % 5, 5)
stats = K.concatenate([summed, K.max(weights, axis=1), K.mean(ids, axis=1)], axis=-1)
head = keras.Sequential([keras.Input((14,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
out = K.squeeze(head(stats), -1) ** 2
model = keras.Model([tokens, features], [out, K.expand_dims(tokens[:, -1] // 2, 1)])
model.summary()
model.summary(expand_nested=True, show_trainable=True)
