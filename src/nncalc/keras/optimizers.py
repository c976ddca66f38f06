"""``keras.optimizers``: optimizers as far as ``summary()`` sees them (their state variables)."""

from __future__ import annotations

from ..optimizers import (SGD, Adadelta, Adafactor, Adagrad, Adam, Adamax, AdamW, Ftrl, Lion, Nadam,
                          Optimizer, RMSprop, get)
from ._unsupported import unsupported_attribute


def __getattr__(name: str):
    return unsupported_attribute("keras.optimizers", name)


__all__ = ["SGD", "Adadelta", "Adafactor", "Adagrad", "Adam", "Adamax", "AdamW", "Ftrl", "Lion", "Nadam",
           "Optimizer", "RMSprop", "get"]
