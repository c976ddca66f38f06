"""Stands in for ``tensorflow`` in user scripts: only ``tf.keras`` is offered.

Scripts often import TensorFlow just for ``tf.keras``; anything else from
TensorFlow (``tf.data``, ``tf.nn`` ...) is refused with a one-line error naming it.
"""

from __future__ import annotations

import nncalc.keras as keras  # noqa: F401 (tf.keras)

from ._unsupported import unsupported_attribute

__version__ = "2.21.0"
__path__: list = []  # a package, so that `import tensorflow.keras` resolves


def __getattr__(name: str):
    return unsupported_attribute("tensorflow", name)
