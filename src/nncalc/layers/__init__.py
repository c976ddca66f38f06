"""Every layer nncalc models, by family (as in ``keras/src/layers``).

``LAYERS`` maps each public Keras name (aliases included) to its class; the
Keras-compatible front door (:mod:`nncalc.keras.layers`) exports exactly these.
"""

from __future__ import annotations

from .activations import Activation
from .convolution import Conv2D
from .core import Dense, Input, InputLayer
from .pooling import MaxPool2D, MaxPooling2D
from .regularization import Dropout
from .reshaping import Flatten

LAYERS = {
    "Activation": Activation,
    "Conv2D": Conv2D,
    "Convolution2D": Conv2D,
    "Dense": Dense,
    "Dropout": Dropout,
    "Flatten": Flatten,
    "InputLayer": InputLayer,
    "MaxPool2D": MaxPool2D,
    "MaxPooling2D": MaxPooling2D,
}

__all__ = sorted(LAYERS) + ["Input", "LAYERS"]
