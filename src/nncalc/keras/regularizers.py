"""``keras.regularizers``: accepted as layer arguments; they change no shape or count (see :mod:`._training`)."""

from __future__ import annotations

from functools import lru_cache

from ._training import TrainingObject, training_class


@lru_cache(maxsize=None)
def __getattr__(name: str):
    return training_class("keras.regularizers", name)


__all__ = ["TrainingObject"]
