"""``keras.activations``: activation functions by name, usable as ``activation=`` arguments
and applicable to tensors.

Applied to a symbolic tensor each function records the operation Keras records
(``keras/src/activations/activations.py``): ``relu`` its own ``ReLU`` operation (a row
``re_lu (ReLU)``), ``exponential`` ``ops.exp``, ``swish`` ``ops.silu``, the others the
``keras.ops`` function of the same name; ``linear`` returns its input. ``mish``,
``hard_silu``/``hard_swish`` and ``sparsemax`` convert their input with
``convert_to_tensor`` first, which Keras (TensorFlow backend) refuses for a symbolic
tensor: nncalc refuses them too, with a one-line error.
"""

from __future__ import annotations

from ..core.args import ACTIVATIONS
from ..errors import ModelError

# name -> (module of nncalc.ops, function name there)
_OPS = {"exponential": ("numpy", "exp"), "tanh": ("numpy", "tanh"), "swish": ("nn", "silu")}
_NEEDS_VALUES = {"mish", "hard_silu", "hard_swish", "sparsemax"}


def _ops(module: str):
    from importlib import import_module

    return import_module(f"nncalc.ops.{module}")


def _activation(name: str):
    def activation(x, *args, **kwargs):
        from ..core.tensor import KerasTensor

        if name == "linear":
            return x
        if name in _NEEDS_VALUES:
            if isinstance(x, KerasTensor):
                raise ModelError(
                    f"keras.activations.{name}: a KerasTensor cannot be used as input to a TensorFlow "
                    "function (Keras converts it with convert_to_tensor first); use "
                    f"keras.layers.Activation('{name}') instead")
            from ..ops.base import apply
            from ..ops.nn import Activation

            return apply(Activation, (x,))  # a concrete value: Keras computes it, same shape
        if name == "relu":
            from ..ops.base import apply
            from ..ops.nn import ReLU

            params = dict(zip(("negative_slope", "max_value", "threshold"), args), **kwargs)
            return apply(ReLU, (x,), **params)
        if name == "gelu" and not args:
            kwargs.setdefault("approximate", False)  # activations.gelu's default (ops.gelu's is True)
        module, function = _OPS.get(name, ("nn", name))
        return getattr(_ops(module), function)(x, *args, **kwargs)

    activation.__name__ = activation.__qualname__ = name  # repr <function relu at ...> as in Keras
    return activation


globals().update({name: _activation(name) for name in ACTIVATIONS})


def get(identifier):
    from ..core.args import activation_name

    return globals()[activation_name(identifier)] if isinstance(identifier, str) else identifier


__all__ = sorted(ACTIVATIONS) + ["get"]
