"""Whole models of the foundation layers: the same summary text in real Keras and nncalc."""

from tests.helpers import assert_same_summary


def test_seed_cnn_summary(real_keras):
    def build(keras):
        return keras.Sequential([
            keras.Input((128, 128, 3)),
            keras.layers.Conv2D(512, 5, padding="same", activation="relu", name="Conv_1"),
            keras.layers.MaxPool2D(3, 2, name="Pool_1"),
            keras.layers.Conv2D(256, 3, strides=2, activation="relu", name="Conv_2"),
            keras.layers.MaxPool2D(3, 2, name="Pool_2"),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu", name="Dense_1"),
            keras.layers.Dense(10, activation="softmax", name="Dense_2"),
        ])

    text = assert_same_summary(real_keras, build)
    assert "8,593,034" in text


def test_rejected_model_is_rejected(real_keras):
    def build(keras):
        inputs = keras.Input((4, 4, 1))
        return keras.Model(inputs, keras.layers.Conv2D(2, 5)(inputs))

    assert assert_same_summary(real_keras, build) is None
