"""``keras.models``."""

from __future__ import annotations

from ..core.functional import Functional
from ..core.model import Model
from ..core.sequential import Sequential
from ._unsupported import unsupported_attribute


def model_from_json(json_string, custom_objects=None):
    """A model from ``model.to_json()`` (weights are never involved)."""
    import json

    from ..io.config import model_from_config

    return model_from_config(json.loads(json_string), custom_objects)


def model_from_config(config, custom_objects=None):
    from ..io.config import model_from_config as _from_config

    return _from_config(config, custom_objects)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model in a ``.keras`` / ``.h5`` / ``.json`` file; its weights are ignored."""
    from ..io.files import load_model as _load

    return _load(filepath, custom_objects)


def __getattr__(name: str):
    return unsupported_attribute("keras.models", name)


__all__ = ["Functional", "Model", "Sequential", "load_model", "model_from_config", "model_from_json"]
