"""``keras.activations``: activation functions by name, usable as ``activation=`` arguments."""

from __future__ import annotations

from ..core.args import ACTIVATIONS
from ..errors import Unsupported


def _activation(name: str):
    def activation(x, *args, **kwargs):
        raise Unsupported(f"keras.activations.{name} applied to a tensor is not supported yet")

    activation.__name__ = name
    return activation


globals().update({name: _activation(name) for name in ACTIVATIONS})


def get(identifier):
    from ..core.args import activation_name

    return globals()[activation_name(identifier)] if isinstance(identifier, str) else identifier


__all__ = sorted(ACTIVATIONS) + ["get"]
