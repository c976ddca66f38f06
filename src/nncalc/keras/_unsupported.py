"""One error for every Keras name nncalc does not offer."""

from __future__ import annotations

from ..errors import Unsupported


def unsupported_attribute(module: str, name: str):
    """Raise for ``module.name``; private and dunder look-ups stay AttributeErrors (Python machinery)."""
    if name.startswith("_"):
        raise AttributeError(name)
    raise Unsupported(
        f"{module}.{name} is not supported by nncalc yet "
        "(run `nncalc layers` for what is supported; please report what you need)"
    )
