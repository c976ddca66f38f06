"""``keras.ops`` core: ``cast``, ``convert_to_tensor``, ``shape`` (``keras/src/ops/core.py``)."""

from __future__ import annotations

from ..core.explain import Text
from ..core.tensor import KerasTensor
from .base import Constant, Operation, Spec, apply, as_operand, operand_shape
from .dtypes import standardize
from .numpy import _dtype


class Cast(Operation):
    """``cast(x, dtype)``: the shape is kept, the dtype is the one asked for."""

    operation = Text("converted to another dtype", "转换数据类型")
    shape_rule = Text("the shape is kept", "形状不变")
    tf_ops = {}  # TF profiler: Cast is not registered

    def __init__(self, dtype, **kwargs):
        super().__init__(**kwargs)
        self.target_dtype = standardize(dtype)

    def compute_output_spec(self, x):
        return Spec(operand_shape(x), self.target_dtype)


class ConvertToTensor(Operation):
    """``convert_to_tensor(x)`` on a symbolic tensor: a copy (its dtype unless ``dtype=``)."""

    operation = Text("converted to a tensor", "转换为张量")
    shape_rule = Text("the shape is kept", "形状不变")
    flops_per_element = None

    def __init__(self, dtype=None, sparse=None, ragged=None, **kwargs):
        super().__init__(**kwargs)
        self.target_dtype = dtype

    def compute_output_spec(self, x):
        return Spec(operand_shape(x), self.target_dtype or _dtype(x))


def cast(x, dtype):
    return apply(Cast, (x,), dtype=dtype)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A symbolic tensor gets a ``ConvertToTensor`` node; a concrete value becomes a Constant."""
    dtype = None if dtype is None else standardize(dtype)
    if isinstance(x, KerasTensor):
        return apply(ConvertToTensor, (x,), dtype=dtype, sparse=sparse, ragged=ragged)
    value = as_operand(x)
    if isinstance(value, Constant):
        return value if dtype is None else Constant(shape=value.shape, dtype=dtype)
    return Constant(x, dtype=dtype)


def shape(x):
    """The shape tuple (``None`` for an unknown dim), as Keras returns for a symbolic tensor."""
    return tuple(operand_shape(as_operand(x)))
