# A small Vision Transformer written with keras.ops on functional tensors, as real scripts do:
# patches by ops.image.extract_patches, a sinusoidal position encoding computed from
# ops.arange (concrete values: no rows), attention with ops.matmul / ops.softmax, the
# first token by x[:, 0] and mean pooling by ops.mean(x, axis=1).
import keras
from keras import layers, ops

image_size, patch, dim, heads = 32, 8, 32, 4
num_patches = (image_size // patch) ** 2

positions = ops.cast(ops.arange(num_patches), "float32")[:, None]
rates = ops.power(10000.0, ops.cast(ops.arange(0, dim, 2), "float32") / dim)
angles = positions / rates
position_encoding = ops.concatenate([ops.sin(angles), ops.cos(angles)], axis=-1)

images = keras.Input((image_size, image_size, 3))
x = ops.image.extract_patches(images, patch)
x = ops.reshape(x, (-1, num_patches, patch * patch * 3))
x = layers.Dense(dim)(x) + position_encoding

for _ in range(2):
    h = layers.LayerNormalization(epsilon=1e-6)(x)
    q = ops.reshape(layers.Dense(dim)(h), (-1, num_patches, heads, dim // heads))
    k = ops.reshape(layers.Dense(dim)(h), (-1, num_patches, heads, dim // heads))
    v = ops.reshape(layers.Dense(dim)(h), (-1, num_patches, heads, dim // heads))
    q, k, v = (ops.transpose(t, (0, 2, 1, 3)) for t in (q, k, v))
    scores = ops.matmul(q, ops.transpose(k, (0, 1, 3, 2))) / ops.sqrt(float(dim // heads))
    weights = ops.softmax(scores, axis=-1)
    attended = ops.transpose(ops.matmul(weights, v), (0, 2, 1, 3))
    x = x + layers.Dense(dim)(ops.reshape(attended, (-1, num_patches, dim)))
    h = layers.LayerNormalization(epsilon=1e-6)(x)
    x = x + layers.Dense(dim)(ops.gelu(layers.Dense(2 * dim)(h)))

first = x[:, 0]
pooled = ops.mean(x, axis=1)
logits = layers.Dense(10)(ops.concatenate([first, pooled], axis=-1))
model = keras.Model(images, logits, name="vit_ops")
model.summary()
