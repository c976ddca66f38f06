# summary(print_fn=...) hands the whole rendered text to the function.
import keras

model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4), keras.layers.Dense(2)])

captured = []
model.summary(print_fn=captured.append)
print(len(captured), len(captured[0].splitlines()))
print(captured[0].upper(), end="")

model.summary(print_fn=print)  # print adds one more newline
model.summary(print_fn=lambda text: print(text.replace(" ", "."), end=""))
print("done")
