"""``keras.ops`` (and ``keras.ops.numpy`` / ``.nn`` / ``.image`` / ``.linalg``): the functions of :mod:`nncalc.ops`, applied to symbolic tensors.

Applied to a ``keras.Input`` tensor an op records a node (a summary row such as
``expand_dims (ExpandDims)``); applied to concrete values only (``ops.arange(10)``) it
gives a constant of known shape and no node, as Keras computes those eagerly. Any other
name raises :class:`nncalc.errors.Unsupported`, naming it.
"""

from __future__ import annotations as _annotations

import sys as _sys
import types as _types

from ..ops import core as _core
from ..ops import image as _image
from ..ops import linalg as _linalg
from ..ops import math as _math
from ..ops import nn as _nn
from ..ops import numpy as _numpy
from ._unsupported import unsupported_attribute as _unsupported


def _public(module, names=None) -> dict:
    names = names or [n for n, v in vars(module).items()
                      if not n.startswith("_") and callable(v) and not isinstance(v, type)
                      and getattr(v, "__module__", "") == module.__name__]
    return {n: getattr(module, n) for n in names}


_NUMPY = _public(_numpy)
for _name in ("apply", "zeros", "ones", "full", "arange", "eye", "identity", "empty", "zeros_like",
              "ones_like"):
    _NUMPY[_name] = getattr(_numpy, _name)
_NUMPY.pop("apply", None)
_NN = _public(_nn)
_CORE = _public(_core)
_MATH = _public(_math)


def _namespace(name: str, functions: dict):
    module = _types.ModuleType(f"{__name__}.{name}", f"``keras.ops.{name}``")
    module.__dict__.update(functions)
    module.__getattr__ = lambda attr: _unsupported(f"keras.ops.{name}", attr)
    _sys.modules[module.__name__] = module  # ``import keras.ops.nn`` finds it
    return module


numpy = _namespace("numpy", _NUMPY)
nn = _namespace("nn", _NN)
image = _namespace("image", _public(_image))
_LINALG = _public(_linalg)
linalg = _namespace("linalg", _LINALG)

globals().update(_NUMPY)
globals().update(_NN)
globals().update(_CORE)
globals().update(_MATH)
globals().update(_LINALG)  # keras.ops.norm, keras.ops.qr... as in Keras


def __getattr__(name: str):
    return _unsupported("keras.ops", name)


__all__ = sorted({**_NUMPY, **_NN, **_CORE, **_MATH, **_LINALG}) + ["image", "linalg", "nn", "numpy"]
