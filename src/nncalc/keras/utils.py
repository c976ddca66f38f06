"""``keras.utils``: what model-definition scripts call around building a model."""

from __future__ import annotations

from ._unsupported import unsupported_attribute


def set_random_seed(seed):
    """Accepted: nncalc draws no random numbers."""


def __getattr__(name: str):
    return unsupported_attribute("keras.utils", name)
