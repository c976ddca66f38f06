# Which automatic names do Sequential, Input and Model consume behind the scenes?
import keras
from keras import layers

s1 = keras.Sequential([layers.Dense(2, input_shape=(3,))])
s2 = keras.Sequential()
s2.add(keras.Input((3,)))
s2.add(layers.Dense(2))
s2.add(layers.Dense(2))
i = keras.Input((3,))
f = keras.Model(i, layers.Dense(1)(i))
s3 = keras.Sequential([keras.layers.InputLayer(shape=(3,)), layers.Dense(5)])
print(s1.name, s2.name, f.name, s3.name, [layer.name for layer in f.layers])
for m in (s1, s2, f, s3):
    m.summary()
