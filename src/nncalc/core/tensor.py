"""Symbolic tensors: a shape (``None`` for an unknown dim) and a dtype, no data."""

from __future__ import annotations

from typing import NamedTuple, Optional

from .naming import auto_name

Shape = tuple  # a tuple of int | None


class KerasHistory(NamedTuple):
    """Which call produced a tensor: ``layer._inbound_nodes[node_index]``, output ``tensor_index``."""

    operation: object
    node_index: int
    tensor_index: int


class KerasTensor:
    """A symbolic tensor, as the functional API passes between layers."""

    def __init__(self, shape, dtype: str = "float32", name: Optional[str] = None):
        self.shape: Shape = tuple(shape)
        self.dtype = dtype
        self.name = name or auto_name("KerasTensor")
        self._keras_history: Optional[KerasHistory] = None
        self._keras_mask: Optional["KerasTensor"] = None  # see core/masking.py

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"


def flatten(structure) -> list:
    """Flatten nested lists/tuples/dicts (dicts by sorted key, like ``keras.tree``)."""
    if isinstance(structure, dict):
        return [x for key in sorted(structure) for x in flatten(structure[key])]
    if isinstance(structure, (list, tuple)) and not isinstance(structure, KerasHistory):
        return [x for item in structure for x in flatten(item)]
    return [structure]


def is_shape(value) -> bool:
    """True for one shape tuple such as ``(None, 28, 28)``; False for a list of shapes."""
    return isinstance(value, tuple) and all(d is None or isinstance(d, int) for d in value)


def standardize_shape(shape) -> Shape:
    """Keras' ``standardize_shape``: a tuple of non-negative ints or ``None``."""
    if shape is None:
        raise ValueError("Undefined shapes are not supported.")
    if not hasattr(shape, "__iter__"):
        raise ValueError(f"Cannot convert '{shape}' to a shape.")
    shape = tuple(shape)
    result = []
    for dim in shape:
        if dim is None:
            result.append(None)
            continue
        if isinstance(dim, (str, float)):
            raise ValueError(
                f"Cannot convert '{shape}' to a shape. "
                f"Found invalid dimension '{dim}' of type '{type(dim)}'. "
            )
        try:
            dim = int(dim)  # numpy integers and the like
        except Exception:
            raise ValueError(
                f"Cannot convert '{shape}' to a shape. "
                f"Found invalid dimension '{dim}' of type '{type(dim)}'. "
            ) from None
        if dim < 0:
            raise ValueError(
                f"Cannot convert '{shape}' to a shape. Negative dimensions are not allowed."
            )
        result.append(dim)
    return tuple(result)
