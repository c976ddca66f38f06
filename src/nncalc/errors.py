"""Errors nncalc reports to the user, as one line each.

``LayerError`` is a ``ValueError`` (what Keras raises for the same mistakes), so
a script that catches ``ValueError`` still works; it remembers the layer it is
about. ``Unsupported`` names something nncalc cannot compute yet.
"""

from __future__ import annotations


class NncalcError(Exception):
    """Base of every error that is the user's input, not a bug in nncalc."""


class LayerError(NncalcError, ValueError):
    """A layer rejected its arguments or its input, as Keras would."""

    def __init__(self, layer_name: str, class_name: str, message: str):
        self.layer_name = layer_name
        self.class_name = class_name
        self.message = message
        super().__init__(f"layer '{layer_name}' ({class_name}): {message}")


class ModelError(NncalcError, ValueError):
    """A model could not be built from what it was given."""


class Unsupported(NncalcError, NotImplementedError):
    """Something that nncalc does not model (yet), named so the user can act."""
