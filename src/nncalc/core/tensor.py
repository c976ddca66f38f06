"""Symbolic tensors: a shape (``None`` for an unknown dim) and a dtype, no data."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, Optional

if TYPE_CHECKING:
    from .layer import Layer

from .naming import auto_name

Shape = tuple  # a tuple of int | None


class KerasHistory(NamedTuple):
    """Which call produced a tensor: ``layer._inbound_nodes[node_index]``, output ``tensor_index``."""

    operation: Layer  # (or an Operation, a Layer too)
    node_index: int
    tensor_index: int


def _ops():
    from ..ops import numpy as ops_numpy  # imported on first use: ``import nncalc`` stays light

    return ops_numpy


def _binary(class_name: str, reflected: bool = False):
    def method(self, other):
        ops = _ops()
        cls = getattr(ops, class_name)
        return ops.apply(cls, (other, self) if reflected else (self, other), python_operator=True)

    method.__name__ = f"__{'r' if reflected else ''}{class_name.lower()}__"
    method.__doc__ = f"``keras.ops.{class_name}`` of {'(other, self)' if reflected else '(self, other)'}."
    return method


def _unary(class_name: str):
    def method(self):
        ops = _ops()
        return ops.apply(getattr(ops, class_name), (self,))

    method.__doc__ = f"``keras.ops.{class_name}`` of self."
    return method


class TensorOperators:
    """Python operators on tensors, exactly as Keras' ``KerasTensor`` defines them.

    ``x + y`` is ``keras.ops.Add()(x, y)`` (a summary row ``add (Add)``), ``x[:, 0]`` is
    ``GetItem``, ``-x`` is ``Negative``, ``abs(x)`` is ``Absolute``, ``x @ w`` is ``Matmul``.
    As in Keras, ``==`` is left to Python (identity) while ``!=`` is ``NotEqual``.
    """

    __add__, __radd__ = _binary("Add"), _binary("Add", True)
    __sub__, __rsub__ = _binary("Subtract"), _binary("Subtract", True)
    __mul__, __rmul__ = _binary("Multiply"), _binary("Multiply", True)
    __matmul__, __rmatmul__ = _binary("Matmul"), _binary("Matmul", True)
    __truediv__, __rtruediv__ = _binary("TrueDivide"), _binary("TrueDivide", True)
    __floordiv__, __rfloordiv__ = _binary("FloorDivide"), _binary("FloorDivide", True)
    __mod__, __rmod__ = _binary("Mod"), _binary("Mod", True)
    __pow__, __rpow__ = _binary("Power"), _binary("Power", True)
    __lt__, __le__ = _binary("Less"), _binary("LessEqual")
    __gt__, __ge__ = _binary("Greater"), _binary("GreaterEqual")
    __ne__ = _binary("NotEqual")
    __and__, __rand__ = _binary("LogicalAnd"), _binary("LogicalAnd", True)
    __or__, __ror__ = _binary("LogicalOr"), _binary("LogicalOr", True)
    __xor__, __rxor__ = _binary("LogicalXor"), _binary("LogicalXor", True)
    __neg__ = _unary("Negative")
    __abs__ = _unary("Absolute")
    __invert__ = _unary("LogicalNot")
    __hash__ = object.__hash__

    def __getitem__(self, key):
        ops = _ops()
        return ops.apply(ops.GetItem, (self, key))

    def __round__(self, ndigits=None):
        ops = _ops()
        return ops.apply(ops.Round, (self,), decimals=ndigits or 0)

    def reshape(self, newshape):
        ops = _ops()
        return ops.apply(ops.Reshape, (self,), newshape=newshape)

    def squeeze(self, axis=None):
        ops = _ops()
        return ops.apply(ops.Squeeze, (self,), axis=axis)

    def __iter__(self):
        raise NotImplementedError("Iterating over a symbolic KerasTensor is not supported.")


class KerasTensor(TensorOperators):
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

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor cannot be used as a boolean.")

    def __int__(self):
        raise ValueError("A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. "
                         "It doesn't have any actual numerical value. You cannot convert it to an int.")

    def __float__(self):
        raise ValueError("A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. "
                         "It doesn't have any actual numerical value. You cannot convert it to a float.")

    def __array__(self, *args, **kwargs):
        raise ValueError("A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. "
                         "It doesn't have any actual numerical value. You cannot convert it to a NumPy array.")

    def __repr__(self) -> str:
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"


def flatten(structure) -> list:
    """Flatten nested lists/tuples/dicts (dicts by sorted key, like ``keras.tree``)."""
    items: list | tuple
    if isinstance(structure, dict):
        items = [structure[key] for key in sorted(structure)]
    elif isinstance(structure, (list, tuple)) and not isinstance(structure, KerasHistory):
        items = structure
    else:
        return [structure]
    result: list = []
    for item in items:  # (leaves appended here: no call per tensor)
        if isinstance(item, (dict, list, tuple)):
            result += flatten(item)
        else:
            result.append(item)
    return result


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
    result: list[Optional[int]] = []
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
