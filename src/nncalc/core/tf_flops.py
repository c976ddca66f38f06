"""TensorFlow's profiler count of float operations (``--flops-convention tf``).

``keras-flops`` and many papers quote the figure of ``tf.compat.v1.profiler``
(``ProfileOptionBuilder.float_operation()``) on a Keras model traced at batch 1 and
frozen. That count is not nncalc's convention (:mod:`nncalc.core.cost`): the profiler
counts an op only if TensorFlow registered a FLOPs statistic for its *type* (Relu,
Sigmoid, Tanh, Einsum, 3-D pooling ... count 0), a matmul or convolution counts
2 per multiply-accumulate, ``Softmax`` 5 per element, ``Rsqrt`` 2, and no constant
folding happens (BatchNormalization's ``rsqrt(variance + ε)`` is counted).

Each layer states what the profiler counts for it in ``Layer.tf_flops`` (a dict
``{TF op type: float ops}`` at batch 1, ``{}`` when the profiler counts nothing); the
measured rules are in ``tests/analysis/TF_PROFILER_RULES.md``. A layer that does not
state it is "not modelled" (said, never a silent 0), and a dimension that is ``None``
makes the figure unknown (the profiler needs every dimension but the batch).
"""

from __future__ import annotations

import math
from typing import Optional

from .explain import Step, Text, num

TF_FLOPS = Text("FLOPs (TensorFlow profiler)", "浮点运算 FLOPs（TensorFlow 分析器）")
TF_RULE = Text("float ops TensorFlow's profiler counts per op type, batch 1 (keras-flops)",
               "TensorFlow 分析器按算子类型统计的浮点运算，批大小 1（同 keras-flops）")


class TFUnknown(Exception):
    """Raised by :func:`size` on a ``None`` dimension; the layer's figure becomes unknown."""

    def __init__(self, reason: Text):
        super().__init__(reason.en)
        self.reason = reason


class TFFlops(dict):
    """``{TF op type: float ops}`` of one or more layer calls at batch 1 (zero counts dropped).

    ``unknown`` says why there is no figure (a ``None`` dimension, a layer not modelled).
    """

    def __init__(self, ops=None, unknown: Optional[Text] = None):
        super().__init__()
        self.unknown = unknown
        for op, value in (ops or {}).items():
            if value:
                self[op] = self.get(op, 0) + int(value)

    @property
    def known(self) -> bool:
        return self.unknown is None

    @property
    def total(self) -> Optional[int]:
        return sum(self.values()) if self.unknown is None else None

    def why_unknown(self) -> Optional[Text]:
        return self.unknown

    def __add__(self, other) -> "TFFlops":
        other = as_tf_flops(other)
        merged = TFFlops(self, self.unknown or other.unknown)
        for op, value in other.items():
            merged[op] = merged.get(op, 0) + value
        return merged

    def sorted_items(self) -> list:
        """Op types by decreasing count (the profiler's order), then by name."""
        return sorted(self.items(), key=lambda kv: (-kv[1], kv[0]))

    def formula(self) -> str:
        """``Conv2D 1,258,291,200 + BiasAdd 8,388,608`` (``0`` when nothing is counted)."""
        return " + ".join(f"{op} {num(v)}" for op, v in self.sorted_items()) or "0"

    def steps(self) -> list[Step]:
        if self.unknown is not None:
            return [Step("cost", TF_FLOPS, Text("unknown", "未知"), None, self.unknown)]
        return [Step("flops", TF_FLOPS, self.formula(), self.total, TF_RULE)]


def as_tf_flops(value) -> TFFlops:
    """A layer's answer (a dict, or already a :class:`TFFlops`) as a :class:`TFFlops`."""
    if isinstance(value, TFFlops):
        return value
    return TFFlops(value or {})


def ops(*pairs) -> dict:
    """``ops(("MatMul", 2 * d * u), ("BiasAdd", u))`` -> a dict summing repeated op types."""
    result: dict = {}
    for op, value in pairs:
        if value:
            result[op] = result.get(op, 0) + int(value)
    return result


def add_ops(*dicts) -> dict:
    """The op-wise sum of several ``{op: count}`` dicts."""
    result: dict = {}
    for d in dicts:
        for op, value in d.items():
            if value:
                result[op] = result.get(op, 0) + value
    return result


def scale_ops(d: dict, k: int) -> dict:
    return {op: value * k for op, value in d.items()}


def size(shape, what: str = "the tensor") -> int:
    """Elements of a per-sample tensor (batch axis excluded); a ``None`` dim raises TFUnknown."""
    dims = tuple(shape[1:])
    if any(d is None for d in dims):
        raise TFUnknown(Text(f"TensorFlow's profiler needs every dimension but the batch; "
                                f"{what} has shape {tuple(shape)}",
                                f"TensorFlow 分析器需要除批次外的所有维度；{what} 的形状为 {tuple(shape)}"))
    return math.prod(dims)


def dims(values, what: str = "a dimension") -> int:
    """The product of ``values``; a ``None`` raises TFUnknown."""
    values = tuple(values)
    if any(v is None for v in values):
        raise TFUnknown(Text(f"TensorFlow's profiler needs every dimension but the batch; {what} is None",
                                f"TensorFlow 分析器需要除批次外的所有维度；{what} 为 None"))
    return math.prod(values)


def not_modelled(class_name: str) -> TFFlops:
    """The default: what TF's profiler counts for this layer is not stated (never a silent 0)."""
    return TFFlops(unknown=Text(f"nncalc does not model TensorFlow's profiler count of {class_name}",
                                f"nncalc 尚未模拟 TensorFlow 分析器对 {class_name} 的统计"))


def unknown(en: str, zh: str) -> TFFlops:
    return TFFlops(unknown=Text(en, zh))


# What the profiler counts for a Keras activation on N elements (TF 2.21's registered op
# types): Relu, Relu6, Elu, Selu, Sigmoid, Tanh, Softplus, Softsign, Exp, LeakyRelu and
# LogSoftmax are not registered (0); softmax is one Softmax op (5 per element); the others
# are compositions of registered element-wise ops, as keras/src/activations computes them.
ACTIVATION_OPS = {
    "gelu": (("Mul", 3), ("Neg", 1)),  # exact gelu: 0.5 · x · erfc(-x / √2)
    # keras_hub's helpers: gelu(x, approximate=True) (tanh form) and CLIP's x · sigmoid(1.702 · x)
    "gelu_approximate": (("Mul", 4), ("AddV2", 2), ("Pow", 1)),
    "quick_gelu": (("Mul", 2),),
    "swish": (("Mul", 2),),  # x · sigmoid(1 · x)
    "silu": (("Mul", 2),),
    "hard_sigmoid": (("AddV2", 1), ("RealDiv", 1)),  # relu6(x + 3) / 6
    "hard_swish": (("AddV2", 1), ("RealDiv", 1), ("Mul", 1)),
    "hard_silu": (("AddV2", 1), ("RealDiv", 1), ("Mul", 1)),
    "mish": (("Mul", 1),),  # x · tanh(softplus(x))
    "softmax": (("Softmax", 5),),
}
FREE_ACTIVATIONS = {None, "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "sigmoid", "tanh",
                    "softplus", "softsign", "exponential", "log_softmax"}


def activation_ops(name: Optional[str], n: int) -> dict:
    """What the profiler counts for activation ``name`` on ``n`` elements (softmax: last axis)."""
    if name in FREE_ACTIVATIONS:
        return {}
    if name not in ACTIVATION_OPS:
        raise TFUnknown(Text(f"nncalc does not model TensorFlow's profiler count of activation {name!r}",
                                f"nncalc 尚未模拟 TensorFlow 分析器对激活函数 {name!r} 的统计"))
    return ops(*((op, per * n) for op, per in ACTIVATION_OPS[name]))


def tf_total(parts, names=None) -> TFFlops:
    """Several calls' counts as one (a nested model's row, a model's total)."""
    parts = [as_tf_flops(p) for p in parts]
    names = list(names) if names is not None else [None] * len(parts)
    result = TFFlops()
    for name, part in zip(names, parts):
        if part.unknown is not None:
            where = f"{name}: " if name else ""
            return TFFlops(unknown=Text(f"unknown because of {where}{part.unknown.en}",
                                        f"未知，因为 {where}{part.unknown.zh}"))
        result = result + part
    return result


def unknown_cost(why: Text, convention: str = "nncalc"):
    """Figures that cannot be given (``why``), as a :class:`~nncalc.core.cost.Cost`, or, for
    ``--flops-convention tf``, a :class:`TFConventionCost` unknown in both parts."""
    from .cost import Cost

    cost = Cost(unknown=why)
    return TFConventionCost(cost, TFFlops(unknown=why)) if convention == "tf" else cost


class TFConventionCost:
    """A row's (or a model's) cost under ``--flops-convention tf``: nncalc's MACs, TF's FLOPs.

    Renderers read ``macs``, ``flops``, ``why_unknown()`` and ``steps()`` as on a
    :class:`nncalc.core.cost.Cost`; ``by_op`` is the profiler's figure per op type.
    """

    def __init__(self, base, tf: TFFlops):
        self.base = base
        self.tf = tf

    @property
    def known(self) -> bool:
        return self.tf.known

    @property
    def macs(self) -> Optional[int]:
        return self.base.macs

    @property
    def flops(self) -> Optional[int]:
        return self.tf.total

    @property
    def by_op(self) -> Optional[dict]:
        return None if self.tf.unknown is not None else dict(self.tf.sorted_items())

    @property
    def terms(self):
        return self.base.terms

    def why_unknown(self) -> Optional[Text]:
        return self.tf.why_unknown() or self.base.why_unknown()

    def steps(self) -> list[Step]:
        """nncalc's MACs derivation, then the profiler's FLOPs by op type."""
        base_steps = [] if self.base.why_unknown() is not None else \
            [s for s in self.base.steps() if s.topic == "macs" or
             (s.topic == "cost_term" and any(t.kind == "macs" and t.label == s.label for t in self.base.terms))]
        return base_steps + self.tf.steps()


def at_batch_1(shape) -> tuple:
    """A symbolic shape at batch 1 (the profiler's trace): the batch axis becomes 1."""
    shape = tuple(shape)
    return (1,) + shape[1:] if shape else shape


def leading_batch_1(shape: tuple) -> tuple:
    """A leading ``None`` (the batch axis) as 1; any other shape (a constant's) is kept.

    (:func:`at_batch_1` sets axis 0 to 1 whatever it is: for tensors known to carry a batch axis.)
    """
    return (1,) + tuple(shape[1:]) if shape and shape[0] is None else tuple(shape)


def batch_1_elements(shapes, what: str = "the output") -> int:
    """Elements of a tensor (or several) as TF's profiler traces it: a leading ``None`` (the
    batch axis) is 1; any other ``None`` makes the figure unknown (``TFUnknown``)."""
    total = 0
    for shape in (shapes if isinstance(shapes, list) else [shapes]):
        shape = tuple(shape) if isinstance(shape, (tuple, list)) else ()
        total += dims(leading_batch_1(shape), f"a dimension of {what}")
    return total


def keras_add_op(x1_shape, x2_shape) -> str:
    """The TF op of Keras' ``ops.add(x1, x2)`` on these (batch-1) shapes: ``BiasAdd`` when x2
    squeezes to one dim equal to x1's axis 1 or last axis and x1 has rank ≥ 2, else ``AddV2``
    (``keras/src/backend/tensorflow/numpy.py::add``). Both count the output elements."""
    x1, x2 = tuple(x1_shape), tuple(x2_shape)
    squeezed = [d for d in x2 if d is None or d > 1]
    if len(squeezed) == 1 and len(x1) > 1 and squeezed[0] is not None and squeezed[0] in {x1[1], x1[-1]}:
        return "BiasAdd"
    return "AddV2"


# Equations (letters renamed in order of appearance) that Keras' TF backend runs as
# tf.matmul instead of tf.einsum (keras/src/backend/tensorflow/numpy.py::einsum); the
# first four are 2-D matmuls (MatMul), the others batched (BatchMatMulV2). tf.einsum
# itself (an Einsum op) has no registered FLOPs: 0.
EINSUM_AS_MATMUL = ["a,b->ab", "ab,b->a", "ab,bc->ac", "ab,cb->ac"]
EINSUM_AS_BATCH_MATMUL = [
    "abc,cd->abd", "abc,dc->abd", "abcd,abde->abce", "abcd,abed->abce", "abcd,acbe->adbe",
    "abcd,adbe->acbe", "abcd,aecd->acbe", "abcd,aecd->aceb", "abc,cde->abde", "abc,dce->abde",
    "abc,dec->abde", "abcd,cde->abe", "abcd,ced->abe", "abcd,ecd->abe", "abcde,aebf->adbcf",
    "abcde,afce->acdbf",
]


def normalize_einsum(equation: str) -> str:
    mapping: dict = {}
    out = ""
    for c in equation:
        if c.isalpha():
            mapping.setdefault(c, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(mapping)])
            out += mapping[c]
        else:
            out += c
    return out


def einsum_ops(equation: str, x_shape, y_shape) -> dict:
    """What the profiler counts for Keras' ``ops.einsum(equation, x, y)`` at batch 1:
    MatMul / BatchMatMulV2 = 2 × the product of every letter's size (= 2 · K · N_out) when Keras
    rewrites the equation to tf.matmul, else 0 (an Einsum op)."""
    eq = normalize_einsum(equation.replace(" ", ""))
    if eq in EINSUM_AS_MATMUL:
        op = "MatMul"
    elif eq in EINSUM_AS_BATCH_MATMUL:
        op = "BatchMatMulV2"
    else:
        return {}
    inputs = eq.split("->")[0].split(",")
    sizes: dict = {}
    for letters, shape in zip(inputs, (at_batch_1(x_shape), tuple(y_shape))):
        for letter, dim in zip(letters, shape):
            if dim is not None:
                sizes[letter] = dim
    used = set("".join(inputs))
    return ops((op, 2 * dims([sizes.get(letter) for letter in used], "an einsum dimension")))


def einsum_output_shape(equation: str, x_shape, y_shape) -> tuple:
    """The traced shape of ``einsum(equation, x, y)`` at batch 1, from the operands' letter sizes
    (Keras' symbolic output shape may say None where the trace knows the size)."""
    inputs, output = equation.replace(" ", "").split("->")
    sizes: dict = {}
    for letters, shape in zip(inputs.split(","), (at_batch_1(x_shape), tuple(y_shape))):
        for letter, dim in zip(letters, shape):
            if dim is not None:
                sizes[letter] = dim
    shape = tuple(sizes.get(l) for l in output)
    dims(shape, "an einsum output dimension")
    return shape
