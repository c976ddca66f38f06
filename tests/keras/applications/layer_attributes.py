"""Layer by layer, the settings a summary does not print (epsilon, padding, strides, activation ...).

The summary shows names, classes, shapes and parameter counts; a builder could still give
a BatchNormalization the wrong epsilon or a convolution the wrong padding without changing
them (when shapes happen to agree). This compares those attributes between real Keras and
nncalc for the model ``build(keras)`` makes.
"""

from __future__ import annotations

import warnings

ATTRIBUTES = ("epsilon", "scale", "center", "use_bias", "padding", "strides", "kernel_size", "pool_size", "axis",
              "filters", "units", "depth_multiplier", "activation")


def layer_attributes(layer) -> dict:
    """The layer's class, name and each of ``ATTRIBUTES`` it has (functions by name)."""
    described = {"class": type(layer).__name__, "name": layer.name}
    for attribute in ATTRIBUTES:
        if hasattr(layer, attribute):
            value = getattr(layer, attribute)
            if callable(value):
                value = getattr(value, "__name__", repr(value))
            described[attribute] = tuple(value) if isinstance(value, list) else value
    return described


def assert_same_layer_attributes(real_keras, build):
    """Every layer of ``build(nncalc.keras)`` has the attributes of the same layer of ``build(keras)``."""
    import nncalc.keras as nk

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        real_keras.backend.clear_session()
        expected = [layer_attributes(layer) for layer in build(real_keras).layers]
        nk.backend.clear_session()
        actual = [layer_attributes(layer) for layer in build(nk).layers]
    assert len(actual) == len(expected)
    for want, got in zip(expected, actual):
        assert {key: got.get(key) for key in want} == want
