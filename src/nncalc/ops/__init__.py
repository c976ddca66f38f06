"""``keras.ops`` for symbolic tensors: shape and dtype inference, one Operation class per op.

Modules mirror ``keras/src/ops``: :mod:`.numpy` (arithmetic, layout, reductions,
products), :mod:`.nn` (activations, softmax, one_hot), :mod:`.core` (cast,
convert_to_tensor, shape), :mod:`.math` (top_k, erf, fft family), :mod:`.linalg` (norm, inv, qr...), :mod:`.image` (extract_patches, resize). :mod:`.base` holds the Operation base
class and :class:`~.base.Constant` (a concrete value of known shape); :mod:`.dtypes` is
Keras' type promotion and :mod:`.shapes` its shape helpers.
"""
from __future__ import annotations


def operation_classes() -> dict:
    """Every Operation class by Keras class name (for configs naming ``keras.src.ops.*``)."""
    from . import core, image, linalg, math, nn, numpy
    from .base import Operation

    abstract = {"_Matrix", "_Fourier", "Operation", "Activation", "BinaryOperation", "UnaryOperation", "LayoutOperation", "Reduction"}
    found = {}
    for module in (numpy, nn, core, math, image, linalg):
        for name, value in vars(module).items():
            if isinstance(value, type) and issubclass(value, Operation) and not name.startswith("_") \
                    and value.__name__ == name:
                found[name] = value
    for name in abstract:
        found.pop(name, None)
    return found
