# A ResNet block as a Layer (build creates its sublayers), with compute_output_shape,
# batch-norm statistics (non-trainable) and a frozen block.
import keras
from keras import layers


class ResBlock(layers.Layer):
    def __init__(self, filters, stride=1, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.stride = filters, stride

    def build(self, input_shape):
        self.conv1 = layers.Conv2D(self.filters, 3, strides=self.stride, padding="same", use_bias=False)
        self.bn1 = layers.BatchNormalization()
        self.conv2 = layers.Conv2D(self.filters, 3, padding="same", use_bias=False)
        self.bn2 = layers.BatchNormalization()
        self.shortcut = None
        if self.stride != 1 or input_shape[-1] != self.filters:
            self.shortcut = layers.Conv2D(self.filters, 1, strides=self.stride)
        self.conv1.build(input_shape)
        mid = self.conv1.compute_output_shape(input_shape)
        self.bn1.build(mid)
        self.conv2.build(mid)
        self.bn2.build(mid)
        if self.shortcut is not None:
            self.shortcut.build(input_shape)

    def call(self, x, training=False):
        y = keras.activations.relu(self.bn1(self.conv1(x), training=training))
        y = self.bn2(self.conv2(y), training=training)
        s = x if self.shortcut is None else self.shortcut(x)
        return keras.activations.relu(y + s)

    def compute_output_shape(self, input_shape):
        b, h, w, _ = input_shape
        return (b, None if h is None else -(-h // self.stride),
                None if w is None else -(-w // self.stride), self.filters)


inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(16, 3, padding="same")(inputs)
x = ResBlock(16)(x)
x = ResBlock(32, stride=2)(x)
frozen = ResBlock(32)
frozen.trainable = False
x = frozen(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs)
model.summary()
model.summary(show_trainable=True)
