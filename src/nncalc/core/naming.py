"""Automatic names, exactly as Keras 3 makes them.

Keras keeps one process-wide counter per snake-cased prefix: the first
``Dense()`` is ``dense``, the next ``dense_1``; an explicit ``name=`` does not
touch the counter. Objects Keras creates behind the user's back (the
``InputLayer`` of a Sequential model, the ``Functional`` graph a Sequential
model rebuilds after each ``add``) consume names too, so we mirror them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

_uids: defaultdict[str, int] = defaultdict(int)


@lru_cache(maxsize=None)  # a few class names, asked for once per object
def to_snake_case(name: str) -> str:
    """``MaxPooling2D`` -> ``max_pooling2d`` (Keras' rule, letter for letter)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


def uniquify(name: str) -> str:
    """Return ``name`` the first time, then ``name_1``, ``name_2``, ..."""
    unique = f"{name}_{_uids[name]}" if name in _uids else name
    _uids[name] += 1
    return unique


def auto_name(prefix: str) -> str:
    """The automatic name of a new object whose class is ``prefix``."""
    return uniquify(to_snake_case(prefix))


def reset_uids() -> None:
    """Forget every counter (``keras.backend.clear_session()``)."""
    _uids.clear()
