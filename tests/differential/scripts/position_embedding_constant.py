# Layers called on constants (keras.ops results on concrete values). Inside a traced call()
# (the TokenAndPositionEmbedding layer of the Keras examples) the position Embedding runs on
# ops.arange and its weights count towards the custom layer; at top level Keras runs the
# layer eagerly: it is built (its name used up) but is no row, and its weights are not the
# model's; `token_emb + positions` is an Add of a symbolic tensor and a concrete one.
import keras
from keras import layers, ops


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(start=0, stop=maxlen, step=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


maxlen, vocab_size, embed_dim = 40, 2000, 32
inputs = keras.Input(shape=(maxlen,))
x = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)(inputs)
x = layers.GlobalAveragePooling1D()(x)
x = layers.Dropout(0.1)(x)
outputs = layers.Dense(2, activation="softmax")(x)
keras.Model(inputs=inputs, outputs=outputs, name="transformer_classifier").summary()

# any length: ops.shape(x)[-1] is unknown while Keras traces call(), so is the arange
ragged = keras.Input(shape=(None,), dtype="int32")
y = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)(ragged)
keras.Model(ragged, layers.Dense(3)(y), name="any_length").summary()

tokens = keras.Input((50,), dtype="int32")
token_emb = layers.Embedding(1000, 32)(tokens)
position_layer = layers.Embedding(100, 32)
positions = position_layer(ops.arange(0, 50))
print(tuple(positions.shape), position_layer.built, len(position_layer.weights), position_layer.count_params())
scale = layers.Dense(32, use_bias=False)(ops.ones((1, 32)))
y = token_emb + positions
y = y * scale
y = layers.Dense(4)(y)
model = keras.Model(tokens, y, name="top_level_positions")
model.summary()
print([layer.name for layer in model.layers], model.count_params())
