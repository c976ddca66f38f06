# Masks in functional graphs: Embedding(mask_zero=True) and Masking make the mask with
# keras.ops calls (not_equal, any, logical_or, concatenate...), which become rows of the
# summary when the mask reaches a layer called on one tensor with a `mask` argument.
import keras
from keras import layers

tokens = keras.Input((20,), dtype="int32")
x = layers.Embedding(100, 8, mask_zero=True)(tokens)
x = layers.Dropout(0.1)(x)
x = layers.Dense(4)(x)
x = layers.LSTM(4, return_sequences=True)(x)
x = layers.GlobalAveragePooling1D()(x)
keras.Model(tokens, x).summary()

seq = keras.Input((12, 3))
m = layers.Masking(mask_value=-1.0)(seq)
a = layers.GRU(4, return_sequences=True)(m)
b = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode="sum")(a)
c = layers.Conv1D(2, 3)(b)  # does not support masking: the mask stops here
keras.Model(seq, [b, c]).summary()

tokens = keras.Input((10,), dtype="int32")
e1 = layers.Embedding(50, 6, mask_zero=True)(tokens)
e2 = layers.Embedding(50, 6, mask_zero=True)(tokens)
s = layers.add([e1, e2])
s = layers.SimpleRNN(5, return_sequences=True)(s)
j = layers.Concatenate()([e1, s])
out, h, cell = layers.LSTM(7, return_state=True)(j)
att = layers.Attention()([e1, e2])
att = layers.LSTM(2)(att)
keras.Model(tokens, [out, h, att]).summary()

# A nested model's call takes `mask` too (its row connects to not_equal), and drops it.
tokens = keras.Input((20,), dtype="int32")
x = layers.Embedding(100, 8, mask_zero=True)(tokens)
inner = keras.Sequential([keras.Input((20, 8)), layers.Dense(3)])
y = layers.LSTM(3)(inner(x))
i2 = keras.Input((20, 8))
f = keras.Model(i2, layers.LSTM(2, return_sequences=True)(i2))
z = layers.GRU(2)(f(x))
keras.Model(tokens, [y, z]).summary()
