# keras.applications backbones in user models (weights=None: nothing is downloaded): the
# transfer-learning recipe with a frozen backbone and its preprocess_input in the graph, a
# backbone fed an input_tensor, and a model built on a backbone's intermediate output.
import keras
from keras import layers
from keras.applications import EfficientNetB0, ResNet50
from keras.applications.resnet50 import preprocess_input

inputs = keras.Input(shape=(64, 64, 3))
x = preprocess_input(inputs)
base = ResNet50(include_top=False, weights=None, input_shape=(64, 64, 3), pooling="avg")
base.trainable = False
x = base(x, training=False)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(5, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="resnet_transfer")
model.summary()
model.summary(show_trainable=True)

images = keras.Input(shape=(48, 48, 3))
scaled = layers.Rescaling(1.0 / 255)(images)
backbone = keras.applications.VGG16(include_top=False, weights=None, input_tensor=scaled)
features = backbone.get_layer("block4_pool").output
head = layers.GlobalAveragePooling2D()(features)
vgg_head = keras.Model(backbone.input, layers.Dense(3)(head), name="vgg_head")
vgg_head.summary()

effnet = EfficientNetB0(include_top=False, weights=None, input_shape=(32, 32, 3), pooling="max")
classifier = keras.Sequential([keras.Input(shape=(32, 32, 3)), effnet, layers.Dense(2)], name="effnet_clf")
classifier.summary()
classifier.summary(expand_nested=True)
