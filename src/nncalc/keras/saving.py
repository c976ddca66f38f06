"""``keras.saving``: loading a model reads its configuration, never its weights."""

from __future__ import annotations

from ._unsupported import unsupported_attribute
from .models import load_model


def register_keras_serializable(package="Custom", name=None):
    """Accepted: the decorated class is returned unchanged."""
    def decorator(cls):
        return cls

    return decorator


def __getattr__(name: str):
    return unsupported_attribute("keras.saving", name)


__all__ = ["load_model", "register_keras_serializable"]
