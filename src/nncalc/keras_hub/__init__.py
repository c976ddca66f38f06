"""Stands in for ``keras_hub`` in user scripts: the Keras-native route to published models.

``keras_hub.models.<Family>Backbone(...)`` / ``<Family>CausalLM(backbone)`` build, with
nncalc's layers, the graph keras_hub 0.32 builds (same layers, names, shapes, weights), so
``summary()`` prints what keras_hub prints; ``from_preset("<name>")`` builds a published
architecture from its configuration, shipped with nncalc as data (weights never read).
``keras_hub.layers`` offers keras_hub's modeling layers. Imported only when a script
imports ``keras_hub``.
"""

from __future__ import annotations

import importlib

from ..keras._unsupported import unsupported_attribute

__version__ = "0.32.0"  # the keras_hub version whose behaviour nncalc reproduces


def __getattr__(name: str):
    if name in ("models", "layers"):
        return importlib.import_module(f"{__name__}.{name}")
    return unsupported_attribute("keras_hub", name)
