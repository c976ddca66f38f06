# Cells longer than their column wrap; line_length and positions (fractions or
# absolute) change the columns; print_fn receives one line per call.
from tensorflow import keras

inputs = [keras.Input(shape=(4,), name=f"input_number_{i}") for i in range(4)]
shared = keras.layers.Dense(2, name="a_shared_layer_with_a_really_long_name")
outputs = [shared(x) for x in inputs]
model = keras.Model(inputs, outputs, name="wrapping")
model.summary()
model.summary(line_length=120)
model.summary(line_length=80, positions=[30, 55, 65, 80])

mlp = keras.Sequential([keras.Input(shape=(28, 28, 3), name="image"),
                        keras.layers.Conv2D(64, 3, name="a_convolution_with_a_long_name"),
                        keras.layers.Flatten(name="flatten"),
                        keras.layers.Dense(10, name="logits")], name="conv_wrap")
mlp.summary(line_length=50)
mlp.summary(positions=[0.5, 0.8, 1.0])
captured = []
mlp.summary(print_fn=captured.append)
print(len(captured), "lines captured")
print("\n".join(captured))
