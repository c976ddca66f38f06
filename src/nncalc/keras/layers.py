"""``keras.layers``: the layers (and functions like ``add``) nncalc models (:data:`nncalc.layers.EXPORTS`)."""

from __future__ import annotations

from ..core.layer import InputSpec, Layer
from ..layers import EXPORTS
from ._unsupported import unsupported_attribute

globals().update(EXPORTS)


def __getattr__(name: str):
    return unsupported_attribute("keras.layers", name)


__all__ = sorted(EXPORTS) + ["InputSpec", "Layer"]
