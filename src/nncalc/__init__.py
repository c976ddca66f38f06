"""nncalc: what a neural network is — shapes, parameters and why — before training it.

``import nncalc`` is cheap: the model graph, the Keras-compatible API and the
renderers load on first use.

>>> import nncalc.keras as keras
>>> model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(512)])
>>> nncalc.summarize(model).models[0].total_params
401920
"""

from __future__ import annotations

__version__ = "0.1.0"


def summarize(model_or_path, *, expand_nested: bool = False):
    """A :class:`nncalc.summary.Summary` of an nncalc model or of a Keras script's models."""
    from .api import summarize as _summarize

    return _summarize(model_or_path, expand_nested=expand_nested)


__all__ = ["__version__", "summarize"]
