"""A Keras-compatible front door: ``import nncalc.keras as keras``.

It offers the public Keras 3 names a model-definition script uses. Building a
model here creates nncalc's graph (shapes and weight descriptions only);
``summary()`` prints what Keras prints. Names nncalc does not model raise
:class:`nncalc.errors.Unsupported`, naming them, instead of guessing.
"""

from __future__ import annotations

from ..core.functional import Functional
from ..core.layer import InputSpec, Layer
from ..core.model import Model
from ..core.sequential import Sequential
from ..layers.core import Input
from . import (activations, backend, callbacks, constraints, initializers, layers, losses, metrics,
               mixed_precision, models, optimizers, regularizers, saving, utils)
from ._unsupported import unsupported_attribute

__version__ = "3.15.1"  # the Keras version whose behaviour nncalc reproduces


def __getattr__(name: str):
    if name in ("applications", "ops"):  # imported on first use: 40 model builders; ~140 ops
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    return unsupported_attribute("keras", name)


__all__ = [
    "Functional", "Input", "InputSpec", "Layer", "Model", "Sequential", "activations", "applications", "backend",
    "callbacks", "constraints", "initializers", "layers", "losses", "metrics", "mixed_precision",
    "models", "ops", "optimizers", "regularizers", "saving", "utils",
]
