"""Every layer nncalc models, one module per family (as in ``keras/src/layers``).

Each family module lists what it adds to ``keras.layers`` in its ``EXPORTS``
dict (public name -> class, alias or function such as ``add``). ``EXPORTS``
here merges them; ``LAYERS`` keeps the classes. Adding a layer touches one file:
its family module.
"""

from __future__ import annotations

from importlib import import_module

FAMILIES = (
    "core", "activations", "convolution", "pooling", "normalization", "regularization",
    "reshaping", "merging", "attention", "recurrent", "preprocessing", "bridges",
)

EXPORTS: dict = {}
for _family in FAMILIES:
    EXPORTS.update(import_module(f".{_family}", __name__).EXPORTS)

LAYERS = {name: value for name, value in EXPORTS.items() if isinstance(value, type)}
FUNCTIONS = {name: value for name, value in EXPORTS.items() if not isinstance(value, type)}

__all__ = ["EXPORTS", "FAMILIES", "FUNCTIONS", "LAYERS"]
