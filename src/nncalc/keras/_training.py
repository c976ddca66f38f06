"""Objects that change no shape or count: losses, metrics, callbacks, initializers,
regularizers, constraints. A script may create them freely (they keep their
arguments); calling one on data is refused, since nncalc computes no values.
"""

from __future__ import annotations

from ..errors import Unsupported


class TrainingObject:
    """A loss, metric or callback created by a script; it keeps its arguments."""

    kind = "object"

    def __init__(self, *args, **kwargs):
        self.args = args
        self.config = kwargs
        self.name = kwargs.get("name")

    def __call__(self, *args, **kwargs):
        raise Unsupported(f"{type(self).__name__}: nncalc computes no {self.kind} values")


def training_class(module: str, name: str):
    """The class ``module.name`` (``keras.losses.MeanSquaredError``, ...), made on first use."""
    if name.startswith("_"):
        raise AttributeError(name)
    return type(name, (TrainingObject,), {"kind": module.rsplit(".", 1)[-1], "__module__": module})
