"""``keras.layers``: the layer classes nncalc models (see :data:`nncalc.layers.LAYERS`)."""

from __future__ import annotations

from ..core.layer import InputSpec, Layer
from ..layers import LAYERS
from ..layers.core import Input
from ._unsupported import unsupported_attribute

globals().update(LAYERS)


def __getattr__(name: str):
    return unsupported_attribute("keras.layers", name)


__all__ = sorted(LAYERS) + ["Input", "InputSpec", "Layer"]
