"""``keras.ops.numpy``: one Operation class per op (its ``compute_output_spec`` follows Keras'
``keras/src/ops/numpy.py`` rule for rule), and the function that applies it.

Element-wise ops keep the shape (unary) or broadcast their operands (binary, Keras'
``broadcast_shapes``); dtypes follow ``keras.backend.result_type``. Layout ops (reshape,
transpose, slicing, concatenation...) cost nothing; element-wise ops one FLOP per
output element; reductions one per input element; ``matmul``/``dot``/``tensordot``
count multiply-accumulates.
"""

from __future__ import annotations

import builtins
import math
import re

from ..core import cost
from ..core.explain import Text
from .base import Constant, Operation, Spec, apply, operand_dtype, operand_shape
from ..core.tf_flops import batch_1_elements, leading_batch_1
from .dtypes import FLOATX, result_type, standardize
from .shapes import (broadcast_shapes, canonicalize_axis, expand_dims_shape, matmul_shape, reduce_shape,
                     reshape_shape, shape_equal, take_along_axis_shape, to_tuple_or_list, transpose_shape)

LAYOUT = Text("moves values only", "只移动数值")


# ------------------------------------------------------------------ element-wise: binary
class BinaryOperation(Operation):
    """``f(x1, x2)`` element by element: shapes broadcast, dtype promoted."""

    shape_rule = Text("element by element; shapes are aligned on their last axes and broadcast: a size-1 "
                      "(or missing) axis takes the other operand's size",
                      "逐元素；各形状按最后几维对齐并广播：大小为 1（或缺少）的维度取另一操作数的大小")

    def result_dtype(self, x1, x2) -> str:
        return result_type(operand_dtype(x1), operand_dtype(x2))

    def compute_output_spec(self, x1, x2):
        shape = broadcast_shapes(operand_shape(x1), operand_shape(x2))
        return Spec(shape, self.result_dtype(x1, x2))


class _Divide(BinaryOperation):
    tf_ops = {"RealDiv": 1}

    def result_dtype(self, x1, x2):
        return result_type(operand_dtype(x1), operand_dtype(x2), float)


class _BoolResult(BinaryOperation):
    flops_per_element = 1

    def result_dtype(self, x1, x2):
        return "bool"


class _Mod(BinaryOperation):
    def result_dtype(self, x1, x2):
        dtype = super().result_dtype(x1, x2)
        return "int32" if dtype == "bool" else dtype


class _Add(BinaryOperation):
    python_operator = False  # ``x + y`` inside a traced call(): TensorFlow's own operator (ops.apply)

    def tf_flops_for_call(self, output_shape, x1, x2):
        """TF profiler: one AddV2 (or BiasAdd, Keras' TF ``add`` rule; never for ``x + y``
        inside a custom layer's ``call()``, where it is TensorFlow's operator) per output element."""
        from ..core import tf_flops

        op = "AddV2" if self.python_operator else tf_flops.keras_add_op(leading_batch_1(_shape_of(x1)),
                                                                        leading_batch_1(_shape_of(x2)))
        return {op: batch_1_elements(output_shape)}


def _shape_of(value) -> tuple:
    """An operand of a recorded call: a shape tuple (tensors), a Constant, or a Python number."""
    if isinstance(value, tuple):
        return value
    return tuple(value.shape) if isinstance(value, Constant) else ()


def _binary(name, base, en, zh):
    return type(name, (base,), {"operation": Text(en, zh), "__doc__": f"``keras.ops`` {name}: {en}."})


Add = _binary("Add", _Add, "added element by element", "逐元素相加")
Subtract = _binary("Subtract", BinaryOperation, "subtracted element by element", "逐元素相减")
Multiply = _binary("Multiply", BinaryOperation, "multiplied element by element", "逐元素相乘")
Divide = _binary("Divide", _Divide, "divided element by element", "逐元素相除")
TrueDivide = _binary("TrueDivide", _Divide, "divided element by element", "逐元素相除")
FloorDivide = _binary("FloorDivide", BinaryOperation, "divided element by element (floor)", "逐元素整除")
Mod = _binary("Mod", _Mod, "remainder element by element", "逐元素取余")
Power = _binary("Power", BinaryOperation, "raised to a power element by element", "逐元素求幂")
Maximum = _binary("Maximum", BinaryOperation, "maximum element by element", "逐元素取最大值")
Minimum = _binary("Minimum", BinaryOperation, "minimum element by element", "逐元素取最小值")
_COMPARE = ("compared element by element", "逐元素比较")
Less = _binary("Less", _BoolResult, *_COMPARE)
LessEqual = _binary("LessEqual", _BoolResult, *_COMPARE)
Greater = _binary("Greater", _BoolResult, *_COMPARE)
GreaterEqual = _binary("GreaterEqual", _BoolResult, *_COMPARE)
Equal = _binary("Equal", _BoolResult, *_COMPARE)
NotEqual = _binary("NotEqual", _BoolResult, *_COMPARE)
_LOGIC = ("logical operation element by element", "逐元素逻辑运算")
LogicalAnd = _binary("LogicalAnd", _BoolResult, *_LOGIC)
LogicalOr = _binary("LogicalOr", _BoolResult, *_LOGIC)
LogicalXor = _binary("LogicalXor", _BoolResult, *_LOGIC)
# TF profiler (--flops-convention tf): the TF op Keras' TF backend runs, once per output element;
# FloorDiv, FloorMod and the logical ops are not registered (0).
for _op, _tf in ((Subtract, "Sub"), (Multiply, "Mul"), (Power, "Pow"), (Maximum, "Maximum"),
                 (Minimum, "Minimum"), (Less, "Less"), (LessEqual, "LessEqual"), (Greater, "Greater"),
                 (GreaterEqual, "GreaterEqual"), (Equal, "Equal"), (NotEqual, "NotEqual")):
    _op.tf_ops = {_tf: 1}
FloorDivide.tf_ops = Mod.tf_ops = LogicalAnd.tf_ops = LogicalOr.tf_ops = LogicalXor.tf_ops = {}


# ------------------------------------------------------------------ element-wise: unary
class UnaryOperation(Operation):
    """``f(x)`` element by element: the output has the input's shape (and dtype)."""

    operation = Text("applied element by element", "逐元素计算")
    shape_rule = Text("element by element: the shape is kept", "逐元素：形状不变")

    def result_dtype(self, x) -> str:
        return standardize(operand_dtype(x))

    def compute_output_spec(self, x, *args, **kwargs):
        return Spec(operand_shape(x), self.result_dtype(x))


class _ToFloat(UnaryOperation):
    """sqrt, log, sin... : int64 -> floatx, else ``result_type(dtype, float)``."""

    def result_dtype(self, x):
        dtype = standardize(operand_dtype(x))
        return FLOATX if dtype == "int64" else result_type(dtype, float)


class _IntToFloat(UnaryOperation):
    """exp: an int or bool input gives floatx."""

    def result_dtype(self, x):
        dtype = standardize(operand_dtype(x))
        return FLOATX if "int" in dtype or dtype == "bool" else dtype


class _BoolToInt(UnaryOperation):
    """square, clip: a bool input gives int32."""

    def result_dtype(self, x):
        dtype = standardize(operand_dtype(x))
        return "int32" if dtype == "bool" else dtype


def _unary(name, base=UnaryOperation):
    return type(name, (base,), {"__doc__": f"``keras.ops`` {name}, element by element."})


Negative, Absolute, Sign, Rsqrt = (_unary(n) for n in ("Negative", "Absolute", "Sign", "Rsqrt"))
Sqrt, Log, Log1p, Sin, Cos, Tan, Tanh, Arctan, Sinh, Cosh, Floor, Ceil = (
    _unary(n, _ToFloat) for n in ("Sqrt", "Log", "Log1p", "Sin", "Cos", "Tan", "Tanh", "Arctan", "Sinh",
                                  "Cosh", "Floor", "Ceil"))


class Reciprocal(UnaryOperation):
    """``reciprocal(x)``: always floatx (Keras' spec gives no dtype)."""

    def result_dtype(self, x):
        return FLOATX
Exp, Expm1 = _unary("Exp", _IntToFloat), _unary("Expm1", _IntToFloat)
Square = _unary("Square", _BoolToInt)


class Round(UnaryOperation):
    """``round(x, decimals)``: shape and dtype kept."""

    def __init__(self, decimals=0, **kwargs):
        super().__init__(**kwargs)
        self.decimals = decimals


class Clip(_BoolToInt):
    def __init__(self, x_min=None, x_max=None, **kwargs):
        super().__init__(**kwargs)
        self.x_min, self.x_max = x_min, x_max


class LogicalNot(UnaryOperation):
    operation = Text(*_LOGIC)

    def result_dtype(self, x):
        return "bool"


class ZerosLike(UnaryOperation):
    flops_per_element = None

    def __init__(self, dtype=None, **kwargs):
        super().__init__(**kwargs)
        self.out_dtype = dtype

    def result_dtype(self, x):
        return self.out_dtype or standardize(operand_dtype(x))


OnesLike = type("OnesLike", (ZerosLike,), {"__doc__": "``keras.ops.ones_like``: ones, the input's shape."})


# TF profiler: Neg, Square, Log, Reciprocal count 1 per element, Rsqrt 2, clip one Maximum and one
# Minimum; Sqrt, Exp, Abs, Sign, Floor, Round, Tanh, Sin ... are not registered (0).
for _op, _tf in ((Negative, {"Neg": 1}), (Square, {"Square": 1}), (Log, {"Log": 1}),
                 (Reciprocal, {"Reciprocal": 1}), (Rsqrt, {"Rsqrt": 2}), (Clip, {"Maximum": 1, "Minimum": 1})):
    _op.tf_ops = _tf
for _op in (Sqrt, Exp, Expm1, Log1p, Absolute, Sign, Floor, Ceil, Round, Sin, Cos, Tanh, LogicalNot, ZerosLike):
    _op.tf_ops = {}


# ------------------------------------------------------------------ layout
class LayoutOperation(Operation):
    """An op that only moves values: no arithmetic."""

    tf_ops = {}  # TF profiler: moving data counts nothing (Reshape, Transpose, StridedSlice, ConcatV2, ...)

    flops_per_element = None
    operation = LAYOUT


class GetItem(LayoutOperation):
    """``x[key]``: an int removes an axis (index checked when the size is known), a slice keeps it
    (``len(range(*slice.indices(size)))``), ``None`` adds a size-1 axis, ``...`` keeps the rest."""

    shape_rule = Text("indexing: an integer removes its axis, a slice keeps it with the slice's "
                      "length, None adds an axis of size 1", "索引：整数去掉该维，切片保留该维（长度为切片长度），None 增加大小为 1 的维")

    def compute_output_spec(self, x, key):
        key = _config_key(key)
        shape = tuple(x.shape)
        remaining_shape, new_shape = list(shape), []
        if isinstance(key, int):
            remaining = [key]
        elif isinstance(key, (tuple, list)):
            remaining = list(key)
        else:
            raise ValueError(f"Unsupported key type for array slice. Received: `{key}`")
        ellipses = builtins.sum(1 for k in remaining if k is Ellipsis)
        if ellipses > 1:
            raise ValueError(f"Slice should only have one ellipsis. Received: `{key}`")
        if ellipses == 0:
            remaining.append(Ellipsis)
        while remaining:
            subkey = remaining.pop(0)
            if subkey is Ellipsis:
                needed = len(remaining) - builtins.sum(1 for k in remaining if k is None)
                consumed = len(remaining_shape) - needed
                new_shape += remaining_shape[:consumed]
                remaining_shape = remaining_shape[consumed:]
                continue
            if subkey is None:
                new_shape.append(1)
                continue
            if not remaining_shape:
                raise ValueError(f"Array has shape {shape} but slice has to many indices. Received: `{key}`")
            length = remaining_shape.pop(0)
            if isinstance(subkey, int) and not isinstance(subkey, bool):
                if length is not None:
                    index = subkey if subkey >= 0 else subkey + length
                    if index < 0 or index >= length:
                        raise ValueError(f"Array has shape {shape} but out-of-bounds index {key} was requested.")
            elif isinstance(subkey, slice):
                new_shape.append(len(range(*subkey.indices(length))) if length is not None else None)
            else:
                raise ValueError(f"Unsupported key type for array slice. Received: `{key}`")
        return Spec(new_shape, x.dtype if hasattr(x, "dtype") else x.const_dtype or FLOATX)


def _config_key(key):
    """A key as a Keras config stores it (``{"class_name": "__slice__", ...}``) made a Python key."""
    if isinstance(key, dict) and key.get("class_name") == "__slice__":
        config = key.get("config") or {}
        return slice(config.get("start"), config.get("stop"), config.get("step"))
    if isinstance(key, dict) and key.get("class_name") == "__ellipsis__":
        return Ellipsis
    if isinstance(key, list) and any(isinstance(k, dict) for k in key):
        return tuple(_config_key(k) for k in key)
    return key


def _dtype(x):
    return standardize(operand_dtype(x))


class Reshape(LayoutOperation):
    shape_rule = Text("reshaped: -1 takes the size that keeps the number of elements",
                      "改变形状：-1 取保持元素总数不变的大小")

    def __init__(self, newshape, **kwargs):
        super().__init__(**kwargs)
        self.newshape = newshape

    def compute_output_spec(self, x):
        return Spec(reshape_shape(operand_shape(x), self.newshape, "newshape"), _dtype(x))


class Transpose(LayoutOperation):
    shape_rule = Text("axes permuted (reversed when axes=None)", "维度重排（axes=None 时反转）")

    def __init__(self, axes=None, **kwargs):
        super().__init__(**kwargs)
        self.axes = axes

    def compute_output_spec(self, x):
        return Spec(transpose_shape(operand_shape(x), self.axes), _dtype(x))


class ExpandDims(LayoutOperation):
    shape_rule = Text("a size-1 axis inserted at axis", "在 axis 处插入大小为 1 的维度")

    def __init__(self, axis, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_spec(self, x):
        return Spec(expand_dims_shape(operand_shape(x), self.axis), _dtype(x))


class Squeeze(LayoutOperation):
    shape_rule = Text("size-1 axes removed", "去掉大小为 1 的维度")

    def __init__(self, axis=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_spec(self, x):
        shape = list(operand_shape(x))
        axis = to_tuple_or_list(self.axis)
        if axis is None:
            return Spec([d for d in shape if d != 1], _dtype(x))
        for a in axis:
            if shape[a] != 1:
                raise ValueError(f"Cannot squeeze axis {a}, because the dimension is not 1.")
        for a in sorted((canonicalize_axis(a, len(shape)) for a in axis), reverse=True):
            del shape[a]
        return Spec(shape, _dtype(x))


class Concatenate(LayoutOperation):
    shape_rule = Text("sizes on axis added; the other axes must match", "axis 上的大小相加；其他维度须一致")

    def __init__(self, axis=0, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_spec(self, xs):
        first = operand_shape(xs[0])
        axis = canonicalize_axis(self.axis, len(first))
        total = 0
        for x in xs:
            shape = operand_shape(x)
            if not shape_equal(shape, first, axis=[axis], allow_none=True):
                raise ValueError(
                    "Every value in `xs` must have the same shape except on the `axis` dim. But found "
                    f"element of shape {shape}, which is different from the first element's shape {first}.")
            total = None if total is None or shape[axis] is None else total + shape[axis]
        out = list(first)
        out[axis] = total
        return Spec(out, result_type(*(operand_dtype(x) for x in xs)))


class Stack(LayoutOperation):
    shape_rule = Text("a new axis of size len(x) inserted at axis", "在 axis 处插入大小为 len(x) 的新维度")

    def __init__(self, axis=0, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_spec(self, x):
        first = operand_shape(x[0])
        axis = canonicalize_axis(self.axis, len(first) + 1)
        for a in x:
            if not shape_equal(operand_shape(a), first, axis=[], allow_none=True):
                raise ValueError(
                    f"Every value in `x` must have the same shape. But found element of shape "
                    f"{operand_shape(a)},  which is different from the first element's shape {first}.")
        out = list(first)
        out.insert(axis, len(x))
        return Spec(out, result_type(*(operand_dtype(a) for a in x)))


class Split(LayoutOperation):
    shape_rule = Text("axis cut into pieces", "沿 axis 切分")

    def __init__(self, indices_or_sections, axis=0, **kwargs):
        super().__init__(**kwargs)
        self.indices_or_sections, self.axis = indices_or_sections, axis

    def compute_output_spec(self, x):
        shape, dtype = list(operand_shape(x)), _dtype(x)
        axis = canonicalize_axis(self.axis, len(shape))
        size, parts = shape[axis], self.indices_or_sections
        if isinstance(parts, int):
            if size is not None:
                if size % parts != 0:
                    raise ValueError(
                        "`x` size on given `axis` must be divisible by `indices_or_sections` when "
                        f"`indices_or_sections` is an int. But received {size} and {parts}.")
                shape[axis] = size // parts
            return [Spec(shape, dtype) for _ in range(parts)]
        bounds = [0] + list(parts) + [size]
        outs = []
        for start, end in zip(bounds, bounds[1:]):
            out = list(shape)
            out[axis] = None if start is None or end is None else end - start
            outs.append(Spec(out, dtype))
        return outs


class Tile(LayoutOperation):
    shape_rule = Text("each axis times its repeat count", "每个维度乘以其重复次数")

    def __init__(self, repeats, **kwargs):
        super().__init__(**kwargs)
        self.repeats = repeats

    def compute_output_spec(self, x):
        shape = list(operand_shape(x))
        repeats = [self.repeats] if isinstance(self.repeats, int) else list(self.repeats)
        if len(shape) > len(repeats):
            repeats = [1] * (len(shape) - len(repeats)) + repeats
        else:
            shape = [1] * (len(repeats) - len(shape)) + shape
        return Spec([d * r if isinstance(d, int) else None for d, r in zip(shape, repeats)], _dtype(x))


class Repeat(LayoutOperation):
    shape_rule = Text("each element repeated along axis", "沿 axis 重复每个元素")

    def __init__(self, repeats, axis=None, **kwargs):
        super().__init__(**kwargs)
        self.repeats, self.axis = repeats, axis

    def compute_output_spec(self, x):
        shape, dtype = list(operand_shape(x)), _dtype(x)
        repeats = [self.repeats] if isinstance(self.repeats, int) else list(self.repeats)
        broadcast = len(repeats) == 1
        if self.axis is None:
            if None in shape:
                return Spec([None], dtype)
            flat = math.prod(shape)
            if broadcast:
                return Spec((flat * repeats[0],), dtype)
            if len(repeats) != flat:
                raise ValueError("Size of `repeats` and dimensions of `x` after flattening should be "
                                 f"compatible. Received: {len(repeats)} and {flat}")
            return Spec((builtins.sum(repeats),), dtype)
        size = shape[self.axis]
        if size is None:
            return Spec(shape, dtype)
        if broadcast:
            shape[self.axis] = size * repeats[0]
        elif size != len(repeats):
            raise ValueError(f"Size of `repeats` and dimensions of `axis {self.axis} of x` should be "
                             f"compatible. Received: {len(repeats)} and {shape}")
        else:
            shape[self.axis] = builtins.sum(repeats)
        return Spec(shape, dtype)


class Take(LayoutOperation):
    shape_rule = Text("axis replaced by the shape of indices", "axis 被 indices 的形状取代")

    def __init__(self, axis=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_spec(self, x, indices):
        shape = list(operand_shape(x))
        indices_shape = list(operand_shape(indices))
        if self.axis is None:
            return Spec(indices_shape, _dtype(x))
        axis = canonicalize_axis(self.axis, len(shape))
        return Spec(shape[:axis] + indices_shape + shape[axis + 1:], _dtype(x))


class TakeAlongAxis(LayoutOperation):
    shape_rule = Text("axis takes the size of indices; the other axes broadcast", "axis 取 indices 的大小；其他维度广播")

    def __init__(self, axis=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_spec(self, x, indices):
        return Spec(take_along_axis_shape(operand_shape(x), operand_shape(indices), self.axis), _dtype(x))


class Where(BinaryOperation):
    operation = Text("selected element by element", "逐元素选择")

    def compute_output_spec(self, condition, x1=None, x2=None):
        if x1 is None and x2 is None:
            from ..errors import Unsupported

            raise Unsupported("keras.ops.where(condition) without x1 and x2 has a data-dependent shape")
        shape = broadcast_shapes(operand_shape(condition), operand_shape(x1))
        shape = broadcast_shapes(shape, operand_shape(x2))
        d1 = operand_dtype(x1) if x1 is not None else "int"
        d2 = operand_dtype(x2) if x2 is not None else "int"
        return Spec(shape, result_type(d1, d2))


Where.tf_ops = {}  # SelectV2: not registered


def _repeat_tf_flops(self, output_shape, x, *args, **kwargs):
    """TF profiler: ``repeat(x, r, axis)`` with an int ``r`` counts Mul 1 (the scalar shape arithmetic of
    Keras' tf.repeat; the copy is free); repeats per element or ``axis=None``: not modelled."""
    from ..core import tf_flops

    if not isinstance(self.repeats, int) or self.axis is None:
        return tf_flops.not_modelled("repeat (repeats per element or axis=None)")
    return {"Mul": 1}


def _take_tf_flops(self, output_shape, x, indices, *args, **kwargs):
    """TF profiler: Keras' TF take wraps negative indices before the gather (free): Less + AddV2,
    1 each per index (``I`` = elements of ``indices``); ``axis=None``: not modelled."""
    from ..core import tf_flops

    if self.axis is None:
        return tf_flops.not_modelled("take (axis=None)")
    n = batch_1_elements(_shape_of(indices), "the indices")
    return {"Less": n, "AddV2": n}


def _take_along_axis_tf_flops(self, output_shape, x, indices, *args, **kwargs):
    """TF profiler: as take, Less + AddV2 per index of the indices broadcast to the output (= output
    elements); ``axis=None``: not modelled."""
    from ..core import tf_flops

    if self.axis is None:
        return tf_flops.not_modelled("take_along_axis (axis=None)")
    n = batch_1_elements(output_shape)
    return {"Less": n, "AddV2": n}


Repeat.tf_flops_for_call = _repeat_tf_flops
Take.tf_flops_for_call = _take_tf_flops
TakeAlongAxis.tf_flops_for_call = _take_along_axis_tf_flops


# ------------------------------------------------------------------ reductions
class Reduction(Operation):
    """Reduce over ``axis`` (all axes when None): reduced axes removed, or kept as 1 (keepdims)."""

    shape_rule = Text("reduced over axis (removed, or kept as size 1 with keepdims)",
                      "沿 axis 归约（去掉该维，keepdims 时保留为 1）")
    operation = Text("reduction (one operation per input element)", "归约（每个输入元素一次运算）")

    def __init__(self, axis=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis if not isinstance(axis, list) else tuple(axis)
        self.keepdims = keepdims

    def result_dtype(self, x):
        return _dtype(x)

    def compute_output_spec(self, x):
        return Spec(reduce_shape(operand_shape(x), self.axis, self.keepdims), self.result_dtype(x))

    def cost_for_call(self, output_shape, *args, **kwargs):
        """FLOPs = input elements (one add / compare per element read)."""
        shape = self._in_shapes[0] if self._in_shapes else output_shape
        return cost.Cost([cost.flops(self.operation, cost.elements(shape))])


class Mean(Reduction):
    def tf_flops_for_call(self, output_shape, x, *args, **kwargs):
        """TF profiler: Mean counts its input elements."""
        return {"Mean": batch_1_elements(_shape_of(x), "the input")}

    def result_dtype(self, x):
        dtype = _dtype(x)
        return result_type(dtype, "float32") if "int" in dtype or dtype == "bool" else dtype


class Sum(Reduction):
    def tf_flops_for_call(self, output_shape, x, *args, **kwargs):
        """TF profiler: Sum counts input elements − output elements (the additions)."""
        return {"Sum": batch_1_elements(_shape_of(x), "the input") - batch_1_elements(output_shape)}

    def result_dtype(self, x):
        dtype = result_type(operand_dtype(x))
        return {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32", "uint16": "uint32"}.get(dtype, dtype)


class Prod(Reduction):
    def __init__(self, axis=None, keepdims=False, dtype=None, **kwargs):
        super().__init__(axis, keepdims, **kwargs)
        self.out_dtype = dtype

    def result_dtype(self, x):
        if self.out_dtype is not None:
            return standardize(self.out_dtype)
        dtype = _dtype(x)
        return {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32", "uint16": "uint32"}.get(dtype, dtype)


Max = type("Max", (Reduction,), {"__doc__": "``keras.ops.max``: the dtype is kept."})
Min = type("Min", (Reduction,), {"__doc__": "``keras.ops.min``: the dtype is kept."})
Max.tf_ops = Min.tf_ops = Prod.tf_ops = {}  # TF profiler: Max, Min, Prod are not registered


class Argmax(Reduction):
    def __init__(self, axis=None, keepdims=False, **kwargs):
        super().__init__(axis, keepdims, **kwargs)

    def result_dtype(self, x):
        return "int32"


Argmin = type("Argmin", (Argmax,), {})


# ------------------------------------------------------------------ products
class Matmul(Operation):
    """``x1 @ x2``: ``(..., n, k) @ (..., k, m) -> (..., n, m)``, leading axes broadcast."""

    operation = Text("matrix product", "矩阵乘法")
    shape_rule = Text("(..., n, k) @ (..., k, m) → (..., n, m); leading axes broadcast",
                      "(..., n, k) @ (..., k, m) → (..., n, m)；前面的维度广播")

    def compute_output_spec(self, x1, x2):
        d1, d2 = _dtype(x1), _dtype(x2)
        dtype = "int32" if d1 == d2 == "int8" else result_type(d1, d2)
        return Spec(matmul_shape(operand_shape(x1), operand_shape(x2)), dtype)

    def contracted(self) -> int:
        return self._in_shapes[0][-1] if self._in_shapes else None

    def tf_flops_for_call(self, output_shape, x1, x2):
        """TF profiler: 2 × k × output elements, as MatMul when the second operand is a matrix
        (Keras' TF backend folds the leading axes of the first), else BatchMatMulV2."""
        from ..core import tf_flops

        s1, s2 = _shape_of(x1), _shape_of(x2)
        if type(self) is not Matmul or len(s1) < 2 or len(s2) < 2:
            return tf_flops.not_modelled(type(self).__name__)
        op = "MatMul" if len(s2) == 2 else "BatchMatMulV2"
        return {op: 2 * tf_flops.dims([s1[-1]], "the contracted dimension") * batch_1_elements(output_shape)}

    def cost_for_call(self, output_shape, *args, **kwargs):
        """MACs = output elements × the contracted size k."""
        k = self.contracted()
        return cost.Cost([cost.macs(self.operation, cost.elements(output_shape),
                                    cost.factor(k, Text("per output element", "每个输出元素")))])


class Dot(Matmul):
    def compute_output_spec(self, x1, x2):
        s1, s2 = list(operand_shape(x1)), list(operand_shape(x2))
        dtype = result_type(operand_dtype(x1), operand_dtype(x2))
        if s1 == [] or s2 == []:
            return Spec(broadcast_shapes(s1, s2), dtype)
        if len(s1) == 1 and len(s2) == 1:
            return Spec([], dtype)
        if len(s2) == 1:
            if s1[-1] != s2[0]:
                raise ValueError(
                    "Shape must match on the last axis of `x1` and `x2` when `x1` is N-d array while "
                    f"`x2` is 1-D, but receive shape `x1.shape={tuple(s1)}` and x2.shape=`{tuple(s2)}`.")
            return Spec(s1[:-1], dtype)
        if s1[-1] is None or s2[-2] is None or s1[-1] == s2[-2]:
            return Spec(s1[:-1] + s2[:-2] + s2[-1:], dtype)
        raise ValueError(
            "Shape must match on the last axis of `x1` and second last axis of `x2` when `x1` is N-d "
            f"array while `x2` is M-D, but received `x1.shape={tuple(s1)}` and x2.shape=`{tuple(s2)}`.")


class Tensordot(Matmul):
    def __init__(self, axes=2, **kwargs):
        super().__init__(**kwargs)
        self.axes = axes

    def compute_output_spec(self, x1, x2):
        s1, s2 = list(operand_shape(x1)), list(operand_shape(x2))
        dtype = result_type(operand_dtype(x1), operand_dtype(x2))
        if not isinstance(self.axes, int):
            sel1 = [s1[ax] for ax in self.axes[0]]
            sel2 = [s2[ax] for ax in self.axes[1]]
            if not shape_equal(sel1, sel2, allow_none=True):
                raise ValueError(f"Shape mismatch on `x1[axes[0]]` and `x2[axes[1]]`, received {sel1} and {sel2}.")
            for ax in self.axes[0]:
                s1[ax] = -1
            for ax in self.axes[1]:
                s2[ax] = -1
            return Spec([d for d in s1 if d != -1] + [d for d in s2 if d != -1], dtype)
        if self.axes <= 0:
            return Spec(s1 + s2, dtype)
        return Spec(s1[:-self.axes] + s2[self.axes:], dtype)

    def contracted(self):
        if not self._in_shapes:
            return None
        s1 = self._in_shapes[0]
        axes = self.axes if not isinstance(self.axes, int) else list(range(len(s1) - self.axes, len(s1)))
        axes = axes[0] if not isinstance(self.axes, int) else axes
        dims = [s1[a] for a in (axes if isinstance(axes, (list, tuple)) else [axes])]
        return None if None in dims else math.prod(dims)


class Einsum(Operation):
    """``einsum(subscripts, *operands)``: Keras' rule (letters → sizes, the rest broadcast)."""

    operation = Text("einsum contraction", "einsum 缩并")
    shape_rule = Text("each output letter takes its operand's size", "每个输出字母取其操作数的大小")

    def __init__(self, subscripts, **kwargs):
        super().__init__(**kwargs)
        self.subscripts = subscripts

    def compute_output_spec(self, *operands):
        parts = self.subscripts.split("->")
        if len(parts) > 2:
            raise ValueError(f"At most one '->' is supported in `einsum` subscripts, but received {self.subscripts}.")
        subscripts, output_spec = (parts[0], parts[1]) if len(parts) == 2 else (self.subscripts, None)
        input_specs = subscripts.split(",")
        if len(input_specs) != len(operands):
            raise ValueError(f"Number of operands ({len(operands)}) does not match the number of input specs "
                             f"({len(input_specs)}) in `einsum`, received subscripts={self.subscripts}.")
        reduced, kept = set(), set()
        for s in subscripts:
            if not s.isalpha():
                continue
            if s not in reduced and s not in kept:
                kept.add(s)
            elif s in kept:
                kept.remove(s)
                reduced.add(s)
        if output_spec is not None:
            kept2, reduced2 = kept.copy(), reduced.copy()
            for d in kept:
                if d not in output_spec:
                    kept2.remove(d)
                    reduced2.add(d)
            for d in reduced:
                if d in output_spec:
                    reduced2.remove(d)
                    kept2.add(d)
            kept, reduced = kept2, reduced2
        target = f"...{''.join(sorted(kept))}" if output_spec is None else output_spec
        expanded = []
        for x, spec in zip(operands, input_specs):
            x_shape = [-1 if d is None else d for d in operand_shape(x)]
            split = spec.split("...")
            shape = target
            if len(split) == 1:
                if len(x_shape) != len(split[0]):
                    raise ValueError(
                        "Number of dimensions in the subscript does not match the number of dimensions in "
                        f"the operand, received subscript `{spec}` and operand of shape {x_shape}.")
                for size, s in zip(x_shape, split[0]):
                    shape = shape.replace(s, f"{size} ")
                shape = shape.replace("...", "")
            else:
                for i in range(len(split[0])):
                    shape = shape.replace(split[0][i], f"{x_shape[i]} ")
                for i in range(len(split[1])):
                    shape = shape.replace(split[1][-i - 1], f"{x_shape[-i - 1]} ")
                end = len(x_shape) if len(split[1]) == 0 else -len(split[1])
                wildcard = x_shape[len(split[0]):end]
                shape = shape.replace("...", f"{' '.join(str(s) for s in wildcard)} ")
            shape = re.sub("[a-z]", "1 ", shape).split()
            expanded.append([None if s == "-1" else int(s) for s in shape])
        out = expanded[0]
        for shape in expanded[1:]:
            out = broadcast_shapes(out, shape)
        dtypes = list({_dtype(x) for x in operands})
        dtype = "int32" if len(dtypes) == 1 and dtypes[0] == "int8" else result_type(*dtypes)
        return Spec(out, dtype)

    def tf_flops_for_call(self, output_shape, *operands, **kwargs):
        """TF profiler, two operands: MatMul / BatchMatMulV2 = 2 × the product of every letter's size when
        Keras' TF backend rewrites the (letter-normalised) equation to tf.matmul (``tf_flops.EINSUM_AS_*``),
        else an Einsum op: 0. One operand or three: not modelled."""
        from ..core import tf_flops

        subscripts = self.subscripts.replace(" ", "")
        if len(operands) != 2 or "->" not in subscripts or "..." in subscripts:
            return tf_flops.not_modelled(f"einsum '{self.subscripts}'")
        eq = tf_flops.normalize_einsum(subscripts)
        op = ("MatMul" if eq in tf_flops.EINSUM_AS_MATMUL
              else "BatchMatMulV2" if eq in tf_flops.EINSUM_AS_BATCH_MATMUL else None)
        if op is None:
            return {}
        sizes: dict = {}
        for letters, value in zip(subscripts.split("->")[0].split(","), operands):
            for letter, size in zip(letters, tf_flops.leading_batch_1(_shape_of(value))):
                if sizes.get(letter) in (None, 1):
                    sizes[letter] = size
        return {op: 2 * tf_flops.dims(list(sizes.values()), "an einsum dimension")}

    def cost_for_call(self, output_shape, *args, **kwargs):
        """MACs = output elements × the product of the summed letters' sizes (per sample).

        Without ``->`` the output is numpy's implicit one (the letters that appear once, in
        alphabetical order), so the summed letters are those that appear more than once.
        Subscripts with ``...`` are not counted (said, never a silent 0).
        """
        if "..." in self.subscripts or not self._in_shapes:
            return cost.not_modelled(f"einsum '{self.subscripts}'")
        subscripts = self.subscripts.replace(" ", "")
        if "->" not in subscripts:
            letters = subscripts.replace(",", "")
            subscripts += "->" + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
        inputs, output = subscripts.split("->")
        sizes = {}
        for spec, shape in zip(inputs.split(","), self._in_shapes):
            for letter, size in zip(spec, shape):
                if sizes.get(letter) is None:
                    sizes[letter] = size
        summed = [sizes[c] for c in sorted(set(inputs) - set(output) - {","})]
        return cost.Cost([cost.macs(self.operation, cost.elements(output_shape),
                                    cost.factor(summed, Text("summed terms per output element",
                                                             "每个输出元素的求和项数")))])


# ------------------------------------------------------------------ creation (concrete values)
def _constant(shape, dtype):
    """A concrete tensor of ``shape`` (checked as Keras checks shapes) and ``dtype``."""
    return Constant(shape=Spec(shape, dtype).shape, dtype=standardize(dtype))


def _shape_arg(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def zeros(shape, dtype=None):
    """``keras.ops.zeros``: a constant of ``shape`` (floatx unless ``dtype``)."""
    return _constant(_shape_arg(shape), dtype or FLOATX)


def ones(shape, dtype=None):
    return _constant(_shape_arg(shape), dtype or FLOATX)


def empty(shape, dtype=None):
    return _constant(_shape_arg(shape), dtype or FLOATX)


def full(shape, fill_value, dtype=None):
    return _constant(_shape_arg(shape), dtype or FLOATX)


def eye(N, M=None, k=0, dtype=None):
    return _constant((N, N if M is None else M), dtype or FLOATX)


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


_NO_STOP = object()


def arange(start=0.0, stop=_NO_STOP, step=None, dtype=None):
    """``keras.ops.arange``: ``ceil((stop - start) / step)`` values (never negative).

    Inside a traced ``call()`` an unknown bound (``ops.shape(x)[1]`` of a ``None`` dim, a
    symbolic int32 scalar in Keras) gives a length of ``None``.
    """
    from ..core import tracing

    given_stop, stop = stop is not _NO_STOP, None if stop is _NO_STOP else stop
    if not tracing.recording() and (start is None or (given_stop and stop is None)):
        found = [operand_dtype(v) if v is not None else "int32" for v in (start, stop, step) if v is not None] \
            or ["int32"]
        return _constant((None,), dtype or result_type(*found, "int32"))
    for v in (start, stop, step):
        if hasattr(v, "shape") and not isinstance(v, (int, float)):
            from ..errors import Unsupported

            raise Unsupported("keras.ops.arange on a tensor: its length would depend on values nncalc does not compute")
    if dtype is None:
        found = [operand_dtype(start)] + [operand_dtype(v) for v in (stop, step) if v is not None]
        dtype = result_type(*found)
    first, last = (0, start) if stop is None else (start, stop)
    delta = 1 if step is None else step
    if delta == 0:
        raise ValueError("arange: step must not be 0")
    return _constant((builtins.max(0, math.ceil((last - first) / delta)),), dtype)


def zeros_like(x, dtype=None):
    return apply(ZerosLike, (x,), dtype=dtype)


def ones_like(x, dtype=None):
    return apply(OnesLike, (x,), dtype=dtype)


# ------------------------------------------------------------------ functions
def _binary_function(cls):
    def function(x1, x2):
        return apply(cls, (x1, x2))

    function.__doc__ = f"``keras.ops.{cls.__name__.lower()}(x1, x2)``: {cls.operation.en}."
    return function


def _unary_function(cls):
    def function(x):
        return apply(cls, (x,))

    function.__doc__ = f"``keras.ops`` {cls.__name__}(x), element by element."
    return function


add, subtract, multiply, divide, true_divide, floor_divide, mod, power, maximum, minimum = (
    _binary_function(c) for c in (Add, Subtract, Multiply, Divide, TrueDivide, FloorDivide, Mod, Power,
                                  Maximum, Minimum))
less, less_equal, greater, greater_equal, equal, not_equal = (
    _binary_function(c) for c in (Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual))
logical_and, logical_or, logical_xor = (_binary_function(c) for c in (LogicalAnd, LogicalOr, LogicalXor))
matmul, dot = _binary_function(Matmul), _binary_function(Dot)
negative, absolute, sign, floor, ceil = (_unary_function(c) for c in (Negative, Absolute, Sign, Floor, Ceil))
abs = absolute
sqrt, log, log1p, sin, cos, tan, tanh, rsqrt, reciprocal, arctan, sinh, cosh = (
    _unary_function(c) for c in (Sqrt, Log, Log1p, Sin, Cos, Tan, Tanh, Rsqrt, Reciprocal, Arctan, Sinh, Cosh))
exp, expm1, square, logical_not = (_unary_function(c) for c in (Exp, Expm1, Square, LogicalNot))


def round(x, decimals=0):
    return apply(Round, (x,), decimals=decimals)


def clip(x, x_min, x_max):
    return apply(Clip, (x,), x_min=x_min, x_max=x_max)


def get_item(x, key):
    return apply(GetItem, (x, key))


def reshape(x, newshape):
    return apply(Reshape, (x,), newshape=newshape)


def transpose(x, axes=None):
    return apply(Transpose, (x,), axes=axes)


def expand_dims(x, axis):
    return apply(ExpandDims, (x,), axis=axis)


def squeeze(x, axis=None):
    return apply(Squeeze, (x,), axis=axis)


def concatenate(xs, axis=0):
    return apply(Concatenate, (list(xs),), axis=axis)


def stack(x, axis=0):
    return apply(Stack, (list(x),), axis=axis)


def split(x, indices_or_sections, axis=0):
    return apply(Split, (x,), indices_or_sections=indices_or_sections, axis=axis)


def tile(x, repeats):
    return apply(Tile, (x,), repeats=repeats)


def repeat(x, repeats, axis=None):
    return apply(Repeat, (x,), repeats=repeats, axis=axis)


def take(x, indices, axis=None):
    return apply(Take, (x, indices), axis=axis)


def take_along_axis(x, indices, axis=None):
    return apply(TakeAlongAxis, (x, indices), axis=axis)


def where(condition, x1=None, x2=None):
    return apply(Where, (condition, x1, x2))


def tensordot(x1, x2, axes=2):
    return apply(Tensordot, (x1, x2), axes=axes)


def einsum(subscripts, *operands, **kwargs):
    return apply(Einsum, operands, subscripts=subscripts)


def _reduction(cls):
    def function(x, axis=None, keepdims=False):
        return apply(cls, (x,), axis=axis, keepdims=keepdims)

    function.__doc__ = f"``keras.ops.{cls.__name__.lower()}(x, axis=None, keepdims=False)``: {cls.shape_rule.en}."
    return function


mean, sum, max, min, argmax, argmin = (_reduction(c) for c in (Mean, Sum, Max, Min, Argmax, Argmin))
amax, amin = max, min


def prod(x, axis=None, keepdims=False, dtype=None):
    return apply(Prod, (x,), axis=axis, keepdims=keepdims, dtype=dtype)


# ------------------------------------------------------------------ more reductions and layout
class Var(Reduction):
    """``var``: ``result_type(dtype, float)``."""

    def tf_flops_for_call(self, output_shape, x, *args, **kwargs):
        """TF profiler (``mean(square(x - mean(x)))``): Mean 2 × input elements, Sub and Square 1 each."""
        n = batch_1_elements(_shape_of(x), "the input")
        return {"Mean": 2 * n, "Sub": n, "Square": n}

    def result_dtype(self, x):
        return result_type(operand_dtype(x), float)


class Std(Reduction):
    """``std``: an int or bool input gives floatx."""

    tf_flops_for_call = Var.tf_flops_for_call  # the variance, then Sqrt (not registered)

    def result_dtype(self, x):
        dtype = _dtype(x)
        return FLOATX if "int" in dtype or dtype == "bool" else dtype


class Any(Reduction):
    operation = Text("logical reduction (one operation per input element)", "逻辑归约（每个输入元素一次运算）")

    def result_dtype(self, x):
        return "bool"


All = type("All", (Any,), {"__doc__": "``keras.ops.all``: a bool reduction."})


def _canonicalize_axes(axis, ndim):
    for a in (axis if isinstance(axis, (tuple, list)) else (axis,)):
        canonicalize_axis(a, ndim)


class Cumsum(Operation):
    """``cumsum(x, axis)``: shape kept (flattened when axis is None); bool gives int32."""

    operation = Text("running sum", "累加")
    shape_rule = Text("the shape is kept (flattened when axis=None)", "形状不变（axis=None 时展平）")

    def __init__(self, axis=None, dtype=None, **kwargs):
        super().__init__(**kwargs)
        self.axis, self.out_dtype = axis, dtype

    def compute_output_spec(self, x):
        shape = operand_shape(x)
        if self.axis is None:
            shape = (None,) if None in shape else (math.prod(shape),)
        else:
            canonicalize_axis(self.axis, len(shape))
        dtype = _dtype(x) if self.out_dtype is None else standardize(self.out_dtype)
        return Spec(shape, "int32" if dtype == "bool" else dtype)


Cumprod = type("Cumprod", (Cumsum,), {"operation": Text("running product", "累乘")})
Cumsum.tf_ops = {}  # TF profiler: Cumsum is not registered (measured on keras_hub's Falcon ALiBi)


class Flip(LayoutOperation):
    shape_rule = Text("the shape is kept", "形状不变")

    def __init__(self, axis=None, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def compute_output_spec(self, x):
        shape = operand_shape(x)
        if self.axis is not None:
            _canonicalize_axes(self.axis, len(shape))
        return Spec(shape, _dtype(x))


class Roll(Flip):
    def __init__(self, shift, axis=None, **kwargs):
        super().__init__(axis, **kwargs)
        self.shift = shift


class Pad(LayoutOperation):
    shape_rule = Text("each axis grows by its padding before and after", "每个维度加上前后的填充")

    def __init__(self, pad_width, mode="constant", **kwargs):
        super().__init__(**kwargs)
        if isinstance(pad_width, int):
            pad_width = ((pad_width, pad_width),)
        elif isinstance(pad_width, (tuple, list)) and isinstance(pad_width[0], int):
            pad_width = (pad_width,)
        else:
            pad_width = list(pad_width)
            first = len(pad_width[0])
            for i, pw in enumerate(pad_width):
                if len(pw) != first:
                    raise ValueError(f"`pad_width` should be a list of tuples of length 1 or 2. Received: pad_width={pad_width}")
                if len(pw) == 1:
                    pad_width[i] = (pw[0], pw[0])
        self.pad_width, self.mode = pad_width, mode

    def compute_output_spec(self, x, constant_values=None):
        shape = list(operand_shape(x))
        if len(self.pad_width) == 1:
            widths = [self.pad_width[0]] * len(shape)
        elif len(self.pad_width) == len(shape):
            widths = self.pad_width
        else:
            raise ValueError(
                f"`pad_width` must have the same length as `x.shape`. Received: pad_width={self.pad_width} "
                f"(of length {len(self.pad_width)}) and x.shape={tuple(shape)} (of length {len(shape)})")
        return Spec([None if d is None else d + w[0] + w[1] for d, w in zip(shape, widths)], _dtype(x))


def var(x, axis=None, keepdims=False):
    return apply(Var, (x,), axis=[axis] if isinstance(axis, int) else axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    return apply(Std, (x,), axis=[axis] if isinstance(axis, int) else axis, keepdims=keepdims)


def any(x, axis=None, keepdims=False):
    return apply(Any, (x,), axis=[axis] if isinstance(axis, int) else axis, keepdims=keepdims)


def all(x, axis=None, keepdims=False):
    return apply(All, (x,), axis=[axis] if isinstance(axis, int) else axis, keepdims=keepdims)


def cumsum(x, axis=None, dtype=None):
    return apply(Cumsum, (x,), axis=axis, dtype=dtype)


def cumprod(x, axis=None, dtype=None):
    return apply(Cumprod, (x,), axis=axis, dtype=dtype)


def flip(x, axis=None):
    return apply(Flip, (x,), axis=axis)


def roll(x, shift, axis=None):
    return apply(Roll, (x,), shift=shift, axis=axis)


def pad(x, pad_width, mode="constant", constant_values=None):
    return apply(Pad, (x,), {"constant_values": constant_values}, pad_width=pad_width, mode=mode)
