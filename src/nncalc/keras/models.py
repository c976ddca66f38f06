"""``keras.models``."""

from __future__ import annotations

from ..core.functional import Functional
from ..core.model import Model
from ..core.sequential import Sequential
from ._unsupported import unsupported_attribute


def __getattr__(name: str):
    return unsupported_attribute("keras.models", name)


__all__ = ["Functional", "Model", "Sequential"]
