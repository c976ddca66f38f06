# Models used as layers, two levels deep, with and without expand_nested.
from tensorflow import keras

encoder = keras.Sequential(
    [keras.Input(shape=(16,), name="encoder_input"),
     keras.layers.Dense(32, activation="relu", name="encoder_hidden"),
     keras.layers.Dense(8, name="encoder_code")],
    name="encoder",
)
head_in = keras.Input(shape=(8,), name="head_input")
head_out = keras.layers.Dense(3, activation="softmax", name="head_dense")(
    keras.layers.Dropout(0.1, name="head_dropout")(head_in))
head = keras.Model(head_in, head_out, name="head")

inner = keras.Sequential([encoder, keras.layers.Activation("tanh", name="squash")], name="inner")
inputs = keras.Input(shape=(16,), name="features")
model = keras.Model(inputs, head(inner(inputs)), name="classifier")

model.summary()
model.summary(expand_nested=True)

outer = keras.Sequential([keras.Input(shape=(16,), name="outer_input"), encoder,
                          keras.layers.Dense(2, name="outer_dense")], name="outer")
outer.summary(expand_nested=True)
encoder.summary()
